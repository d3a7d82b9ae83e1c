"""Demo data of routine (平时) and annual (年度) assessment of individuals, for the demo city, dated up to `as_of`.

- Annual results of the three years before `as_of` for the city's cadres, confirmed: the same grades as the
  cadre records `demo/cadres.py` seeded (their 年度考核), so nothing is duplicated and the 任免审批表 agrees.
- In one county: routine grades of this year's finished quarters (confirmed through the confirming step, a few
  refused over the 40 % quota), the current quarter in progress (proposed, not confirmed); this year's annual
  proposals of the county's staff confirmed through the step (a few refused: prerequisite, quota), one exception
  recorded by the administrator, and one person 不称职 two years running (the rule names 辞退).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from zugong.core import audit


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    from zugong.accounts.models import User
    from zugong.assessment.defaults import individual as defaults
    from zugong.assessment.models import AnnualRound

    if AnnualRound.objects.unrestricted().filter(org_path__startswith=city.path).exists():
        return {}
    defaults.install()
    rng = random.Random(seed * 7919 + 14)
    admin = User.objects.get(username="admin")
    counts: dict[str, int] = {}
    with audit.acting_as(admin, name=audit.SEED_ACTOR):
        counts["annual_history"] = _history(city, admin, as_of)
        county, staff = _county_staff(city)
        if county is not None and staff:
            counts["routine_grades"] = _routine(county, staff, admin, as_of, rng)
            counts |= _annual_current(county, staff, admin, as_of, rng)
    log(f"  平时考核和年度考核：{counts}")
    return counts


def _history(city, admin, as_of) -> int:
    """The cadre records' annual grades of the last three years as confirmed results (bulk, like the records)."""
    from zugong.assessment import individual_services as services
    from zugong.assessment.models import AnnualProposal, AnnualRound, Category
    from zugong.cadres.models import AnnualAssessment

    years = range(as_of.year - 3, as_of.year)
    rows = list(AnnualAssessment.objects.unrestricted().filter(cadre__org_path__startswith=city.path, year__in=years)
                .select_related("cadre__organization", "cadre__person__organization"))
    by_assessor = defaultdict(list)
    for r in rows:
        by_assessor[r.cadre.organization].append(r)
    new = []
    for assessor, records in by_assessor.items():
        pools = services.resolve_pools(assessor, list({(r.cadre.person_id, r.cadre.person.organization)
                                                        for r in records}))
        rounds = {}
        for year in years:
            rounds[year], _ = AnnualRound.objects.unrestricted().get_or_create(
                organization=assessor, year=year, defaults={"org_path": assessor.path, "closed": True})
        for r in records:
            person = r.cadre.person
            on = timezone.make_aware(dt.datetime(r.year + 1, 1, 15, 10))
            new.append(AnnualProposal(
                round=rounds[r.year], person=person, organization=person.organization, org_path=person.org_path,
                pool=pools[person.pk], year=r.year, category=Category.CIVIL_SERVANT, proposed=r.grade, grade=r.grade,
                status=AnnualProposal.Status.CONFIRMED, confirmed_by=admin, confirmed_at=on, checked_at=on,
                reasons=[{"code": "record", "text": "据干部档案中的年度考核结果登记", "citation": "干部人事档案",
                          "evidence": "", "evidence_pk": None, "blocking": False}]))
    AnnualProposal.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def _county_staff(city):
    """The first county of the city with people who hold no cadre record (the staff assessed here)."""
    from zugong.cadres.models import Cadre
    from zugong.orgs.models import Organization
    from zugong.people.models import Person

    for county in Organization.objects.unrestricted().filter(path__startswith=city.path, depth=city.depth + 1,
                                                             kind="committee").order_by("path")[:5]:
        staff = list(Person.objects.unrestricted().filter(org_path__startswith=county.path).exclude(
            Exists(Cadre.objects.unrestricted().filter(person_id=OuterRef("pk")))).select_related(
            "organization").order_by("pk")[:120])
        if len(staff) >= 30:
            return county, staff
    return None, []


