"""The bench seeder (`zugong demo service --items N`): N items spread over the tree's branches, each consistent
with the model (status against its dates, the clock against the working calendar)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

AS_OF = dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_the_bench_seeder_writes_n_consistent_items(tree):
    from zugong.service import clock
    from zugong.service.models import ServiceTask, UrgencyClass

    out = StringIO()
    call_command("demo", "service", "--items", "400", "--as-of", AS_OF.isoformat(), stdout=out)
    assert "service_tasks=400" in out.getvalue()
    tasks = list(ServiceTask.objects.unrestricted())
    assert len(tasks) == 400
    assert {t.organization_id for t in tasks} == {tree.b1.pk, tree.b2.pk, tree.b3.pk}
    assert all(t.org_path == t.organization.path for t in tasks[:50])
    assert UrgencyClass.objects.unrestricted().filter(code="immediate").exists()  # the defaults installed
    cal = clock.Calendar()
    statuses = {t.status for t in tasks}
    assert {"closed", "active"} <= statuses
    for t in tasks:
        assert t.received_on <= AS_OF and t.clock_from >= t.received_on
        assert t.limit_workdays == t.urgency.limit_workdays
        if t.reopened_count == 0:
            assert t.deadline == cal.after(t.clock_from, t.limit_workdays + t.paused_workdays
                                           + t.extended_workdays), t.pk
        if t.status == "closed":
            assert t.completed_on <= t.closed_on <= AS_OF and t.callback_done and t.satisfaction
            assert t.stage == 6
        elif t.status == "done":
            assert t.completed_on <= AS_OF and t.closed_on is None
        else:
            assert t.completed_on is None and t.closed_on is None
        if t.completed_on:
            assert t.on_time == (t.completed_on <= t.deadline)
        assert (t.status == "paused") == (t.paused_since is not None)
    overdue = [t for t in tasks if t.status in ("pending", "active", "reopened") and t.deadline < AS_OF]
    assert 0 < len(overdue) < 0.08 * len(tasks)
    again = StringIO()
    call_command("demo", "service", "--items", "10", "--if-empty", "--as-of", AS_OF.isoformat(), stdout=again)
    assert ServiceTask.objects.unrestricted().count() == 400
