"""Demo training data: requirements — the requirement rows (the defaults, installed for the root); the training
history a working city has, for the whole demo tree the scan judges (the root's cadres, committees and members),
the last five whole years and this year up to `as_of`; and for a few of the city's cadres ledger lines that sit
just below and just at the numbers (11 and 12 days of 脱产 training, 45 and 50 学时 online), so the shortfalls
list and the findings show both sides.

The history (source `training.archive`, the city's training records; online learning is the ledger demo's,
`demo/training_ledger.py`), each group leaving a few percent short, some just below the number:

- 乡科级 and below: a yearly 集中轮训 of 12–15 days (about 4 % of a year miss it or attend part of it);
- 县处级 and above: a yearly 专题培训 of 5–7 days and a 党校进修班, about 95 days in the rolling 5 years (about
  5 % short: some just below 90 days / 550 学时, some far below);
- every cadre: a 任职培训 a few months after each promotion within the years (10 days, 30 for 县处级);
- secretaries and committee members of basic-level organizations: a yearly 基层党组织书记和委员集中轮训
  (5 days, 6 for a secretary) in every year they held the post (about 1 % miss a year; the members of lax
  branches stay below 56 学时);
- secretaries: a 新任书记任职培训 within 6 months of taking the post (about 4 % do not, nor any other
  concentrated training in those months);
- members admitted within the years: the 预备党员集中培训 within their first year (about 7 % do not; half of
  them had a 党员集中轮训 of branch life's study records in time).

Deterministic for the seed (one `random.Random` per group), dated up to `as_of`, read and written set-based: a
few queries, one bulk insert (`training_ledger.write`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

SOURCE = "training.archive"
YEARS = 5
CITY_SCHOOL = "市委党校"
COUNTY_SCHOOL = "县委党校"
ORG_DEPT = "县委组织部"


def planted(city, as_of) -> list:
    """The four cadres the boundary examples are planted on: the city's first of 乡科级 and below with no ledger
    line yet in the judged year (a branch's study record would lift them over the number)."""
    from django.db.models import Exists, OuterRef

    from zugong.cadres.models import Cadre
    from zugong.training.models import Credit

    busy = Credit.objects.unrestricted().filter(person_id=OuterRef("person_id"), year=as_of.year - 1)
    return list(Cadre.objects.unrestricted().filter(org_path__subtree=city.path, status="active",
                                                   rank_level__gte=4).filter(~Exists(busy)).order_by("pk")[:4])


def _day(rng, first: dt.date, last: dt.date) -> dt.date | None:
    if last < first:
        return None
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _off_job(person_id, on, days, label, provider):
    from zugong.training import ledger

    return ledger.Line(person_id=person_id, on=on, kind="off_job", quantity=Decimal(days), unit="day",
                       label=label, provider=provider)


def _cadres(root, *, seed: int, as_of, skip: set) -> list:
    """The cadres' 脱产 training: yearly 轮训 by level, 任职培训 after promotions, the 县处级 5-year cycle."""
    from zugong.cadres import ranks
    from zugong.cadres.models import Cadre, RankRecord
    from zugong.core.dates import add_months

    rng = random.Random(f"{seed}:training:cadres")
    first_year, judged = as_of.year - YEARS, as_of.year - 1
    start = dt.date(first_year, 1, 1)
    window = add_months(as_of, -12 * YEARS) + dt.timedelta(days=1)  # the rolling 5 years of the cycle rule
    cadres = list(Cadre.objects.unrestricted().filter(org_path__subtree=root.path, status="active",
                                                      rank_level__isnull=False)
                  .order_by("pk").values_list("pk", "person_id", "rank_level"))
    promotions: dict[int, list[tuple[dt.date, int]]] = {}
    previous: dict[int, int] = {}
    for cadre_id, rank, on in (RankRecord.objects.unrestricted().filter(cadre_id__in=[c[0] for c in cadres])
                               .order_by("cadre_id", "start_on", "pk").values_list("cadre_id", "rank", "start_on")):
        order = ranks.ORDER.get(rank, 99)
        if (cadre_id not in previous or previous[cadre_id] > order) and start <= on <= as_of:
            promotions.setdefault(cadre_id, []).append((on, ranks.level_of(rank) or 5))
        previous[cadre_id] = order
    lines = []
    for cadre_id, person_id, level in cadres:
        mine = []
        for on, new_level in promotions.get(cadre_id, []):
            day = on + dt.timedelta(days=rng.randint(20, 150))
            if day <= as_of:
                senior = new_level <= 3
                mine.append(_off_job(person_id, day, 30 if senior else 10,
                                     "新任县处级领导干部任职培训班" if senior else "新任乡科级领导干部任职培训班",
                                     CITY_SCHOOL))
        if level >= 4:  # 乡科级 and below: every year 12 days or 90 学时
            for year in range(first_year, as_of.year + 1):
                r = rng.random()
                day = _day(rng, dt.date(year, 3, 1), min(as_of, dt.date(year, 11, 30)))
                if day is None:
                    continue
                if year == judged:
                    days = 0 if r < 0.015 else rng.randint(4, 9) if r < 0.04 else rng.choice((12, 14, 15, 15))
                else:
                    days = 0 if r < 0.02 else rng.choice((12, 14, 15, 15))
                if days:
                    mine.append(_off_job(person_id, day, days, f"{year}年全市乡科级干部集中轮训班", CITY_SCHOOL))
        else:  # 县处级 and above: 3 months or 550 学时 in the rolling 5 years
            r = rng.random()
            target = rng.randint(20, 55) if r < 0.025 else rng.randint(76, 86) if r < 0.055 else rng.randint(92, 105)
            if target < 90:
                mine = []  # short: no 任职培训 in the window either
            for year in range(first_year, as_of.year + 1):
                day = _day(rng, max(window, dt.date(year, 3, 1)), min(as_of, dt.date(year, 11, 30)))
                if day is not None:
                    mine.append(_off_job(person_id, day, rng.randint(5, 7), f"{year}年县处级领导干部专题培训班",
                                         CITY_SCHOOL))
            inside = sum(ln.quantity for ln in mine if ln.on >= window)
            while inside > target:  # short: fewer 专题培训
                counted = [i for i, ln in enumerate(mine) if ln.on >= window]
                inside -= mine.pop(counted[rng.randrange(len(counted))]).quantity
            remaining = target - int(inside)
            while remaining > 0:
                days = min(max(remaining, 15), 60)
                day = _day(rng, window + dt.timedelta(days=30), as_of - dt.timedelta(days=days))
                if day is None:
                    break
                mine.append(_off_job(person_id, day, days, "市委党校县处级领导干部进修班", CITY_SCHOOL))
                remaining -= days
        if person_id in skip:  # a planted boundary example: nothing else in the judged year
            mine = [ln for ln in mine if ln.on.year != judged]
        lines += mine
    return lines


def _members(root, *, seed: int, as_of, skip: set) -> list:
    """Basic-level committees' yearly training, new secretaries' induction, probationary members' training."""
    from zugong.core.dates import add_months
    from zugong.members.models import Membership, PostSpan
    from zugong.training import ledger
    from zugong.training.requirements_eval import COMMITTEE_ORG_KINDS

    first_year, judged = as_of.year - YEARS, as_of.year - 1
    start = dt.date(first_year, 1, 1)
    spans = list(PostSpan.objects.unrestricted().filter(org_path__subtree=root.path,
                                                        organization__kind__in=list(COMMITTEE_ORG_KINDS),
                                                        started_on__lte=as_of)
                 .exclude(ended_on__lt=start).order_by("pk")
                 .values_list("membership__person_id", "post", "started_on", "ended_on"))
    lines = []
    rng = random.Random(f"{seed}:training:secretaries")
    untrained: dict[int, list[tuple[dt.date, dt.date]]] = {}  # new secretaries left without their training
    for person_id, post, started, _ended in spans:
        if post != "secretary" or started < start:
            continue
        due = add_months(started, 6)
        day = started + dt.timedelta(days=rng.randint(14, 170))
        if rng.random() < 0.04:
            untrained.setdefault(person_id, []).append((started, due))
        elif day <= min(as_of, due):
            lines.append(_off_job(person_id, day, 3, "新任基层党组织书记任职培训班", ORG_DEPT))
    rng = random.Random(f"{seed}:training:committees")
    done: set[tuple[int, int]] = set()
    for person_id, post, started, ended in spans:
        for year in range(max(first_year, started.year), as_of.year + 1):
            last = min(as_of, dt.date(year, 12, 31), (ended - dt.timedelta(days=1)) if ended else as_of)
            day = _day(rng, max(started, dt.date(year, 1, 1)), last)
            r = rng.random()
            if day is None or (person_id, year) in done:
                continue
            done.add((person_id, year))
            for first, due in untrained.get(person_id, ()):  # not inside an untrained new secretary's months
                if first <= day <= due:
                    day = due + dt.timedelta(days=1)
            if r < 0.012 or day > last or (year == judged and person_id in skip):
                continue
            days = 6 if post == "secretary" else 5
            lines.append(_off_job(person_id, day, days, f"{year}年基层党组织书记和委员集中轮训", COUNTY_SCHOOL))
    rng = random.Random(f"{seed}:training:probationary")
    joined = (Membership.objects.unrestricted().filter(org_path__subtree=root.path, joined_on__gte=start,
                                                       joined_on__lte=as_of).order_by("pk")
              .values_list("person_id", "joined_on"))
    for person_id, on in joined:
        day = on + dt.timedelta(days=rng.randint(20, 330))
        if rng.random() < 0.07 or day > as_of:
            continue
        lines.append(ledger.Line(person_id=person_id, on=day, kind="class", quantity=Decimal(rng.choice((12, 16))),
                                 unit="hour", label="预备党员集中培训班", provider=COUNTY_SCHOOL))
    return lines


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.core import audit, config
    from zugong.training import ledger
    from zugong.training.defaults import ledger as ledger_defaults
    from zugong.training.models import Credit

    from .training_ledger import write

    config.install(root, ["training-requirements"])
    ledger_defaults.install()
    if Credit.objects.unrestricted().filter(source=SOURCE, person__org_path__startswith=root.path).exists():
        return {}
    cadres = planted(city, as_of)
    last = as_of.year - 1
    plan = [(dt.date(last, 4, 10), "off_job", 11, "day", "乡镇党委书记专题培训班"),
            (dt.date(last, 5, 12), "off_job", 12, "day", "乡镇党委书记专题培训班"),
            (dt.date(last, 9, 1), "online", 45 * 60, "minute", "网络学院专题课程"),
            (dt.date(last, 9, 1), "online", 50 * 60, "minute", "网络学院专题课程")]
    lines = []
    for i, (cadre, (on, kind, quantity, unit, label)) in enumerate(zip(cadres, plan)):
        if unit == "minute":  # an online course credits by the course: 45 and 50 courses of 60 minutes
            lines += [ledger.Line(person_id=cadre.person_id, on=on, kind=kind, quantity=Decimal(60), unit="minute",
                                  label=f"{label}（第{n + 1}讲）", source_id=seed * 100000 + i * 1000 + n)
                      for n in range(quantity // 60)]
        else:
            lines.append(ledger.Line(person_id=cadre.person_id, on=on, kind=kind, quantity=Decimal(quantity),
                                     unit=unit, label=label, source_id=seed * 100000 + i * 1000))
    if lines:
        with audit.operation(None, "import", note="演示数据：培训学时") as op:
            ledger.post(op, "training.demo_requirements", lines)
    skip = {c.person_id for c in cadres[:2]}  # 11 and 12 days: no other concentrated training that year
    history = _cadres(root, seed=seed, as_of=as_of, skip=skip) + _members(root, seed=seed, as_of=as_of, skip=skip)
    written = write(SOURCE, history)
    log(f"  training requirements: {len(lines)} demo ledger lines for {len(cadres)} cadres, {written:,} lines of "
        f"training history ({as_of.year - YEARS}–{as_of.year})")
    return {"training_requirement_lines": len(lines), "training_history_lines": written}
