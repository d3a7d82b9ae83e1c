"""The dispatch and rotation rules, each on the program's parameters, with the measured Chinese text."""

import datetime as dt

import pytest

from zugong.core import rules
from zugong.core.models import Finding
from zugong.dispatch.models import DispatchReport, Evaluation, Rotation, WorkTeam

from .conftest import AS_OF, make_dispatch

pytestmark = pytest.mark.django_db


def found(code, as_of=AS_OF):
    rule = rules.RULES[code]
    return rule.violations(rule.model_class.objects.unrestricted(), as_of)


def detail(code, row):
    return rules.RULES[code].describe(row)


def report(d, month, days, workdays=22):
    start = dt.date(month[0], month[1], 1)
    from zugong.core.dates import add_months

    end = add_months(start, d.program.report_every_months) - dt.timedelta(days=1)
    return DispatchReport.objects.create(dispatch=d, org_path=d.org_path, period_start=start, period_end=end,
                                         days_in_village=days, workdays=workdays, work_log="纪实",
                                         submitted_on=end + dt.timedelta(days=3))


def test_term_ending_reminder_uses_the_program_lead_time(tree, programs):
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2025, 1, 10))
    assert d.end_on == dt.date(2027, 1, 10)
    rows = found("dispatch.term_ending")
    assert [r["pk"] for r in rows] == [d.pk]
    assert detail("dispatch.term_ending", rows[0]).startswith("选派期将于 2027-01-10 届满，请安排期满考核和轮换（项目“第一书记（山西）”")
    programs.fs.reminder_days = 30
    programs.fs.save()
    assert found("dispatch.term_ending") == []


def test_term_overrun_without_evaluation(tree, programs):
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2024, 6, 1))
    rows = found("dispatch.term_overrun")
    assert [r["pk"] for r in rows] == [d.pk]
    assert detail("dispatch.term_overrun", rows[0]).startswith("选派期已于 2026-06-01 届满，尚未进行期满考核")
    Evaluation.objects.create(dispatch=d, org_path=d.org_path, kind="end_of_term", grade="competent", comments="好",
                              evaluated_on=dt.date(2026, 6, 10))
    assert found("dispatch.term_overrun") == []


def test_village_share_two_thirds(tree, programs):
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1)
    report(d, (2026, 1), 15, 20)
    report(d, (2026, 2), 12, 16)  # 27 of 36 = 75 %
    assert found("dispatch.village_share") == []
    report(d, (2026, 3), 10, 22)  # 37 of 58 < 2/3
    rows = found("dispatch.village_share")
    assert detail("dispatch.village_share", rows[0]).startswith(
        "2026 年已报送的报告期内在村 37 天，占工作日 58 天的 63%，不足 2/3（项目“第一书记（山西）”")
    # Exactly 2/3 is enough: 40 of 60.
    DispatchReport.objects.unrestricted().filter(period_start=dt.date(2026, 3, 1)).update(days_in_village=13,
                                                                                        workdays=24)
    assert found("dispatch.village_share") == []
    # Without the parameter the program is not checked.
    programs.fs.village_share_num = programs.fs.village_share_den = None
    programs.fs.save()
    DispatchReport.objects.unrestricted().update(days_in_village=1)
    assert found("dispatch.village_share") == []


def test_village_days_a_month_variant(tree, programs):
    programs.fs_national.village_days_per_month = 20
    programs.fs_national.save()
    d = make_dispatch(programs.fs_national, tree.people.wangwu, tree.b2, host_org=tree.b1,
                      start=dt.date(2026, 1, 15))
    report(d, (2026, 1), 8)  # a partial month: not judged
    report(d, (2026, 2), 21)
    assert found("dispatch.village_days_month") == []
    report(d, (2026, 3), 18)
    report(d, (2026, 4), 19)
    rows = found("dispatch.village_days_month")
    assert detail("dispatch.village_days_month", rows[0]).startswith(
        "今年有 2 个月在村不足 20 天（最近一次：2026-04）")


