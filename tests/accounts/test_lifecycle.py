"""The account lifecycle pages end to end through the test client, each step by the duty it belongs to
(三员分立) and audited with its Chinese action name."""

import pytest
from django.core.cache import cache
from django.test import Client

from zugong.core.scope import Duty

PASSWORD = "Zg-test-pass-2026"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _duty(username, duty):
    from zugong.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, display_name=username, duty=duty)


def _signed_in(username, password=PASSWORD):
    client = Client()
    r = client.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()[:500]
    return client


def _logged(action, account):
    from zugong.core.models import AuditEntry

    return AuditEntry.objects.unrestricted().filter(action=action, model="accounts.user",
                                                    object_id=str(account.pk)).count()


def test_account_lifecycle_end_to_end(tree, users, settings):
    from zugong.accounts.models import User

    _duty("sa", Duty.SYSADMIN), _duty("sec", Duty.SECADMIN), _duty("aud", Duty.AUDITOR)
    sysadmin, secadmin, auditor = _signed_in("sa"), _signed_in("sec"), _signed_in("aud")

    # 系统管理员 creates an account; a weak initial password is refused in Chinese.
    r = sysadmin.post("/accounts/users/new/", {"username": "wanghong", "display_name": "王红", "password": "wanghong1"})
    assert r.status_code == 200 and "密码太短" in r.content.decode()
    r = sysadmin.post("/accounts/users/new/", {"username": "wanghong", "display_name": "王红",
                                               "password": "Init-pass-2026"})
    assert r.status_code == 302
    account = User.objects.get(username="wanghong")
    assert account.must_change_password and not account.grants.exists() and _logged("新建账号", account) == 1

    # …but only the 安全管理员 gives a role and scope.
    grant = {"organization": "1401", "role": "org_admin"}
    assert sysadmin.post(f"/accounts/users/{account.pk}/grants/", grant).status_code == 403
    r = secadmin.post(f"/accounts/users/{account.pk}/grants/", grant)
    assert r.status_code == 302
    assert [(g.organization.code, g.role) for g in account.grants.all()] == [("1401", "org_admin")]
    assert _logged("变更角色与管辖范围", account) == 1
    page = secadmin.get(f"/accounts/users/{account.pk}/").content.decode()
    assert "中共太原市委员会" in page or "太原市委" in page

    # First login: the initial password must be changed before anything else.
    user = Client()
    r = user.post("/accounts/login/", {"username": "wanghong", "password": "Init-pass-2026"}, follow=True)
    assert r.redirect_chain[-1][0] == "/accounts/password/"
    assert user.get("/people/").status_code == 302
    r = user.post("/accounts/password/", {"old_password": "Init-pass-2026", "new_password1": "Mine-pass-2026",
                                          "new_password2": "Mine-pass-2026"})
    assert r.status_code == 302 and _logged("修改密码", account) == 1
    assert "张三" in user.get("/people/").content.decode()

    # 系统管理员 disables: the user can no longer sign in; enables again.
    assert secadmin.post(f"/accounts/users/{account.pk}/disable/").status_code == 403
    assert sysadmin.post(f"/accounts/users/{account.pk}/disable/").status_code == 302
    account.refresh_from_db()
    assert not account.is_active and _logged("停用账号", account) == 1
    assert Client().post("/accounts/login/", {"username": "wanghong", "password": "Mine-pass-2026"}).status_code == 200
    assert sysadmin.post(f"/accounts/users/{account.pk}/enable/").status_code == 302
    assert _logged("启用账号", account) == 1
    _signed_in("wanghong", "Mine-pass-2026")

    # Locked by failed logins; the 安全管理员 unlocks (the 系统管理员 may not).
    other = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        other.post("/accounts/login/", {"username": "wanghong", "password": "wrong-Pass-1"})
    r = other.post("/accounts/login/", {"username": "wanghong", "password": "Mine-pass-2026"})
    assert r.status_code in (403, 429) or "锁定" in r.content.decode()
    assert "解锁账号" in secadmin.get(f"/accounts/users/{account.pk}/").content.decode()
    assert sysadmin.post(f"/accounts/users/{account.pk}/unlock/").status_code == 403
    assert secadmin.post(f"/accounts/users/{account.pk}/unlock/").status_code == 302
    assert _logged("解锁账号", account) == 1
    _signed_in("wanghong", "Mine-pass-2026")

    # 系统管理员 resets the password: the next login must change it again.
    r = sysadmin.post(f"/accounts/users/{account.pk}/reset-password/", {"password": "Reset-pass-2026"})
    assert r.status_code == 302 and _logged("重置密码", account) == 1
    r = Client().post("/accounts/login/", {"username": "wanghong", "password": "Reset-pass-2026"}, follow=True)
    assert r.redirect_chain[-1][0] == "/accounts/password/"

    # The secadmin takes the grant away.
    taken = account.grants.get()
    assert secadmin.post(f"/accounts/users/{account.pk}/grants/", {"remove": [taken.pk]}).status_code == 302
    assert not account.grants.exists() and _logged("变更角色与管辖范围", account) == 2

    # Business users reach none of it; the auditor reads every step and changes nothing.
    admin = Client()
    admin.force_login(users.admin, backend="django.contrib.auth.backends.ModelBackend")
    for url in (f"/accounts/users/{account.pk}/disable/", f"/accounts/users/{account.pk}/unlock/",
                f"/accounts/users/{account.pk}/grants/", f"/accounts/users/{account.pk}/reset-password/"):
        assert admin.post(url).status_code == 403
        assert auditor.post(url).status_code == 403
    log = auditor.get("/core/audit/", {"model": "accounts.user"}).content.decode()
    for action in ("新建账号", "变更角色与管辖范围", "修改密码", "停用账号", "启用账号", "解锁账号", "重置密码"):
        assert action in log, action


def test_a_duty_account_is_not_managed_through_the_pages(tree, users):
    from zugong.accounts import services
    from zugong.core.models import AuditEntry

    target = _duty("aud", Duty.AUDITOR)
    _duty("sa", Duty.SYSADMIN), _duty("sec", Duty.SECADMIN)
    sysadmin, secadmin = _signed_in("sa"), _signed_in("sec")
    r = secadmin.post(f"/accounts/users/{target.pk}/grants/", {"organization": "14", "role": "dept_admin"})
    assert r.status_code == 200 and "安全审计员账号" in r.content.decode()
    assert not target.grants.exists()
    r = sysadmin.post(f"/accounts/users/{target.pk}/disable/", follow=True)
    assert "不能在此管理" in r.content.decode()
    target.refresh_from_db()
    assert target.is_active
    with pytest.raises(Exception):
        services.create_duty_account(users.taiyuan.username, "x", PASSWORD, Duty.SYSADMIN)
    assert not AuditEntry.objects.unrestricted().filter(action="设置系统职责", object_id=str(users.taiyuan.pk)).exists()


def test_duty_command_creates_a_duty_account(db, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from zugong.accounts.models import User

    monkeypatch.setenv("ZUGONG_DUTY_PASSWORD", "short")
    with pytest.raises(CommandError, match="密码太短"):
        call_command("duty", "wang", "auditor")
    monkeypatch.setenv("ZUGONG_DUTY_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("duty", "wang", "auditor", stdout=out)
    user = User.objects.get(username="wang")
    assert user.duty == "auditor" and user.must_change_password and "安全审计员" in out.getvalue()
