"""Configuration in core: the registry of templates (meaning, unit, default, citation), parameters typed as
named lines with Chinese errors, the scope of configuration rows (in SQL), one install-defaults command, and
the audit of a configuration change."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from zugong.core import config
from zugong.core.config import measures
from zugong.core.config.forms import LocalRuleForm
from zugong.core.models import AuditEntry, LocalRule
from zugong.core.scope import Role

from tests.conftest import make_user

# ---------------------------------------------------------------- the registry


def test_local_rule_templates_say_what_each_number_means_its_unit_and_default():
    publicity = config.template("publicity_working_days")
    assert publicity.domain == "recruitment"
    assert publicity.param("days").caption == "公示工作日数（个工作日）"
    assert publicity.defaults() == {"days": 5, "stage": "candidate"}
    assert publicity.describe({"days": 7, "stage": "admission"}) == "公示工作日数 7 个工作日、公示环节 支部大会讨论接收"
    assert config.template("term_reminder").param("months").unit == "个月"
    assert config.template("team_vacancy").defaults() == {"months": 6}
    assert config.template("meeting_frequency").param("period").choice_labels()["quarter"] == "季度"
    # Every local rule template the rules know is a registered configuration template.
    from zugong.core.rules import LOCAL_TEMPLATES

    assert set(LOCAL_TEMPLATES) <= set(config.TEMPLATES)
    # The measures' parameters are registered by the app owning the measures, with their units.
    assert measures.PARAMS["months"].unit == "个月" and "meeting_compliance" in measures.MEASURES


def test_a_template_is_registered_once():
    t = config.Template("test_once", "测试", "core", (config.Param("days", "天数", unit="天", default=3),),
                        citation=f"《某办法》{config.UNVERIFIED_ARTICLE}")
    assert config.register(t) is t and config.register(t) is t  # the same definition again is harmless
    with pytest.raises(ValueError):
        config.register(config.Template("test_once", "另一个", "core"))
    del config.TEMPLATES["test_once"]


def test_named_lines_round_trip_and_name_the_wrong_line_in_chinese():
    params = config.template("publicity_working_days").params
    assert config.format_lines({"days": 5, "stage": "candidate"}, params) == "公示工作日数：5\n公示环节：确定发展对象"
    assert config.parse_lines("公示工作日数：7\n公示环节：支部大会讨论接收", params) == {"days": 7, "stage": "admission"}
    assert config.parse_lines("days: 7", params) == {"days": 7}  # the key is accepted as a name too
    with pytest.raises(ValidationError, match="第 2 行：“公示工作日数”应为数字，现为“五”"):
        config.parse_lines("公示环节：确定发展对象\n公示工作日数：五", params)
    with pytest.raises(ValidationError, match="第 1 行：“公示工作日数”应为整数，现为“5.5”"):
        config.parse_lines("公示工作日数：5.5", params)
    with pytest.raises(ValidationError, match="第 1 行：公示环节“入党宣誓”不认识，可用确定发展对象、支部大会讨论接收"):
        config.parse_lines("公示环节：入党宣誓", params)
    with pytest.raises(ValidationError, match="第 1 行“天数 5”：应为“名称：数值”，名称可用公示工作日数、公示环节"):
        config.parse_lines("天数 5", params)


def test_the_local_rule_form_is_built_from_its_template(tree):
    rule = LocalRule.objects.create(template="publicity_working_days", code="test.form", title="公示天数",
                                    params={"days": 5, "stage": "candidate"}, regulation="《某办法》",
                                    organization=tree.root)
    form = LocalRuleForm(instance=rule, template=rule.template_info)
    assert form["params"].value() == "公示工作日数：5\n公示环节：确定发展对象"  # shown as named lines
    assert "公示工作日数（个工作日）" in form.fields["params"].help_text and "《某办法》" not in form.fields["params"].help_text
    data = {"title": "公示天数", "params": "公示环节：确定发展对象", "severity": "warning", "regulation": "《某办法》",
            "active": "on", "record_version": form["record_version"].value()}
    form = LocalRuleForm(data | {"params": "公示工作日数：五"}, instance=rule, template=rule.template_info)
    assert not form.is_valid() and form.errors["params"] == ["第 1 行：“公示工作日数”应为数字，现为“五”"]
    steps = LocalRule(template="step_within_months", organization=tree.root)
    form = LocalRuleForm(data | {"params": "期限：1"}, instance=steps, template=steps.template_info)
    assert not form.is_valid() and form.errors["params"] == ["请填写参数：起算环节、应完成环节"]
    form = LocalRuleForm(data | {"params": "公示工作日数：8\n公示环节：确定发展对象"}, instance=rule,
                         template=rule.template_info)
    assert form.is_valid() and form.cleaned_data["params"] == {"days": 8, "stage": "candidate"}


# ---------------------------------------------------------------- scope of configuration rows


@pytest.mark.django_db
def test_a_sibling_sees_not_the_others_local_rule(tree, users):
    taiyuan = LocalRule.objects.create(template="term_reminder", code="test.ty", title="太原提醒", params={"months": 3},
                                       regulation="太原文件", organization=tree.taiyuan)
    province = LocalRule.objects.create(template="term_reminder", code="test.sx", title="全省提醒",
                                        params={"months": 6}, regulation="省文件", organization=tree.root)
    assert taiyuan.org_path == tree.taiyuan.path  # kept by save, from the issuing organization
    assert set(LocalRule.objects.visible_to(users.datong)) == {province}  # the province's applies, not 太原's
    assert set(LocalRule.objects.visible_to(users.secretary)) == {province, taiyuan}  # above the branch
    assert set(LocalRule.objects.visible_to(users.admin)) == {province, taiyuan}  # issued inside the scope
    assert set(LocalRule.objects.applying_to(tree.b3.path)) == {province}


def test_the_rule_pages_hide_a_siblings_local_rule(login, tree, users):
    rule = LocalRule.objects.create(template="term_reminder", code="test.ty", title="太原提醒",
                                    params={"months": 3}, regulation="太原文件", organization=tree.taiyuan)
    assert login(users.datong).get(f"/core/local-rules/{rule.pk}/").status_code == 404
    assert "太原提醒" not in login(users.datong).get("/core/rules/").content.decode()
    assert "太原提醒" in login(users.secretary).get("/core/rules/").content.decode()
    assert login(users.secretary).get(f"/core/local-rules/{rule.pk}/").status_code == 403  # sees, may not edit


@pytest.mark.django_db
def test_a_branch_sees_the_city_checklist_that_governs_it(tree, users):
    import datetime as dt

    from zugong.standardization.models import Checklist, ChecklistItem

    city = Checklist.objects.create(name="太原市评分标准", edition="2026年版", issuing_body="太原市委组织部",
                                    organization=tree.taiyuan, effective_from=dt.date(2026, 1, 1))
    item = ChecklistItem.objects.create(checklist=city, area="班子建设", title="书记", max_points=10)
    other = Checklist.objects.create(name="大同市评分标准", edition="2026年版", issuing_body="大同市委组织部",
                                     organization=tree.datong, effective_from=dt.date(2026, 1, 1))
    assert item.org_path == tree.taiyuan.path  # an item takes its checklist's path
    assert list(Checklist.objects.visible_to(users.secretary)) == [city]
    assert list(ChecklistItem.objects.visible_to(users.secretary)) == [item]
    assert list(Checklist.objects.visible_to(users.datong)) == [other]


@pytest.mark.django_db
def test_national_programs_apply_everywhere_and_local_ones_to_their_subtree(tree, users):
    from zugong.dispatch import defaults
    from zugong.dispatch.models import Program
    from zugong.dispatch.services import program_applies, programs_for

    defaults.install(tree.root)
    county = Program.objects.create(code="test_xd", name="小店区挂职", kind=Program.Kind.SECONDMENT,
                                    organization=tree.xiaodian)
    assert Program.objects.get(code="first_secretary").org_path == ""
    assert county.org_path == tree.xiaodian.path
    assert county in programs_for(users.secretary) and county not in programs_for(users.datong)
    assert Program.objects.get(code="first_secretary") in programs_for(users.datong)
    assert program_applies(county, tree.b1) and not program_applies(county, tree.b3)


# ---------------------------------------------------------------- one install-defaults command


@pytest.mark.django_db
def test_install_defaults_is_idempotent_and_reset_restores(tree, capsys):
    from zugong.dispatch.models import Program
    from zugong.standardization.models import Checklist
    from zugong.weakorgs.models import IndicatorSet

    call_command("defaults", "install")
    out = capsys.readouterr().out
    assert "[recruitment] recruitment.local.candidate_publicity：已安装（适用于 中共山西省委员会）" in out
    counts = (LocalRule.objects.count(), Program.objects.count(), Checklist.objects.count(),
              IndicatorSet.objects.count())
    assert counts == (25, 6, 1, 1)  # local rules incl. assessment's 立案审查期限, training's 6 requirements, service community's 2, talent pool's 2, stats' 2 (yoy, completeness)
    assert set(LocalRule.objects.values_list("org_path", flat=True)) == {tree.root.path}
    LocalRule.objects.filter(code="elections.local.term_reminder").update(params={"months": 3})
    call_command("defaults", "install")  # again: nothing new, a department's numbers kept
    assert "已存在，未改动" in capsys.readouterr().out
    assert (LocalRule.objects.count(), Program.objects.count(), Checklist.objects.count(),
            IndicatorSet.objects.count()) == counts
    assert LocalRule.objects.get(code="elections.local.term_reminder").params == {"months": 3}
    call_command("defaults", "install", "--domain", "elections", "--reset")
    assert "[elections] elections.local.term_reminder：已恢复默认值" in capsys.readouterr().out
    assert LocalRule.objects.get(code="elections.local.term_reminder").params == {"months": 6}
    with pytest.raises(CommandError, match="没有这些领域的默认设定：nosuch"):
        call_command("defaults", "install", "--domain", "nosuch")
    with pytest.raises(CommandError, match="组织代码 99 不存在"):
        call_command("defaults", "install", "--org", "99")


@pytest.mark.django_db
def test_install_defaults_for_one_organization_and_one_domain(tree):
    call_command("defaults", "install", "--domain", "teams", "--org", "1401")
    assert set(LocalRule.objects.values_list("template", "org_path").distinct()) == {
        ("team_composition", tree.taiyuan.path), ("team_vacancy", tree.taiyuan.path)}


def test_the_recruitment_alias_runs_the_one_installer(tree):
    call_command("recruitment", "local-rules", "--org", "14")
    assert set(LocalRule.objects.values_list("code", flat=True)) == {
        "recruitment.local.candidate_publicity", "recruitment.local.meeting_after_prereview",
        "recruitment.local.conversion_late", "recruitment.local.conversion_overdue"}


# ---------------------------------------------------------------- audit


def test_a_configuration_change_is_audited_by_the_model(login, tree, users):
    call_command("defaults", "install", "--domain", "elections")
    rule = LocalRule.objects.get(code="elections.local.term_reminder")
    created = AuditEntry.objects.unrestricted().get(model="core.localrule", object_id=str(rule.pk), action="create")
    assert created.org_path == tree.root.path
    client = login(users.admin)
    r = client.post(f"/core/local-rules/{rule.pk}/", {
        "title": rule.title, "params": "提前提醒：4", "severity": "reminder", "regulation": "省委组织部通知",
        "article": "", "active": "on"})
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"months": 4}
    entry = AuditEntry.objects.unrestricted().get(model="core.localrule", object_id=str(rule.pk), action="update")
    assert entry.actor_name == "admin" and entry.org_path == tree.root.path
    changed = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changed["params"] == ("提前提醒：6 个月", "提前提醒：4 个月") and "regulation" in changed
    assert "org_path" not in changed


def test_a_county_admin_edits_a_county_program_not_a_national_one(login, tree, users):
    from zugong.dispatch import defaults
    from zugong.dispatch.models import Program

    defaults.install(tree.root)
    county_admin = make_user("xd_dept", tree.xiaodian, Role.DEPT_ADMIN)
    county = Program.objects.create(code="test_xd", name="小店区挂职", kind=Program.Kind.SECONDMENT,
                                    organization=tree.xiaodian)
    client = login(county_admin)
    national = Program.objects.get(code="secondment")
    assert client.get(f"/dispatch/programs/{national.pk}/").status_code == 403
    assert client.get(f"/dispatch/programs/{county.pk}/").status_code == 200
    data = {"name": "小店区挂职", "default_term_months": 6, "report_every_months": 3, "report_grace_days": 10,
            "reminder_days": 30, "document": "小店区文件", "document_status": "U", "active": "on"}
    assert client.post(f"/dispatch/programs/{county.pk}/", data).status_code == 302
    entry = AuditEntry.objects.unrestricted().filter(model="dispatch.program", object_id=str(county.pk),
                                                     action="update").get()
    assert entry.org_path == tree.xiaodian.path
    assert {c["field"] for c in entry.changes} >= {"default_term_months", "document"}