def test_report_overdue(tree, programs):
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2026, 9, 20))
    # September's report is due by 10 October; October's by 10 November.
    rows = found("dispatch.report_overdue")
    assert detail("dispatch.report_overdue", rows[0]).startswith(
        "2026-09 起的报告期（至 2026-09-30）应于 2026-10-10 前报送工作报告，至今未报送")
    report(d, (2026, 9), 8)
    rows = found("dispatch.report_overdue")
    assert detail("dispatch.report_overdue", rows[0]).startswith("2026-10 起的报告期（至 2026-10-31）应于 2026-11-10 前")
    report(d, (2026, 10), 20)
    assert found("dispatch.report_overdue") == []  # November's is due on 10 December
    assert found("dispatch.report_overdue", dt.date(2026, 12, 11)) != []
    # Quarterly reports for 墩苗.
    q = make_dispatch(programs.dunmiao, tree.people.zhangsan, tree.b1, host_org=tree.b2, start=dt.date(2026, 7, 1))
    assert q.pk not in [r["pk"] for r in found("dispatch.report_overdue", dt.date(2026, 10, 10))]
    assert q.pk in [r["pk"] for r in found("dispatch.report_overdue", dt.date(2026, 10, 11))]


def test_work_team_below_minimum(tree, programs):
    team = WorkTeam.objects.create(program=programs.team, name="红星工作队", organization=tree.b2, host_org=tree.b1,
                                   host_name="红星社区", start_on=dt.date(2025, 6, 1), end_on=dt.date(2027, 6, 1))
    for p in (tree.people.wangwu, tree.people.zhangsan):
        make_dispatch(programs.team, p, tree.b2, host_org=tree.b1, team=team)
    rows = found("dispatch.team_size")
    assert detail("dispatch.team_size", rows[0]).startswith("驻村工作队“红星工作队”现有在岗队员 2 人，少于 3 人")
    make_dispatch(programs.team, tree.people.lisi, tree.b2, host_org=tree.b1, team=team)
    assert found("dispatch.team_size") == []


def test_rotation_rules(tree):
    r = Rotation.objects.create(person=tree.people.wangwu, organization=tree.b2, kind="up_down",
                                from_level="county", from_unit_name="小店区财政局", to_level="province",
                                to_unit_name="省财政厅", on=dt.date(2024, 3, 1), planned_end_on=dt.date(2025, 3, 1))
    assert detail("dispatch.rotation_no_return", found("dispatch.rotation_no_return")[0]) == \
        "小店区财政局到省财政厅的交流约定于 2025-03-01 期满，至今未记录返回或结束情况"
    assert detail("dispatch.rotation_document", found("dispatch.rotation_document")[0]) == \
        "2024-03-01 从县直（小店区财政局）交流到省直（省财政厅），未记录任免或交流文件文号"
    r.document_no, r.returned_on = "晋组干字〔2024〕12号", dt.date(2025, 3, 1)
    r.save()
    assert found("dispatch.rotation_no_return") == [] and found("dispatch.rotation_document") == []


def test_scan_opens_findings_on_the_sending_side(tree, programs):
    d = make_dispatch(programs.fs, tree.people.zhaoliu, tree.b3, host_org=tree.b1, start=dt.date(2024, 6, 1))
    rules.scan("", AS_OF)
    f = Finding.objects.unrestricted().get(rule="dispatch.term_overrun")
    assert f.object_id == d.pk and f.org_path == tree.b3.path and f.person == tree.people.zhaoliu


def test_term_counts_the_inclusive_end_day(tree, programs):
    """Issue 13 item 7: 2024-03-15 → 2026-03-14 (the last day included) is a full 24 months."""
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2024, 3, 15),
                      end_on=dt.date(2026, 3, 14))
    assert programs.fs.min_term_months == 24
    assert [r["pk"] for r in found("dispatch.term_too_short")] == []
    d.end_on = dt.date(2026, 3, 13)
    d.save()
    rows = found("dispatch.term_too_short")
    assert [r["pk"] for r in rows] == [d.pk]
    text = detail("dispatch.term_too_short", rows[0])
    assert text.startswith("选派期 2024-03-15 至 2026-03-13，满 23 个月，短于规定的 24 个月（")
    assert "约" not in text
