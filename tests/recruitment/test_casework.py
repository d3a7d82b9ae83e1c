"""The casework mechanism of core (`zugong.core.casework`) as recruitment and appointments declare it: the
step definitions, the checks every step passes, one audit entry per step, a refused step leaving nothing behind,
the stored step kinds renamed by the migrations, the API keeping its JSON names, and the helpers moved down to
core (month arithmetic, .docx)."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zugong.appointments.models import CaseStep
from zugong.appointments.steps import WORKFLOW as SELECTION
from zugong.core import rules
from zugong.core.casework.forms import StepForm
from zugong.core.casework.steps import StepDef, Workflow
from zugong.core.dates import months_between
from zugong.core.docx import new_document, paragraph, table, title, to_bytes
from zugong.core.models import AuditEntry
from zugong.recruitment import services
from zugong.recruitment.models import Case, Step, StepDocument
from zugong.recruitment.services import StepRecord as R
from zugong.recruitment.steps import WORKFLOW as RECRUITMENT

D = dt.date
pytestmark = pytest.mark.django_db
WORKFLOWS = [RECRUITMENT, SELECTION]


def start(user, person, org):
    return services.open_case(user, person=person, organization=org, record=R(D(2022, 3, 1))).case


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=["recruitment", "appointments"])
def test_declared_steps_name_registered_rules_and_real_columns(workflow):
    case_model = workflow.model("case")
    columns = {f.name for f in case_model._meta.fields}
    forms = importlib.import_module(workflow.forms_module)
    for step in workflow.steps:
        assert issubclass(getattr(forms, step.form), StepForm), step.kind
        assert set(step.rules) <= set(rules.RULES), step.kind
        assert all(r.model == workflow.case_model for r in (rules.RULES[c] for c in step.rules)), step.kind
        for name in (step.field, step.after, *step.sets):
            assert name is None or name in columns, (step.kind, name)
        if step.after:  # the step it follows is declared
            assert any(step.after in (d.field, *d.sets) for d in workflow.steps), step.kind
    kinds = [k for k, _ in workflow.model("step")._meta.get_field("kind").choices]
    assert kinds == [s.kind for s in workflow.steps]


def test_a_step_needs_the_one_it_follows_and_names_it():
    class Procedure(Workflow):
        noun = "测试纪实"
        steps = [StepDef("open", 1, "开始", "opened_on"),
                 StepDef("work", 2, "办理", "worked_on", "opened_on", sets=("worked_until",)),
                 StepDef("close", 3, "办结", "closed_on", "worked_until")]

    workflow = Procedure()
    case = type("Case", (), {"opened_on": D(2026, 1, 1), "worked_on": None, "worked_until": None})()
    assert workflow.blocked(case, workflow.step("work")) == ""
    assert workflow.blocked(case, workflow.step("close")) == "请先记录“办理”，再办理“办结”"
    assert not workflow.can_record(case, workflow.step("close"))


def test_one_audit_entry_per_step_and_the_declared_rules_judge_it(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    entries = AuditEntry.objects.filter(model="recruitment.case", object_id=str(case.pk), action="step")
    assert entries.count() == 1
    # 谈话 more than a month after the application: the declared rule of the step refuses it.
    assert RECRUITMENT.step("talk").rules == ("recruitment.talk_within_month",)
    with pytest.raises(rules.RuleViolation):
        services.record_talk(users.secretary, case, R(D(2022, 5, 20)))
    assert entries.count() == 1 and case.talked_on is None
    services.record_talk(users.taiyuan, case, R(D(2022, 3, 20), done_by="支部书记"))
    assert entries.count() == 2
    assert entries.first().note == "流程步骤：党组织派人谈话"


def test_a_refused_step_leaves_nothing_behind(tree, users, applicant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = start(users.taiyuan, applicant, tree.b1)
    upload = SimpleUploadedFile("谈话记录.txt", "谈话".encode())
    with pytest.raises(ValidationError, match="早于递交入党申请书日期"):
        services.record_talk(users.taiyuan, case, R(D(2022, 2, 1), document=upload, document_title="谈话记录"))
    assert case.talked_on is None and Case.objects.get(pk=case.pk).talked_on is None
    assert not Step.objects.filter(case=case, kind="talk").exists() and not StepDocument.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_closed_case_refuses_steps_with_the_workflows_reason(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    services.terminate(users.taiyuan, case, R(D(2022, 4, 1)), reason="本人撤回申请")
    with pytest.raises(ValidationError, match="不能再办理后续步骤"):
        services.record_talk(users.taiyuan, case, R(D(2022, 3, 20)))
    assert not RECRUITMENT.can_record(case, RECRUITMENT.step("talk"))
    # Archiving may follow a closed case, but only a converted one (it follows the conversion's approval).
    archiving = RECRUITMENT.step("archiving")
    assert RECRUITMENT.blocked(case, archiving) == "请先记录“上级党委审批（转正）”，再办理“材料归档”"


def test_migrations_rename_the_stored_step_kinds(tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    old = Step.objects.create(case=case, kind="assessment", on=D(2022, 4, 1))
    recruitment = importlib.import_module(
        "zugong.recruitment.migrations.0002_public_notice_and_inspection_names")
    recruitment.rename_kinds(apps, None)
    assert Step.objects.get(pk=old.pk).kind == "inspection"
    recruitment.restore_kinds(apps, None)
    assert Step.objects.get(pk=old.pk).kind == "assessment"

    appointments = importlib.import_module("zugong.appointments.migrations.0002_public_notice_names")
    assert appointments.rename_kind.__defaults__ == ("notice", "public_notice")
    assert CaseStep._meta.get_field("kind").max_length >= len("public_notice")


def test_api_keeps_the_json_names_of_public_notices(login, users, tree, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    Case.objects.filter(pk=case.pk).update(candidate_public_notice_start=D(2022, 3, 2),
                                           candidate_public_notice_end=D(2022, 3, 9))
    row = login(users.taiyuan).get(f"/api/recruitment/cases/{case.pk}/").json()
    assert (row["candidate_publicity_start"], row["candidate_publicity_end"]) == ("2022-03-02", "2022-03-09")
    assert row["admission_publicity_start"] is None and "candidate_public_notice_start" not in row


def test_month_arithmetic_and_docx_live_in_core():
    assert months_between(D(2023, 8, 31), D(2024, 6, 30)) == 10
    assert months_between(D(2024, 1, 31), D(2024, 2, 29)) == 1
    assert months_between(D(2024, 3, 15), D(2024, 3, 14)) == -1
    doc = new_document()
    title(doc, "任前公示")
    paragraph(doc, "公示时间：2026年4月2日至2026年4月9日。")
    table(doc, [("姓名", "张三")])
    read = Document(io.BytesIO(to_bytes(doc)))
    assert [p.text for p in read.paragraphs] == ["任前公示", "公示时间：2026年4月2日至2026年4月9日。"]
    assert read.tables[0].cell(0, 1).text == "张三"
    fonts = read.paragraphs[0].runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
