"""Times a full rule scan of the province against an already seeded database (DATABASE_URL picks it).

    DATABASE_URL=... .venv/bin/python bench/scan_bench.py

Runs `zugong.core.rules.scan("", as_of=<the seed's reference date>)` with every registered rule twice: first
over an empty findings table (every finding is opened), then again (steady state: nothing new, nothing
resolved). For each rule it prints the rows judged, the violations and the seconds of each run; then the
total. Last, the slowest rule's query against one hand-written SQL statement that computes the same
violations (checked to return the same ids), as a ratio. The findings are deleted first: run it on a
benchmark database only.
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

from zugong.core import rules  # noqa: E402
from zugong.core.dates import add_months  # noqa: E402
from zugong.core.models import Finding  # noqa: E402
from zugong.demo.generate import BENCH_AS_OF as AS_OF  # noqa: E402
from zugong.members import dues  # noqa: E402
from zugong.members.models import Membership  # noqa: E402
from zugong.members.rules import MONTHS_UNPAID, TOLERANCE  # noqa: E402

TARGET_SECONDS = 60


def timed_scan(rule_list):
    """One scan of the whole tree; seconds per rule (from the progress callback) and the result."""
    marks = [time.perf_counter()]

    def progress(done, total):
        marks.append(time.perf_counter())

    result = rules.scan("", as_of=AS_OF, rules=rule_list, progress=progress)
    return [b - a for a, b in zip(marks, marks[1:])], marks[-1] - marks[0], result


def judged(rule) -> int:
    return rule.applicable(rule.model_class.objects.unrestricted()).count()


# ---------------------------------------------------------------- the slow rules by hand
#
# Each statement computes a rule's violations the way one would write it by hand, without the ORM.


def _day(vendor: str, day):
    return day if vendor == "postgresql" else day.isoformat()


ACTIVE = "m.transferred_out_on IS NULL AND m.status IN ('probationary', 'full')"


def unpaid_sql(vendor: str) -> tuple[str, list]:
    """members.dues_unpaid_six_months: six or more months owed (up to the last month owed) with neither a
    payment nor a recorded reason, counted from the month dues began (zugong.members.dues.arrears_sql says it
    as "the months accounted for end six months or more before the last month owed"). Written as what it
    means: dues began at least six months before, and no payment and no reason in those six months."""
    last_due = dues.last_due_month(AS_OF)
    since = add_months(last_due, 1 - MONTHS_UNPAID)  # the first of the last six months owed
    sql = f"""
        SELECT m.id FROM members_membership m
        WHERE {ACTIVE}
          AND COALESCE(m.dues_from, m.joined_on) < %s
          AND NOT EXISTS (
              SELECT 1 FROM members_duespayment p
              WHERE p.membership_id = m.id AND p.month >= %s AND p.month <= %s
          )
          AND NOT EXISTS (
              SELECT 1 FROM members_duesexemption e
              WHERE e.membership_id = m.id AND e.month_from <= %s AND (e.month_to IS NULL OR e.month_to >= %s)
          )
    """
    return sql, [_day(vendor, d) for d in (add_months(since, 1), since, last_due, last_due, since)]


def underpaid_sql(vendor: str) -> tuple[str, list]:
    """members.dues_underpaid: the latest payment up to the last month owed is more than a cent below the
    dues by the brackets on the base in force that month, and no recorded reason covers its month."""
    last_due = dues.last_due_month(AS_OF)
    by_category = Membership.CATEGORY_DUES_KIND.items()
    implied = " ".join(f"WHEN m.category = '{c}' THEN '{k}'" for c, k in by_category)
    kind = f"(CASE WHEN m.dues_kind <> '' THEN m.dues_kind {implied} ELSE 'salary' END)"

    def due_of(base: str, kind: str) -> str:
        bands = {
            kind_: " ".join(
                f"WHEN {base} <= {top} THEN ROUND({base} * {rate}, 2)"
                if top is not None
                else f"WHEN {base} IS NOT NULL THEN ROUND({base} * {rate}, 2)"
                for top, rate in brackets
            )
            for kind_, brackets in dues.BRACKETS.items()
        }
        return (
            f"(CASE {kind} WHEN 'farmer' THEN {dues.farmer_amount()} WHEN 'minimum' THEN {dues.MINIMUM_AMOUNT} "
            + " ".join(f"WHEN '{k}' THEN (CASE {b} END)" for k, b in bands.items())
            + " END)"
        )

    # The month paid is judged by the base in force that month (members_duesbasespan), today's base when no
    # span covers it.
    due = f"COALESCE({due_of('s.base', 's.kind')}, {due_of('m.dues_base', kind)})"
    if vendor == "postgresql":
        latest = """CROSS JOIN LATERAL (
            SELECT q.month, q.amount FROM members_duespayment q
            WHERE q.membership_id = m.id AND q.month <= %s ORDER BY q.month DESC LIMIT 1
        ) p"""
    else:  # no LATERAL: the latest month, then its row through the unique (membership, month) index
        latest = """JOIN members_duespayment p ON p.membership_id = m.id AND p.month = (
            SELECT MAX(q.month) FROM members_duespayment q WHERE q.membership_id = m.id AND q.month <= %s
        )"""
    sql = f"""
        SELECT m.id FROM members_membership m
        {latest}
        LEFT JOIN members_duesbasespan s ON s.membership_id = m.id AND s.started_on <= p.month
            AND (s.ended_on IS NULL OR s.ended_on > p.month)
        WHERE {ACTIVE}
          AND p.amount < {due} - {TOLERANCE}
          AND NOT EXISTS (
              SELECT 1 FROM members_duesexemption e
              WHERE e.membership_id = m.id AND e.month_from <= p.month
                AND (e.month_to IS NULL OR e.month_to >= p.month)
          )
    """
    return sql, [_day(vendor, last_due)]


HAND_WRITTEN = {"members.dues_unpaid_six_months": unpaid_sql, "members.dues_underpaid": underpaid_sql}


def compare(rule, seconds: float) -> None:
    """The rule's own query against the hand-written statement: same ids? how many times slower?"""
    make = HAND_WRITTEN.get(rule.code)
    if make is None:
        print(f"[{connection.vendor}] no hand-written SQL for {rule.code}")
        return
    qs = rule.model_class.objects.unrestricted()
    t = time.perf_counter()
    orm_ids = {row["pk"] for row in rule.violations(qs, AS_OF)}
    orm_seconds = time.perf_counter() - t
    sql, params = make(connection.vendor)
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        sql_ids = {row[0] for row in cur.fetchall()}
    sql_seconds = time.perf_counter() - t
    same = "same ids" if sql_ids == orm_ids else f"DIFFERENT ids ({len(orm_ids ^ sql_ids)} differ)"
    if sql_ids != orm_ids:  # the rule's answer differs from the independent statement: the bench fails
        harness.fail(f"scan cross-check {rule.code}", f"{len(orm_ids ^ sql_ids)} ids differ from the hand-written SQL")
    print(
        f"[{connection.vendor}] {rule.code}: in the scan {seconds:.1f} s; its query alone "
        f"{orm_seconds:.1f} s ({len(orm_ids):,} rows); one hand-written SQL statement {sql_seconds:.1f} s "
        f"({len(sql_ids):,} rows, {same}); ratio scan/SQL {seconds / sql_seconds:.1f}×, "
        f"query/SQL {orm_seconds / sql_seconds:.1f}×"
    )


