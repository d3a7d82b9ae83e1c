"""The classes pages as an administrator uses them: enrolment of cadres by rank level and category (preview, then
confirm), leave typed in with the warning near the limit and the withdrawal above it, a trainee with attendance
not removed, a session outside the class's dates refused."""

import datetime as dt

from django.urls import reverse

from zugong.training.models import Attendance, Enrolment, Session

from .classes_fixtures import *  # noqa: F403
from .classes_fixtures import enrol


def _cadre(person, org, rank):
    from zugong.cadres.models import Cadre

    return Cadre.objects.create(person=person, organization=org, rank=rank)


def test_enrolment_of_cadres_by_level_and_category(tree, users, rotation, login):
    p = tree.people
    _cadre(p.zhangsan, tree.xiaodian, "county_deputy")   # 县处级, 领导职务
    _cadre(p.lisi, tree.xiaodian, "researcher_4")        # 县处级, 职级
    _cadre(p.wangwu, tree.xiaodian, "township_chief")    # 乡科级
    _cadre(p.zhaoliu, tree.datong, "county_chief")       # another city
    client = login(users.taiyuan)
    url = reverse("training:class_enrol", args=[rotation.pk])
    data = {"source": "cadres", "organization": tree.taiyuan.pk, "rank_levels": ["3"], "category": "post"}
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "符合条件的人员：1 人" in page and "张三" in page and "李四" not in page and "王五" not in page
    assert not Enrolment.objects.unrestricted().exists()
    response = client.post(url, {**data, "rank_levels": ["3"], "category": "", "confirm": "1"})
    assert response.status_code == 302
    assert set(Enrolment.objects.unrestricted().values_list("person_id", flat=True)) == {p.zhangsan.pk, p.lisi.pk}


def test_leave_typed_in_warns_then_withdraws(tree, users, rotation, login):
    e = enrol(users.taiyuan, rotation, tree.people.zhangsan)[tree.people.zhangsan.pk]
    s = list(Session.objects.unrestricted().filter(training_class=rotation).order_by("on"))
    client = login(users.taiyuan)
    url = reverse("training:enrolment_leave", args=[e.pk])
    response = client.post(url, {"session": s[0].pk, "hours": "7", "reason": "病假"}, follow=True)
    assert "已接近上限" in response.content.decode()
    refused = client.post(url, {"session": s[1].pk, "hours": "9", "reason": "病假"}).content.decode()
    assert "请假学时应大于 0 且不超过该课次的 8 学时" in refused
    response = client.post(url, {"session": s[1].pk, "hours": "1.5", "reason": "事假"}, follow=True)
    text = response.content.decode()
    assert "已超过规定，予以退学" in text and "请假 8.5 学时" in text
    e.refresh_from_db()
    assert e.status == "withdrawn"
    # the leave corrected, the trainee reinstated
    att = Attendance.objects.unrestricted().get(session=s[1], enrolment=e)
    client.post(reverse("training:leave_cancel", args=[att.pk]))
    client.post(reverse("training:enrolment_reinstate", args=[e.pk]))
    e.refresh_from_db()
    assert e.status == "enrolled"


def test_a_trainee_with_attendance_is_not_removed(tree, users, rotation, login):
    by_person = enrol(users.taiyuan, rotation, tree.people.zhangsan, tree.people.lisi)
    s = Session.objects.unrestricted().filter(training_class=rotation).first()
    Attendance.objects.create(session=s, enrolment=by_person[tree.people.zhangsan.pk], status="present", hours=8,
                              org_path=rotation.org_path)
    client = login(users.taiyuan)
    response = client.post(reverse("training:enrolment_remove", args=[by_person[tree.people.zhangsan.pk].pk]),
                           follow=True)
    assert "已有出勤记录，不能移出" in response.content.decode()
    client.post(reverse("training:enrolment_remove", args=[by_person[tree.people.lisi.pk].pk]))
    assert list(Enrolment.objects.unrestricted().values_list("person_id", flat=True)) == [tree.people.zhangsan.pk]


def test_a_session_outside_the_dates_is_refused(tree, users, rotation, login):
    client = login(users.taiyuan)
    response = client.post(reverse("training:session_create", args=[rotation.pk]),
                           {"on": "2026-12-01", "topic": "补课", "hours": "4"})
    assert "课次日期应在班次的起止日期之内" in response.content.decode()
    response = client.post(reverse("training:session_create", args=[rotation.pk]),
                           {"on": "2026-11-08", "starts_at": "14:30", "ends_at": "17:30", "topic": "结业式",
                            "hours": "2"})
    assert response.status_code == 302
    assert Session.objects.unrestricted().filter(training_class=rotation, on=dt.date(2026, 11, 8)).count() == 2
