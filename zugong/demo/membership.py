"""The seed's party members: a Membership for every person in a branch, dues payments for recent months, and
the few recorded reasons for not paying.

Pure Python like `generate` and deterministic the same way: each branch draws its members' records from
`Random(f"{seed}:m:{code}")` and their payment days from `Random(f"{seed}:d:{code}")`, so a branch looks the
same whatever else the scale builds. A membership's id is its person's id.

The memberships are built from what the people stream left behind (`Plan.births`: each person's birth day
and sex, 4 bytes a person). While they are written, each member's dues (in 分) and the months paid (a bit
mask over the window) are kept in two arrays; `payment_rows()` then streams the payments from them, so
nothing per payment is ever held in memory.

What the data holds, with rough shares (they are draws, not quotas):
- status: full members, about 3 % probationary (accepted within the last year, mostly young; students more);
- joined after the 18th birthday, older people earlier; full members converted exactly one year later;
- category by the branch's profile: farmers in villages, retired in retirees' branches and over 60, students
  in student branches; some mobile members (流动党员: villages ~7 %) with an inflow organization's name
  (a few without), a few who lost contact (失联);
- dues kind follows the category; salary and pension members carry a realistic after-tax monthly income;
  dues are recorded (`dues_from`) from the window's first month, or the month joined if later: the platform's
  records begin there, so every month owed since has a payment, a recorded reason, or is really unpaid;
- a branch committee (书记, 组织委员, 宣传委员, then 纪检委员 and 副书记) in branches with 7 or more full
  members, a secretary (sometimes a deputy) in smaller ones; a few larger branches have none;
- payments every month for most; a few % with gaps, some who stopped paying (≥ 6 months for some, the
  error-severity rule), lost members who stopped when they were lost, a few exemptions with a reason, a few
  payments at an outdated base (marked in the note), a few salary members whose base is not yet recorded.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter

from zugong.core.dates import add_months, add_years

from . import data
from .generate import PROVINCE, Choice, Org, Plan

MEMBERSHIP_COLUMNS = (
    "id",
    "person_id",
    "organization_id",
    "org_path",
    "party_group_id",
    "status",
    "joined_on",
    "converted_on",
    "category",
    "classification",
    "occupation",
    "committee_post",
    "dues_kind",
    "dues_base",
    "dues_from",
    "inflow_organization_id",
    "inflow_org_name",
    "away_since",
    "lost_contact_since",
    "graduated_on",
    "transferred_out_on",
    "created_at",
    "updated_at",
)
PAYMENT_COLUMNS = (
    "id",
    "membership_id",
    "organization_id",
    "org_path",
    "month",
    "amount",
    "paid_on",
    "recorded_by_id",
    "note",
    "created_at",
)
EXEMPTION_COLUMNS = (
    "id",
    "membership_id",
    "organization_id",
    "org_path",
    "month_from",
    "month_to",
    "reason",
    "approval",
    "recorded_by_id",
    "created_at",
)

# Notes on the payments that do not match the member's recorded base.
NOTE_OLD_BASE = "按调资前工资基数交纳"
NOTE_NO_BASE = "计算基数待登记，按本人申报交纳"

ADULT_YEARS = 18

# Years between the 18th birthday and joining (mean of a gamma with shape 2): rural members join later.
JOIN_DELAY = {
    "village": 12.0,
    "community": 10.0,
    "government": 6.0,
    "township": 6.0,
    "police": 5.0,
    "retired": 8.0,
    "retired_worker": 10.0,
    "teacher": 6.0,
    "faculty": 5.0,
    "student": 2.0,
    "medical": 7.0,
    "soe": 9.0,
    "miner": 9.0,
    "private": 10.0,
    "social": 8.0,
}
# Mobile (流动) and lost-contact (失联) shares of the members of working age.
MOBILE = {"village": 0.075, "community": 0.04, "private": 0.03, "social": 0.02, "soe": 0.004, "miner": 0.003}
LOST = {"village": 0.004, "community": 0.006, "private": 0.006, "social": 0.004, "student": 0.002}
LOST_OTHER = 0.0004

POSTS_BY_SIZE = (
    ("secretary", "organization", "propaganda"),
    ("secretary", "organization", "propaganda", "discipline"),
    ("secretary", "deputy_secretary", "organization", "propaganda", "discipline"),
)

INFLOW_PLACE = Choice(data.INFLOW_PLACES)
INFLOW_SUFFIX = Choice(data.INFLOW_SUFFIXES)
OCCUPATION = {profile: Choice(weights) for profile, weights in data.OCCUPATIONS.items()}
EXEMPTION_REASON = Choice(data.EXEMPTION_REASONS)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class DuesTable:
    """`zugong.members.dues.monthly_dues` in whole 分 (integer arithmetic, same brackets, half-up)."""

    def __init__(self):
        from zugong.members import dues  # the one source of the brackets (needs Django's settings)

        def cents(value) -> int:
            return int(value * 100)

        self.brackets = {
            str(kind): [(None if top is None else cents(top), int(rate * 1000)) for top, rate in brackets]
            for kind, brackets in dues.BRACKETS.items()
        }
        self.fixed = {"farmer": cents(dues.farmer_amount()), "minimum": cents(dues.MINIMUM_AMOUNT)}

    def __call__(self, base_cents: int | None, kind: str) -> int:
        if kind in self.fixed:
            return self.fixed[kind]
        for upper, per_mille in self.brackets[kind]:
            if upper is None or base_cents <= upper:
                return (base_cents * per_mille + 500) // 1000
        raise AssertionError("the top band has no upper bound")


class Members:
    """The memberships, exemptions and payments of a built plan whose people were streamed.

    `months` is how many months of payments are stored, ending with the plan's as-of month."""

    def __init__(self, plan: Plan, months: int = 12, first_id: int = 1):
        if not 7 <= months <= 32:
            raise ValueError("store 7 to 32 months of payments (the arrears rule looks back 6 months owed)")
        if len(plan.births) != sum(o.people for o in plan.orgs):
            raise RuntimeError("stream the plan's people (people_rows) before its members")
        self.plan = plan
        self.first_id = first_id
        self.dues = DuesTable()
        self.as_of = as_of = plan.as_of
        last = month_index(as_of)
        self.window = [month_start(i) for i in range(last - months + 1, last + 1)]
        # Most pay on the party day in the first three weeks of the month: the share of this month's dues
        # paid so far grows with the day of the month.
        self.paid_this_month = 0.85 * min(1.0, as_of.day / 22)
        self.first_month = self.window[0]
        self.amount = array("i")  # the member's monthly dues in 分 (what was paid, for the noted ones)
        self.paid = array("I")  # bit m set: month m of the window paid (so at most 32 months)
        self.noted: dict[int, str] = {}  # member index → the note on all of its payments
        self.exemptions: list[tuple] = []
        self.stats: Counter = Counter()
        self.branches = [o for o in plan.orgs if o.people]
        for o in self.branches:
            if o.kind != "branch":
                raise RuntimeError(f"{o.name}: people outside a branch")

    # ------------------------------------------------------------ memberships

    def membership_rows(self, now: str):
        """One tuple per member (columns: MEMBERSHIP_COLUMNS), in person id order. Fills the dues arrays."""
        self.amount = array("i")
        self.paid = array("I")
        self.noted.clear()
        self.exemptions.clear()
        self.stats.clear()
        index = 0
        for org in self.branches:
            yield from self._branch(org, index, now)
            index += org.people

    def _branch(self, org: Org, start: int, now: str):
        rng = self.plan.rng(f"m:{org.code}")
        r = rng.random
        profile = org.profile
        births = self.plan.births
        groups = [c.id for c in org.children if c.kind == "party_group"]
        level = 1.0 if org.ctx.county else 1.3 if org.ctx.key == PROVINCE else 1.15
        delay = JOIN_DELAY[profile] / 2
        mobile_rate = MOBILE.get(profile, 0.0)
        lost_rate = LOST.get(profile, LOST_OTHER)
        as_of = self.as_of
        as_of_ord, year_ago_ord = as_of.toordinal(), add_years(as_of, -1).toordinal()
        approver = org.parent  # exemptions are approved by the next committee up (2008 规定 一、第七条)
        while approver.kind != "committee":
            approver = approver.parent
        approver = approver.short_name
        stats = self.stats
        rows = []
        for k in range(org.people):
            packed = births[start + k]
            birth = dt.date.fromordinal(packed >> 1)
            age = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
            adult = add_years(birth, ADULT_YEARS).toordinal()

            # Status and dates: full members were accepted at least a year ago.
            if profile == "student":
                p = 0.22
            elif age <= 35:
                p = 0.12 if age <= 30 else 0.055
            else:
                p = 0.015 if age <= 45 else 0.004 if age <= 55 else 0.001 if age <= 60 else 0.0
            if adult > year_ago_ord or r() < p:
                status = "probationary"
                low = max(adult, year_ago_ord + 1)
                joined = dt.date.fromordinal(low + int(r() * (as_of_ord - low + 1)))
                converted = None
            else:
                status = "full"
                span = year_ago_ord - adult
                days = int(rng.gammavariate(2.0, delay) * 365.25)
                if days > span:
                    days = int(r() * (span + 1))
                joined = dt.date.fromordinal(adult + days)
                converted = add_years(joined, 1)

            # Category and dues kind.
            graduated = None
            if profile == "village":
                category = "farmer" if r() >= 0.015 else "unemployed"
            elif profile in ("retired", "retired_worker"):
                category = "retired"
            elif profile == "student":
                category = "student"
                if r() < 0.06:
                    year = as_of.year - 1 - (0 if (x := r()) < 0.6 else 1 if x < 0.88 else 2 if x < 0.97 else 3)
                    graduated = dt.date(year, 6, 20) + dt.timedelta(days=int(r() * 25))
                    category = "employed" if r() < 0.4 else "unemployed"
            elif profile == "community":
                category = "retired" if age > 60 else "unemployed" if r() < 0.12 else "employed"
            elif profile == "faculty":
                category = "retired" if age > 65 else "employed"
            else:
                category = "retired" if age > 60 else "employed"
            kind = {"farmer": "farmer", "retired": "pension", "employed": "salary"}.get(category, "minimum")
            away = lost = None
            inflow = occupation = ""
            if category in ("employed", "farmer", "unemployed") and age <= 60:
                x = r()
                if x < mobile_rate:
                    category = "mobile"
                    gone = 30 + int(rng.expovariate(1 / 900)) if r() >= 0.12 else int(r() * 180)
                    away = as_of - dt.timedelta(days=min(gone, 4000))
                    if r() >= 0.07:
                        inflow = f"中共{INFLOW_PLACE(rng)}{INFLOW_SUFFIX(rng)}"
                elif x < mobile_rate + lost_rate:
                    category = "lost"
                    gone = int(r() * 180) if r() < 0.15 else 183 + int(rng.expovariate(1 / 700))
                    lost = as_of - dt.timedelta(days=min(gone, 3000))
            if kind == "salary" and category != "lost":
                occupation = OCCUPATION.get(profile, OCCUPATION["private"])(rng)

            # Income, dues and what was paid.
            base = None
            if kind == "salary":
                median, sigma = data.PAY.get(profile, data.PAY["private"])
                grow = 0.75 + 0.45 * min(1.0, max(0.0, (age - 22) / 28))
                base = max(150_000, round(median * level * grow * rng.lognormvariate(0, sigma) * 100))
            elif kind == "pension":
                median, sigma = data.PENSION.get(profile, data.PENSION["other"])
                base = max(120_000, round(median * level * rng.lognormvariate(0, sigma) * 100))
            due = self.dues(base, kind)
            dues_from = max(self.first_month, joined.replace(day=1))
            mask, exemption = self._payments(rng, dues_from, lost, category, kind, age)
            note = ""
            if base is not None and mask:
                x = r()
                if x < 0.003:  # base raised, dues still paid at the old one
                    old = self.dues(base * 4 // 5 // 10_000 * 10_000, kind)
                    if 0 < old < due - 1:
                        due, note = old, NOTE_OLD_BASE
                elif x < 0.007:  # base not yet recorded
                    note, base = NOTE_NO_BASE, None
            idx = start + k
            self.amount.append(due)
            self.paid.append(mask)
            if note:
                self.noted[idx] = note
            mid = self.first_id + idx
            if exemption:
                self.exemptions.append((mid, org.id, org.path, *exemption, approver))
            stats[status] += 1
            stats[category] += 1
            rows.append(
                [
                    mid,
                    mid,
                    org.id,
                    org.path,
                    groups[int(r() * len(groups))] if groups and r() < 0.95 else None,
                    status,
                    joined.isoformat(),
                    _iso(converted),
                    category,
                    "",
                    occupation,
                    "",
                    kind,
                    yuan(base) if base is not None else None,
                    dues_from.isoformat(),
                    None,
                    inflow,
                    _iso(away),
                    _iso(lost),
                    _iso(graduated),
                    None,
                    now,
                    now,
                ]
            )
        self._committee(rng, rows)
        for row in rows:
            yield tuple(row)

    def _payments(self, rng, dues_from: dt.date, lost, category: str, kind: str, age: int):
        """The bit mask of the window's months paid; an exemption (month_from, month_to, reason) or None."""
        r = rng.random
        n = len(self.window)
        first = month_index(self.first_month)
        start = month_index(dues_from) - first
        end = n  # months [start, end) are paid, less gaps
        if r() >= self.paid_this_month:
            end = n - 1  # this month's dues not paid yet (they are due by its end)
        x = r()
        if lost is not None:
            end = min(end, month_index(lost) - first)
        elif x < 0.006:  # stopped paying six months ago or more
            end = n - 1 - 6 - int(r() * 8)
        elif x < 0.021:  # stopped a few months ago
            end = n - 1 - 1 - int(r() * 5)
        mask = 0
        for m in range(max(0, start), end):
            mask |= 1 << m
        if 0.021 <= x < 0.05 and mask:  # a month or two missed in between
            for _ in range(1 + int(r() * 2)):
                mask &= ~(1 << (start + int(r() * (n - 1 - start))))
        exemption = None
        hardship = category in ("unemployed",) or (kind in ("farmer", "pension") and age >= 70)
        if lost is None and category != "mobile" and r() < (0.012 if hardship else 0.001):
            began = month_start(first + n - 2 - int(r() * 30))
            began = max(began, dues_from)
            ended = None if r() < 0.65 else add_months(began, 2 + int(r() * 8))
            for m in range(max(0, month_index(began) - first), n):
                if ended is None or first + m <= month_index(ended):
                    mask &= ~(1 << m)
            reason = EXEMPTION_REASON(rng)
            exemption = (began.isoformat(), _iso(ended), reason)
        return mask, exemption

    def _committee(self, rng, rows) -> None:
        """Committee posts for 3-5 full members (7 or more full members), else a secretary."""
        full = [row for row in rows if row[5] == "full"]
        if not full:
            return
        able = [row for row in full if row[8] not in ("mobile", "lost") and row[19] is None] or full
        n = len(full)
        if n >= 7:
            if rng.random() < 0.015:  # committee not (yet) elected: a secretary only, or nobody
                posts = ("secretary",) if rng.random() < 0.7 else ()
            else:
                posts = POSTS_BY_SIZE[0 if n < 15 else 1 if n < 30 else 2]
                if len(posts) == 5 and rng.random() < 0.4:
                    posts = posts[:1] + posts[2:]  # no deputy: four members
        else:
            posts = ("secretary", "deputy_secretary") if n >= 4 and rng.random() < 0.15 else ("secretary",)
        for row, post in zip(rng.sample(able, min(len(able), len(posts))), posts, strict=False):
            row[11] = post

    # ------------------------------------------------------------ exemptions and payments

    def exemption_rows(self, now: str, first_id: int = 1):
        """One tuple per recorded reason (columns: EXEMPTION_COLUMNS); after `membership_rows`."""
        for i, (mid, org_id, path, began, ended, reason, approver) in enumerate(self.exemptions):
            # One in eight recorded without the next level's approval (党费规定 一、第七条: a planted problem).
            approval = "" if i % 8 == 5 else f"经{approver}批准"
            yield (first_id + i, mid, org_id, path, began, ended, reason, approval, None, now)

    def summary(self) -> str:
        """Shares of the written memberships, for the seed's log."""
        total = max(1, self.stats["full"] + self.stats["probationary"])
        keys = ("probationary", "retired", "farmer", "student", "mobile", "lost")
        return ", ".join(f"{key} {100 * self.stats[key] / total:.1f} %" for key in keys)

    def payment_count(self) -> int:
        return sum(m.bit_count() for m in self.paid)

    def payment_rows(self, now: str, first_id: int = 1):
        """One tuple per payment (columns: PAYMENT_COLUMNS), member by member; after `membership_rows`.

        Paid on the branch's party day (主题党日) mostly, else any day of the month."""
        if len(self.paid) != len(self.plan.births):
            raise RuntimeError("write the memberships before the payments")
        months = []
        for month in self.window:
            days = (add_months(month, 1) - month).days
            paid_by = days if month != self.window[-1] else self.as_of.day  # this month: by the as-of day
            dates = [(month + dt.timedelta(days=d % paid_by)).isoformat() for d in range(days)]
            months.append((month.isoformat(), days, dates))
        n = len(months)
        amount, paid, noted = self.amount, self.paid, self.noted
        texts: dict[int, str] = {}
        pid = first_id
        index = 0
        for org in self.branches:
            r = self.plan.rng(f"d:{org.code}").random
            party_day = int(r() * 25)
            org_id, path = org.id, org.path
            for idx in range(index, index + org.people):
                mask = paid[idx]
                if not mask:
                    continue
                cents = amount[idx]
                text = texts.get(cents)
                if text is None:
                    text = texts[cents] = yuan(cents)
                note = noted.get(idx, "") if noted else ""
                mid = self.first_id + idx
                for m in range(n):
                    if mask >> m & 1:
                        iso, days, day_text = months[m]
                        x = r()
                        yield (
                            pid,
                            mid,
                            org_id,
                            path,
                            iso,
                            text,
                            day_text[party_day if x < 0.6 else int((x - 0.6) * 2.5 * days)],
                            None,
                            note,
                            now,
                        )
                        pid += 1
            index += org.people


