"""The automatic pre-check (资格预审): each application's eligibility conditions (its edition's conditions for
all tiers and for its tier, `models.Condition`) evaluated against zugong's own records — annual assessment
grades (`assessment.annual_selectors.annual_grades_of`: the confirmed results, else the cadre record's
`cadres.AnnualAssessment`), sanctions (`assessment.Sanction`), years in the current post
(`cadres.Cadre.post_started_on`), age and education (`people.Person`), professional title
(`cadres.Cadre.professional_title`) — on the edition's deadline (`Edition.closes_on`; without one, the
application's `applied_on`).

`precheck(applications)` reads the records of all the applications in a fixed number of queries (one per kind
of record, in chunks of 2,000 people; never one per application) and returns each application's `Check`s;
`Check.met` is None where the records say nothing (the human review decides). Pure reading:
`precheck_services.refresh` stores the result.

How each kind counts (decisions, each shown in the evidence):
- annual_grades {"years": N, "grades": [...]}: the N full years before the edition's year (2026 → 2023, 2024,
  2025), each graded in one of the grades; a year without a grade is not met (the evidence names it); no grade
  at all in those years is unknown (None: the person may be graded outside zugong).
- no_sanction {"years": N, "kinds": [...] optional}: no sanction (of those kinds) decided in the N years up to
  the deadline — after the day N years before it, up to the deadline itself: with the deadline 2026-04-30 and
  N = 5, one decided on 2021-04-30 lies outside, one on 2021-05-01 inside.
- years_in_post {"years": N}: full years from `post_started_on` to the deadline ≥ N (the anniversary counts).
- max_age / min_age {"age": N}: full years of age at the deadline (a birthday on the deadline counts: who turns
  41 on it is 41).
- education {"codes": [...]}: the person's 学历 code is one of them.
- title {"titles": [...]}: the cadre record's 专业技术职务 contains one of them.
- manual {}: always None (待人工审查).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from zugong.core import dates
from zugong.core.refdata import EDUCATION

CHUNK = 2000
MANUAL = "待人工审查"
EDUCATION_LABELS = dict(EDUCATION)


@dataclass(frozen=True)
class Check:
    condition: str  # the condition's label (“近三年年度考核均为合格以上等次”)
    kind: str  # models.ConditionKind
    met: bool | None  # None: the records hold nothing to judge it by (待人工审查)
    evidence: str  # what the records say (“2023年 称职；2024年 称职；2025年 优秀”)
    source: str  # the condition's document and article

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _App:
    pk: int
    edition_id: int
    tier_id: int
    person_id: int
    applied_on: dt.date | None


def _rows(applications) -> list[_App]:
    from django.db.models import QuerySet

    if isinstance(applications, QuerySet):
        return [_App(*r) for r in applications.order_by().values_list("pk", "edition_id", "tier_id", "person_id",
                                                                       "applied_on")]
    return [_App(a.pk, a.edition_id, a.tier_id, a.person_id, a.applied_on) for a in applications]


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def cn(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def _int(params: dict, key: str, default: int = 0) -> int:
    try:
        return int(params.get(key, default))
    except (TypeError, ValueError):
        return default


def grade_years(edition_year: int, years: int) -> list[int]:
    """The N full years before the edition's year, oldest first."""
    return list(range(edition_year - years, edition_year))


