"""The phone page (no login): a rotating QR token or a typed code, then 姓名 + 公民身份号码后六位; expired, forged,
not enrolled, double sign-in, outside the session's time and too many wrong entries are refused in Chinese and
stored; an accepted sign-in sets the attendance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zugong.training import signin_services as services
from zugong.training.models import Attendance, SignIn, SignInRules

from .signin_fixtures import *  # noqa: F403 — course, still and helpers
from .signin_fixtures import code_at, tail6, token_at

pytestmark = pytest.mark.django_db


def _open(client, token):
    page = client.get(reverse("training:signin_qr", args=[token]))
    assert page.status_code == 200
    return page.content.decode()


def _pass(body):
    import re

    found = re.search(r'name="pass" value="([^"]+)"', body)
    return found.group(1) if found else None


def _sign(client, body, name, tail):
    return client.post(reverse("training:signin_submit"), {"pass": _pass(body), "name": name, "tail6": tail}
                       ).content.decode()


def test_a_current_qr_signs_in_and_sets_the_attendance(client, tree, course, still):
    body = _open(client, token_at(course.session))
    assert "姓名" in body and _pass(body)
    assert "张三" not in body and "李四" not in body  # nobody is listed
    done = _sign(client, body, "张三", tail6(tree.people.zhangsan))
    assert "签到成功" in done
    row = Attendance.objects.unrestricted().get(session=course.session, enrolment=course.enrolments["张三"])
    assert row.status == Attendance.Status.PRESENT and row.hours == Decimal("3") and row.method == "qr"
    assert row.signed_at is not None and row.org_path == course.session.org_path
    event = SignIn.objects.unrestricted().get()
    assert event.accepted and event.method == "qr" and event.enrolment == course.enrolments["张三"]
    assert event.client == "127.0.0.1" and event.org_path == course.session.org_path


def test_the_previous_window_is_accepted_and_an_older_one_refused(client, tree, course, still):
    assert _pass(_open(client, token_at(course.session, -1)))
    body = _open(client, token_at(course.session, -2))
    assert _pass(body) is None and "二维码或签到码已过期" in body
    refused = SignIn.objects.unrestricted().get()
    assert not refused.accepted and refused.reason == SignIn.Reason.EXPIRED and refused.enrolment is None


def test_a_screenshot_stops_working_once_its_window_passes(client, tree, course, still):
    token = token_at(course.session)
    assert _pass(_open(client, token))
    still.shift(30)
    assert _pass(_open(client, token))  # the next window: still accepted
    still.shift(30)
    body = _open(client, token)
    assert _pass(body) is None and "已过期" in body


def test_a_forged_token_is_refused(client, tree, course, still):
    good = token_at(course.session)
    sid, window, mac = good.split(".")
    for forged in (f"{sid}.{window}.{'0' * 20}", f"{course.tomorrow.pk}.{window}.{mac}",
                   f"{sid}.{int(window) + 1}.{mac}", "garbage", f"{sid}.{window}.{mac[:-1]}"):
        body = _open(client, forged)
        assert _pass(body) is None and "二维码或签到码无效" in body, forged
    future = token_at(course.session, +1)  # a valid MAC for a window not yet come
    assert "无效" in _open(client, future)
    assert not SignIn.objects.unrestricted().exists()


def test_a_typed_code_current_previous_and_expired(client, tree, course, still):
    url = reverse("training:signin_code")
    assert "签到码" in client.get(url).content.decode()
    for offset in (0, -1):
        body = client.post(url, {"code": code_at(course.session, offset)}).content.decode()
        assert _pass(body), offset
    expired = client.post(url, {"code": code_at(course.session, -3)}).content.decode()
    assert _pass(expired) is None and "二维码或签到码已过期" in expired
    wrong = client.post(url, {"code": "12345"}).content.decode()
    assert _pass(wrong) is None and "6位签到码" in wrong
    done = _sign(client, client.post(url, {"code": code_at(course.session)}).content.decode(), "王五",
                 tail6(tree.people.wangwu))
    assert "签到成功" in done
    assert Attendance.objects.unrestricted().get(enrolment=course.enrolments["王五"]).method == "code"


def test_a_person_not_enrolled_is_refused(client, tree, course, still):
    body = _open(client, token_at(course.session))
    for name, tail in (("赵六", tail6(tree.people.zhaoliu)), ("张三", tail6(tree.people.lisi)),
                       ("张四", tail6(tree.people.zhangsan))):
        refused = _sign(client, body, name, tail)
        assert "不在学员名单" in refused and "签到成功" not in refused, name
    assert not Attendance.objects.unrestricted().exists()
    events = list(SignIn.objects.unrestricted().values_list("accepted", "reason", "name_given"))
    assert events == [(False, "not_enrolled", "赵六"), (False, "not_enrolled", "张三"), (False, "not_enrolled", "张四")]


def test_a_double_sign_in_is_refused_and_logged(client, tree, course, still):
    body = _open(client, token_at(course.session))
    assert "签到成功" in _sign(client, body, "李四", tail6(tree.people.lisi))
    first = Attendance.objects.unrestricted().get(enrolment=course.enrolments["李四"]).signed_at
    still.shift(40)
    again = _sign(client, _open(client, token_at(course.session)), "李四", tail6(tree.people.lisi))
    assert "已签到" in again and "签到成功" not in again
    row = Attendance.objects.unrestricted().get(enrolment=course.enrolments["李四"])
    assert row.signed_at == first and Attendance.objects.unrestricted().count() == 1
    assert list(SignIn.objects.unrestricted().order_by("pk").values_list("accepted", "reason")) == [
        (True, ""), (False, "already")]


def test_only_on_the_sessions_day_and_from_the_margin_before_it(client, tree, course, still):
    body = _open(client, token_at(course.tomorrow))
    assert _pass(body) is None and "非签到时间" in body
    early = services.Rules(open_before_minutes=30)
    session = course.session
    session.starts_at = dt.time(11, 0)
    session.save()
    assert not services.is_open(session, early)  # 10:00 is more than 30 minutes before 11:00
    SignInRules.objects.create(code="t.rules", name="本地签到规则", organization=tree.xiaodian, open_before_minutes=90)
    assert services.rules_for(session.org_path).open_before_minutes == 90
    assert _pass(_open(client, token_at(session)))


def test_the_pass_lasts_a_few_minutes(client, tree, course, still):
    body = _open(client, token_at(course.session))
    still.shift(services.FILL_MINUTES * 60 + 1)
    late = _sign(client, body, "张三", tail6(tree.people.zhangsan))
    assert "填写超时" in late and not Attendance.objects.unrestricted().exists()
    forged = client.post(reverse("training:signin_submit"), {"pass": "x:y:z", "name": "张三", "tail6": "123456"})
    assert "无效" in forged.content.decode()


def test_guessing_is_limited_per_address(client, tree, course, still):
    url = reverse("training:signin_code")
    for i in range(10):
        client.post(url, {"code": f"{(int(code_at(course.session)) + 17 + i) % 1000000:06d}"})
    body = _open(client, token_at(course.session))
    assert _pass(body) is None and "错误次数过多" in body
    other = client.get(reverse("training:signin_qr", args=[token_at(course.session)]), REMOTE_ADDR="10.1.2.3")
    assert _pass(other.content.decode())  # another address is not paused
    still.shift(15 * 60 + 1)
    assert _pass(_open(client, token_at(course.session)))



def test_the_attendance_change_is_audited_as_the_trainee_and_a_withdrawn_trainee_is_refused(client, tree, course,
                                                                                           still):
    from zugong.core.models import AuditEntry
    from zugong.training.models import Enrolment

    body = _open(client, token_at(course.session))
    assert "签到成功" in _sign(client, body, "张三", tail6(tree.people.zhangsan))
    entry = AuditEntry.objects.get(model="training.attendance")
    assert entry.action == "create" and entry.actor_id is None and "张三" in entry.actor_name
    assert entry.ip == "127.0.0.1"
    Enrolment.objects.unrestricted().filter(pk=course.enrolments["王五"].pk).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_on=dt.date(2026, 11, 26))
    refused = _sign(client, body, "王五", tail6(tree.people.wangwu))
    assert "您已退学" in refused and not Attendance.objects.unrestricted().filter(
        enrolment=course.enrolments["王五"]).exists()
