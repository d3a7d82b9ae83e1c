"""Issue 12, findings 7, 10 and 13 (passwords): tokens, separation of duties, password policy.

Each test here failed on the code before the change (see the report of the branch `accounts`)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from zugong.core.scope import Duty, Role

from tests.conftest import make_user  # noqa: F401

PASSWORD = "Zg-test-pass-2026"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def duty_user(username, duty, password=PASSWORD):
    from zugong.accounts.models import User

    return User.objects.create_user(username=username, password=password, display_name=username, duty=duty)


def _token(username, password=PASSWORD):
    r = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def _get(token, url="/api/people/"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(url)


def _stored_anywhere(text: str) -> list[str]:
    """The token tables (by name) whose rows hold `text` in any column."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if "token" not in table.lower():
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


# ---------------------------------------------------------------- finding 7: tokens


def test_finding7_tokens_are_hashed_expire_and_die_with_the_password(tree, users):
    token = _token("ty_admin")
    assert _get(token).status_code == 200
    assert _stored_anywhere(token) == []  # only a hash is kept
    from zugong.core.models import AuditEntry

    issued = AuditEntry.objects.unrestricted().filter(action="签发令牌").latest("id")
    assert issued.actor_name == "ty_admin" and token[:8] in str(issued.changes) and token not in str(issued.changes)

    # A password change revokes every token of the user.
    users.taiyuan.set_password("Another-pass-2027")
    users.taiyuan.save()
    assert _get(token).status_code == 401

    # Tokens expire (30 days by default).
    token = _token("ty_admin", "Another-pass-2027")
    assert _get(token).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        assert _get(token).status_code == 401


