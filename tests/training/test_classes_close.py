"""结业 credits the ledger (kind from the class type, hours attended, 脱产 days), issues numbered certificates, and
reopening withdraws both; capacity refused in Chinese; enrolment by filters; the certificate's public verification
page (masked name, no login) and its .pdf."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zugong.training import classes_services as services
from zugong.training.models import Attendance, Certificate, Credit, Enrolment, Session

from .classes_fixtures import *  # noqa: F403
from .classes_fixtures import enrol, make_class


def _attend(cls, enrolment, sessions, hours=None):
    for s in sessions:
        Attendance.objects.create(session=s, enrolment=enrolment, status="present", hours=hours or s.hours,
                                  method="roll", org_path=cls.org_path)


@pytest.fixture
def attended(tree, users, rotation):
    p = tree.people
    by_person = enrol(users.taiyuan, rotation, p.zhangsan, p.lisi, p.wangwu)
    s = list(Session.objects.unrestricted().filter(training_class=rotation).order_by("on"))
    _attend(rotation, by_person[p.zhangsan.pk], s)            # 7 days, 56 学时
    _attend(rotation, by_person[p.lisi.pk], s[:6])            # 6 days, 48 学时 (+ 8 on leave: exactly 1/7)
    services.record_leave(users.taiyuan, s[6], by_person[p.lisi.pk], "8", "病假")
    _attend(rotation, by_person[p.wangwu.pk], s[:2])          # then withdrawn
    services.withdraw(users.taiyuan, by_person[p.wangwu.pk], s[2].on, "工作调动")
    return by_person


def test_closing_credits_the_ledger_and_issues_certificates(tree, users, rotation, attended):
    p = tree.people
    done = services.close_class(users.taiyuan, rotation)
    assert done == {"completed": 2, "credited": 2, "certificates": 2}
    credits = {c.person_id: c for c in Credit.objects.unrestricted().filter(source=services.SOURCE)}
    assert set(credits) == {p.zhangsan.pk, p.lisi.pk}  # the withdrawn trainee gets nothing
    zhang, li = credits[p.zhangsan.pk], credits[p.lisi.pk]
    assert (zhang.kind, zhang.hours, zhang.days, zhang.on) == ("off_job", Decimal("56"), Decimal("7"), rotation.ends_on)
    assert (li.hours, li.days) == (Decimal("48"), Decimal("6"))
    assert zhang.source_id == attended[p.zhangsan.pk].pk
    certs = list(Certificate.objects.unrestricted().order_by("seq"))
    assert [c.number for c in certs] == ["1401-2026-0001", "1401-2026-0002"]
    assert [c.hours for c in certs] == [Decimal("56"), Decimal("48")]
    assert len({c.token for c in certs}) == 2 and all(len(c.token) >= 32 for c in certs)
    statuses = dict(Enrolment.objects.unrestricted().values_list("person_id", "status"))
    assert statuses == {p.zhangsan.pk: "completed", p.lisi.pk: "completed", p.wangwu.pk: "withdrawn"}
    with pytest.raises(ValidationError):
        services.close_class(users.taiyuan, rotation)


def test_reopening_withdraws_the_credits_and_revokes_certificates(tree, users, rotation, attended):
    services.close_class(users.taiyuan, rotation)
    removed = services.reopen_class(users.taiyuan, rotation, "出勤记录有误")
    assert removed == 2 and not Credit.objects.unrestricted().filter(source=services.SOURCE).exists()
    assert all(c.revoked_on for c in Certificate.objects.unrestricted())
    assert not Enrolment.objects.unrestricted().filter(status="completed").exists()
    # closing again credits again and gives the same numbers back
    services.close_class(users.taiyuan, rotation)
    assert Credit.objects.unrestricted().filter(source=services.SOURCE).count() == 2
    assert sorted(Certificate.objects.unrestricted().filter(revoked_on__isnull=True)
                  .values_list("number", flat=True)) == ["1401-2026-0001", "1401-2026-0002"]


def test_a_class_not_yet_ended_cannot_close(tree, users, class_defaults):
    cls = make_class(tree.taiyuan, start=dt.date(2026, 11, 25), days=7)
    with pytest.raises(ValidationError, match="尚未结束"):
        services.close_class(users.taiyuan, cls)


def test_capacity_is_enforced(tree, users, class_defaults):
    cls = make_class(tree.taiyuan, capacity=2)
    p = tree.people
    enrol(users.taiyuan, cls, p.zhangsan)
    with pytest.raises(ValidationError) as caught:
        services.enrol_people(users.taiyuan, cls, [p.lisi.pk, p.wangwu.pk])
    assert "计划人数 2 人，已有学员 1 人，本次 2 人，超出 1 人" in caught.value.messages[0]
    assert Enrolment.objects.unrestricted().filter(training_class=cls).count() == 1
    services.enrol_people(users.taiyuan, cls, [p.lisi.pk])
    assert services.room(cls) == 0


def test_enrolment_by_filters_over_members_not_yet_trained(tree, users, class_defaults):
    from zugong.members.models import Membership

    p = tree.people
    for person in (p.zhangsan, p.lisi, p.wangwu):
        Membership.objects.create(person=person, organization=person.organization, joined_on=dt.date(2010, 7, 1),
                                  status="full")
    Membership.objects.create(person=p.zhaoliu, organization=p.zhaoliu.organization, joined_on=dt.date(2010, 7, 1),
                              status="full")
    earlier = make_class(tree.taiyuan, code="TY-2024-01", start=dt.date(2024, 5, 6), status="closed")
    Enrolment.objects.create(training_class=earlier, person=p.lisi, status="completed", org_path=earlier.org_path)
    cls = make_class(tree.taiyuan, code="TY-2026-09")
    criteria = services.Criteria(source="members", organization=tree.taiyuan, untrained_years=5)
    found = services.preview(users.taiyuan, cls, criteria)
    assert {m.person_id for m in found["rows"]} == {p.zhangsan.pk, p.wangwu.pk}  # 李四 trained in 2024; 赵六 大同
    rows = services.enrol(users.taiyuan, cls, criteria)
    assert {e.person_id for e in rows} == {p.zhangsan.pk, p.wangwu.pk} and all(e.confirmed for e in rows)
    assert services.preview(users.taiyuan, cls, criteria)["count"] == 0
    with pytest.raises(ValidationError, match="没有符合条件的人员"):
        services.enrol(users.taiyuan, cls, criteria)


def test_the_verification_page_needs_no_login_and_masks_the_name(tree, users, rotation, attended, client):
    services.close_class(users.taiyuan, rotation)
    cert = Certificate.objects.unrestricted().get(enrolment=attended[tree.people.zhangsan.pk])
    page = client.get(reverse("training:certificate_verify", args=[cert.token]))
    text = page.content.decode()
    assert page.status_code == 200 and "证书有效" in text and "张*" in text and "张三" not in text
    assert rotation.name in text and "56 学时" in text and "2026年11月2日" in text
    assert client.get(reverse("training:certificate_verify", args=["x" * 32])).status_code == 404
    services.reopen_class(users.taiyuan, rotation, "更正")
    assert "已于" in client.get(reverse("training:certificate_verify", args=[cert.token])).content.decode()


def test_mask_name():
    assert [services.mask_name(n) for n in ("张三明", "李四", "欧阳振华", "王")] == ["张*明", "李*", "欧**华", "王"]


def test_the_certificate_pdf_carries_the_verification_address(tree, users, rotation, attended, login):
    services.close_class(users.taiyuan, rotation)
    cert = Certificate.objects.unrestricted().order_by("seq").first()
    response = login(users.taiyuan).get(reverse("training:certificate_pdf", args=[cert.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert login(users.datong).get(reverse("training:certificate_pdf", args=[cert.pk])).status_code == 404


def test_the_pages_render(tree, users, rotation, attended, login):
    client = login(users.taiyuan)
    pk = rotation.pk
    for url in (reverse("training:class_list"), reverse("training:plan_list"), reverse("training:class_types"),
                reverse("training:class_create"), reverse("training:class_enrol", args=[pk]),
                reverse("training:enrolment", args=[attended[tree.people.lisi.pk].pk]),
                reverse("training:enrolment_leave", args=[attended[tree.people.lisi.pk].pk]),
                reverse("training:session_create", args=[pk]), reverse("training:index"),
                *(reverse("training:class_detail", args=[pk]) + f"?tab={t}"
                  for t in ("sessions", "trainees", "attendance", "certificates", "findings", "log"))):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("training:class_detail", args=[pk]) + "?tab=trainees").content.decode()
    assert "接近上限" in detail and "退学" in detail
    response = client.post(reverse("training:class_enrol", args=[pk]),
                           {"source": "members", "organization": tree.taiyuan.pk, "preview": "1"})
    assert response.status_code == 200 and "符合条件的人员" in response.content.decode()
    assert login(users.datong).get(reverse("training:class_detail", args=[pk])).status_code == 404
    client = login(users.taiyuan)
    response = client.post(reverse("training:class_close", args=[pk]))
    assert response.status_code == 302
    assert Certificate.objects.unrestricted().count() == 2


def test_the_api_lists_classes_in_scope_with_sessions_and_counts(tree, users, rotation, attended, api_client):
    client = api_client()
    client.force_authenticate(users.taiyuan)
    listed = client.get("/api/training/classes/").json()
    row = listed["results"][0]
    assert listed["count"] == 1 and row["code"] == rotation.code and row["kind_name"] == "集中轮训"
    assert row["enrolments"] == {"enrolled": 2, "completed": 0, "withdrawn": 1} and "sessions" not in row
    detail = client.get(f"/api/training/classes/{rotation.pk}/").json()
    assert [s["topic"] for s in detail["sessions"]] == [f"第{i}讲" for i in range(1, 8)]
    assert client.get("/api/training/classes/?organization=1401").json()["count"] == 1
    client.force_authenticate(users.datong)
    assert client.get("/api/training/classes/").json()["count"] == 0
    assert client.get(f"/api/training/classes/{rotation.pk}/").status_code == 404


def test_the_class_list_counts_each_trainee_once(tree, users, rotation, attended):
    """The list's 学员 column counted a trainee once per session (two counts over two joins multiplied: 140
    trainees in a class of 28 over 5 days); fails before the fix."""
    from zugong.training.tables.classes import with_counts
    from zugong.training.models import TrainingClass

    row = with_counts(TrainingClass.objects.unrestricted().filter(pk=rotation.pk)).get()
    assert (row.enrolled, row.session_count) == (2, 7)  # 张三 and 李四; 王五 withdrew
