"""The other steps of an item: claim (members only), assign (moves the item within the user's scope), sign,
urge, terminate, and the audit trail of a step."""

import pytest
from django.core.exceptions import ValidationError

from zugong.core.models import AuditEntry
from zugong.service import tasks_services as services
from zugong.service.models import Pause

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D, record, take_in


def test_claim_by_a_member_only(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2))
    with pytest.raises(ValidationError, match="王五不是党员，不能认领"):
        services.claim(users.admin, task, record(D(2026, 11, 3)), person=svc.people.wangwu)
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        services.claim(users.secretary, task, record(D(2026, 11, 3)), person=svc.people.zhaoliu)
    services.claim(users.secretary, task, record(D(2026, 11, 3)), person=svc.people.zhangsan)
    task.refresh_from_db()
    assert (task.status, task.claimed_by, task.owner, task.claimed_on) == (
        "active", svc.people.zhangsan, svc.people.zhangsan, D(2026, 11, 3))
    entry = AuditEntry.objects.unrestricted().filter(object_id=task.pk, note="流程步骤：党员认领").get()
    assert "党员认领" in str(entry.changes)


def test_assign_moves_the_item_within_the_scope(svc, users):
    task = take_in(users.taiyuan, svc.b1, received=D(2026, 11, 2))
    with pytest.raises(ValidationError, match="所选组织不存在或不在您的管辖范围内"):
        services.assign(users.taiyuan, task, record(D(2026, 11, 3)), organization=svc.b3)
    services.assign(users.taiyuan, task, record(D(2026, 11, 3)), organization=svc.b2, owner=svc.people.wangwu)
    task.refresh_from_db()
    assert task.organization == svc.b2 and task.org_path == svc.b2.path and task.owner == svc.people.wangwu
    assert task.status == "pending" and task.stage == 2
    services.sign(users.taiyuan, task, record(D(2026, 11, 4)))
    services.urge(users.admin, task, record(D(2026, 11, 5), note="请加快进度"))
    task.refresh_from_db()
    assert task.status == "active" and task.signed_on == D(2026, 11, 4) and task.last_urged_on == D(2026, 11, 5)


def test_terminate_ends_an_open_pause(svc, users):
    task = take_in(users.admin, svc.b1, received=D(2026, 11, 2))
    services.pause(users.admin, task, record(D(2026, 11, 3)), reason="等待诉求人")
    with pytest.raises(ValidationError, match="请填写终止原因"):
        services.terminate(users.admin, task, record(D(2026, 11, 4)), reason=" ")
    services.terminate(users.admin, task, record(D(2026, 11, 4)), reason="诉求人撤回诉求")
    task.refresh_from_db()
    assert task.status == "terminated" and task.paused_since is None
    assert Pause.objects.unrestricted().get(task=task).resumed_on == D(2026, 11, 4)
    with pytest.raises(ValidationError, match="已终止"):
        services.report(users.admin, task, record(D(2026, 11, 5), note="x"))
