"""Training requirements benchmark: the yearly ledger and requirement scan over ~300,000 cadres and 2.6 million
members (target ≤ 60 s per database). Prints, never asserts.

Runs on its own scratch database (bench/scratch.py), never on the province seed. Data, written set-based in SQL
(INSERT … SELECT over a number series, no Python loop over rows): 100 counties, a branch per 30 members, the
people, the memberships (5 % admitted in the last two years), 3 committee posts a branch (one secretary in ten
new), the cadres (10 % 县处级 and above with their rank records, a promotion in the last 18 months for one in
six of them; the others 乡科级 and below), and the ledger: per cadre 6 years × (one concentrated line, one online
line, a 脱产 line for one in four), per member one study line in the judged year, per committee member one
concentrated line for four in five — about one person in ten short of a requirement.

Timed: the ledger sums (`person_hours_sql` over all cadres for the year; `member_hours_sql` over all members),
each requirement's check over the whole tree, the national 32 学时 rule's check, and one `rules.scan` of the
training requirements (findings written). `TRAINING_BENCH_SCALE=0.1` runs a tenth of the province (the figures say so).

    python bench/training_requirements_bench.py
"""

from __future__ import annotations

import datetime as dt
import os
import time

from scratch import run_on_scratch  # bench/scratch.py (the script's folder is on sys.path)

SCALE = float(os.environ.get("TRAINING_BENCH_SCALE", "1"))
N_CADRES = int(300_000 * SCALE)
N_MEMBERS = int(2_600_000 * SCALE)
COUNTIES = 100
PER_BRANCH = 30
AS_OF = dt.date(2026, 3, 31)
YEAR = AS_OF.year - 1  # the judged year


def main() -> None:
    run_on_scratch("training_req", lambda _tmp, db: run(db))


# ---------------------------------------------------------------- set-based generation


def _series(vendor: str, n: int) -> str:
    if vendor == "postgresql":
        return f"n(i) AS (SELECT generate_series(0, {n - 1}))"
    return f"RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {n - 1})"


def _day(vendor: str, base: dt.date, offset_sql: str) -> str:
    if vendor == "postgresql":
        return f"(DATE '{base:%Y-%m-%d}' + CAST({offset_sql} AS integer))"
    return f"date('{base:%Y-%m-%d}', '+' || ({offset_sql}) || ' days')"


def _insert(model, n: int, given: dict[str, str], joins: str = "", where: str = "") -> int:
    """INSERT INTO model's table SELECT … FROM a series of n numbers `i`: `given` maps columns to SQL
    expressions; every other column takes the field's default (None where it has none)."""
    from django.db import connection, models
    from django.utils import timezone

    now = timezone.now()
    cols, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f'"{f.column}"')
        if f.column in given:
            exprs.append(given[f.column])
        elif isinstance(f, models.DateTimeField):
            exprs.append("%s")
            params.append(f.get_db_prep_save(now, connection))
        else:
            default = f.get_default() if f.has_default() or not f.null else None
            if default is None and not f.null:
                default = ""
            exprs.append("%s")
            params.append(f.get_db_prep_save(default, connection) if default is not None else None)
    sql = (f"WITH {_series(connection.vendor, n)} INSERT INTO {model._meta.db_table} ({', '.join(cols)}) "
           f"SELECT {', '.join(exprs)} FROM n {joins} {where}")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def _first_id(model) -> int:
    from django.db.models import Max

    return (model.objects.unrestricted().aggregate(m=Max("pk"))["m"] or 0) + 1