def _profile(rng) -> tuple[float, float]:
    """(chance of 好, chance of 一般/较差) a quarter for one person."""
    r = rng.random()
    return (0.9, 0.0) if r < 0.3 else (0.3, 0.03) if r < 0.85 else (0.1, 0.3)


def _routine(county, staff, admin, as_of, rng) -> int:
    from zugong.assessment import individual_services as services

    done = (as_of.month - 1) // 3
    profiles = {p.pk: _profile(rng) for p in staff}
    by_unit = defaultdict(list)
    for p in staff:
        by_unit[p.organization].append(p)
    n = 0
    for period in range(1, min(done + 1, 4) + 1):
        rnd = services.open_routine_round(admin, county, as_of.year, period)
        for i, (unit, people) in enumerate(sorted(by_unit.items(), key=lambda kv: kv[0].path)):
            if period > done and i % 2:  # the current quarter: half the units have proposed so far
                continue
            grades = {}
            for p in people:
                good, bad = profiles[p.pk]
                x = rng.random()
                grades[p] = "good" if x < good else ("fair" if x > 1 - bad else "fairly_good")
                if grades[p] == "fair" and rng.random() < 0.15:
                    grades[p] = "poor"
            services.propose_routine(admin, rnd, unit, grades)
            n += len(grades)
        if period <= done:
            services.confirm_routine(admin, rnd)
    return n


def _annual_current(county, staff, admin, as_of, rng) -> dict[str, int]:
    from zugong.assessment import individual_services as services
    from zugong.assessment.models import AnnualProposal, RoutineGrade

    year = as_of.year
    good = defaultdict(int)
    for person_id in RoutineGrade.objects.unrestricted().filter(year=year, grade="good", person__in=staff).values_list(
            "person_id", flat=True):
        good[person_id] += 1
    # 优秀 proposed for those with 好 in two quarters or more (two quarters do not meet the prerequisite: refused),
    # at most a fifth of the staff, and for two with hardly any 好 (refused too)
    strong = sorted((p for p in staff if good[p.pk] >= 2), key=lambda p: -good[p.pk])[:len(staff) // 5]
    weak = [p for p in staff if good[p.pk] < 2]
    planted = {p.pk for p in strong} | {p.pk for p in weak[:2]}
    failing = weak[-1] if len(weak) > 3 else None
    # the person 不称职 last year too (a confirmed result of last year in the same county)
    if failing is not None:
        last = services.open_annual_round(admin, county, year - 1)
        services.propose_annual(admin, last, [{"person": failing, "unit": failing.organization,
                                               "category": "civil_servant", "proposed": "incompetent"}])
        services.confirm_annual(admin, last)
    rnd = services.open_annual_round(admin, county, year)
    entries = []
    for p in staff:
        proposed = "excellent" if p.pk in planted else "competent"
        if failing is not None and p.pk == failing.pk:
            proposed = "incompetent"
        elif p.pk not in planted and rng.random() < 0.04:
            proposed = "basic"
        entries.append({"person": p, "unit": p.organization, "category": "civil_servant", "proposed": proposed})
    services.propose_annual(admin, rnd, entries, note="演示数据")
    first = services.confirm_annual(admin, rnd)
    refused = list(AnnualProposal.objects.unrestricted().filter(round=rnd, status="refused").order_by("pk"))
    quota_refused = [r for r in refused if any(x["code"] == "quota" for x in r.reasons)]
    chosen = (quota_refused or refused)[:1]
    for r in chosen:
        services.record_exception(admin, r, "该同志在年度重点项目攻坚中表现突出，经部务会研究同意按例外办理")
        services.confirm_annual(admin, rnd, AnnualProposal.objects.unrestricted().filter(pk=r.pk))
    return {"annual_proposals": len(entries), "annual_refused": first["refused"] - len(chosen),
            "annual_exceptions": len(chosen)}
