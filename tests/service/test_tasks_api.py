"""/api/service/tasks/: the items a user sees, by organization subtree and status."""

from zugong.service import tasks_services as services

from .tasks_fixtures import *  # noqa: F403 — fixtures (calendar, service_defaults, svc)
from .tasks_fixtures import D, record, take_in


def test_api_lists_the_items_in_scope_with_their_clock(svc, users, client):
    lamp = take_in(users.admin, svc.b1, received=D(2026, 11, 2), limit_workdays=10, title="修缮红星小区路灯")
    services.pause(users.admin, lamp, record(D(2026, 11, 6)), reason="等待材料")
    services.resume(users.admin, lamp, record(D(2026, 11, 10)))
    road = take_in(users.admin, svc.b3, received=D(2026, 11, 2), limit_workdays=3, title="村道硬化")
    services.complete(users.admin, road, record(D(2026, 11, 4)))
    client.force_login(users.taiyuan, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/api/service/tasks/").json()
    assert [r["title"] for r in body["results"]] == ["修缮红星小区路灯"]
    row = body["results"][0]
    assert row | {"id": 0} == row | {
        "id": 0, "title": "修缮红星小区路灯", "organization": "14010501", "urgency": "限期办", "received_on": "2026-11-02",
        "deadline": "2026-11-18", "paused_days": 2, "status": "pending", "closed_on": None, "satisfaction": "",
        "reopened": 0}
    client.force_login(users.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert [r["title"] for r in client.get("/api/service/tasks/?organization=1402").json()["results"]] == ["村道硬化"]
    assert [r["title"] for r in client.get("/api/service/tasks/?status=done").json()["results"]] == ["村道硬化"]
    assert client.get("/api/service/tasks/?status=done&organization=1401").json()["results"] == []
    client.force_login(users.datong, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/api/service/tasks/{lamp.pk}/").status_code == 404
    assert client.get("/api/service/tasks/?organization=1401").status_code == 400
