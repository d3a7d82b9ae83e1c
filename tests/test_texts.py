"""Texts a user reads: no raw values (True/False, codes, English, shell commands) on the pages, filters whose
empty choice reads 全部, the audit log's values as users read them, the /api/ index in Chinese."""

import pytest

pytestmark = [pytest.mark.django_db]


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("url, name", [("/weakorgs/flags/", "withdrawn"), ("/standardization/", "pending")])
def test_a_yes_no_filter_offers_all_yes_no_not_unknown(login, users, url, name):
    page = login(users.taiyuan).get(url).content.decode()
    select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>全部</option>' in select
    assert '<option value="true">是</option>' in select and '<option value="false">否</option>' in select
    assert "未知" not in page
    chosen = login(users.taiyuan).get(url, {name: "true"}).content.decode()
    assert '<option value="true" selected>是</option>' in chosen.split(f'name="{name}"', 1)[1]


def test_the_elections_filter_keeps_its_own_words(login, users):
    page = login(users.taiyuan).get("/elections/records/", {"approved": "false"}).content.decode()
    select = page.split('name="approved"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">全部</option>' in select and '<option value="false" selected>未批准</option>' in select


# ---------------------------------------------------------------- rules


def test_the_rules_catalogue_shows_titles_and_citations_not_codes(login, users):
    from zugong.core import rules

    page = login(users.taiyuan).get("/core/rules/").content.decode()
    rule = rules.RULES["recruitment.talk_within_month"]
    assert rule.title in page
    assert f">{rule.code}<" not in page  # the code only in the link's tooltip and on the rule's own page
    assert f'title="规则代码 {rule.code}"' in page


# ---------------------------------------------------------------- the audit log


def _write_raw(obj, changes, actor="zugong seed"):
    """An entry as older code wrote it (raw True, a choice code, a command's name as the actor)."""
    from zugong.core import audit

    with audit.acting_as(name=actor):
        item = audit._item(obj, "update", changes)
        audit._append(audit._new_entries([item]))


def test_booleans_choices_lists_and_mappings_are_logged_as_users_read_them(tree):
    from zugong.core import audit
    from zugong.core.models import AuditEntry
    from zugong.orgs.models import Organization

    org = tree.b2
    org.is_joint = True
    org.save()
    entry = AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(org.pk)).first()
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes["is_joint"] == ("否", "是")
    with audit.operation(org, "update") as op:
        op.fact("挂牌督办", True, old=False)
        op.fact("状态", Organization.Status.ACTIVE)
        op.fact("对象类别", [Organization.Kind.BRANCH, "其他"])
        op.fact("参数", {"直接认定": True, "天数": 5})
    facts = {c["label"]: (c["old"], c["new"]) for c in AuditEntry.objects.unrestricted().first().changes}
    assert facts["挂牌督办"] == ("否", "是")
    assert facts["状态"] == (None, str(Organization.Status.ACTIVE.label))
    assert facts["对象类别"] == (None, f"{Organization.Kind.BRANCH.label}、其他")
    assert facts["参数"] == (None, "直接认定：是；天数：5")


def test_the_log_shows_old_raw_values_and_process_names_in_chinese(login, tree, users):
    from zugong.orgs.models import Organization

    org = tree.b1
    _write_raw(org, [{"field": "supervised", "label": "挂牌督办", "old": False, "new": True},
                     {"field": "status", "label": "状态", "old": None, "new": "active"},
                     {"field": "kind", "label": "类别", "old": "committee", "new": "branch"}])
    client = login(users.taiyuan)
    tab = client.get(f"/orgs/{org.pk}/?tab=log").content.decode()
    log = tab.split('id="audit-log"', 1)[1]
    assert "挂牌督办</strong>：<span class=\"diff-old\">否</span> → <span class=\"diff-new\">是</span>" in log
    assert f"<span class=\"diff-new\">{Organization.Status.ACTIVE.label}</span>" in log
    assert (f"<span class=\"diff-old\">{Organization.Kind.COMMITTEE.label}</span> → "
            f"<span class=\"diff-new\">{Organization.Kind.BRANCH.label}</span>") in log
    assert "系统（演示数据初始化）" in log
    for raw in ("True", "False", ">active<", "zugong seed"):
        assert raw not in log, raw
    from zugong.accounts.models import User

    auditor = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", duty="auditor")
    listing = login(auditor).get("/core/audit/").content.decode()
    assert "挂牌督办：否 → 是" in listing and "系统（演示数据初始化）" in listing and "zugong seed" not in listing
    assert "zugong audit verify" not in listing and "<code>" not in listing
    assert "导出 Excel" in listing and "系统管理员" in listing


def test_records_spell_out_their_json_fields_in_the_log(tree):
    from zugong.core import audit
    from zugong.dispatch.models import Program, TargetGroup
    from zugong.standardization.models import Checklist

    program = Program(target_groups=[TargetGroup.YOUNG.value])
    assert audit._field_display(program, Program._meta.get_field("target_groups"), program.target_groups) == \
        str(TargetGroup.YOUNG.label)
    checklist = Checklist(grade_bands=[{"grade": "五星", "min": 90, "requires_innovation": True},
                                       {"grade": "四星", "min": 80}])
    shown = audit._field_display(checklist, Checklist._meta.get_field("grade_bands"), checklist.grade_bands)
    assert shown == "五星 90 分以上（须有创新项目）；四星 80 分以上"


# ---------------------------------------------------------------- /api/


def test_the_api_index_is_chinese_links_every_resource_and_the_docs(login, users):
    from zugong.api_urls import router

    client = login(users.taiyuan)
    page = client.get("/api/", HTTP_ACCEPT="text/html").content.decode()
    assert "组工平台 API" in page and "接口文档" in page and 'href="http://testserver/api/docs/"' in page
    assert "Api Root" not in page and "Django REST framework" not in page
    for prefix, _viewset, _basename in router.registry:
        assert f'href="/api/{prefix}/"' in page, prefix
    assert "党员管理" in page and "干部工作" in page
    data = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert data["docs"].endswith("/api/docs/")
    resources = [r for g in data["groups"] for r in g["resources"]]
    assert len(resources) == len(router.registry) and all(r["description"] for r in resources)
    assert client.get(data["docs"]).status_code == 200


def test_the_api_index_needs_a_signed_in_user_with_a_grant(client, login, tree):
    from zugong.accounts.models import User

    r = client.get("/api/", HTTP_ACCEPT="text/html")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.get("/api/", HTTP_ACCEPT="application/json").status_code in (401, 403)
    nobody = User.objects.create_user(username="nobody", password="Zg-test-pass-2026")
    assert login(nobody).get("/api/", HTTP_ACCEPT="application/json").status_code == 403


# ---------------------------------------------------------------- language


def test_a_browser_asking_for_english_still_gets_chinese(login, users):
    """Headless and English-locale browsers send Accept-Language: en; the libraries' own strings (the table
    pager's 下一页, form errors) must not turn English on a Chinese page."""
    response = login(users.taiyuan).get("/core/rules/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    from django.utils.translation import gettext

    assert gettext("next") == "下一页"
