"""Sanction records: the member-history link (留党察看 ↔ DisciplineSpan, 开除党籍 → 已出党), the rules, the pages and
their scope (another city's user sees nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zugong.assessment import sanctions_services as services
from zugong.assessment.models import Investigation, Sanction, SanctionKind
from zugong.core import rules
from zugong.core.models import Finding
from zugong.members.models import DisciplineSpan, Membership

from .sanctions_fixtures import *  # noqa: F403 — the fixtures (effects, record) and helpers (member)

K = SanctionKind


def test_a_probation_writes_the_members_discipline_span_and_restoring_ends_it(tree, users, record):
    m = member(tree.people.zhangsan, tree.b1)  # noqa: F405
    s = record(tree.people.zhangsan, K.PROBATION_1, dt.date(2025, 3, 5), deciding_body="小店区纪委",
               document_no="小纪发〔2025〕3号")
    span = DisciplineSpan.objects.unrestricted().get(membership=m)
    assert s.discipline_span == span and span.started_on == dt.date(2025, 3, 5) and span.ended_on is None
    assert span.decision == "小店区纪委 小纪发〔2025〕3号"
    assert s.effective_until == dt.date(2026, 3, 4)
    # the member is off the voters' roll while it runs (members.history)
    from zugong.members.history import disciplined_on
    assert Membership.objects.unrestricted().filter(pk=m.pk).filter(disciplined_on(dt.date(2025, 6, 1))).exists()
    # the period has ended without 恢复党员权利: a finding on the sanction
    rule = rules.RULES["assessment.probation_rights_not_restored"]
    rules.scan("", dt.date(2026, 11, 27), rules=[rule])
    finding = Finding.objects.unrestricted().get(rule=rule.code, resolved_at__isnull=True)
    assert finding.object_id == str(s.pk) or int(finding.object_id) == s.pk
    assert "2026-03-05届满" in finding.detail and finding.org_path == tree.b1.path
    # a second probation while it runs is refused by the members service, nothing written
    with pytest.raises(ValidationError, match="尚未结束"):
        record(tree.people.zhangsan, K.PROBATION_2, dt.date(2025, 9, 1))
    assert Sanction.objects.unrestricted().filter(person=tree.people.zhangsan).count() == 1
    services.restore_rights(users.admin, s, on=dt.date(2026, 3, 5))
    span.refresh_from_db()
    assert span.ended_on == dt.date(2026, 3, 5)
    assert not Finding.objects.unrestricted().filter(rule=rule.code, resolved_at__isnull=True).exists()
    # a corrected decision day moves the span's start with it
    services.update_sanction(users.admin, Sanction.objects.unrestricted().get(pk=s.pk), decided_on=dt.date(2025, 3, 6))
    span.refresh_from_db()
    assert span.started_on == dt.date(2025, 3, 6)
    # deleting the sanction deletes the span it wrote
    services.delete_sanction(users.admin, Sanction.objects.unrestricted().get(pk=s.pk))
    assert not DisciplineSpan.objects.unrestricted().filter(membership=m).exists()


def test_an_expulsion_sets_the_member_left_from_the_decision(tree, users, record):
    m = member(tree.people.zhangsan, tree.b1)  # noqa: F405
    record(tree.people.zhangsan, K.EXPULSION, dt.date(2026, 4, 1))
    m.refresh_from_db()
    assert m.status == Membership.Status.LEFT
    from zugong.members.models import StatusSpan
    assert StatusSpan.objects.unrestricted().get(membership=m, ended_on__isnull=True).started_on == dt.date(2026, 4, 1)


def test_a_probation_of_someone_not_a_recorded_member_is_kept_without_a_span(tree, record):
    s = record(tree.people.wangwu, K.PROBATION_2, dt.date(2025, 3, 5))
    assert s.discipline_span is None and s.effective_until == dt.date(2027, 3, 4)


def test_refusals_name_the_field(tree, users, record):
    with pytest.raises(ValidationError) as exc:
        record(tree.people.wangwu, K.CIRCULAR, dt.date(2025, 3, 5), family="party")
    assert "family" in exc.value.message_dict and "问责" in exc.value.message_dict["family"][0]
    with pytest.raises(ValidationError) as exc:
        record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2027, 3, 5))
    assert exc.value.message_dict == {"decided_on": ["决定日期不能晚于今天"]}
    s = record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2025, 3, 5))
    with pytest.raises(ValidationError, match="删除该记录后重新登记"):
        services.update_sanction(users.admin, s, kind=K.EXPULSION)
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.record_sanction(users.datong, tree.people.wangwu, kind=K.PARTY_WARNING, decided_on=dt.date(2025, 3, 5))


def test_an_investigation_open_too_long_is_a_finding_of_the_local_rule(tree, users, effects):
    from zugong.assessment.defaults.sanctions import install

    install(tree.root)
    case = services.open_investigation(users.admin, tree.people.wangwu, opened_on=dt.date(2026, 3, 1))
    services.open_investigation(users.admin, tree.people.lisi, opened_on=dt.date(2026, 8, 1))
    rule = next(r for r in rules.all_rules() if r.code == "assessment.local.investigation_open")
    rules.scan("", dt.date(2026, 11, 27), rules=[rule])
    (finding,) = Finding.objects.unrestricted().filter(rule=rule.code, resolved_at__isnull=True)
    assert int(finding.object_id) == case.pk and "2026-09-01" in finding.detail


def test_pages_list_record_and_show_the_bars(tree, users, login, record):
    client = login(users.taiyuan)
    response = client.post(reverse("assessment:sanctions_create"), {
        "person": tree.people.wangwu.pk, "kind": K.PARTY_WARNING, "family": "", "decided_on": "2026-03-05",
        "deciding_body": "小店区纪委", "document_no": "", "effective_until": "", "note": ""})
    s = Sanction.objects.unrestricted().get(person=tree.people.wangwu)
    assert response.status_code == 302 and response["Location"] == reverse("assessment:sanctions_detail", args=[s.pk])
    page = client.get(reverse("assessment:sanctions_detail", args=[s.pk])).content.decode()
    assert "2026年3月5日受党内警告处分（当年不得评为优秀）" in page
    listing = client.get(reverse("assessment:sanctions_list"), {"kind": K.PARTY_WARNING, "year": 2026,
                                                                "org": "14010502"}).content.decode()
    assert "王五" in listing
    assert "王五" not in client.get(reverse("assessment:sanctions_list"), {"year": 2025}).content.decode()
    person = client.get(reverse("assessment:sanctions_person", args=[tree.people.wangwu.pk])).content.decode()
    assert "2026年度" in person and "不得评为优秀" in person
    edit = client.post(reverse("assessment:sanctions_edit", args=[s.pk]), {
        "kind": K.PARTY_WARNING, "family": "party", "decided_on": "2026-03-06", "deciding_body": "小店区纪委",
        "document_no": "小纪发〔2026〕1号", "effective_until": "", "note": ""})
    assert edit.status_code == 302
    s.refresh_from_db()
    assert s.decided_on == dt.date(2026, 3, 6) and s.document_no == "小纪发〔2026〕1号"
    for name in ("sanctions_effects", "investigations_list", "investigations_create"):
        assert client.get(reverse(f"assessment:{name}")).status_code == 200


def test_another_citys_user_sees_nothing(tree, users, login, record):
    s = record(tree.people.wangwu, K.PARTY_WARNING, dt.date(2026, 3, 5))
    case = services.open_investigation(users.admin, tree.people.wangwu, opened_on=dt.date(2026, 5, 1))
    client = login(users.datong)
    assert "王五" not in client.get(reverse("assessment:sanctions_list")).content.decode()
    assert "王五" not in client.get(reverse("assessment:investigations_list")).content.decode()
    for name, pk in (("sanctions_detail", s.pk), ("sanctions_edit", s.pk), ("investigations_detail", case.pk),
                     ("investigations_close", case.pk), ("sanctions_person", tree.people.wangwu.pk)):
        assert client.get(reverse(f"assessment:{name}", args=[pk])).status_code == 404, name
    assert client.post(reverse("assessment:sanctions_delete", args=[s.pk])).status_code == 404
    assert Sanction.objects.unrestricted().filter(pk=s.pk).exists()
    assert Investigation.objects.unrestricted().filter(pk=case.pk).exists()
    # the reader of 小店区 sees but may not change
    reader = login(users.reader)
    assert reader.get(reverse("assessment:sanctions_detail", args=[s.pk])).status_code == 200
    assert reader.get(reverse("assessment:sanctions_edit", args=[s.pk])).status_code == 403
