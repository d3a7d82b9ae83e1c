"""/api/talent/applications/: the applications a user sees, by programme and status, with the pre-check."""

import pytest

from zugong.talent import applications_services as services

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import D, apply, rec

pytestmark = pytest.mark.django_db


def test_api_filters_and_scope(program, tree, users, client):
    mine = apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    mine.precheck = [{"condition": "近五年未受党纪政务处分", "kind": "no_sanction", "met": True, "evidence": "无处分记录",
                      "source": "条款号待核"}]
    mine.save()
    services.recommend(users.taiyuan, mine, rec(D(2026, 3, 20)))
    other = apply(users.admin, program, tree.people.zhaoliu, tree.b3, tier="young")
    client.force_login(users.taiyuan, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/api/talent/applications/?program=TYYC").json()
    assert [r["person"] for r in body["results"]] == ["张三"]
    row = body["results"][0]
    assert {k: row[k] for k in ("program", "tier", "unit", "organization", "status")} == {
        "program": "TYYC", "tier": "拔尖骨干", "unit": "太原理工大学", "organization": "14010501",
        "status": "recommended"}
    if row["precheck"]:  # until the programmes area evaluates it, the stored list is what was saved
        assert set(row["precheck"][0]) == {"condition", "met", "evidence"}
    assert client.get("/api/talent/applications/?status=applied").json()["results"] == []
    assert client.get("/api/talent/applications/?program=OTHER").json()["results"] == []
    client.force_login(users.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert [r["person"] for r in client.get("/api/talent/applications/?status=applied").json()["results"]] == ["赵六"]
    client.force_login(users.datong, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/api/talent/applications/{mine.pk}/").status_code == 404
    assert client.get(f"/api/talent/applications/{other.pk}/").status_code == 200