def sanction_window(deadline: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the N years up to the deadline (the day N years before is outside)."""
    return dates.add_years(deadline, -years) + dt.timedelta(days=1), deadline


def precheck(applications) -> dict[int, list[Check]]:
    """{application id: its checks, in the conditions' order} for the given applications (a queryset or a
    list of `Application`s with `edition_id`, `tier_id`, `person_id`, `applied_on`)."""
    from zugong.assessment.annual_selectors import LABELS as GRADE_LABELS
    from zugong.assessment.annual_selectors import annual_grades_of
    from zugong.assessment.models import Sanction, SanctionKind
    from zugong.cadres.models import Cadre
    from zugong.people.models import Person

    from .models import Condition, ConditionKind, Edition

    apps = _rows(applications)
    if not apps:
        return {}
    K = ConditionKind
    edition_ids = sorted({a.edition_id for a in apps})
    editions = {pk: (year, closes) for pk, year, closes in Edition.objects.unrestricted().filter(
        pk__in=edition_ids).values_list("pk", "year", "closes_on")}
    conditions: dict[int, list] = defaultdict(list)
    for c in Condition.objects.unrestricted().filter(edition_id__in=edition_ids).order_by("order", "pk"):
        conditions[c.edition_id].append(c)
    kinds = {c.kind for cs in conditions.values() for c in cs}
    people = sorted({a.person_id for a in apps})

    persons: dict[int, tuple] = {}
    if kinds & {K.MAX_AGE, K.MIN_AGE, K.EDUCATION}:
        for part in _chunks(people):
            for pk, birth, education in Person.objects.unrestricted().filter(pk__in=part).values_list(
                    "pk", "birth_date", "education"):
                persons[pk] = (birth, education)
    cadres: dict[int, tuple] = {}
    if kinds & {K.YEARS_IN_POST, K.TITLE}:
        for part in _chunks(people):
            for person, started, title in Cadre.objects.unrestricted().filter(person_id__in=part).values_list(
                    "person_id", "post_started_on", "professional_title"):
                cadres[person] = (started, title)
    grades: dict[int, dict] = {}
    if K.ANNUAL_GRADES in kinds:
        wanted_years = {y for cs in conditions.values() for c in cs if c.kind == K.ANNUAL_GRADES
                        for y in grade_years(editions[c.edition_id][0], _int(c.params, "years", 3))}
        grades = annual_grades_of(people, sorted(wanted_years))
    sanctions: dict[int, list[tuple]] = defaultdict(list)
    if K.NO_SANCTION in kinds:
        # the widest window any condition needs: from the earliest start to the latest deadline
        days = [editions[a.edition_id][1] or a.applied_on for a in apps]
        longest = max((_int(c.params, "years", 5) for cs in conditions.values() for c in cs
                       if c.kind == K.NO_SANCTION), default=5)
        start, end = dates.add_years(min(days), -longest), max(days)
        for part in _chunks(people):
            for person, kind, decided in Sanction.objects.unrestricted().filter(
                    person_id__in=part, decided_on__gt=start, decided_on__lte=end).order_by(
                    "decided_on", "pk").values_list("person_id", "kind", "decided_on"):
                sanctions[person].append((kind, decided))
    sanction_labels = dict(SanctionKind.choices)

    def judge(c, app: _App) -> tuple[bool | None, str]:
        year, closes = editions[app.edition_id]
        deadline = closes or app.applied_on
        p = c.params or {}
        if c.kind == K.ANNUAL_GRADES:
            allowed = set(p.get("grades") or [])
            years = grade_years(year, _int(p, "years", 3))
            found = grades.get(app.person_id, {})
            if not any(y in found for y in years):
                return None, f"系统中无{years[0]}—{years[-1]}年度考核记录，{MANUAL}" if years else MANUAL
            # A year without a record is not evidence of failing it (the grade may not have been entered):
            # a grade below the bar fails the condition; otherwise a missing year leaves it to the reviewer.
            parts, failed, missing = [], False, False
            for y in years:
                g = found.get(y)
                if g is None:
                    parts.append(f"{y}年 无考核记录")
                    missing = True
                else:
                    parts.append(f"{y}年 {GRADE_LABELS.get(g.grade, g.grade)}")
                    failed = failed or g.grade not in allowed
            if failed:
                return False, "；".join(parts)
            return (None, "；".join(parts) + f"，{MANUAL}") if missing else (True, "；".join(parts))
        if c.kind == K.NO_SANCTION:
            n = _int(p, "years", 5)
            first, last = sanction_window(deadline, n)
            only = set(p.get("kinds") or [])
            hits = [(k, d) for k, d in sanctions.get(app.person_id, ()) if first <= d <= last
                    and (not only or k in only)]
            window = f"{cn(first)}至{cn(last)}"
            if not hits:
                return True, f"{window}无处分记录"
            return False, f"{window}内：" + "；".join(f"{cn(d)} {sanction_labels.get(k, k)}" for k, d in hits)
        if c.kind == K.YEARS_IN_POST:
            n = _int(p, "years", 3)
            started = cadres.get(app.person_id, (None, ""))[0]
            if app.person_id not in cadres:
                return None, f"无干部信息（任现职务时间），{MANUAL}"
            if started is None:
                return None, f"干部信息未填任现职务时间，{MANUAL}"
            held = dates.age_on(started, deadline) if started <= deadline else 0
            return held >= n, f"{cn(started)}任现职，至{cn(deadline)}满{held}年"
        if c.kind in (K.MAX_AGE, K.MIN_AGE):
            n = _int(p, "age", 45)
            birth = persons.get(app.person_id, (None, ""))[0]
            if birth is None:
                return None, f"无出生日期，{MANUAL}"
            age = dates.age_on(birth, deadline)
            met = age <= n if c.kind == K.MAX_AGE else age >= n
            return met, f"{cn(birth)}出生，{cn(deadline)}时{age}周岁"
        if c.kind == K.EDUCATION:
            education = persons.get(app.person_id, (None, ""))[1]
            if not education:
                return None, f"人员信息未填学历，{MANUAL}"
            codes = set(p.get("codes") or [])
            return education in codes, f"学历：{EDUCATION_LABELS.get(education, education)}"
        if c.kind == K.TITLE:
            if app.person_id not in cadres:
                return None, f"无干部信息（专业技术职务），{MANUAL}"
            title = cadres[app.person_id][1].strip()
            if not title:
                return None, f"干部信息未填专业技术职务，{MANUAL}"
            titles = [t for t in (p.get("titles") or []) if t]
            return any(t in title for t in titles), f"专业技术职务：{title}"
        return None, MANUAL

    out: dict[int, list[Check]] = {}
    for app in apps:
        checks = []
        for c in conditions.get(app.edition_id, ()):
            if c.tier_id is not None and c.tier_id != app.tier_id:
                continue
            met, evidence = judge(c, app)
            checks.append(Check(c.label, c.kind, met, evidence, c.source))
        out[app.pk] = checks
    return out


def passed(checks: list[Check]) -> bool | None:
    """Every condition met: True; one not met: False; otherwise (one unknown) None."""
    if any(c.met is False for c in checks):
        return False
    if any(c.met is None for c in checks):
        return None
    return True
