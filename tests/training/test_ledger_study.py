"""One definition of a member's study hours: the meetings of their branch plus their ledger lines
(`training.ledger.member_hours_sql`), read by `branchlife.study_hours` (32 学时, 第二十条) and the compliance
table; branch life's study-record page writes through the ledger; the migration moves the old study records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.branchlife.conftest import branch, meeting  # noqa: F401 — the branch fixture
from zugong.branchlife import services as branchlife_services
from zugong.branchlife.models import Meeting
from zugong.core import rules
from zugong.core.models import Finding
from zugong.members.models import Membership
from zugong.training import ledger
from zugong.training.models import Credit

from .ledger_fixtures import D, install_defaults, online

pytestmark = pytest.mark.django_db
K = Meeting.Kind
AS_OF = D(2026, 6, 30)


def broken(code, obj, as_of=AS_OF):
    return [rules.RULES[code].describe(row) for _r, row in rules.check_record([code], obj, as_of)]


def hours_of(membership, year=2025) -> Decimal:
    sql, params = ledger.member_hours_sql(Membership.objects.unrestricted().filter(pk=membership.pk),
                                          D(year, 1, 1), D(year + 1, 1, 1))
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return Decimal(str(round(float(cur.fetchone()[4]), 2)))


def test_study_hours_rule_reads_the_ledger(branch):  # noqa: F811
    install_defaults()
    org, m = branch.org, branch.members[3]
    for month in range(1, 13):  # 12 themed days × 2 学时 = 24, and the party group's 4 for members 3–5
        meeting(org, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2))
    assert hours_of(branch.members[0]) == Decimal(24)
    assert broken("branchlife.study_hours", branch.members[0]) == ["2025年参加集中学习培训 24 学时，不足 32 学时"]
    for day in range(1, 4):  # online: 3 × (1 + 0.5 passed) = 4.5; one of 14 minutes: 0.25
        online(m.person, D(2025, 9, day), 45, passed=True)
    online(m.person, D(2025, 9, 4), 14)
    assert hours_of(m) == Decimal("28.75")
    assert broken("branchlife.study_hours", m) == ["2025年参加集中学习培训 28.75 学时，不足 32 学时"]
    ledger.post(None, "training.attendance", [ledger.Line(m.person_id, D(2025, 10, 8), "class", Decimal("3.25"),
                                                          "hour", "县委党校轮训", source_id=1)])
    assert hours_of(m) == Decimal(32)
    assert broken("branchlife.study_hours", m) == []  # exactly 32
    online(m.person, D(2026, 1, 5), 60)  # next year: no help for 2025
    assert hours_of(m) == Decimal(32) and hours_of(m, 2026) == Decimal(1)


def test_a_ledger_line_posted_in_an_operation_rejudges_the_member(branch, users):  # noqa: F811
    from zugong.core import audit

    install_defaults()
    org, m = branch.org, branch.members[6]
    for month in range(1, 13):
        meeting(org, K.THEMED_DAY, D(2025, month, 10), hours=Decimal(2))
    rules.scan(org.path, as_of=AS_OF, rules=[rules.RULES["branchlife.study_hours"]])
    finding = Finding.objects.unrestricted().get(rule="branchlife.study_hours", object_id=m.pk)
    assert finding.resolved_at is None
    with audit.operation(None, "import", note="测试") as op:
        ledger.post(op, "training.online", [ledger.Line(m.person_id, D(2025, 6, 1), "class", Decimal(8), "hour",
                                                        "县委党校轮训")])
    finding.refresh_from_db()
    assert finding.resolved_at is not None  # 24 + 8: the finding is resolved when the operation ends


def test_the_study_record_page_writes_a_ledger_line(branch, users, login):  # noqa: F811
    m = branch.members[2]
    client = login(users.secretary)
    r = client.post(f"/branchlife/study/{m.pk}/", {"on": "2026-03-02", "kind": "online", "title": "党员网络培训",
                                                    "provider": "党员教育平台", "hours": "6"})
    assert r.status_code == 302, r.content.decode()[:2000]
    line = Credit.objects.unrestricted().get(person=m.person)
    assert (line.source, line.kind, line.hours, line.source_label, line.provider) == (
        "branchlife.studyrecord", "online", Decimal(6), "党员网络培训", "党员教育平台")
    assert hours_of(m, 2026) == Decimal(6)
    bad = client.post(f"/branchlife/study/{m.pk}/", {"on": "2027-03-02", "kind": "online", "title": "x",
                                                      "hours": "6"})
    assert bad.status_code == 200 and "日期不能晚于今天" in bad.content.decode()
    other = login(users.datong).post(f"/branchlife/study/{m.pk}/", {"on": "2026-03-02", "kind": "online",
                                                                     "title": "x", "hours": "6"})
    assert other.status_code == 404


def test_record_study_service(branch, users):  # noqa: F811
    m = branch.members[1]
    line = branchlife_services.record_study(users.admin, m, on=dt.date(2025, 5, 1), kind="class", title="轮训",
                                            hours=Decimal(8), provider="县委党校")
    assert line.person_id == m.person_id and line.year == 2025 and line.rule == ledger.DEFAULT_CODE


def test_the_migration_moves_the_study_records_into_the_ledger(transactional_db, branch):  # noqa: F811
    from django.db.migrations.executor import MigrationExecutor

    a, b = branch.members[3], branch.members[4]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("branchlife", "0003_covering_indexes"), ("training", "0001_ledger_and_classes")])
        with connection.cursor() as cur:
            for pk, m, on, kind, hours in ((1, a, "2025-05-01", "training", "8.0"), (2, a, "2025-09-01", "online", "4.5"),
                                          (3, b, "2024-12-31", "study", "2.0")):
                cur.execute('INSERT INTO branchlife_studyrecord (id, membership_id, organization_id, org_path, "on", '
                            'kind, title, provider, hours, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)',
                            [pk, m.pk, branch.org.pk, branch.org.path, on, kind, f"学习{pk}", "县委党校", hours,
                             "2025-01-01 00:00:00"])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    lines = {c.source_id: c for c in Credit.objects.unrestricted().filter(source="branchlife.studyrecord")}
    assert sorted(lines) == [1, 2, 3]
    assert (lines[1].person_id, lines[1].kind, lines[1].hours, lines[1].year, lines[1].source_label) == (
        a.person_id, "class", Decimal(8), 2025, "学习1")
    assert (lines[2].kind, lines[2].hours, lines[3].kind, lines[3].year) == ("online", Decimal("4.5"), "study", 2024)
    assert lines[1].provider == "县委党校"
    assert hours_of(a) == Decimal("12.5") and hours_of(b) == Decimal(0)
    with connection.cursor() as cur:
        assert "branchlife_studyrecord" not in connection.introspection.table_names(cur)
