"""Annual assessment benchmark: 300,000 annual proposals checked against the quotas, the bars, the probation and
the 平时 → 年度 prerequisite (target ≤ 60 s), then confirmed (the check plus the writes).

Runs on its own database, never on the province seed: a fresh SQLite file in a temporary folder, or, when
DATABASE_URL is PostgreSQL, a fresh database `<bench db>_assessment` on the same server (dropped at the end).
Data: 100 assessing counties × 30 departments, two pools each (leaders and others), 300,000 people with a proposal
(about 18 % 优秀, more in one pool in ten, so some pools break the 20 % quota), the routine grades of the 优秀
candidates (four quarters), 3,000 cadre records (some on probation), 3,000 sanctions of every kind and 300
investigations: the bars come from `bars.bars_for` with the national sanctions → grade table. Numbers are printed,
not asserted.

    python bench/assessment_annual_bench.py          # N=300000; ASSESSMENT_BENCH_PROPOSALS=30000 for a quick run
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path

from scratch import run_on_scratch  # bench/scratch.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("ASSESSMENT_BENCH_PROPOSALS", "300000"))
COUNTIES, UNITS = 100, 30
YEAR = 2025


def main() -> None:
    run_on_scratch("assessment", lambda _tmp, db: run(db))


def _seed(rng):
    from zugong.accounts.models import ScopeGrant, User
    from zugong.assessment.defaults import individual as defaults
    from zugong.assessment.models import AnnualProposal, AnnualRound, Pool, RoutineGrade, RoutineRound
    from zugong.cadres.models import Cadre
    from zugong.core.scope import Role
    from zugong.orgs.models import Organization
    from zugong.people.models import Person

    defaults.install()
    # The tree written in bulk with its paths (treebeard's add_child, audited one by one, would dominate the seed).
    root = Organization(name="中共某省委员会", code="90", kind="committee", path="0001", depth=1, numchild=COUNTIES)
    rows = [root]
    for c in range(COUNTIES):
        cpath = f"0001{c + 1:04d}"
        rows.append(Organization(name=f"中共某县{c:03d}委员会", code=f"90{c:04d}", kind="committee", path=cpath,
                                 depth=2, numchild=UNITS))
        for u in range(UNITS):
            rows.append(Organization(name=f"某县{c:03d}第{u:02d}部门机关委员会", code=f"90{c:04d}{u:02d}",
                                     kind="committee", path=f"{cpath}{u + 1:04d}", depth=3, numchild=0))
    Organization.objects.bulk_create(rows, batch_size=2000)
    by_path = {o.path: o for o in Organization.objects.unrestricted().all()}
    root = by_path["0001"]
    admin = User.objects.create_user(username="bench_admin", password="Zg-bench-pass-2026", display_name="基准")
    ScopeGrant.objects.create(user=admin, organization=root, role=Role.DEPT_ADMIN)
    counties = [o for p, o in sorted(by_path.items()) if len(p) == 8]
    units = [(by_path[p[:8]], o) for p, o in sorted(by_path.items()) if len(p) == 12]
    rounds = {c.pk: AnnualRound.objects.create(organization=c, org_path=c.path, year=YEAR) for c in counties}
    routine = {(c.pk, q): RoutineRound.objects.create(organization=c, org_path=c.path, year=YEAR, period=q)
               for c in counties for q in range(1, 5)}
    pools = {}
    for county, unit in units:
        for leaders in (False, True):
            pools[(unit.pk, leaders)] = Pool(organization=county, org_path=county.path, unit=unit, leaders=leaders,
                                             is_default=True, name=f"{unit.name}·{'领导干部' if leaders else '其他人员'}")
    Pool.objects.bulk_create(list(pools.values()), batch_size=2000)
    per_unit = N // len(units)
    born = dt.date(1980, 1, 1)
    persons = []
    for county, unit in units:
        for i in range(per_unit):
            persons.append(Person(organization=unit, org_path=unit.path, name=f"人{len(persons)}", sex="1",
                                  birth_date=born, id_number="", name_pinyin="", name_initials="", pinyin_key="",
                                  stroke_key=""))
    t = time.perf_counter()
    Person.objects.bulk_create(persons, batch_size=5000)
    persons = list(Person.objects.unrestricted().order_by("pk").values_list("pk", "organization_id"))
    unit_county = {u.pk: c for c, u in units}
    proposals, grades, cadres = [], [], []
    generous = {u.pk for _c, u in units if rng.random() < 0.1}
    for i, (pk, unit_id) in enumerate(persons):
        county = unit_county[unit_id]
        leaders = i % 20 == 0
        excellent = rng.random() < (0.3 if unit_id in generous else 0.18)
        proposed = "excellent" if excellent else ("basic" if rng.random() < 0.02 else "competent")
        proposals.append(AnnualProposal(round=rounds[county.pk], person_id=pk, organization_id=unit_id,
                                        org_path=f"{county.path}", pool=pools[(unit_id, leaders)], year=YEAR,
                                        category="civil_servant", proposed=proposed))
        if excellent:
            for q in range(1, 5):
                g = "good" if rng.random() < 0.85 else "fairly_good"
                grades.append(RoutineGrade(round=routine[(county.pk, q)], person_id=pk, organization_id=unit_id,
                                           org_path=county.path, pool=pools[(unit_id, leaders)], year=YEAR, period=q,
                                           proposed=g, grade=g, status="confirmed"))
        if i % 100 == 0:
            start = dt.date(YEAR, rng.randint(1, 12), 1) if i % 300 == 0 else dt.date(2010, 7, 1)
            cadres.append(Cadre(person_id=pk, organization=county, org_path=county.path, name=f"人{i}",
                                birth_date=born, work_started_on=start))
    AnnualProposal.objects.bulk_create(proposals, batch_size=5000)
    RoutineGrade.objects.bulk_create(grades, batch_size=5000)
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    sanctions, investigations = _sanctions(rng, [pk for pk, _u in persons])
    print(f"  seeded {len(proposals):,} proposals, {len(grades):,} routine grades, {len(pools):,} pools, "
          f"{len(cadres):,} cadres, {sanctions:,} sanctions, {investigations:,} investigations in "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    return admin, list(rounds.values())


def _sanctions(rng, person_ids: list[int]) -> tuple[int, int]:
    """About 1 % of the people with a sanction of the last three years (every kind), 0.1 % under investigation
    (half still open): the bars `bars.bars_for` reads, with the national sanctions → grade table installed."""
    from zugong.assessment.defaults import sanctions as sanction_defaults
    from zugong.assessment.models import Family, Investigation, Sanction, SanctionKind

    sanction_defaults.install()
    party = {"party_warning", "party_serious_warning", "party_post_removal", "probation_1", "probation_2", "expulsion"}
    gov = {"gov_warning", "gov_demerit", "gov_major_demerit", "gov_demotion", "gov_removal"}
    kinds = [k for k, _label in SanctionKind.choices]
    rows, probes = [], []
    for pk in rng.sample(person_ids, len(person_ids) // 100):
        kind = rng.choice(kinds)
        family = Family.PARTY if kind in party else Family.GOVERNMENT if kind in gov else Family.ORGANIZATIONAL
        decided = dt.date(rng.randint(YEAR - 2, YEAR), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(Sanction(person_id=pk, kind=kind, family=family, decided_on=decided, deciding_body="某纪委"))
    for i, pk in enumerate(rng.sample(person_ids, len(person_ids) // 1000)):
        opened = dt.date(YEAR, rng.randint(1, 10), 1)
        closed = dt.date(YEAR + 1, 3, 1) if i % 2 else None
        probes.append(Investigation(person_id=pk, opened_on=opened, closed_on=closed,
                                    outcome="no_sanction" if closed else ""))
    Sanction.objects.bulk_create(rows, batch_size=5000)
    Investigation.objects.bulk_create(probes, batch_size=5000)
    return len(rows), len(probes)


def run(db: str) -> None:
    from django.db import connection

    from zugong.assessment import annual_check
    from zugong.assessment import individual_services as services
    from zugong.assessment.models import AnnualProposal
    from zugong.core import audit

    rng = random.Random(14)
    print(f"assessment annual bench ({db}): {N:,} proposals", flush=True)
    admin, rounds = _seed(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    qs = AnnualProposal.objects.unrestricted().all()
    t = time.perf_counter()
    verdicts, quota = annual_check.judge(qs)
    check = time.perf_counter() - t
    refused = sum(1 for v in verdicts if v.status == "refused")
    print(f"  check {len(verdicts):,} proposals against quotas ({len(quota):,} pools), bars, probation and "
          f"prerequisite: {check:.1f} s ({refused:,} refused)", flush=True)
    t = time.perf_counter()
    totals: dict[str, int] = {}
    with audit.acting_as(admin):
        for rnd in rounds:
            for k, v in services.confirm_annual(admin, rnd).items():
                totals[k] = totals.get(k, 0) + v
    confirm = time.perf_counter() - t
    print(f"  confirm the {len(rounds)} rounds (check and write, audited per round): {confirm:.1f} s "
          f"({totals.get('confirmed', 0):,} confirmed, {totals.get('refused', 0):,} refused, "
          f"{totals.get('cadres', 0):,} cadre records)", flush=True)
    print(f"  target ≤ 60 s: check {'met' if check <= 60 else 'MISSED'}, confirm {'met' if confirm <= 60 else 'MISSED'}")
    import harness

    harness.record(f"assessment annual: check {len(verdicts):,} proposals", round(check, 1), unit="s", target=60,
                   own_db=True)
    harness.record(f"assessment annual: confirm {len(rounds)} rounds", round(confirm, 1), unit="s", target=60,
                   own_db=True)


if __name__ == "__main__":
    main()
