"""Times the organizational-life rules and the compliance table on an already seeded province (DATABASE_URL).

    DATABASE_URL=... .venv/bin/python bench/branchlife_bench.py

Adds received transfers for one member in 40 when there are none (members who moved branch), prints the
record counts, then `zugong.core.rules.scan("", as_of=<the seed's reference date>)` with the
organizational-life rules only (group 组织生活: frequencies, the reminder, quorum, 32 学时, six months absent,
appraisal follow-up, the local 党课 rule), twice: over no findings of these rules (all opened), then again
(steady state). Per rule: violations and seconds. Last, `zugong.branchlife.compliance.refresh()` of the whole
province (rows written, seconds). The findings of these rules are deleted first: run it on a benchmark
database only. Numbers are printed, never asserted.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
os.environ.setdefault("ZUGONG_TESTING", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

import harness  # noqa: E402

from django.db import connection  # noqa: E402

from zugong.branchlife import compliance  # noqa: E402
from zugong.branchlife.models import Absence, ComplianceStat, Meeting  # noqa: E402
from zugong.training.models import Credit  # noqa: E402
from zugong.core import rules  # noqa: E402
from zugong.core.models import Finding  # noqa: E402
from zugong.demo.generate import BENCH_AS_OF as AS_OF  # noqa: E402

TARGET_SECONDS = 60


def count(model) -> int:
    return model.objects.unrestricted().count()


MOVER_SHARE = 40  # one member in 40 moved branch within the province in the last year and a half


def ensure_movers() -> int:
    """Received transfers for one active member in MOVER_SHARE (the province seed has none), dated over the
    year and a half of meetings, from another branch to today's: the rules judge those members per stint.
    Idempotent: skipped when received transfers exist. Returns how many there are."""
    import datetime as dt
    import random

    from django.db import transaction
    from django.db.models.functions import Mod
    from django.utils import timezone

    from zugong.core import bulk, pii
    from zugong.demo.loader import Table
    from zugong.members.models import Membership, TransferRequest
    from zugong.orgs.models import Organization

    received = TransferRequest.objects.unrestricted().filter(status=TransferRequest.Status.RECEIVED)
    if received.exists():
        return received.count()
    rng = random.Random(7)
    branch_paths = dict(Organization.objects.unrestricted().filter(kind="branch").values_list("id", "path"))
    branch_ids = list(branch_paths)
    members = Membership.objects.unrestricted().active()
    cols = ("id", "kind", "status", "membership_id", "from_org_id", "to_org_id", "org_path", "name", "id_number",
            "member_status", "joined_on", "requested_on", "sent_on", "received_on", "education", "phone",
            "from_org_name", "to_org_name", "reason", "letter_no", "close_reason", "created_at", "updated_at",
            "id_hash")
    table = Table.of(TransferRequest, cols)
    sealed = TransferRequest._meta.get_field("id_number")  # encrypted and hashed as the model does it
    now = timezone.now()
    first = dt.date(2025, 1, 1)
    rows = []
    sample = members.annotate(share=Mod("id", MOVER_SHARE)).filter(share=0).order_by("id")
    for pk, org_id, joined_on, status, name, id_number in sample.values_list(
            "id", "organization_id", "joined_on", "status", "person__name", "person__id_number").iterator(10_000):
        day = first + dt.timedelta(days=rng.randrange(545))
        from_org = rng.choice(branch_ids)
        rows.append((len(rows) + 1, "within", "received", pk, from_org, org_id, branch_paths[from_org], name,
                     pii.seal(id_number, sealed.purpose), "full" if status == "full" else "probationary", joined_on,
                     day, day, day, "", "", "", "", "", "", "", now, now, sealed.index_values(id_number)["id_hash"]))
    with transaction.atomic():
        bulk.insert_rows(table.name, table.all_columns, table.rows(rows))
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table.name, len(rows)])
    return len(rows)


def main():
    db = connection.vendor
    rule_list = [r for r in rules.all_rules() if r.group == "组织生活"]
    codes = [r.code for r in rule_list]
    movers = ensure_movers()
    print(f"[{db}] organizational life: meetings={count(Meeting):,} absences={count(Absence):,} "
          f"study_lines={count(Credit):,} members who moved (received transfers)={movers:,}", flush=True)
    Finding.objects.unrestricted().filter(rule__in=codes)._raw_delete(connection.alias)
    totals = []
    per_rule = {}
    for run in ("first", "steady"):
        marks = [time.perf_counter()]
        result = rules.scan("", as_of=AS_OF, rules=rule_list, progress=lambda d, t: marks.append(time.perf_counter()))
        totals.append(marks[-1] - marks[0])
        for rule, a, b in zip(rule_list, marks, marks[1:]):
            per_rule.setdefault(rule.code, []).append(b - a)
        if run == "first":
            found = result.per_rule
    width = max(len(c) for c in codes)
    print(f"[{db}] {'rule':<{width}} {'violations':>10} {'first s':>8} {'steady s':>8}")
    for code in codes:
        a, b = per_rule[code]
        print(f"[{db}] {code:<{width}} {found[code]:>10,} {a:>8.1f} {b:>8.1f}")
    met = "met" if max(totals) <= TARGET_SECONDS else "MISSED"
    print(f"[{db}] organizational-life scan as of {AS_OF}: first {totals[0]:.1f} s, steady {totals[1]:.1f} s "
          f"(target ≤ {TARGET_SECONDS} s: {met})", flush=True)
    harness.record("organizational-life scan, first", round(totals[0], 1), unit="s", target=TARGET_SECONDS)
    harness.record("organizational-life scan, steady", round(totals[1], 1), unit="s", target=TARGET_SECONDS)
    started = time.perf_counter()
    rows = compliance.refresh(as_of=AS_OF, log=lambda line: print(f"[{db}] {line}", flush=True))
    seconds = time.perf_counter() - started
    print(f"[{db}] ComplianceStat refresh of the province: {rows:,} rows in {seconds:.1f} s "
          f"(table now {count(ComplianceStat):,} rows)")
    harness.record("ComplianceStat refresh, province", round(seconds, 1), unit="s", rows=rows)
    print(f"BENCH branchlife db={db} scan_first={totals[0]:.1f} scan_steady={totals[1]:.1f} "
          f"refresh={seconds:.1f} compliance_rows={rows}", flush=True)


if __name__ == "__main__":
    harness.run(main)
