"""The seed's recruitment cases (发展党员纪实): applicants in stages 1–4, and the members admitted in the last two
years in stage 5 (probationary) or converted, with their steps and contacts.

Run after the people (and their memberships) are written: `seed_cases()` reads the active branches and a few
full members of each with set-based SQL, plans the applicants with `plan_cases()` (pure Python,
deterministic: each branch draws from `Random(f"{seed}:c:{path}")`) and bulk-writes them with `write_cases()`
through the loader's fast paths (SQLite executemany, PostgreSQL COPY).

What is written for each case:
- a new `people.Person` (the applicant: not a member, no Membership), in the branch, ≥ 18 when applying;
  the branch's `direct_people` is raised accordingly;
- the `recruitment.Case` with the dates of the steps done so far, `stage` computed by `Case.current_stage()`,
  status active, the target group by the branch's sector;
- `recruitment.CaseContact`: 1–2 sponsors from activist on, 2 introducers from candidate on, full members of
  the same branch who converted more than four years before the reference date (so they were full members
  on the day they were designated);
- `recruitment.Step`: one row per dated step (application, talk, activist, filing, sponsors, half-yearly
  inspections, candidate, …, branch meeting).

Approved cases are built on the memberships the membership seed wrote (`read_admitted`, `plan_admitted`): every
member who joined within two years of the reference date (three weeks before it at the latest) gets a case whose
branch meeting is the day they joined, approved within three months; a probationary member's case is in stage 5
(oath, inspections, the conversion application when due), a full member's is converted (已转正) on the day the
probation ended, which is the membership's `converted_on`. No new person is written for them, and their steps
are all on time, so the statistics (入党时间 by year and group) are filled without new findings.

Shares (draws, not quotas): stage 1 ≈ 30 %, 2 ≈ 40 %, 3 ≈ 20 %, 4 ≈ 10 % of the open cases. A few percent
break each rule, so a scan finds realistic numbers: talk later than a month (or overdue), an activist period
under a year, no political review (or concluded after the branch meeting), training too short, a failing
quorum or majority, the approval overdue (branch meeting more than three months ago), a missing sponsor or
introducer; and of the steps the chart requires (issue 13): an activist's half-yearly assessment missed (~2 %), an
activist or candidate not filed with the higher committee (~1.5 % each), a branch meeting without the pre-review
(~1.5 % of the meetings), an admission approved without the committee member's talk (~1 %), a conversion without
the oath on record (~1 %), and one in forty approvals of branches under a 党总支 recorded as by the 党总支
(`set_approving_organizations`; the others by the nearest 党委 above).

ID numbers. The people seed (generate.Context) gives people born in a context's own county the sequence
numbers 2·b … 499 of their birth day, where b = (7 · ordinal(birth day)) mod 200, and everyone else 500–999.
So for any area and birth day the numbers 000 … 2·b − 1 are never used by the seed: applicants get
2·k + male for k = 1 … b − 1 (birth day moved a day earlier when the day is full). `seed_cases()` also checks
the planned numbers against the database and drops a colliding applicant (none expected).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.utils import timezone

from zugong.core.dates import add_months, add_years
from zugong.people import idnumber, names
from zugong.people.models import stored_pii

from .generate import ETHNICITY, PHONE, generation, person_name, place_text
from .loader import Loader, SeedError, Table

# Open cases per branch member, before the sector's weight: ≈ 50,000 at province scale (2.6 M people).
CASE_RATE = 0.02
# How much more (or less) a branch of each sector recruits than the average.
SECTOR_WEIGHT = {
    "rural": 0.9, "community": 0.6, "government": 0.8, "institution": 1.0, "school": 1.3, "soe": 1.3,
    "private": 1.4, "social": 1.0,
}
# Full members eligible as sponsors/introducers: converted this long before the reference date.
ELIGIBLE_YEARS = 4
MAX_CONTACTS = 8  # members of each branch read from the database to choose contacts from

PERSON_COLUMNS = (
    "id", "org_path", "name", "sex", "ethnicity", "birth_date", "id_number", "native_place", "birthplace",
    "education", "phone", "photo", "id_hash", "id_tail4", "id_tail6", "name_pinyin", "name_initials", "pinyin_key", "stroke_key",
    "created_at", "updated_at", "organization_id",
)
CASE_DATES = (
    "applied_on", "talked_on", "activist_on", "candidate_public_notice_start", "candidate_public_notice_end",
    "candidate_on", "review_concluded_on", "training_start", "training_end", "committee_review_on",
    "prereview_on", "admission_public_notice_start", "admission_public_notice_end", "branch_meeting_on",
    "approved_on", "oath_on", "conversion_applied_on", "conversion_meeting_on", "conversion_approved_on",
    "converted_on",
)
CASE_COLUMNS = (
    "id", "person_id", "organization_id", "org_path", "target_group", "stage", "status", *CASE_DATES,
    "review_passed", "training_hours", "expected_voters", "present_voters", "yes_votes", "no_votes",
    "abstain_votes", "conversion_expected_voters", "conversion_present_voters", "conversion_yes_votes",
    "conversion_no_votes", "conversion_abstain_votes", "approval_special_reason", "termination_reason",
    "created_at", "updated_at",
)
CONTACT_COLUMNS = ("id", "case_id", "role", "position", "person_id", "designated_on", "discipline_until")
STEP_COLUMNS = ("id", "case_id", "kind", "number", "on", "done_by_person_id", "done_by", "note",
                "recorded_by_id", "recorded_at")


# ---------------------------------------------------------------- input and output records


@dataclass(frozen=True)
class Branch:
    """What the plan needs of a branch: where it is, who is in it, who may sponsor."""

    id: int
    path: str
    name: str
    sector: str
    division_code: str
    people: int  # people directly in the branch
    full_members: int  # voting full members (expected at a branch meeting)
    contacts: tuple[int, ...]  # person ids of full members eligible as sponsors/introducers (a few)


@dataclass
class PlannedCase:
    branch: Branch
    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    native_place: str
    birthplace: str
    education: str
    ethnicity: str
    phone: str
    target_group: str
    dates: dict[str, dt.date | None]
    review_passed: bool | None = None
    training_hours: str | None = None
    votes: tuple[int, int, int, int, int] | None = None  # expected, present, yes, no, abstain
    conversion_votes: tuple[int, int, int, int, int] | None = None
    person_id: int | None = None  # an admitted member's person (no new applicant is written)
    status: str = "active"
    sponsors: list[tuple[int, dt.date]] = field(default_factory=list)
    introducers: list[tuple[int, dt.date]] = field(default_factory=list)
    steps: list[tuple[str, int | None, dt.date, int | None, str]] = field(default_factory=list)
    stage: int = 1


# ---------------------------------------------------------------- planning (pure Python)


def _target_group(rng: random.Random, branch: Branch) -> str:
    sector, name, r = branch.sector, branch.name, rng.random()
    if "学生" in name or "本科生" in name or "研究生" in name:
        return "student" if r < 0.95 else "other"
    if sector == "rural":
        return "young_farmer" if r < 0.8 else "other"
    if sector == "soe":
        return "industrial_worker" if r < 0.7 else "high_knowledge" if r < 0.85 else "other"
    if sector == "private":
        return "new_sector" if r < 0.55 else "industrial_worker" if r < 0.9 else "other"
    if sector == "social":
        return "new_sector" if r < 0.8 else "other"
    if sector == "school":
        return "high_knowledge" if r < 0.6 else "other"
    if sector == "institution":
        return "high_knowledge" if r < 0.5 else "other"
    if sector == "community":
        return "new_sector" if r < 0.3 else "other"
    return "high_knowledge" if r < 0.2 else "other"  # government


AGES = {  # target group → (youngest, oldest) age when applying
    "student": (18, 24), "young_farmer": (19, 35), "industrial_worker": (21, 40), "new_sector": (22, 38),
    "high_knowledge": (24, 45), "other": (20, 45),
}
EDUCATION = {
    "student": (("60", 0.75), ("20", 0.25)),
    "young_farmer": (("70", 0.35), ("60", 0.35), ("30", 0.22), ("20", 0.08)),
    "industrial_worker": (("60", 0.3), ("40", 0.25), ("30", 0.3), ("20", 0.15)),
    "new_sector": (("30", 0.35), ("20", 0.5), ("60", 0.15)),
    "high_knowledge": (("20", 0.45), ("14", 0.4), ("11", 0.15)),
    "other": (("20", 0.5), ("30", 0.3), ("60", 0.2)),
}


def _pick(rng: random.Random, weighted) -> str:
    r = rng.random()
    for value, w in weighted:
        r -= w
        if r < 0:
            return value
    return weighted[-1][0]


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


class IdNumbers:
    """Free ID numbers below the seed's native range (see the module docstring)."""

    def __init__(self):
        self.used: dict[tuple[str, int, int], int] = {}

    def take(self, area: str, birth: dt.date, male: int) -> tuple[dt.date, str]:
        day = birth.toordinal()
        while True:
            base = (day * 7) % 200
            key = (area, day, male)
            k = self.used.get(key, 1)
            if k < base:
                self.used[key] = k + 1
                born = dt.date.fromordinal(day)
                return born, idnumber.make_id_number(area, born, 2 * k + male)
            day -= 1