def seed(vendor: str) -> dict:
    from django.db import connection, transaction

    from zugong.cadres import ranks
    from zugong.cadres.models import Cadre, RankRecord
    from zugong.core import config
    from zugong.members.models import Membership, PostSpan
    from zugong.orgs.models import Organization
    from zugong.people.models import Person
    from zugong.training.models import Credit

    t0 = time.perf_counter()
    branches = max(1, N_MEMBERS // PER_BRANCH)
    per_county = -(-branches // COUNTIES)
    root = Organization(name="中共某省委员会", code="90", kind="committee", path="0001", depth=1, numchild=COUNTIES)
    rows = [root]
    for c in range(COUNTIES):
        rows.append(Organization(name=f"中共某县{c:03d}委员会", code=f"90{c:04d}", kind="committee",
                                 path=f"0001{c + 1:04d}", depth=2, numchild=per_county))
    Organization.objects.bulk_create(rows, batch_size=2000)
    branch_rows = [Organization(name=f"某县{b // per_county:03d}第{b % per_county:04d}支部委员会", code=f"9{b:09d}",
                                kind="branch", path=f"0001{b // per_county + 1:04d}{b % per_county + 1:04d}", depth=3,
                                numchild=0) for b in range(branches)]
    Organization.objects.bulk_create(branch_rows, batch_size=5000)
    county0 = Organization.objects.unrestricted().get(code="900000").pk
    branch0 = Organization.objects.unrestricted().get(code=f"9{0:09d}").pk
    root_obj = Organization.objects.unrestricted().get(code="90")
    config.install(root_obj, ["training_requirements"])
    d = lambda base, off: _day(vendor, base, off)  # noqa: E731
    mod = "%"  # the modulo operator, doubled for the driver's parameter style
    m = mod * 2
    with transaction.atomic():
        p0 = _first_id(Person)
        _insert(Person, N_MEMBERS, {
            "organization_id": "o.id", "org_path": "o.path", "name": "'党员'", "sex": "'1'",
            "birth_date": d(dt.date(1970, 1, 1), f"(i {m} 10000)"), "id_number": "''", "id_hash": "NULL",
        }, joins=f"JOIN orgs_organization o ON o.id = {branch0} + (n.i {m} {branches})")
        c0 = _first_id(Person)
        _insert(Person, N_CADRES, {
            "organization_id": "o.id", "org_path": "o.path", "name": "'干部'", "sex": "'2'",
            "birth_date": d(dt.date(1970, 1, 1), f"(i {m} 9000)"), "id_number": "''", "id_hash": "NULL",
        }, joins=f"JOIN orgs_organization o ON o.id = {county0} + (n.i {m} {COUNTIES})")
        m0 = _first_id(Membership)
        # Member i is person p0 + i in branch (i mod branches): i < branches are the secretaries, the next two
        # rounds the other committee members.
        _insert(Membership, N_MEMBERS, {
            "person_id": f"{p0} + n.i", "organization_id": "o.id", "org_path": "o.path",
            "status": f"CASE WHEN n.i {m} 20 = 7 THEN 'probationary' ELSE 'full' END",
            "joined_on": f"CASE WHEN n.i {m} 20 = 7 THEN {d(dt.date(2024, 4, 1), f'(n.i {m} 700)')} "
                         f"ELSE {d(dt.date(1990, 1, 1), f'(n.i {m} 9000)')} END",
            "converted_on": "NULL", "category": "'employed'", "committee_post": "''",
        }, joins=f"JOIN orgs_organization o ON o.id = {branch0} + (n.i {m} {branches})")
        posts = ["secretary", "organization", "propaganda"]
        for k, post in enumerate(posts):
            started = (f"CASE WHEN n.i {m} 10 = 3 THEN {d(dt.date(2024, 6, 1), f'(n.i {m} 600)')} "
                       f"ELSE {d(dt.date(2015, 1, 1), f'(n.i {m} 2000)')} END") if post == "secretary" else \
                d(dt.date(2015, 1, 1), f"(n.i {m} 2000)")
            _insert(PostSpan, branches, {
                "organization_id": f"{branch0} + n.i", "org_path": "o.path", "membership_id": f"{m0 + k * branches} + n.i",
                "post": f"'{post}'", "started_on": started, "ended_on": "NULL", "election_id": "NULL",
            }, joins=f"JOIN orgs_organization o ON o.id = {branch0} + n.i",
                where=f"WHERE {k * branches} + n.i < {N_MEMBERS}")
        # Cadres: one in ten 县处级 and above (county_deputy), the others 乡科级 (township_deputy) or 科员级.
        cd0 = _first_id(Cadre)
        upper = ranks.ORDER["county_deputy"]
        _insert(Cadre, N_CADRES, {
            "person_id": f"{c0} + n.i", "organization_id": "o.id", "org_path": "o.path", "name": "'干部'",
            "rank": f"CASE WHEN n.i {m} 10 = 0 THEN 'county_deputy' WHEN n.i {m} 10 < 6 THEN 'township_deputy' "
                    f"ELSE 'clerk_1' END",
            "rank_level": f"CASE WHEN n.i {m} 10 = 0 THEN 3 WHEN n.i {m} 10 < 6 THEN 4 ELSE 5 END",
            "rank_order": f"CASE WHEN n.i {m} 10 = 0 THEN {upper} ELSE 50 END",
            "rank_since": d(dt.date(2015, 1, 1), f"(n.i {m} 4000)"), "unit_id": "NULL",
            "birth_date": d(dt.date(1970, 1, 1), f"(n.i {m} 9000)"),
        }, joins=f"JOIN orgs_organization o ON o.id = {county0} + (n.i {m} {COUNTIES})")
        uppers = N_CADRES // 10
        # Their rank records: 乡科级正职 earlier, 县处级副职 later (one in six promoted in the last 18 months).
        for k, (rank, start) in enumerate((
                ("township_chief", d(dt.date(2008, 1, 1), f"(n.i {m} 1500)")),
                ("county_deputy", f"CASE WHEN n.i {m} 6 = 0 THEN {d(dt.date(2024, 10, 1), f'(n.i {m} 540)')} "
                                  f"ELSE {d(dt.date(2013, 1, 1), f'(n.i {m} 3000)')} END"))):
            _insert(RankRecord, uppers, {
                "cadre_id": f"{cd0} + n.i * 10", "org_path": "c.org_path", "rank": f"'{rank}'", "start_on": start,
                "end_on": "NULL", "order": str(k),
            }, joins=f"JOIN cadres_cadre c ON c.id = {cd0} + n.i * 10")
        # The ledger: cadres over 5 years, members in the judged year.
        src = 0
        for year in range(AS_OF.year - 5, AS_OF.year + 1):
            for kind, hours, days, share in (("class", f"(n.i {m} 60) + 85", "NULL", 1),
                                             ("online", f"(n.i {m} 40) + 45", "NULL", 1),
                                             ("off_job", f"((n.i {m} 15) + 1) * 6", f"(n.i {m} 15) + 1", 4)):
                _insert(Credit, N_CADRES, {
                    "person_id": f"{c0} + n.i", "on": d(dt.date(year, 1, 1), f"(n.i {m} 360)"), "year": str(year),
                    "kind": f"'{kind}'", "hours": hours, "days": days, "source": "'bench'",
                    "source_id": f"{src} + n.i", "rule": "'bench'", "carried": "FALSE" if vendor == "postgresql" else "0",
                }, where=f"WHERE n.i {m} {share} = 0")
                src += N_CADRES
        _insert(Credit, N_MEMBERS, {
            "person_id": f"{p0} + n.i", "on": d(dt.date(YEAR, 1, 1), f"(n.i {m} 360)"), "year": str(YEAR),
            "kind": "'study'", "hours": f"(n.i {m} 50) + 28", "days": "NULL", "source": "'bench'",
            "source_id": f"{src} + n.i", "rule": "'bench'", "carried": "FALSE" if vendor == "postgresql" else "0",
        })
        src += N_MEMBERS
        committee = min(3 * branches, N_MEMBERS)
        _insert(Credit, committee, {
            "person_id": f"{p0} + n.i", "on": d(dt.date(YEAR, 1, 1), f"(n.i {m} 360)"), "year": str(YEAR),
            "kind": "'class'", "hours": "8", "days": "NULL", "source": "'bench'", "source_id": f"{src} + n.i",
            "rule": "'bench'", "carried": "FALSE" if vendor == "postgresql" else "0",
        }, where=f"WHERE n.i {m} 5 <> 0")
    with connection.cursor() as cur:
        # PostgreSQL: VACUUM too, as autovacuum does soon after a bulk load (the visibility map lets the ledger's
        # covering indexes answer index-only; without it the timings below race autovacuum).
        cur.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    return {"branches": branches, "lines": Credit.objects.unrestricted().count(), "seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------- timing


def timed(label: str, fn, db: str):
    t = time.perf_counter()
    result = fn()
    took = time.perf_counter() - t
    n = len(result) if hasattr(result, "__len__") else result
    print(f"[{db}] training requirements: {label:<58} {took:7.2f} s   ({n:,} rows)", flush=True)
    return took, result


def run(db: str) -> None:
    from zugong.branchlife.rules import check_credit_hours
    from zugong.cadres.models import Cadre
    from zugong.core import rules
    from zugong.members.models import Membership
    from zugong.people.models import Person
    from zugong.training import requirements_eval as ev
    from zugong.training.ledger import member_hours_sql, person_hours_sql

    from django.db import connection

    vendor = connection.vendor
    scale = "" if SCALE == 1 else f" (scale {SCALE:g} of the province)"
    print(f"training requirements bench ({db}): {N_CADRES:,} cadres, {N_MEMBERS:,} members{scale}", flush=True)
    info = seed(vendor)
    print(f"[{db}] training requirements: seeded {info['branches']:,} branches and {info['lines']:,} ledger lines "
          f"in {info['seconds']:.1f} s", flush=True)
    start, stop = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    total = 0.0
    cadre_people = Person.objects.unrestricted().filter(pk__in=Cadre.objects.unrestricted().values("person_id"))
    took, _ = timed(f"ledger: cadres' hours by type, {YEAR}", lambda: rules.sql_rows(
        *person_hours_sql(cadre_people, start, stop)), db)
    total += took
    took, _ = timed(f"ledger: members' study hours, {YEAR}", lambda: rules.sql_rows(
        *member_hours_sql(Membership.objects.unrestricted().active(), start, stop)), db)
    total += took
    took, _ = timed("rule branchlife.study_hours (32 学时), whole tree",
                    lambda: check_credit_hours(Membership.objects.unrestricted(), AS_OF), db)
    total += took
    for req in ev.requirements():
        took, _ = timed(f"check {req.code}, whole tree",
                        lambda req=req: ev.evaluate(req, ev.judged_queryset(req), AS_OF), db)
    # The 32 学时 rule is timed above without writing: until the ledger area makes it read the ledger, it counts
    # only branch-life meetings (none here), so nearly every member would be a finding.
    mine = [r for r in rules.all_rules() if r.code.startswith("training.")]
    t = time.perf_counter()
    result = rules.scan("", AS_OF, rules=mine)
    scan = time.perf_counter() - t
    print(f"[{db}] training requirements: scan of the {len(mine)} rules (findings written)      {scan:7.2f} s   "
          f"({result.opened:,} opened)", flush=True)
    t = time.perf_counter()
    result = rules.scan("", AS_OF, rules=mine)
    again = time.perf_counter() - t
    print(f"[{db}] training requirements: the same scan again (nothing new)                   {again:7.2f} s   "
          f"({result.still_open:,} still open)", flush=True)
    whole = total + scan
    print(f"[{db}] training requirements: ledger sums + 32 学时 check + scan {whole:.1f} s (target ≤ 60 s){scale}"
          + (f"; linear extrapolation to the province {whole / SCALE:.0f} s" if SCALE != 1 else ""), flush=True)
    import harness

    harness.record("training requirements: ledger sums + 32 学时 check + scan", round(whole, 1), unit="s",
                   target=60 if SCALE == 1 else None, scale=SCALE, own_db=True)


if __name__ == "__main__":
    main()
