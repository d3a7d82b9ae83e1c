"""The organizer's side of sign-in: the manual roll, the .xlsx import (errors per row, nothing written on error),
the live page and the display scoped to the class's organization, the rules as configuration."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.workbooks import xlsx
from zugong.core.models import AuditEntry, Job
from zugong.training import signin_services as services
from zugong.training.defaults import signin as defaults
from zugong.training.models import Attendance, SignIn, SignInRules

from .signin_fixtures import *  # noqa: F403 — course, still and helpers
from .signin_fixtures import TODAY, make_class, make_session, tail6, token_at

pytestmark = pytest.mark.django_db
HEADER = ["序号", "班次代码", "课次日期", "公民身份号码", "姓名", "签到时间"]


def test_the_roll_marks_the_ticked_trainees_present(tree, users, course):
    e = course.enrolments
    assert services.roll(users.taiyuan, course.session, [e["张三"].pk, e["李四"].pk]) == 2
    rows = {a.enrolment_id: a for a in Attendance.objects.unrestricted().filter(session=course.session)}
    assert set(rows) == {e["张三"].pk, e["李四"].pk}
    assert all(a.status == "present" and a.method == "roll" and a.hours == course.session.hours for a in rows.values())
    events = SignIn.objects.unrestricted().filter(method="roll")
    assert events.count() == 2 and {x.by_id for x in events} == {users.taiyuan.pk}
    # ticking again someone already present marks nobody twice
    assert services.roll(users.taiyuan, course.session, [e["张三"].pk, e["王五"].pk]) == 1
    assert Attendance.objects.unrestricted().filter(session=course.session).count() == 3
    assert AuditEntry.objects.filter(model="training.attendance").count() == 3


def test_the_roll_is_refused_outside_the_scope_and_for_strangers(tree, users, course):
    with pytest.raises(PermissionDenied):
        services.roll(users.datong, course.session, [course.enrolments["张三"].pk])
    other = make_class(tree.datong, "PX2026-DT-01", enrol=(tree.people.zhaoliu,))
    stranger = other.enrolments.unrestricted().get()
    with pytest.raises(ValidationError):
        services.roll(users.taiyuan, course.session, [stranger.pk])
    assert not Attendance.objects.unrestricted().exists()


def test_the_roll_page(client, login, tree, users, course):
    login(users.taiyuan)
    url = reverse("training:signin_roll", args=[course.session.pk])
    page = client.get(url).content.decode()
    assert "张三" in page and "王五" in page
    done = client.post(url, {"present": [course.enrolments["王五"].pk]})
    assert done.status_code == 302
    assert Attendance.objects.unrestricted().get().enrolment == course.enrolments["王五"]
    login(users.reader)
    assert client.get(url).status_code == 403


def _rows(tree):
    p = tree.people
    return [
        HEADER,
        [1, "PX2026-XD-01", "2026-11-27", p.zhangsan.id_number, "张三", "08:55"],
        [2, "PX2026-XD-01", dt.datetime(2026, 11, 27), p.lisi.id_number, "李四", ""],
    ]


def _import(path, user, rows):
    path.write_bytes(xlsx(rows))
    call_command("import", "training-signin", str(path), "--user", user.username)


def test_the_import_names_every_bad_row_and_writes_nothing(tree, users, course, tmp_path):
    p = tree.people
    make_class(tree.datong, "PX2026-DT-01", enrol=(p.zhaoliu,))
    second = make_session(course.klass, start=dt.time(14, 30), end=dt.time(17, 0), topic="党史")
    rows = _rows(tree) + [
        [3, "PX-NONE", "2026-11-27", p.wangwu.id_number, "王五", ""],                    # 4: unknown class
        [4, "PX2026-DT-01", "2026-11-27", p.zhaoliu.id_number, "赵六", ""],              # 5: 大同's class
        [5, "PX2026-XD-01", "2026-11-26", p.wangwu.id_number, "王五", ""],               # 6: no session that day
        [6, "PX2026-XD-01", "2026-11-27", p.zhaoliu.id_number, "赵六", "09:00"],          # 7: not enrolled
        [7, "PX2026-XD-01", "2026-11-27", p.wangwu.id_number, "王二", "09:00"],           # 8: name
        [8, "PX2026-XD-01", "2026-11-27", p.zhangsan.id_number, "张三", "09:10"],         # 9: duplicate of 2
        [9, "PX2026-XD-01", "2026-12-01", p.wangwu.id_number, "王五", ""],               # 10: future
        [10, "PX2026-XD-01", "2026-11-27", p.wangwu.id_number, "王五", "25:00"],          # 11: bad time
        [11, "PX2026-XD-01", "2026-11-27", "140105198005170099", "王五", "09:00"],        # 12: bad ID
    ]
    with pytest.raises(CommandError):
        _import(tmp_path / "签到.xlsx", users.taiyuan, rows)
    assert not Attendance.objects.unrestricted().exists() and not SignIn.objects.unrestricted().exists()
    errors = "\n".join(Job.objects.unrestricted().order_by("-pk").first().result["errors"])
    for expected in ("第3行“签到时间”列：班次“PX2026-XD-01”在 2026-11-27 有 2 个课次，请填写签到时间以区分",
                     "第4行“班次代码”列：班次“PX-NONE”不存在或不在您的管辖范围内",
                     "第5行“班次代码”列：班次“PX2026-DT-01”不存在或不在您的管辖范围内",
                     "第6行“课次日期”列：班次“PX2026-XD-01”在 2026-11-26 没有课次",
                     "第7行“公民身份号码”列：", "不在班次“PX2026-XD-01”的学员名单中",
                     "第8行“姓名”列：姓名“王二”与该公民身份号码登记的姓名“王五”不一致",
                     "第9行“公民身份号码”列：与第2行重复", "第10行“课次日期”列：课次日期 2026-12-01 晚于今天",
                     "第11行“签到时间”列：", "第12行“公民身份号码”列："):
        assert expected in errors, (expected, errors)
    assert second.pk


def test_the_import_writes_events_and_attendance(tree, users, course, tmp_path):
    _import(tmp_path / "签到.xlsx", users.taiyuan, _rows(tree))
    rows = {a.enrolment.person.name: a for a in Attendance.objects.unrestricted().select_related("enrolment__person")}
    assert set(rows) == {"张三", "李四"} and all(a.method == "import" for a in rows.values())
    assert dt.datetime.fromisoformat(rows["张三"].signed_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
                                     .isoformat()).strftime("%H:%M") == "08:55"
    assert rows["李四"].signed_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M") == "09:00"
    assert SignIn.objects.unrestricted().filter(method="import", accepted=True, by=users.taiyuan).count() == 2
    # imported again: already present, stored as refused events, attendance unchanged
    _import(tmp_path / "again.xlsx", users.taiyuan, _rows(tree))
    assert Attendance.objects.unrestricted().count() == 2
    assert SignIn.objects.unrestricted().filter(accepted=False, reason="already").count() == 2


def test_the_live_page_is_scoped(client, login, tree, users, course, still):
    body = client.get(reverse("training:signin_qr", args=[token_at(course.session)])).content.decode()
    import re

    client.post(reverse("training:signin_submit"), {"pass": re.search(r'name="pass" value="([^"]+)"', body).group(1),
                                                    "name": "张三", "tail6": tail6(tree.people.zhangsan)})
    client.logout()
    login(users.taiyuan)
    live = client.get(reverse("training:signin_live", args=[course.session.pk])).content.decode()
    assert 'id="count-signed">1<' in live and 'id="count-missing">2<' in live
    missing = live.split('id="signin-missing"')[1].split("</div></div></div>")[0]
    assert "李四" in missing and "王五" in missing and "张三" not in missing
    assert "扫码签到" in live and "打开签到屏幕" in live
    panel = client.get(reverse("training:signin_live_panel", args=[course.session.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in panel and 'id="count-signed">1<' in panel
    display = client.get(reverse("training:signin_display", args=[course.session.pk])).content.decode()
    assert "<svg" in display and 'id="signin-code"' in display and "hx-trigger" in display
    login(users.datong)
    for name in ("signin_live", "signin_live_panel", "signin_display", "signin_display_panel", "signin_roll"):
        assert client.get(reverse(f"training:{name}", args=[course.session.pk])).status_code == 404, name
    sessions = client.get(reverse("training:signin_sessions")).content.decode()
    assert course.klass.name not in sessions
    login(users.reader)  # sees the live page, cannot open the screen
    assert client.get(reverse("training:signin_live", args=[course.session.pk])).status_code == 200
    assert client.get(reverse("training:signin_display", args=[course.session.pk])).status_code == 403


def test_the_sessions_page_and_the_start_page(client, login, users, course):
    login(users.taiyuan)
    page = client.get(reverse("training:signin_sessions")).content.decode()
    assert course.session.topic in page and "0 / 3" in page
    tomorrow = client.get(reverse("training:signin_sessions") + f"?on={TODAY + dt.timedelta(days=1):%Y-%m-%d}")
    assert "党章党规" in tomorrow.content.decode()
    assert "今日课次签到" in client.get(reverse("training:index")).content.decode()


def test_the_rules_are_configuration(client, login, tree, users):
    defaults.install(tree.root)
    row = SignInRules.objects.unrestricted().get()
    assert row.window_seconds == 30 and services.rules_for(tree.b1.path).window_seconds == 30
    login(users.admin)
    assert "30 秒" in client.get(reverse("training:signin_rules")).content.decode()
    url = reverse("training:signin_rules_edit", args=[row.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"name": row.name, "window_seconds": 5, "open_before_minutes": 30, "close_after_minutes": 0,
            "guess_limit": 10, "guess_minutes": 15, "regulation": "", "active": "on"}
    assert "不能少于10秒" in client.post(url, data).content.decode()
    assert client.post(url, data | {"window_seconds": 60}).status_code == 302
    assert services.rules_for(tree.b1.path).window_seconds == 60
    SignInRules.objects.create(code="t.xd", name="小店区签到规则", organization=tree.xiaodian, window_seconds=45)
    paths = [tree.b1.path, tree.b3.path, tree.xiaodian.path, tree.taiyuan.path]
    assert [services.rules_for(p).window_seconds for p in paths] == [45, 60, 45, 60]
    assert {p: r.window_seconds for p, r in services.rules_by_path(paths).items()} == dict(zip(paths, [45, 60, 45, 60]))