def _area(rng: random.Random, branch: Branch) -> str:
    code = branch.division_code or ""
    if len(code) >= 6 and code.startswith("14") and not code[:6].endswith("00"):
        return code[:6] if rng.random() < 0.85 else "140105"
    return rng.choice(("140105", "140106", "140109", "140121", "140402", "140702", "140802"))


def plan_cases(branches: Iterable[Branch], seed: int = 1, *, reference_date: dt.date,
               rate: float = CASE_RATE) -> Iterator[PlannedCase]:
    """Open cases for each branch (in the given order), deterministic for a seed and the branch's path.

    A branch gets about rate × people × its sector's weight cases; branches with fewer than two eligible
    contacts get none."""
    ids = IdNumbers()
    for branch in branches:
        if len(branch.contacts) < 2 or branch.full_members < 3:
            continue
        rng = random.Random(f"{seed}:c:{branch.path}")
        weight = SECTOR_WEIGHT.get(branch.sector, 1.0)
        if "离退休" in branch.name or "退休" in branch.name:
            weight *= 0.05
        expected = rate * branch.people * weight
        n = int(expected) + (rng.random() < expected - int(expected))
        for _ in range(n):
            yield _plan_one(rng, branch, ids, reference_date)


def _plan_one(rng: random.Random, b: Branch, ids: IdNumbers, today: dt.date) -> PlannedCase:
    group = _target_group(rng, b)
    male = 1 if rng.random() < (0.5 if group in ("student", "high_knowledge") else 0.6) else 0
    r = rng.random()
    stage_goal = 1 if r < 0.3 else 2 if r < 0.7 else 3 if r < 0.9 else 4
    # Work back from today: how long ago the person applied, given how far the case has come.
    span = {1: (3, 300), 2: (150, 900), 3: (500, 1200), 4: (800, 1500)}[stage_goal]
    applied = today - _days(rng, *span)
    young, old = AGES[group]
    age = rng.randint(young, old)
    birth = add_years(applied, -age) - _days(rng, 1, 360)
    area = _area(rng, b)
    birth, number = ids.take(area, birth, male)
    born = place_text(area)
    d: dict[str, dt.date | None] = dict.fromkeys(CASE_DATES)
    d["applied_on"] = applied
    members = list(b.contacts)
    rng.shuffle(members)
    talker = members[0]
    case = PlannedCase(
        branch=b, name=person_name(rng, "1" if male else "2", generation(birth.year)), sex="1" if male else "2",
        birth_date=birth, id_number=number, native_place=born if rng.random() < 0.85 else place_text("140105"),
        birthplace=born, education=_pick(rng, EDUCATION[group]), ethnicity=ETHNICITY(rng),
        phone=f"{PHONE(rng)}{rng.randrange(100_000_000):08d}", target_group=group, dates=d,
    )
    steps = case.steps
    steps.append(("application", 1, applied, None, ""))

    # Talk: within a month mostly; ~4 % later, ~2 % not yet although overdue.
    r = rng.random()
    if r < 0.04:
        talked = applied + _days(rng, 35, 80)
    elif r < 0.06 and stage_goal == 1:
        talked = None
    else:
        talked = applied + _days(rng, 2, 28)
    if talked and talked > today:
        talked = None  # not yet (still within the month, or overdue if the draw said so)
    d["talked_on"] = talked
    if talked:
        steps.append(("talk", 2, talked, talker, "党支部委员"))
    if stage_goal == 1 or not talked:
        return _finish(case)

    # Activist: 3–12 months after applying; 1–2 sponsors (~1 % of candidates end up with none).
    activist = min(max(talked + _days(rng, 7, 30), applied + _days(rng, 90, 360)), today)
    d["activist_on"] = activist
    steps.append(("activist", 3, activist, None, "党支部"))
    if rng.random() >= 0.015:  # ~1.5 % not filed with the higher committee
        steps.append(("activist_filing", 4, min(activist + _days(rng, 3, 20), today), None, "上级党委"))
    n_sponsors = 1 if rng.random() < 0.3 else 2
    no_sponsor = rng.random() < 0.01
    if not no_sponsor:
        sponsored = min(activist + _days(rng, 0, 10), today)
        case.sponsors = [(pid, sponsored) for pid in members[:n_sponsors]]
        steps.append(("sponsors", 5, sponsored, None, "党支部"))
    skip = rng.random() < 0.02  # ~2 % of activists miss one half-yearly assessment
    if stage_goal == 2:
        _inspections(rng, steps, activist, today, skip)
        return _finish(case)

    # Candidate: a year or more after becoming an activist (~4 % earlier), after a week's public notice.
    if rng.random() < 0.04:
        candidate = add_months(activist, rng.randint(7, 11))
    else:
        candidate = add_months(activist, 12) + _days(rng, 0, 180)
    if candidate > today:
        candidate = max(today - _days(rng, 0, 20), activist)
        if candidate < add_months(activist, 12) and rng.random() < 0.8:
            _inspections(rng, steps, activist, today, skip)
            return _finish(case)  # too early to become a candidate: stays an activist
    _inspections(rng, steps, activist, candidate - dt.timedelta(days=1), skip)
    d["candidate_public_notice_start"] = candidate - _days(rng, 12, 16)
    d["candidate_public_notice_end"] = d["candidate_public_notice_start"] + dt.timedelta(days=8)
    d["candidate_on"] = candidate
    steps.append(("candidate", 7, candidate, None, "党支部"))
    if rng.random() >= 0.015:  # ~1.5 % not filed with the higher committee
        steps.append(("candidate_filing", 8, min(candidate + _days(rng, 3, 15), today), None, "上级党委"))
    introduced = min(candidate + _days(rng, 3, 20), today)
    case.introducers = [(pid, introduced) for pid in (members[2:4] if len(members) >= 4 else members[:2])]
    steps.append(("introducers", 9, introduced, None, "党支部"))
    review = candidate + _days(rng, 20, 90)
    if review <= today:
        d["review_concluded_on"], case.review_passed = review, True
        steps.append(("review", 10, review, None, "党支部"))
    training = candidate + _days(rng, 15, 120)
    if training + dt.timedelta(days=4) <= today:
        short = rng.random() < 0.03
        d["training_start"] = training
        d["training_end"] = training + dt.timedelta(days=1 if short else rng.choice((2, 3, 4)))
        case.training_hours = "16.0" if short else rng.choice(("24.0", "24.0", "28.0", "32.0"))
        steps.append(("training", 11, training, None, "县委党校"))
    if stage_goal == 3:
        return _finish(case)

    # Stage 4: committee review, pre-review, branch meeting (votes), waiting for the approval. Dated back from
    # today: a third only reviewed so far, most meetings within the last three months, ~6 % of them longer ago and
    # still not approved (the approval is overdue).
    r = rng.random()
    held = r >= 0.3
    late_approval = r >= 0.96
    if not held:
        prereview = today - _days(rng, 0, 40)
    else:
        meeting = today - (_days(rng, 95, 200) if late_approval else _days(rng, 3, 85))
        prereview = meeting - _days(rng, 10, 30)
    committee = prereview - _days(rng, 7, 30)
    if committee < candidate + dt.timedelta(days=60):
        return _finish(case)  # the candidate is too recent: still in stage 3
    d["committee_review_on"] = committee
    steps.append(("committee_review", 12, committee, None, "支部委员会"))
    if not held and rng.random() < 0.4:
        return _finish(case)
    d["prereview_on"] = prereview
    steps.append(("prereview", 13, prereview, None, "上级党委"))
    steps.append(("application_form", 14, min(prereview + _days(rng, 2, 10), today), None, ""))
    if not held:
        return _finish(case)
    # The political review must be concluded before the meeting (~3 % missing or late) and the training done.
    if rng.random() < 0.03:
        if rng.random() < 0.5:
            d["review_concluded_on"], case.review_passed = None, None
            case.steps = steps = [s for s in steps if s[0] != "review"]
        else:
            d["review_concluded_on"], case.review_passed = meeting + _days(rng, 3, 20), True
            if d["review_concluded_on"] > today:
                d["review_concluded_on"] = today
            steps[:] = [s for s in steps if s[0] != "review"] + [("review", 10, d["review_concluded_on"], None,
                                                                    "党支部")]
    elif d["review_concluded_on"] is None or d["review_concluded_on"] >= meeting:
        d["review_concluded_on"], case.review_passed = meeting - _days(rng, 5, 20), True
        steps[:] = [s for s in steps if s[0] != "review"] + [("review", 10, d["review_concluded_on"], None, "党支部")]
    if d["training_end"] is None or d["training_end"] >= meeting:
        d["training_start"] = meeting - _days(rng, 20, 40)
        d["training_end"] = d["training_start"] + dt.timedelta(days=3)
        case.training_hours = "24.0"
        steps[:] = [s for s in steps if s[0] != "training"] + [("training", 11, d["training_start"], None,
                                                                "县委党校")]
    d["admission_public_notice_start"] = meeting - _days(rng, 12, 16)
    d["admission_public_notice_end"] = d["admission_public_notice_start"] + dt.timedelta(days=8)
    d["branch_meeting_on"] = meeting
    if rng.random() < 0.015:  # ~1.5 % discussed by the branch meeting without the pre-review on record
        d["prereview_on"] = None
        steps[:] = [s for s in steps if s[0] not in ("prereview", "application_form")]
    expected = b.full_members
    r = rng.random()
    if r < 0.01:  # not enough present
        present = expected // 2
    else:
        present = max(expected // 2 + 1, expected - rng.randint(0, max(1, expected // 8)))
    if r < 0.03:  # failing majority: many stay away or vote no
        yes = max(0, min(present, expected // 2 - rng.randint(0, 1)))
    else:
        yes = present - (rng.random() < 0.15) - (rng.random() < 0.1)
        yes = max(yes, expected // 2 + 1) if present > expected // 2 else yes
        yes = min(yes, present)
    no = (present - yes) // 2
    case.votes = (expected, present, yes, no, present - yes - no)
    if len(case.introducers) == 2 and rng.random() < 0.01:
        case.introducers = case.introducers[:1]
    steps.append(("branch_meeting", 15, meeting, None, "支部大会"))
    talk = meeting + _days(rng, 10, 40)
    if talk <= today:
        steps.append(("approval_talk", 16, talk, None, "上级党委组织委员"))
    return _finish(case)


def _inspections(rng: random.Random, steps: list, activist: dt.date, until: dt.date, skip: bool) -> None:
    """The half-yearly 培养教育考察 of an activist up to `until`, a few days before each half year is out
    (with `skip`, one of them is missing: a gap the rule recruitment.activist_assessment finds)."""
    due, dates = add_months(activist, 6), []
    while due <= until:
        dates.append(due - _days(rng, 0, 10))
        due = add_months(dates[-1], 6)
    if skip and len(dates) >= 2:
        dates.pop(rng.randrange(len(dates) - 1))
    steps += [("inspection", 6, on, None, "培养联系人") for on in dates]


def _finish(case: PlannedCase) -> PlannedCase:
    from zugong.recruitment.models import Case

    values = {k: v for k, v in case.dates.items() if v is not None}
    case.stage = Case(**values).current_stage()
    if case.sponsors and not case.dates["activist_on"]:
        case.sponsors = []
    if not case.dates["candidate_on"]:
        case.introducers = []
    case.steps.sort(key=lambda s: (s[2], s[1] or 0))
    return case


# ---------------------------------------------------------------- admitted members (stage 5 and converted)


@dataclass(frozen=True)
class Admitted:
    """A member admitted recently, from the memberships: joined on the branch meeting's day."""

    person_id: int
    organization_id: int
    joined: dt.date
    converted: dt.date | None  # full members: the day the probation ended
    sex: str
    birth_date: dt.date


def read_admitted(connection, reference_date: dt.date, rate: float, seed: int) -> list[Admitted]:
    """Members admitted within two years of the reference date (probationary members and those converted in
    the last year), at least three weeks before it; `rate` of them (deterministic per person)."""
    low = add_years(reference_date, -2)
    high = reference_date - dt.timedelta(days=21)
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.person_id, m.organization_id, m.joined_on, m.converted_on, m.status, p.sex, p.birth_date "
            "FROM members_membership m JOIN people_person p ON p.id = m.person_id "
            "WHERE m.status IN ('probationary', 'full') AND m.joined_on > %s AND m.joined_on <= %s "
            "AND m.transferred_out_on IS NULL ORDER BY m.person_id",
            [low.isoformat() if sqlite else low, high.isoformat() if sqlite else high])
        rows = cur.fetchall()
    out = []
    for person_id, org_id, joined, converted, status, sex, birth in rows:
        if rate < 1 and random.Random(f"{seed}:a:{person_id}").random() >= rate:
            continue
        joined = _date(joined)
        converted = _date(converted) if status == "full" else None
        if status == "full" and converted != add_years(joined, 1):
            continue  # a conversion the cases would not explain (an older record)
        out.append(Admitted(person_id, org_id, joined, converted, sex, _date(birth)))
    return out


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def plan_admitted(branches: list[Branch], admitted: list[Admitted], seed: int, today: dt.date) -> list[PlannedCase]:
    """A case for each recently admitted member, its steps dated back from the branch meeting (the day they
    joined): in stage 5 while probationary, converted (status 已转正) once full. All on time and in order."""
    by_id = {b.id: b for b in branches}
    out = []
    for a in admitted:
        b = by_id.get(a.organization_id)
        if b is None or len(b.contacts) < 2:
            continue
        case = _plan_admitted(random.Random(f"{seed}:a:{a.person_id}"), b, a, today)
        if case is not None:
            out.append(case)
    return out


def _votes(rng: random.Random, expected: int) -> tuple[int, int, int, int, int]:
    expected = max(expected, 3)
    present = max(expected // 2 + 1, expected - rng.randint(0, max(1, expected // 8)))
    yes = max(expected // 2 + 1, present - (rng.random() < 0.15))
    yes = min(yes, present)
    no = (present - yes) // 2
    return expected, present, yes, no, present - yes - no


def _plan_admitted(rng: random.Random, b: Branch, a: Admitted, today: dt.date) -> PlannedCase | None:
    meeting = a.joined
    group = _target_group(rng, b)
    members = list(b.contacts)
    rng.shuffle(members)
    d: dict[str, dt.date | None] = dict.fromkeys(CASE_DATES)
    case = PlannedCase(branch=b, name="", sex=a.sex, birth_date=a.birth_date, id_number="", native_place="",
                       birthplace="", education="", ethnicity="", phone="", target_group=group, dates=d,
                       person_id=a.person_id)
    steps = case.steps
    # Stages 1-4, back from the branch meeting.
    prereview = meeting - _days(rng, 10, 25)
    committee = prereview - _days(rng, 7, 20)
    candidate = meeting - _days(rng, 120, 220)
    activist = add_months(candidate, -12) - _days(rng, 0, 120)
    applied = activist - _days(rng, 90, 300)
    if applied < add_years(a.birth_date, 18):
        return None  # admitted young: the case began before the platform's records (none written)
    talked = applied + _days(rng, 2, 28)
    d.update(applied_on=applied, talked_on=talked, activist_on=activist, candidate_on=candidate,
             committee_review_on=committee, prereview_on=prereview, branch_meeting_on=meeting)
    d["candidate_public_notice_start"] = candidate - _days(rng, 12, 16)
    d["candidate_public_notice_end"] = d["candidate_public_notice_start"] + dt.timedelta(days=8)
    d["review_concluded_on"] = meeting - _days(rng, 10, 25)
    case.review_passed = True
    d["training_start"] = meeting - _days(rng, 35, 60)
    d["training_end"] = d["training_start"] + dt.timedelta(days=3)
    case.training_hours = rng.choice(("24.0", "28.0", "32.0"))
    d["admission_public_notice_start"] = meeting - _days(rng, 12, 16)
    d["admission_public_notice_end"] = d["admission_public_notice_start"] + dt.timedelta(days=8)
    sponsored = activist + _days(rng, 0, 10)
    case.sponsors = [(pid, sponsored) for pid in members[:1 if rng.random() < 0.3 else 2]]
    introduced = candidate + _days(rng, 3, 20)
    case.introducers = [(pid, introduced) for pid in (members[2:4] if len(members) >= 4 else members[:2])]
    case.votes = _votes(rng, b.full_members)
    steps += [("application", 1, applied, None, ""), ("talk", 2, talked, members[0], "党支部委员"),
              ("activist", 3, activist, None, "党支部"),
              ("activist_filing", 4, activist + _days(rng, 3, 20), None, "上级党委"),
              ("sponsors", 5, sponsored, None, "党支部")]
    inspection = add_months(activist, 6)
    while inspection < candidate:
        steps.append(("inspection", 6, inspection, None, "培养联系人"))
        inspection = add_months(inspection, 6)
    steps += [("candidate", 7, candidate, None, "党支部"),
              ("candidate_filing", 8, candidate + _days(rng, 3, 15), None, "上级党委"),
              ("introducers", 9, introduced, None, "党支部"),
              ("review", 10, d["review_concluded_on"], None, "党支部"),
              ("training", 11, d["training_start"], None, "县委党校"),
              ("committee_review", 12, committee, None, "支部委员会"),
              ("prereview", 13, prereview, None, "上级党委"),
              ("application_form", 14, prereview + _days(rng, 2, 8), None, ""),
              ("branch_meeting", 15, meeting, None, "支部大会")]
    # Approval within three months (a day or two before the reference date at the latest), then stage 5.
    room = (today - meeting).days - 1
    approved = meeting + dt.timedelta(days=rng.randint(min(20, room), min(85, room)))
    d["approved_on"] = approved
    if rng.random() >= 0.01:  # ~1 % approved without the talk of a committee member or 组织员 on record
        steps.append(("approval_talk", 16, meeting + _days(rng, 5, max(5, (approved - meeting).days - 3)), None,
                      "上级党委组织委员"))
    steps.append(("approval", 17, approved, None, "上级党委"))
    no_oath = a.converted is not None and rng.random() < 0.01  # ~1 % converted with no oath on record
    for kind, number, on, who in (("approval_filing", 18, approved + _days(rng, 3, 20), "上级党委"),
                                  ("placement", 19, approved + _days(rng, 1, 10), "党支部"),
                                  ("oath", 20, approved + _days(rng, 3, 40), "党支部")):
        if on <= today and not (kind == "oath" and no_oath):
            steps.append((kind, number, on, None, who))
            if kind == "oath":
                d["oath_on"] = on
    end = add_years(meeting, 1)  # the probation ends (no extension in the demo)
    inspection = add_months(approved, 3)
    while inspection <= min(today, end):
        steps.append(("probation_inspection", 21, inspection, None, "入党介绍人"))
        inspection = add_months(inspection, 3)
    applied_conversion = end - _days(rng, 7, 30)
    if applied_conversion <= today:
        d["conversion_applied_on"] = applied_conversion
        steps.append(("conversion_application", 22, applied_conversion, None, ""))
    if a.converted is not None:  # a full member: the conversion was discussed and approved
        conv_meeting = min(end + _days(rng, 0, 25), today)
        conv_approved = min(conv_meeting + _days(rng, 10, 60), today)
        d.update(conversion_meeting_on=conv_meeting, conversion_approved_on=conv_approved, converted_on=a.converted)
        case.conversion_votes = _votes(rng, b.full_members)
        case.status = "converted"
        steps += [("conversion_meeting", 23, conv_meeting, None, "支部大会"),
                  ("conversion_approval", 24, conv_approved, None, "上级党委")]
        archived = conv_approved + _days(rng, 5, 30)
        if archived <= today:
            steps.append(("archiving", 25, archived, None, "上级党委组织部门"))
    return _finish(case)


# ---------------------------------------------------------------- reading the branches


def read_branches(connection=default_connection, *, reference_date: dt.date) -> list[Branch]:
    """Active branches with people, in path order, with a few eligible full members each (from the
    memberships; when there are none yet, from the people of the branch, a fallback for older seeds)."""
    cutoff = add_years(reference_date, -ELIGIBLE_YEARS).isoformat()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, path, name, sector, division_code, direct_people FROM orgs_organization "
            "WHERE kind = 'branch' AND status = 'active' AND direct_people > 0 ORDER BY path"
        )
        rows = cur.fetchall()
        cur.execute("SELECT EXISTS (SELECT 1 FROM members_membership)")
        have_members = bool(cur.fetchone()[0])
        if have_members:
            sql = """
                SELECT organization_id, person_id, n FROM (
                    SELECT m.organization_id, m.person_id,
                           ROW_NUMBER() OVER (PARTITION BY m.organization_id ORDER BY m.person_id) AS rn,
                           COUNT(*) OVER (PARTITION BY m.organization_id) AS n
                    FROM members_membership m
                    WHERE m.status = 'full' AND (m.converted_on IS NULL OR m.converted_on <= %s)
                ) t WHERE rn <= %s"""
            params = [cutoff, MAX_CONTACTS]
        else:
            sql = """
                SELECT organization_id, id, n FROM (
                    SELECT p.organization_id, p.id,
                           ROW_NUMBER() OVER (PARTITION BY p.organization_id ORDER BY p.id) AS rn,
                           COUNT(*) OVER (PARTITION BY p.organization_id) AS n
                    FROM people_person p
                ) t WHERE rn <= %s"""
            params = [MAX_CONTACTS]
        cur.execute(sql, params)
        contacts: dict[int, list[int]] = {}
        counts: dict[int, int] = {}
        for org_id, person_id, n in cur.fetchall():
            contacts.setdefault(org_id, []).append(person_id)
            counts[org_id] = n
    return [
        Branch(id=i, path=p, name=name, sector=sector, division_code=div or "", people=people,
               full_members=counts.get(i, 0), contacts=tuple(sorted(contacts.get(i, ()))))
        for i, p, name, sector, div, people in rows
    ]


# ---------------------------------------------------------------- writing


def _iso(day):
    return day.isoformat() if day is not None else None


def _tables() -> dict[str, Table]:
    return {
        "people": Table.of(apps.get_model("people", "Person"), PERSON_COLUMNS),
        "cases": Table.of(apps.get_model("recruitment", "Case"), CASE_COLUMNS),
        "contacts": Table.of(apps.get_model("recruitment", "CaseContact"), CONTACT_COLUMNS),
        "steps": Table.of(apps.get_model("recruitment", "Step"), STEP_COLUMNS),
    }


def _next_id(cur, table: str) -> int:
    cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
    return cur.fetchone()[0]


def write_cases(cases: list[PlannedCase], connection=default_connection, loader: Loader | None = None,
                now: dt.datetime | None = None, log=print) -> dict[str, int]:
    """Insert the applicants, their cases, contacts and steps (ids after the tables' highest); raise the
    branches' head counts. Runs inside the caller's transaction; returns the counts."""
    tables = _tables()
    vendor = connection.vendor
    if loader is None:  # Loader.insert needs only these attributes
        loader = SimpleNamespace(vendor=vendor, truncated=False, nested=True)
    now = now or timezone.now()
    stamp = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else now.isoformat(" ")
    with connection.cursor() as cur:
        pid = _next_id(cur, tables["people"].name)
        cid = _next_id(cur, tables["cases"].name)
        kid = _next_id(cur, tables["contacts"].name)
        sid = _next_id(cur, tables["steps"].name)

    person_rows, case_rows, contact_rows, step_rows = [], [], [], []
    per_branch: dict[int, int] = {}
    for i, c in enumerate(cases):
        b, case_id = c.branch, cid + i
        if c.person_id is None:  # a new applicant
            person_id = pid
            pid += 1
            keys = names.name_keys(c.name)
            sealed_id, sealed_phone, id_hash, tail4, tail6 = stored_pii(c.id_number, c.phone)
            person_rows.append((
                person_id, b.path, c.name, c.sex, c.ethnicity, c.birth_date.isoformat(), sealed_id,
                c.native_place, c.birthplace, c.education, sealed_phone, "", id_hash, tail4, tail6, keys[0],
                keys[1], keys[2], keys[3], stamp, stamp, b.id,
            ))
            per_branch[b.id] = per_branch.get(b.id, 0) + 1
        else:
            person_id = c.person_id
        votes = c.votes or (None,) * 5
        case_rows.append((
            case_id, person_id, b.id, b.path, c.target_group, c.stage, c.status,
            *(_iso(c.dates[f]) for f in CASE_DATES), c.review_passed, c.training_hours, *votes,
            *(c.conversion_votes or (None,) * 5), "", "", stamp, stamp,
        ))
        for role, contacts in (("sponsor", c.sponsors), ("introducer", c.introducers)):
            for position, (member, on) in enumerate(contacts, 1):
                contact_rows.append((kid, case_id, role, position, member, on.isoformat(), None))
                kid += 1
        for kind, number, on, done_by_person, done_by in c.steps:
            step_rows.append((sid, case_id, kind, number, on.isoformat(), done_by_person, done_by, "", None, stamp))
            sid += 1

    t = time.perf_counter()
    counts, timings = {}, []
    for name, key, rows in (("applicants", "people", person_rows), ("cases", "cases", case_rows),
                            ("case_contacts", "contacts", contact_rows), ("case_steps", "steps", step_rows)):
        started = time.perf_counter()
        counts[name] = Loader.insert(loader, tables[key], rows)
        timings.append(f"{name} {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cur:
        by_count: dict[int, list[int]] = {}
        for org_id, n in per_branch.items():
            by_count.setdefault(n, []).append(org_id)
        for n, org_ids in by_count.items():
            for start in range(0, len(org_ids), 900):
                chunk = org_ids[start:start + 900]
                cur.execute(
                    f"UPDATE orgs_organization SET direct_people = direct_people + {int(n)} "
                    f"WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        if vendor == "postgresql":
            models_ = [t.model for t in tables.values()]
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cur.execute(sql)
    timings.append(f"head counts and sequences {time.perf_counter() - started:.1f} s")
    log(f"  recruitment written in {time.perf_counter() - t:.1f} s: {counts} ({', '.join(timings)})")
    return counts


def _drop_taken(cases: list[PlannedCase], connection, log) -> list[PlannedCase]:
    """Drop applicants whose ID number is already in the database (none with the current people seed)."""
    by_hash = {stored_pii(c.id_number, "")[2]: c.id_number for c in cases}  # ID numbers are found by hash
    hashes = list(by_hash)
    taken: set[str] = set()
    with connection.cursor() as cur:
        for start in range(0, len(hashes), 900):
            chunk = hashes[start:start + 900]
            cur.execute(f"SELECT id_hash FROM people_person WHERE id_hash IN ({', '.join(['%s'] * len(chunk))})",
                        chunk)
            taken.update(by_hash[r[0]] for r in cur.fetchall())
    if taken:
        log(f"  {len(taken)} planned applicants' ID numbers already exist; left out")
        cases = [c for c in cases if c.id_number not in taken]
    return cases


def set_approving_organizations(connection) -> int:
    """The approving organization of every approved case, in one UPDATE: the nearest 党委 above its branch;
    one in forty of the branches directly under a 党总支 is recorded as approved by the 党总支 (which may not
    approve: the rule recruitment.approving_committee finds them)."""
    own = "recruitment_case.org_path"
    above = ", ".join(f"CASE WHEN length({own}) > {4 * i} THEN substr({own}, 1, length({own}) - {4 * i}) END"
                      for i in range(1, 8))
    sql = f"""
        UPDATE recruitment_case SET approving_organization_id = COALESCE(
            (SELECT g.id FROM orgs_organization g
              WHERE g.path = substr({own}, 1, length({own}) - 4) AND g.kind = 'general_branch'
                AND recruitment_case.id % 40 = 0),
            (SELECT o.id FROM orgs_organization o WHERE o.kind = 'committee' AND o.path IN ({above})
              ORDER BY o.depth DESC LIMIT 1))
        WHERE approved_on IS NOT NULL"""
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


def seed_cases(seed: int = 1, *, reference_date: dt.date, log=print, connection=default_connection,
               loader: Loader | None = None, rate: float = CASE_RATE, now: dt.datetime | None = None,
               analyze: bool = False, admitted_rate: float = 1.0) -> dict[str, int]:
    """Plan and write the open recruitment cases of every active branch in the database (after people and
    memberships are written, inside the caller's transaction). Returns the written counts."""
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM recruitment_case)")
        if cur.fetchone()[0]:
            raise SeedError("recruitment_case 中已有数据，seed_cases 只在新生成的数据上运行")
    branches = read_branches(connection, reference_date=reference_date)
    t1 = time.perf_counter()
    cases = list(plan_cases(branches, seed, reference_date=reference_date, rate=rate))
    cases = _drop_taken(cases, connection, log)
    admitted = read_admitted(connection, reference_date, admitted_rate, seed)
    cases += plan_admitted(branches, admitted, seed, reference_date)
    t2 = time.perf_counter()
    log(f"  recruitment: read {len(branches):,} branches in {t1 - t:.1f} s, planned {len(cases):,} cases "
        f"in {t2 - t1:.1f} s")
    counts = write_cases(cases, connection, loader, now, log)
    counts["recruitment_approving"] = set_approving_organizations(connection)
    if analyze:
        with connection.cursor() as cur:
            for name in ("people_person", "recruitment_case", "recruitment_casecontact", "recruitment_step"):
                cur.execute(f'ANALYZE "{name}"')
    log(f"  recruitment total: {time.perf_counter() - t:.1f} s")
    return counts
