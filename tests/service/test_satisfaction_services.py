"""The satisfaction check before closure: sampling, one-time codes, answers, 复办 and 销号 (services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core import workdays
from zugong.service import clock
from zugong.service import satisfaction_services as services
from zugong.service.models import CallbackCode, Feedback, SatisfactionPolicy, ServiceTask, Survey, TaskStep

from .satisfaction_fixtures import *  # noqa: F403
from .satisfaction_fixtures import COMPLETED, make_done_task

TODAY = dt.date(2026, 11, 27)  # the suite's reference day
REOPEN_DAY = dt.date(2026, 11, 20)


@pytest.mark.django_db
def test_sample_size_is_ten_percent_rounded_up_and_one_for_a_single_household(tree, users, service_config):
    policy = services.policy_for(tree.b1.path)
    assert services.sample_size(policy, 35) == 4
    assert services.sample_size(policy, 1) == 1
    assert services.sample_size(policy, 5) == 1
    assert services.sample_size(policy, 100) == 10
    task, survey = make_done_task(tree.b1, households=35)
    assert (survey.round, survey.required, survey.opened_on) == (1, 4, COMPLETED)
    assert survey.expires_on == COMPLETED + dt.timedelta(days=15)


@pytest.mark.django_db
def test_the_nearest_issuer_wins(tree, users, service_config):
    SatisfactionPolicy.objects.create(organization=tree.taiyuan, code="ty.survey", sample_share=Decimal("0.2"),
                                      sample_minimum=3, code_valid_days=7)
    assert services.policy_for(tree.b1.path).code == "ty.survey"
    assert services.policy_for(tree.b3.path).code == "service.survey.default"
    task, survey = make_done_task(tree.b1, households=35)
    assert survey.required == 7 and survey.expires_on == COMPLETED + dt.timedelta(days=7)
    task, survey = make_done_task(tree.b1, households=10, title="另一项")
    assert survey.required == 3


def _issue(users, survey, today=REOPEN_DAY):
    return services.issue_codes(users.secretary, survey, today=today)


@pytest.mark.django_db
def test_unsatisfied_reopens_the_item_with_its_history(tree, users, service_config):
    """The issue's test: 不满意 → status 复办, a new deadline N working days after the reopen day, the history
    keeping the first completion and the answer."""
    task, survey = make_done_task(tree.b1)
    [code] = _issue(users, survey)
    assert CallbackCode.objects.unrestricted().filter(survey=survey).count() == 1
    assert code.code not in str(list(CallbackCode.objects.unrestricted().values_list("code_hash", flat=True)))
    services.answer(code.code, "unsatisfied", "屋顶还在漏", address="10.0.0.1", today=REOPEN_DAY)
    task.refresh_from_db()
    survey.refresh_from_db()
    assert task.status == "reopened" and task.get_status_display() == "复办"
    assert task.reopened_count == 1 and task.reopened_on == REOPEN_DAY and task.clock_from == REOPEN_DAY
    assert task.completed_on is None and task.on_time is None
    assert task.limit_workdays == 20  # 限期办's default: the policy names no reopen limit
    assert task.deadline == workdays.add_workdays(REOPEN_DAY + dt.timedelta(days=1), 20) == dt.date(2026, 12, 18)
    assert survey.passed is False and survey.closed_on == REOPEN_DAY and survey.result == "unsatisfied"
    # the history: the first completion's step, the survey round and its answer stay
    kinds = list(TaskStep.objects.unrestricted().filter(case=task).order_by("on", "pk").values_list("kind", "on"))
    assert ("complete", COMPLETED) in kinds and ("reopen", REOPEN_DAY) in kinds
    reopen = TaskStep.objects.unrestricted().get(case=task, kind="reopen")
    assert "不满意 1 户" in reopen.note and reopen.recorded_by is None
    feedback = Feedback.objects.unrestricted().get(survey=survey)
    assert (feedback.answer, feedback.comment, feedback.method) == ("unsatisfied", "屋顶还在漏", "page")
    from zugong.core.models import AuditEntry

    entry = AuditEntry.objects.filter(object_id=str(task.pk), note__contains="复办").latest("pk")
    assert entry.actor_shown == services.SYSTEM_ACTOR


@pytest.mark.django_db
def test_partly_solved_reopens_with_the_policy_limit(tree, users, service_config):
    SatisfactionPolicy.objects.unrestricted().filter(code="service.survey.default").update(reopen_limit_workdays=5)
    task, survey = make_done_task(tree.b1, households=35)
    codes = _issue(users, survey)
    assert len(codes) == 4
    services.answer(codes[0].code, "satisfied", address="10.0.0.1", today=REOPEN_DAY)
    task.refresh_from_db()
    assert task.status == "done"
    services.answer(codes[1].token, "partial", address="10.0.0.1", today=REOPEN_DAY)
    task.refresh_from_db()
    assert task.status == "reopened" and task.limit_workdays == 5
    assert task.deadline == clock.deadline_after(REOPEN_DAY, 5) == dt.date(2026, 11, 27)
    # the round is over: the other codes are refused
    with pytest.raises(ValidationError, match="本轮评价已经结束"):
        services.answer(codes[2].code, "satisfied", address="10.0.0.1", today=REOPEN_DAY)


@pytest.mark.django_db
def test_enough_satisfied_answers_pass_the_round(tree, users, service_config):
    task, survey = make_done_task(tree.b1, households=35)
    codes = _issue(users, survey)
    for c, a in zip(codes, ["satisfied", "basic", "basic", "satisfied"], strict=True):
        services.answer(c.code, a, address="10.0.0.2", today=REOPEN_DAY)
    survey.refresh_from_db()
    task.refresh_from_db()
    assert survey.passed is True and survey.result == "basic"  # a tie goes to the worse answer
    assert task.satisfaction == "basic" and task.callback_done and task.status == "done"
    assert services.majority({"satisfied": 3, "basic": 1}) == "satisfied"
    # the timeline (纪实) shows the pass: answers by code used to leave 满意度回访 “未办理”
    step = TaskStep.objects.unrestricted().get(case=task, kind="callback")
    assert "第1轮通过：4 户评价，结果基本满意" in step.note and step.on == REOPEN_DAY


@pytest.mark.django_db
def test_a_code_answers_once(tree, users, service_config):
    task, survey = make_done_task(tree.b1, households=35)
    codes = _issue(users, survey)
    services.answer(codes[0].code.lower().replace("-", ""), "satisfied", address="10.0.0.3", today=REOPEN_DAY)
    with pytest.raises(ValidationError, match="已经使用"):
        services.answer(codes[0].code, "unsatisfied", address="10.0.0.3", today=REOPEN_DAY)
    with pytest.raises(ValidationError, match="已经使用"):
        services.answer(codes[0].token, "unsatisfied", address="10.0.0.3", today=REOPEN_DAY)
    assert Feedback.objects.unrestricted().filter(survey=survey).count() == 1
    task.refresh_from_db()
    assert task.status == "done"


@pytest.mark.django_db
def test_an_expired_code_is_refused(tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    [code] = _issue(users, survey)
    with pytest.raises(ValidationError, match="已过期"):
        services.answer(code.code, "satisfied", address="10.0.0.4", today=survey.expires_on + dt.timedelta(days=1))
    services.answer(code.code, "satisfied", address="10.0.0.4", today=survey.expires_on)
    with pytest.raises(ValidationError, match="截止"):
        _issue(users, survey, today=survey.expires_on + dt.timedelta(days=1))


@pytest.mark.django_db
def test_guessing_is_limited_per_address(tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    [code] = _issue(users, survey)
    for _ in range(services.GUESS_LIMIT):
        with pytest.raises(ValidationError, match="不存在"):
            services.answer("ABCD-EFGH", "satisfied", address="10.9.9.9", today=REOPEN_DAY)
    with pytest.raises(ValidationError, match="错误次数过多"):
        services.answer(code.code, "satisfied", address="10.9.9.9", today=REOPEN_DAY)
    # another address is not held back
    services.answer(code.code, "satisfied", address="10.9.9.8", today=REOPEN_DAY)


@pytest.mark.django_db
def test_reissuing_withdraws_unused_codes(tree, users, service_config):
    task, survey = make_done_task(tree.b1, households=35)
    first = _issue(users, survey)
    services.answer(first[0].code, "satisfied", address="10.0.0.5", today=REOPEN_DAY)
    second = _issue(users, survey)
    assert len(second) == 3
    assert services.code_counts(survey) == {"issued": 4, "used": 1}
    with pytest.raises(ValidationError, match="不存在"):
        services.answer(first[1].code, "satisfied", address="10.0.0.5", today=REOPEN_DAY)
    with pytest.raises(PermissionDenied):
        services.issue_codes(users.datong, survey, today=REOPEN_DAY)


@pytest.mark.django_db
def test_close_is_refused_before_the_check_passes(tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    with pytest.raises(ValidationError, match="群众评价尚未通过"):
        services.close(users.secretary, task, TODAY)
    [code] = _issue(users, survey)
    services.answer(code.code, "satisfied", address="10.0.0.6", today=REOPEN_DAY)
    task.refresh_from_db()
    services.close(users.secretary, task, TODAY)
    task.refresh_from_db()
    assert task.status == "closed" and task.closed_on == TODAY and task.close_waiver == ""


@pytest.mark.django_db
def test_close_with_a_waiver_by_an_admin_only(tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    with pytest.raises(PermissionDenied):
        services.close(users.secretary, task, TODAY, waiver_reason="诉求人已搬离，无法联系")
    with pytest.raises(PermissionDenied):
        services.close(users.datong, task, TODAY, waiver_reason="诉求人已搬离，无法联系")
    services.close(users.taiyuan, task, TODAY, waiver_reason="诉求人已搬离，无法联系")
    task.refresh_from_db()
    assert task.status == "closed" and task.close_waiver == "诉求人已搬离，无法联系"


@pytest.mark.django_db
def test_staff_callback_and_staff_reopen(tree, users, service_config):
    task, survey = make_done_task(tree.b1)
    with pytest.raises(ValidationError, match="回访方式"):
        services.record_callback(users.secretary, survey, "satisfied", method="page", on=REOPEN_DAY)
    services.record_callback(users.secretary, survey, "satisfied", "维修及时", method="call", on=REOPEN_DAY)
    task.refresh_from_db()
    survey.refresh_from_db()
    assert survey.passed is True and task.satisfaction == "satisfied"
    call, passed = TaskStep.objects.unrestricted().filter(case=task, kind="callback").order_by("pk")
    assert call.recorded_by == users.secretary and "电话回访：满意" in call.note
    # the pass is a timeline line of its own, recorded by the system (the walk-through found none for code answers)
    assert passed.recorded_by is None and "第1轮通过：1 户评价，结果满意" in passed.note
    with pytest.raises(ValidationError, match="复办原因"):
        services.reopen(users.taiyuan, task, TODAY, "")
    services.reopen(users.taiyuan, task, TODAY, "督查发现屋顶仍有渗水")
    task.refresh_from_db()
    assert task.status == "reopened" and task.satisfaction == "" and not task.callback_done
    assert task.deadline == clock.deadline_after(TODAY, 20)


@pytest.mark.django_db
def test_a_reopened_item_completed_again_gets_round_two(tree, users, service_config):
    from zugong.core import audit

    task, survey = make_done_task(tree.b1)
    [code] = _issue(users, survey)
    services.answer(code.code, "unsatisfied", address="10.0.0.7", today=REOPEN_DAY)
    task.refresh_from_db()
    task.status, task.completed_on = "done", TODAY
    task.save()
    with audit.operation(task, "step") as op:
        second = services.open_survey(task, TODAY, op)
    assert second.round == 2 and Survey.objects.unrestricted().filter(task=task).count() == 2
    assert ServiceTask.objects.unrestricted().get(pk=task.pk).reopened_count == 1