def test_tokens_page_and_revocation_by_the_security_administrator(tree, users, client):
    from zugong.accounts.models import ApiToken
    from zugong.core.models import AuditEntry

    token = _token("ty_admin")
    own = ApiToken.objects.get(user=users.taiyuan)
    client.force_login(users.taiyuan, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/accounts/tokens/").content.decode()
    assert own.prefix in page and token not in page
    # Nobody else's tokens on one's own page, and no revoking another user's token.
    other = _token("dt_admin")
    assert other[:8] not in page
    theirs = ApiToken.objects.get(user=users.datong)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404

    secadmin = duty_user("secadmin", Duty.SECADMIN)
    client.force_login(secadmin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/accounts/users/{users.taiyuan.pk}/").content.decode()
    assert own.prefix in page
    r = client.post(f"/accounts/tokens/{own.pk}/revoke/")
    assert r.status_code == 302
    assert _get(token).status_code == 401
    assert _get(other).status_code == 200
    assert AuditEntry.objects.unrestricted().filter(action="撤销令牌", object_id=str(users.taiyuan.pk)).exists()


# ---------------------------------------------------------------- finding 10: separation of duties


def test_finding10_business_users_neither_manage_accounts_nor_read_the_global_log(tree, users, client):
    for user in (users.admin, users.taiyuan):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/accounts/users/").status_code == 403
        assert client.get("/accounts/users/new/").status_code == 403
    for user in (users.admin, users.secretary, users.reader):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/core/audit/").status_code == 403
    auditor = duty_user("auditor", Duty.AUDITOR)
    client.force_login(auditor, backend="django.contrib.auth.backends.ModelBackend")
    r = client.get("/core/audit/")
    assert r.status_code == 200
    # The auditor reads the whole log (entries of every organization), and changes nothing.
    assert r.context["page"].paginator.count > 0 if "page" in r.context else True
    assert client.get("/accounts/users/").status_code == 403


def test_finding10_a_duty_account_holds_no_business_role(tree, users):
    from zugong.accounts.models import ScopeGrant

    sysadmin = duty_user("sysadmin", Duty.SYSADMIN)
    with pytest.raises(ValidationError):
        ScopeGrant.objects.create(user=sysadmin, organization=tree.root, role=Role.DEPT_ADMIN)
    assert not ScopeGrant.objects.filter(user=sysadmin).exists()
    # …and a business account takes no duty.
    users.taiyuan.duty = Duty.AUDITOR
    with pytest.raises(ValidationError):
        users.taiyuan.save()


def test_duty_accounts_see_no_business_data(tree, users, client):
    for duty, pages in ((Duty.SYSADMIN, {"账号管理", "定时任务"}), (Duty.SECADMIN, {"账号管理", "令牌管理", "安全策略"}),
                        (Duty.AUDITOR, {"操作日志", "安全日志"})):
        user = duty_user(duty.value, duty)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        r = client.get("/", follow=True)
        assert r.status_code == 200
        assert {entry.title for entry, _current in r.context["nav"]} == pages
        for url in ("/people/", "/members/", "/orgs/"):
            r = client.get(url)
            assert r.status_code in (403, 302) or "张三" not in r.content.decode(), url
        api = APIClient()
        api.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert api.get("/api/people/").status_code == 403
        assert api.get("/api/orgs/").status_code == 403


# ---------------------------------------------------------------- finding 13: passwords


def test_finding13_password_policy_in_chinese(tree, users):
    from zugong.accounts.models import User

    user = User(username="liqiang", display_name="李强")
    for weak in ("zhangwei19", "short", "liqiang-Abc-123", "abcdefghijk"):
        with pytest.raises(ValidationError) as caught:
            validate_password(weak, user)
        for message in caught.value.messages:
            assert not any("a" <= ch.lower() <= "z" for ch in message.replace("liqiang", "")), message
    validate_password("Zhangwei-2026", user)  # 3 classes, 13 characters

    # No reuse of the last five.
    account = users.taiyuan
    history = [PASSWORD] + [f"Rotate-pass-{i}x" for i in range(1, 5)]
    for p in history[1:]:
        account.set_password(p)
        account.save()
    for old in history:
        with pytest.raises(ValidationError, match="最近"):
            validate_password(old, account)
    account.set_password("Rotate-pass-5x")
    account.save()
    validate_password(PASSWORD, account)  # the sixth back is allowed again


def test_finding13_first_login_and_expiry_force_a_change(tree, users, client, settings):
    from zugong.accounts.models import User

    user = users.taiyuan
    user.must_change_password = True
    user.save()
    r = client.post("/accounts/login/", {"username": "ty_admin", "password": PASSWORD}, follow=True)
    assert r.redirect_chain[-1][0].startswith("/accounts/password/")
    assert client.get("/people/").status_code == 302
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Fresh-pass-2026",
                                            "new_password2": "Fresh-pass-2026"})
    assert r.status_code == 302
    assert client.get("/people/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password

    # Expired after ZUGONG_PASSWORD_MAX_AGE_DAYS (90 by default).
    assert settings.ZUGONG_PASSWORD_MAX_AGE_DAYS == 90
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        r = client.post("/accounts/login/", {"username": "ty_admin", "password": "Fresh-pass-2026"}, follow=True)
        assert r.redirect_chain[-1][0].startswith("/accounts/password/")
        r = client.get("/people/")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/password/")

    # Demo accounts are exempt from both.
    demo = User.objects.get(pk=users.secretary.pk)
    demo.is_demo, demo.must_change_password = True, True
    demo.save()
    client.force_login(demo, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/people/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        client.force_login(demo, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/people/").status_code == 200


def test_policy_and_all_tokens_pages_are_the_security_administrators(tree, users, client):
    token = _token("dt_admin")
    secadmin, sysadmin = duty_user("secadmin", Duty.SECADMIN), duty_user("sysadmin", Duty.SYSADMIN)
    client.force_login(secadmin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/accounts/policy/").content.decode()
    assert "90 天" in page and "ZUGONG_PASSWORD_MAX_AGE_DAYS" in page and "30 天" in page
    page = client.get("/accounts/tokens/all/").content.decode()
    assert "dt_admin" in page and token[:8] in page and token not in page
    for user in (sysadmin, users.admin):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/accounts/policy/").status_code == 403
        assert client.get("/accounts/tokens/all/").status_code == 403
