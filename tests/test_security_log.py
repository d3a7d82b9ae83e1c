"""Security events in the audit chain (issue 12, finding 12) and the security auditor's 安全日志 page."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zugong.core import audit
from zugong.core.models import AuditEntry
from zugong.core.scope import Duty

UA = "Mozilla/5.0 (X11; Linux x86_64) 测试浏览器/1.0"


def _events(**filters):
    return list(AuditEntry.objects.unrestricted().filter(category="security", **filters).order_by("id"))


@pytest.fixture
def auditor(db):
    from zugong.accounts.models import User

    user = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", display_name="审计员",
                                    duty=Duty.AUDITOR)
    user.raw_password = "Zg-test-pass-2026"
    return user


@pytest.mark.django_db
def test_login_success_failure_and_logout_are_chained_with_address_and_agent(users):
    client = Client(REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT=UA)
    r = client.post("/accounts/login/", {"username": "b1_sec", "password": "wrong-password"})
    assert r.status_code == 200
    r = client.post("/accounts/login/", {"username": "b1_sec", "password": users.secretary.raw_password})
    assert r.status_code == 302
    client.post("/accounts/logout/")
    failed, login, logout = _events(action__in=["login", "login_failed", "logout"])
    assert (failed.action, failed.actor_id, failed.actor_name, failed.ip) == ("login_failed", None, "b1_sec", "10.9.8.7")
    assert failed.note == "用户名或密码错误" and failed.user_agent == UA
    assert (login.action, login.actor_id, login.ip, login.user_agent) == ("login", users.secretary.pk, "10.9.8.7", UA)
    assert (logout.action, logout.actor_id) == ("logout", users.secretary.pk)
    assert all(e.key_id for e in (failed, login, logout))
    assert audit.verify()[1] is None


@pytest.mark.django_db
def test_lockout_and_attempts_while_locked_are_chained(users, settings):
    client = Client(REMOTE_ADDR="10.9.8.6")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "reader", "password": "wrong-password"})
    r = client.post("/accounts/login/", {"username": "reader", "password": users.reader.raw_password})
    assert r.status_code in (403, 429)  # django-axes refuses the right password while locked
    events = _events(action__in=["login_failed", "lockout", "login"])
    assert [e.action for e in events] == ["login_failed"] * settings.AXES_FAILURE_LIMIT + ["lockout", "login_failed"]
    lockout = events[-2]
    assert lockout.actor_name == "reader" and lockout.ip == "10.9.8.6"
    assert {c["label"]: c["new"] for c in lockout.changes}["连续登录失败次数"] == settings.AXES_FAILURE_LIMIT
    assert events[-1].note == "账户处于锁定状态，登录被拒绝"


@pytest.mark.django_db
def test_permission_denied_on_pages_and_api_is_chained_with_the_reason(login, tree, users):
    client = login(users.reader)
    assert client.get("/core/imports/", REMOTE_ADDR="10.1.1.1", HTTP_USER_AGENT=UA).status_code == 403
    (page,) = _events(action="denied")
    assert (page.actor_id, page.ip, page.user_agent, page.object_repr) == (users.reader.pk, "10.1.1.1", UA,
                                                                            "GET /core/imports/")
    assert page.note == "您没有导入数据的权限"
    api = APIClient()
    api.force_login(users.reader, backend="django.contrib.auth.backends.ModelBackend")
    person = tree.people.zhangsan
    r = api.patch(f"/api/people/{person.pk}/", {"phone": "13800000000"}, format="json", REMOTE_ADDR="10.1.1.2")
    assert r.status_code == 403
    refused = _events(action="denied")[-1]
    assert refused.actor_id == users.reader.pk and refused.object_repr == f"PATCH /api/people/{person.pk}/"
    assert refused.note == str(r.json()["detail"]) and refused.ip == "10.1.1.2"


@pytest.mark.django_db
def test_exports_account_changes_and_full_id_views_are_security_events(login, tree, users):
    client = login(users.taiyuan)
    assert client.get("/people/", {"export": "xlsx", "org": tree.b1.code}).status_code == 200
    (export,) = _events(action="export")
    facts = {c["label"]: c["new"] for c in export.changes}
    assert facts["筛选条件"] == f"所属组织代码：{tree.b1.code}" and facts["导出行数"] == 2
    # What the accounts pages and the full ID number view write through `audit.operation`.
    with audit.acting_as(users.admin):
        with audit.operation(users.reader, "disable", note="离职") as op:
            op.fact("状态", "停用", "启用")
        with audit.operation(tree.people.zhangsan, "查看完整身份证号"):
            pass
    (disabled,) = _events(action="disable")
    assert disabled.model == "accounts.user" and disabled.actor_id == users.admin.pk
    (viewed,) = _events(action="查看完整身份证号")
    assert viewed.model == "people.person" and viewed.object_repr == "张三"
    # A grant's change (role, scope) is one too; a business record's is not.
    grant = users.reader.grants.get()
    grant.role = "secretary"
    grant.save()
    assert _events(model="accounts.scopegrant", action="update")
    tree.people.lisi.phone = "13900000009"
    tree.people.lisi.save()
    assert not _events(model="people.person", action="update")


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_only_the_security_auditor_reads_the_security_log(login, users, auditor):
    for user in (users.admin, users.reader):
        assert login(user).get("/core/audit/security/").status_code == 403
    refused = _events(action="denied")
    assert [e.actor_name for e in refused] == ["admin", "reader"]
    assert refused[0].note == "该页面仅限安全审计员使用"
    page = login(auditor).get("/core/audit/security/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "安全日志" in text and "拒绝访问" in text and "GET /core/audit/security/" in text
    assert "至少保留 180 天" in text


@pytest.mark.django_db
def test_the_security_log_filters_by_kind_user_date_and_address_and_pages(login, users, auditor):
    audit.security_event("login_failed", username="nobody", note="用户名或密码错误")
    for n in range(55):
        audit.security_event("login", user=users.reader)
    with audit.acting_as(users.admin, ip="10.2.2.2"):
        audit.security_event("password", user=users.secretary)
    client = login(auditor)

    def rows(**params):
        page = client.get("/core/audit/security/", params)
        assert page.status_code == 200, page.content.decode()[:500]
        return page.content.decode(), page.context["table"]

    _, table = rows()
    assert table.paginator.count >= 57 and len(table.page.object_list) == 50
    _, table = rows(page=2)
    assert len(table.page.object_list) == table.paginator.count - 50
    text, table = rows(kind="login_failed")
    assert table.paginator.count == 1 and "nobody" in text and "登录失败" in text
    _, table = rows(user="reader", kind="login")
    assert table.paginator.count == 55
    _, table = rows(ip="10.2.2.2")
    assert [r.record.action for r in table.rows] == ["password"]
    _, table = rows(ip="不是地址")
    assert table.paginator.count == 0
    today = dt.date(2026, 11, 27)
    _, table = rows(since=today.isoformat(), kind="login", user="reader")
    assert table.paginator.count == 55
    _, table = rows(until=(today - dt.timedelta(days=1)).isoformat())
    assert table.paginator.count == 0
    export = client.get("/core/audit/security/", {"kind": "login_failed", "export": "xlsx"})
    assert export.status_code == 200
    last = _events(action="export")[-1]
    assert {c["label"]: c["new"] for c in last.changes}["筛选条件"] == "事件类型：登录失败"
