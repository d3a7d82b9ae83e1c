"""The satisfaction rules: an item closed without a passed check or a waiver (ERROR), a survey past its deadline
without enough answers (WARNING); judged set-based by `rules.scan`."""

import datetime as dt

import pytest

from zugong.core import rules
from zugong.core.models import Finding
from zugong.service import satisfaction_services as services
from zugong.service.models import ServiceTask

from .satisfaction_fixtures import *  # noqa: F403
from .satisfaction_fixtures import make_done_task

TODAY = dt.date(2026, 11, 27)


def _open(code):
    return dict(Finding.objects.unrestricted().filter(rule=code, resolved_at__isnull=True)
                .values_list("object_id", "detail"))


@pytest.mark.django_db
def test_closed_without_check_and_survey_overdue(tree, users, service_config):
    passed, survey = make_done_task(tree.b1, title="通过后销号")
    [code] = services.issue_codes(users.secretary, survey, today=dt.date(2026, 11, 20))
    services.answer(code.code, "satisfied", address="10.1.1.1", today=dt.date(2026, 11, 20))
    passed.refresh_from_db()
    services.close(users.secretary, passed, TODAY)
    waived, _ = make_done_task(tree.b1, title="说明原因后销号")
    services.close(users.taiyuan, waived, TODAY, waiver_reason="诉求人已去世")
    bare, _ = make_done_task(tree.b1, title="直接销号的事项")
    ServiceTask.objects.unrestricted().filter(pk=bare.pk).update(status="closed", closed_on=TODAY)
    expired, _ = make_done_task(tree.b1, title="回访逾期的事项", completed=dt.date(2026, 11, 2))
    fresh, _ = make_done_task(tree.b1, title="回访未到期的事项")
    rules.scan(tree.root.path, TODAY, rules=[rules.RULES["service.closed_without_check"],
                                             rules.RULES["service.survey_overdue"]])
    closed = _open("service.closed_without_check")
    assert list(closed) == [bare.pk]
    assert "直接销号的事项" in closed[bare.pk] and "第1轮群众评价未通过" in closed[bare.pk]
    overdue = _open("service.survey_overdue")
    assert list(overdue) == [expired.pk]
    assert "2026年11月17日" in overdue[expired.pk] and "已评价 0 户" in overdue[expired.pk]
    # a callback settles the overdue round: the finding is resolved by the rejudging
    expired_survey = services.latest_survey(expired)
    services.record_callback(users.secretary, expired_survey, "basic", method="visit", on=TODAY)
    assert _open("service.survey_overdue") == {}
