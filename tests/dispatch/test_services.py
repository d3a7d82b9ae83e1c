"""Dispatch services: defaults from the program, refusals in Chinese, the minimum-term rule with its exception,
recall, reports, evaluations, teams, rotations; all-or-nothing; audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core import rules
from zugong.core.models import AuditEntry, Finding
from zugong.dispatch import services
from zugong.dispatch.models import Dispatch, DispatchReport, Evaluation, Rotation, TargetGroup, WorkTeam

from .conftest import make_dispatch

pytestmark = pytest.mark.django_db


def send(users, tree, programs, **extra):
    values = {"program": programs.fs, "person": tree.people.wangwu, "organization": tree.b2,
              "host_org": tree.b1, "start_on": dt.date(2025, 6, 1), "target_group": TargetGroup.YOUNG}
    return services.create_dispatch(users.taiyuan, **(values | extra))


def test_term_defaults_to_the_program_and_is_audited(tree, users, programs):
    result = send(users, tree, programs, host_title="村党组织第一书记")
    record = result.obj
    assert record.end_on == dt.date(2027, 6, 1)
    assert record.host_name == tree.b1.name and record.org_path == tree.b2.path
    entry = AuditEntry.objects.unrestricted().get(model="dispatch.dispatch", object_id=str(record.pk))
    assert entry.action == "create" and entry.org_path == tree.b2.path


def test_target_group_must_be_one_of_the_program(tree, users, programs):
    with pytest.raises(ValidationError) as exc:
        send(users, tree, programs, target_group=TargetGroup.FEMALE)
    assert "选派对象为年轻干部、优秀年轻干部和后备干部" in str(exc.value)


def test_overlapping_dispatch_refused(tree, users, programs):
    send(users, tree, programs)
    with pytest.raises(ValidationError) as exc:
        send(users, tree, programs, start_on=dt.date(2026, 1, 1))
    assert "王五已在“第一书记（山西）”选派期内（2025-06-01 至 2027-06-01），不能重复选派" in str(exc.value)


def test_short_term_refused_with_citation_then_excepted_by_admin(tree, users, programs):
    with pytest.raises(rules.RuleViolation) as exc:
        send(users, tree, programs, end_on=dt.date(2026, 6, 1))
    message = exc.value.messages[0]
    assert "短于规定的 24 个月" in message and "第一书记（山西）" in message
    assert "选派项目设定" in message and "作为例外办理" in message
    assert not Dispatch.objects.unrestricted().exists()  # all or nothing
    result = send(users, tree, programs, end_on=dt.date(2026, 6, 1), exception_reason="村“两委”换届后调整")
    finding = Finding.objects.unrestricted().get(rule="dispatch.term_too_short", object_id=result.obj.pk)
    assert finding.excepted_by == users.taiyuan and finding.exception_reason == "村“两委”换届后调整"


def test_secretary_cannot_send_from_another_branch(tree, users, programs):
    with pytest.raises(PermissionDenied):
        services.create_dispatch(
            users.secretary, program=programs.fs, person=tree.people.wangwu, organization=tree.b2,
            host_org=tree.b1, start_on=dt.date(2025, 6, 1), target_group=TargetGroup.YOUNG)


def test_local_program_does_not_apply_elsewhere(tree, users, programs):
    programs.fs.organization = tree.datong
    programs.fs.save()
    with pytest.raises(ValidationError) as exc:
        send(users, tree, programs)
    assert "选派项目“第一书记（山西）”不适用于“中共太原市小店区财政局机关支部委员会”" in str(exc.value)


def test_recall_needs_a_reason(tree, users, programs, monkeypatch):
    record = send(users, tree, programs).obj
    with pytest.raises(ValidationError) as exc:
        services.recall(users.taiyuan, record, on=dt.date(2026, 3, 1), reason=" ")
    assert "提前召回须写明原因" in str(exc.value)
    services.recall(users.taiyuan, record, on=dt.date(2026, 3, 1), reason="身体原因不能坚持驻村")
    record.refresh_from_db()
    assert record.status == Dispatch.Status.RECALLED and record.ended_on == dt.date(2026, 3, 1)
    with pytest.raises(ValidationError) as exc:
        services.recall(users.taiyuan, record, on=dt.date(2026, 3, 2), reason="再次")
    assert "该选派已提前召回，不能召回" in str(exc.value)


def test_host_side_may_record_reports(tree, users, programs):
    """The host side (here the 小店 reader has no change right, the 太原 admin has both) and the workdays count."""
    record = make_dispatch(programs.fs, tree.people.zhaoliu, tree.b3, host_org=tree.b1)  # 大同 sends to 太原
    result = services.record_report(users.taiyuan, record, period_start=dt.date(2026, 3, 15), days_in_village=15,
                                    work_log="走访农户 40 户")
    report = result.obj
    assert report.period_start == dt.date(2026, 3, 1) and report.period_end == dt.date(2026, 3, 31)
    assert report.workdays == 22  # March 2026 on the official calendar
    assert report.org_path == tree.b3.path
    with pytest.raises(PermissionDenied):
        services.record_report(users.reader, record, period_start=dt.date(2026, 4, 1), days_in_village=15,
                               work_log="x")
    # The same period again corrects the report.
    services.record_report(users.taiyuan, record, period_start=dt.date(2026, 3, 1), days_in_village=20,
                           work_log="走访农户 45 户")
    assert DispatchReport.objects.unrestricted().get().days_in_village == 20


def test_report_validation(tree, users, programs):
    record = send(users, tree, programs).obj
    with pytest.raises(ValidationError) as exc:
        services.record_report(users.taiyuan, record, period_start=dt.date(2025, 1, 1), days_in_village=10,
                               work_log="x")
    assert "报告期 2025-01 不在选派期内（2025-06-01 至 2027-06-01）" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.record_report(users.taiyuan, record, period_start=dt.date(2026, 2, 1), days_in_village=30,
                               work_log="x")
    assert "在村天数 30 多于报告期内的 28 天" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.record_report(users.taiyuan, record, period_start=dt.date(2026, 2, 1), work_log="x")
    assert "第一书记的工作报告须填写在村天数" in str(exc.value)
    assert not DispatchReport.objects.unrestricted().exists()


def test_end_of_term_evaluation_completes_the_dispatch(tree, users, programs):
    record = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b1, start=dt.date(2024, 1, 1))
    services.evaluate(users.taiyuan, record, kind=Evaluation.Kind.END_OF_TERM, grade=Evaluation.Grade.EXCELLENT,
                      comments="扎根基层，成效明显", evaluated_on=dt.date(2026, 1, 5), evaluator="小店区委组织部")
    record.refresh_from_db()
    assert record.status == Dispatch.Status.COMPLETED and record.ended_on == dt.date(2026, 1, 1)
    with pytest.raises(ValidationError) as exc:
        services.evaluate(users.taiyuan, record, kind=Evaluation.Kind.END_OF_TERM, grade="competent",
                          comments="x", evaluated_on=dt.date(2026, 1, 6))
    assert "该选派已有期满考核" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.evaluate(users.taiyuan, record, kind=Evaluation.Kind.ANNUAL, grade="competent", comments="x",
                          evaluated_on=dt.date(2025, 12, 20))
    assert "年度考核和半年考核须填写考核年度" in str(exc.value)


def test_team_members_must_match_the_program(tree, users, programs):
    team = services.create_team(users.taiyuan, program=programs.team, name="财政局驻红星社区工作队",
                                organization=tree.b2, host_org=tree.b1, start_on=dt.date(2025, 6, 1)).obj
    assert team.end_on == dt.date(2027, 6, 1)
    with pytest.raises(ValidationError) as exc:
        send(users, tree, programs, team=team)
    assert "工作队“财政局驻红星社区工作队”属于“驻村工作队（山西）”，与所选项目不同" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.create_team(users.taiyuan, program=programs.fs, name="x", organization=tree.b2, host_org=tree.b1,
                             start_on=dt.date(2025, 6, 1))
    assert "驻村工作队应选择“驻村工作队”类的选派项目" in str(exc.value)
    member = services.create_dispatch(users.taiyuan, program=programs.team, person=tree.people.wangwu,
                                      organization=tree.b2, host_org=tree.b1, start_on=team.start_on, team=team,
                                      team_role="leader").obj
    assert member.team == team and member.team_role == "leader"


def test_rotation_validation_and_end(tree, users):
    values = {"person": tree.people.wangwu, "organization": tree.b2, "kind": Rotation.Kind.UP_DOWN,
              "from_level": "county", "from_unit_name": "小店区财政局", "to_level": "province",
              "to_unit_name": "省财政厅", "on": dt.date(2025, 3, 1)}
    with pytest.raises(ValidationError) as exc:
        services.record_rotation(users.taiyuan, **(values | {"to_unit_name": "小店区财政局"}))
    assert "交流单位与原单位相同；单位内轮岗请选择“岗位轮岗”" in str(exc.value)
    result = services.record_rotation(users.taiyuan, **values, planned_end_on=dt.date(2026, 3, 1))
    assert any("未记录任免或交流文件文号" in w for w in result.warnings)
    rotation = result.obj
    with pytest.raises(ValidationError) as exc:
        services.end_rotation(users.taiyuan, rotation, on=dt.date(2025, 1, 1))
    assert "结束日期不能早于交流日期 2025-03-01" in str(exc.value)
    services.end_rotation(users.taiyuan, rotation, on=dt.date(2026, 3, 1), note="期满返回原单位")
    rotation.refresh_from_db()
    assert rotation.returned_on == dt.date(2026, 3, 1)
    assert AuditEntry.objects.unrestricted().filter(model="dispatch.rotation", object_id=str(rotation.pk)).count() == 2


def test_team_end(tree, users, programs):
    team = services.create_team(users.taiyuan, program=programs.team, name="工作队", organization=tree.b2,
                                host_org=tree.b1, start_on=dt.date(2025, 6, 1)).obj
    services.end_team(users.taiyuan, team, on=dt.date(2026, 11, 1))
    team.refresh_from_db()
    assert team.status == WorkTeam.Status.ENDED
