"""Fixtures of the satisfaction tests: the working-day calendar, the default urgency classes and survey policy,
and a completed item (待评价) with its survey round opened as the 办结 step does."""

import datetime as dt

import pytest

COMPLETED = dt.date(2026, 11, 16)


@pytest.fixture
def service_config(db):
    from zugong.core import workdays
    from zugong.service.defaults import satisfaction, tasks

    workdays.sync(2025, 2026)
    tasks.install(None)
    satisfaction.install(None)


def make_done_task(org, *, households=1, title="修缮红星社区3号楼漏水屋顶", area="红星社区3号楼",
                   received=dt.date(2026, 10, 19), completed=COMPLETED, urgency="limited"):
    """An item received and completed (status 待评价), saved without the tasks services, and its survey round
    opened by `open_survey` inside an operation (what the 办结 step does)."""
    from zugong.core import audit
    from zugong.service import clock, satisfaction_services as services
    from zugong.service.models import ServiceTask, TaskStep, UrgencyClass

    cls = UrgencyClass.objects.unrestricted().get(code=urgency)
    task = ServiceTask(organization=org, title=title, area=area, households=households, beneficiaries=households * 3,
                       urgency=cls, limit_workdays=cls.limit_workdays, received_on=received, clock_from=received,
                       requester_name="刘大妈", requester_phone="13912345678")
    task.deadline = clock.deadline_after(received, cls.limit_workdays)
    task.save()
    task.completed_on, task.on_time, task.status = completed, completed <= task.deadline, "done"
    task.save()
    TaskStep.objects.create(case=task, kind="receive", on=received)
    TaskStep.objects.create(case=task, kind="complete", on=completed, note="屋顶已修缮")
    with audit.operation(task, "step", note="流程步骤：办结") as op:
        survey = services.open_survey(task, completed, op)
    task.refresh_from_db()
    return task, survey
