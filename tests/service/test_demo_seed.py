"""The service demo (zugong/demo/service.py) at `--scale tiny`: items with their timelines dated up to the seed's
day, consistent with the clock (`service.clock.recompute` gives the stored deadline), a few overdue, some reopened
and completed again, registrations with service hours, one public board; the same seed gives the same items."""

import datetime as dt

import pytest

from tests.conftest import seed_once

AS_OF = dt.date(2026, 6, 30)
OPEN = ("pending", "active", "reopened")


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    yield from seed_once(django_db_blocker, "--scale", "tiny", "--as-of", AS_OF.isoformat(), "--seed", "7")


@pytest.fixture
def seeded(_seeded_once, db, monkeypatch):
    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")


def snapshot():
    from zugong.service.models import ServiceTask, TaskStep

    tasks = list(ServiceTask.objects.unrestricted().order_by("organization_id", "number").values_list(
        "org_path", "title", "source", "urgency__code", "received_on", "deadline", "status", "completed_on",
        "closed_on", "satisfaction", "reopened_count", "claimed_by_id"))
    steps = list(TaskStep.objects.unrestricted().order_by("case__org_path", "case__number", "on", "kind")
                 .values_list("kind", "on"))
    return tasks, steps


@pytest.mark.django_db
def test_the_tiny_seed_has_service_items_up_to_its_day(seeded):
    from django.db.models import Max

    from zugong.members.models import Membership
    from zugong.service import clock
    from zugong.service.models import (
        Campaign,
        CommunityRegistration,
        Extension,
        Feedback,
        Pause,
        PublicBoard,
        ServiceHours,
        ServiceTask,
        Survey,
        TaskStep,
    )

    tasks = ServiceTask.objects.unrestricted()
    n = tasks.count()
    assert n > 100
    assert Campaign.objects.unrestricted().filter(year=AS_OF.year, title__contains="我为群众办实事").exists()
    # Nothing after the seed's day.
    latest = tasks.aggregate(*(Max(f) for f in ("received_on", "completed_on", "closed_on", "signed_on")))
    assert all(v is None or v <= AS_OF for v in latest.values())
    assert TaskStep.objects.unrestricted().aggregate(m=Max("on"))["m"] <= AS_OF
    assert Feedback.objects.unrestricted().aggregate(m=Max("answered_at"))["m"].date() <= AS_OF
    # Every survey round is placed where its item is (the league's 满意率 counts rounds by their own path).
    from django.db.models import F

    assert Survey.objects.unrestricted().exists()
    assert not Survey.objects.unrestricted().exclude(org_path=F("task__org_path")).exists()
    # A few overdue (open, clock running, deadline passed), mostly closed on time.
    overdue = tasks.filter(status__in=OPEN, deadline__lt=AS_OF).count()
    assert 1 <= overdue <= 0.08 * n
    assert tasks.filter(status="closed").count() > 0.7 * n
    assert tasks.filter(on_time=False).count() < 0.1 * n
    # Reopened (复办) after 不满意 or 部分解决, most completed again and closed.
    reopened = tasks.filter(reopened_count__gte=1)
    assert reopened.exists() and reopened.filter(status="closed").exists()
    for task in reopened[:10]:
        first = Survey.objects.unrestricted().get(task=task, round=1)
        assert first.passed is False and first.result in ("unsatisfied", "partial")
        assert TaskStep.objects.unrestricted().filter(case=task, kind="reopen", on=task.reopened_on).exists()
        assert task.clock_from == task.reopened_on
    # The answers are mostly 满意 / 基本满意; some done items wait for their check.
    answers = Feedback.objects.unrestricted()
    assert answers.filter(answer__in=("satisfied", "basic")).count() > 0.9 * answers.count()
    assert tasks.filter(status="done", callback_done=False).exists() or tasks.filter(status="done").count() == 0
    # Claims by real members of the branch.
    for task in tasks.filter(claimed_by__isnull=False)[:20]:
        assert Membership.objects.unrestricted().filter(person_id=task.claimed_by_id,
                                                        organization_id=task.organization_id).exists()
    # The stored clock is what the services compute from the pauses and extensions.
    checked = 0
    for task in tasks.filter(pk__in=Pause.objects.unrestricted().values("task_id"))[:30]:
        stored = (task.deadline, task.paused_workdays, task.extended_workdays)
        clock.recompute(task)
        assert (task.deadline, task.paused_workdays, task.extended_workdays) == stored, task.pk
        checked += 1
    for task in tasks.filter(pk__in=Extension.objects.unrestricted().values("task_id"))[:30]:
        stored = (task.deadline, task.paused_workdays, task.extended_workdays)
        clock.recompute(task)
        assert (task.deadline, task.paused_workdays, task.extended_workdays) == stored, task.pk
    assert checked
    # Some pauses span a weekend; extensions approved and refused, each requested before the deadline.
    assert any(p.resumed_on and (p.resumed_on - p.paused_on).days > (p.workdays or 0)
               for p in Pause.objects.unrestricted())
    decisions = set(Extension.objects.unrestricted().values_list("decision", flat=True))
    assert {"approved", "refused"} <= decisions
    assert all(e.requested_on < e.deadline_before for e in Extension.objects.unrestricted())
    # Paused items have their open pause; closed items their 销号 step.
    for task in tasks.filter(status="paused"):
        assert Pause.objects.unrestricted().get(task=task, resumed_on__isnull=True).paused_on == task.paused_since
    for task in tasks.filter(status="closed")[:20]:
        assert TaskStep.objects.unrestricted().filter(case=task, kind="close", on=task.closed_on).exists()
    # 在职党员到社区报到 and the public board.
    assert CommunityRegistration.objects.unrestricted().filter(status="confirmed").exists()
    assert ServiceHours.objects.unrestricted().exists()
    assert PublicBoard.objects.unrestricted().count() == 1


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_items(seeded):
    from zugong.demo.service import seed_service
    from zugong.service.models import Campaign, CommunityRegistration, PublicBoard, ServiceTask

    before = snapshot()
    assert seed_service(7, AS_OF) == {}  # a second run adds nothing
    ServiceTask.objects.unrestricted().delete()
    Campaign.objects.unrestricted().delete()
    CommunityRegistration.objects.unrestricted().delete()
    PublicBoard.objects.unrestricted().delete()
    counts = seed_service(7, AS_OF, log=lambda s: None)
    assert counts["service_tasks"] == len(before[0])
    assert snapshot() == before