def main():
    db = connection.vendor
    rule_list = rules.all_rules()
    Finding.objects.unrestricted().all()._raw_delete(connection.alias)
    print(f"[{db}] scan of the whole province as of {AS_OF}, {len(rule_list)} rules; findings emptied")
    counts = {r.code: judged(r) for r in rule_list}
    first, first_total, first_result = timed_scan(rule_list)
    second, second_total, second_result = timed_scan(rule_list)
    width = max(len(r.code) for r in rule_list)
    print(f"[{db}] {'rule':<{width}} {'judged':>10} {'violations':>10} {'first s':>8} {'steady s':>8}")
    for rule, a, b in zip(rule_list, first, second):
        found = first_result.per_rule[rule.code]
        print(f"[{db}] {rule.code:<{width}} {counts[rule.code]:>10,} {found:>10,} {a:>8.1f} {b:>8.1f}")
    met = "met" if max(first_total, second_total) <= TARGET_SECONDS else "MISSED"
    print(
        f"[{db}] {'total':<{width}} {'':>10} {first_result.still_open:>10,} {first_total:>8.1f} "
        f"{second_total:>8.1f}   (opened {first_result.opened:,}, then {second_result.opened:,} opened and "
        f"{second_result.resolved:,} resolved; target ≤ {TARGET_SECONDS} s: {met})"
    )
    harness.record(f"full rule scan, all {len(rule_list)} rules, first", round(first_total, 1), unit="s",
                   target=TARGET_SECONDS, findings=first_result.still_open)
    harness.record(f"full rule scan, all {len(rule_list)} rules, steady", round(second_total, 1), unit="s",
                   target=TARGET_SECONDS)
    steady = {rule.code: b for rule, b in zip(rule_list, second)}
    slowest = max(rule_list, key=lambda r: steady[r.code])
    print(f"[{db}] slowest rule: {slowest.code} ({steady[slowest.code]:.1f} s in the steady-state scan)")
    for rule in sorted(rule_list, key=lambda r: -steady[r.code]):
        if rule.code in HAND_WRITTEN or rule is slowest:
            compare(rule, steady[rule.code])


if __name__ == "__main__":
    harness.run(main)
