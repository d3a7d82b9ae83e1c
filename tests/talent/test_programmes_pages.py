"""The programme pages as a department admin: create a programme, an edition, add a tier, a condition (typed
parameters), a criterion, publish and close; a 大同 user sees nothing of 太原's programme."""

import datetime as dt

import pytest
from django.urls import reverse

from .programmes_fixtures import *  # noqa: F403

D = dt.date


@pytest.mark.django_db
def test_a_department_admin_sets_up_and_publishes_a_programme(login, tree, dept):
    from zugong.core.models import AuditEntry
    from zugong.talent.models import Condition, Edition, Program, Tier

    client = login(dept.taiyuan)
    assert client.get(reverse("talent:programs")).status_code == 200
    r = client.post(reverse("talent:program_new"), {
        "organization": tree.taiyuan.pk, "code": "TYQN", "name": "太原青年英才计划", "level": "city",
        "document": "太原市青年英才计划实施办法", "active": "on"})
    program = Program.objects.unrestricted().get(code="TYQN")
    assert r.status_code == 302 and r["Location"] == reverse("talent:program", args=[program.pk])
    assert program.org_path == tree.taiyuan.path

    r = client.post(reverse("talent:edition_new", args=[program.pk]), {
        "year": 2026, "title": "2026年度太原青年英才计划", "opens_on": "2026-03-01", "closes_on": "2026-02-01",
        "notice_workdays": 5, "reviewers_per_application": 5, "trim_high": 1, "trim_low": 1, "support_years": 3})
    assert "申报截止日期不能早于申报开始日期" in r.content.decode()
    r = client.post(reverse("talent:edition_new", args=[program.pk]), {
        "year": 2026, "title": "2026年度太原青年英才计划", "opens_on": "2026-03-01", "closes_on": "2026-04-30",
        "notice_workdays": 5, "reviewers_per_application": 5, "trim_high": 1, "trim_low": 1, "support_years": 3})
    assert r.status_code == 302
    edition = Edition.objects.unrestricted().get(program=program)
    assert edition.status == "draft"
    assert r["Location"] == reverse("talent:edition", args=[edition.pk])  # on to the new edition's own page

    page = client.get(reverse("talent:edition", args=[edition.pk])).content.decode()
    assert "尚未设置人才层次" in page and 'id="publish"' in page

    r = client.post(reverse("talent:tier_new", args=[edition.pk]), {
        "code": "young", "name": "青年优秀", "quota": 10, "allowance_total": "60000", "order": 1})
    assert r.status_code == 302
    tier = Tier.objects.unrestricted().get(edition=edition)

    # a condition's parameters, checked per kind with a readable error
    url = reverse("talent:condition_new", args=[edition.pk])
    r = client.post(url, {"kind": "annual_grades", "label": "近三年年度考核合格以上", "source": "某文件 条款号待核",
                          "order": 1})
    body = r.content.decode()
    assert r.status_code == 200 and "“考核年数”应为 1 到 10 之间的整数" in body and "请至少选择一项“符合的考核等次”" in body
    r = client.post(url, {"kind": "annual_grades", "label": "近三年年度考核合格以上", "source": "某文件 条款号待核",
                          "years": 3, "grades": ["excellent", "competent", "qualified"], "order": 1})
    assert r.status_code == 302
    r = client.post(url, {"kind": "max_age", "label": "不超过40周岁", "source": "某文件 条款号待核", "tier": tier.pk,
                          "age": 40, "order": 2})
    assert r.status_code == 302
    grades, age = Condition.objects.unrestricted().filter(edition=edition).order_by("order")
    assert grades.params == {"years": 3, "grades": ["excellent", "competent", "qualified"]}
    assert (age.params, age.tier_id) == ({"age": 40}, tier.pk)

    # the rubric must sum to 1 before publishing
    client.post(reverse("talent:criterion_new", args=[edition.pk]), {"name": "业绩成果", "weight": "0.6",
                                                                     "max_score": 100, "order": 1})
    page = client.get(reverse("talent:edition", args=[edition.pk])).content.decode()
    assert "“青年优秀”适用的评审指标权重合计为 0.6，应为 1" in page
    assert "近3年，每年为：优秀、称职、合格" in page and "某文件 条款号待核" in page
    r = client.post(reverse("talent:edition_status", args=[edition.pk]), {"status": "open"})
    edition.refresh_from_db()
    assert edition.status == "draft"
    client.post(reverse("talent:criterion_new", args=[edition.pk]), {"name": "发展潜力", "weight": "0.4",
                                                                     "max_score": 100, "order": 2})
    client.post(reverse("talent:edition_status", args=[edition.pk]), {"status": "open"})
    edition.refresh_from_db()
    assert edition.status == "open" and edition.published_on == D(2026, 11, 27)
    assert AuditEntry.objects.filter(model="talent.edition", object_id=str(edition.pk)).exists()
    client.post(reverse("talent:edition_status", args=[edition.pk]), {"status": "closed"})
    edition.refresh_from_db()
    assert edition.status == "closed"


@pytest.mark.django_db
def test_rows_are_edited_and_deleted(login, program, dept):
    from zugong.talent.models import Criterion

    client = login(dept.taiyuan)
    criterion = Criterion.objects.unrestricted().filter(edition=program.edition).first()
    url = reverse("talent:criterion_edit", args=[criterion.pk])
    r = client.post(url, {"name": criterion.name, "weight": "1.5", "max_score": 100, "order": 0})
    assert "权重应大于 0 且不超过 1" in r.content.decode()
    r = client.post(url, {"delete": "1"})
    assert r.status_code == 302
    assert not Criterion.objects.unrestricted().filter(pk=criterion.pk).exists()
    page = client.get(reverse("talent:edition", args=[program.edition.pk])).content.decode()
    assert "权重合计为 0.5，应为 1" in page


@pytest.mark.django_db
def test_an_org_admin_reads_but_does_not_edit(login, program, users):
    client = login(users.taiyuan)  # 党组织管理员, not 组织部管理员
    page = client.get(reverse("talent:edition", args=[program.edition.pk])).content.decode()
    assert "近五年未受党纪政务处分" in page and "批次设置" not in page
    assert client.get(reverse("talent:edition_edit", args=[program.edition.pk])).status_code == 403
    assert client.post(reverse("talent:edition_status", args=[program.edition.pk]), {"status": "closed"}
                       ).status_code == 403


@pytest.mark.django_db
def test_datong_cannot_see_taiyuans_programme(login, program, dept):
    client = login(dept.datong)
    page = client.get(reverse("talent:programs")).content.decode()
    assert "太原英才支持计划" not in page
    assert client.get(reverse("talent:program", args=[program.program.pk])).status_code == 404
    assert client.get(reverse("talent:edition", args=[program.edition.pk])).status_code == 404
    tier = program.tiers["young"]
    assert client.get(reverse("talent:tier_edit", args=[tier.pk])).status_code == 404
    assert client.post(reverse("talent:edition_status", args=[program.edition.pk]), {"status": "closed"}
                       ).status_code == 404
