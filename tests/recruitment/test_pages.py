"""The recruitment pages, documents and API: what a user sees and does, and what a user of the sibling
subtree never sees."""

import datetime as dt
import io
import re

import pytest
from formdata import step_post
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import make_person
from zugong.core import rules
from zugong.core.models import Finding
from zugong.people.models import Person
from zugong.recruitment import services
from zugong.recruitment.models import Case, Step
from zugong.recruitment.rules import recruitment_rules

from .conftest import make_case
from .test_services import admitted, start

D = dt.date
pytestmark = [pytest.mark.django_db]


@pytest.fixture
def case(tree, users, members, applicant):
    """刘青 of 红星社区支部, admitted on 2023-12-20, with a public notice after the pre-review."""
    case = admitted(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    Case.objects.unrestricted().filter(pk=case.pk).update(admission_public_notice_start=D(2023, 12, 4),
                                                         admission_public_notice_end=D(2023, 12, 8))
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------- the case page and the steps


def test_the_case_page_shows_the_timeline_times_and_findings(login, case, users):
    from django.core.management import call_command

    call_command("recruitment", "local-rules")  # the lead time of the conversion meeting is a local rule
    rules.scan("", D(2026, 11, 27), recruitment_rules())  # the probation ended 2024-12-20: conversion overdue
    page = login(users.taiyuan).get(f"/recruitment/{case.pk}/").content.decode()
    assert 'data-step="talk"' in page and "2022-03-20" in page and "支部书记" in page
    assert 'class="step-pending text-secondary" data-step="oath"' in page
    assert re.search(r'id="elapsed">4年8个月26天<', page)
    assert "预备期满，支部大会讨论转正" in page and "已逾期 707 天" in page  # 2024-12-20 → 2026-11-27
    assert "预备期满（转正时间）：2024-12-20" in page
    assert '?step=oath">记录</a>' in page
    findings = login(users.taiyuan).get(f"/recruitment/{case.pk}/?tab=findings").content.decode()
    assert "预备期已于 2024-12-20 届满，超过 3 个月支部大会仍未讨论转正" in findings
    assert "本地工作安排（细则规定预备期满后及时讨论转正，期限各地自定）" in findings
    log = login(users.taiyuan).get(f"/recruitment/{case.pk}/?tab=log").content.decode()
    assert "流程步骤：支部大会讨论" in log


def test_recording_a_step_through_its_form(login, case, users):
    client = login(users.secretary)
    url = f"/recruitment/{case.pk}/step/?step=oath"
    assert client.get(url).status_code == 200
    r = step_post(client, url, {"step": "oath", "on": "2024-01-20", "done_by": "区委组织部", "note": "面向党旗宣誓"})
    assert r.status_code == 302
    step = Step.objects.unrestricted().get(case=case, kind="oath")
    assert (step.on, step.done_by, step.recorded_by) == (D(2024, 1, 20), "区委组织部", users.secretary)
    assert client.get(f"/recruitment/{case.pk}/step/?step=application").status_code == 404
    assert login(users.reader).get(url).status_code == 403


def test_a_step_recorded_by_another_user_since_the_page_was_opened_refuses_this_one(login, case, users):
    """Issue 12, finding 4 (the casework steps): a step form carried no version, so a second user's step page,
    opened before the first user recorded the oath, silently overwrote it."""
    from formdata import form_data

    url = f"/recruitment/{case.pk}/step/?step=oath"
    first, second = login(users.secretary), login(users.taiyuan)
    mine, theirs = form_data(first.get(url).content.decode()), form_data(second.get(url).content.decode())
    assert mine["record_version"] and mine["record_version"] == theirs["record_version"]
    mine.update(on="2024-01-20", done_by="区委组织部")
    assert first.post(url, mine).status_code == 302
    theirs.update(on="2024-01-25", done_by="街道党工委")
    page = second.post(url, theirs).content.decode()
    assert "保存未成功：您打开本页后，该记录已被他人修改。" in page
    step = Step.objects.unrestricted().get(case=case, kind="oath")
    assert (step.on, step.done_by) == (D(2024, 1, 20), "区委组织部")  # the first user's step stands


def test_a_refused_step_offers_an_exception_to_an_admin_only(login, tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1, on=D(2025, 3, 15))
    data = {"step": "talk", "on": "2025-05-06"}
    page = step_post(login(users.secretary), f"/recruitment/{case.pk}/step/", data).content.decode()
    assert "超过 1 个月（《中国共产党发展党员工作细则》（2014年）第七条）" in page and "exception_reason" not in page
    page = step_post(login(users.taiyuan), f"/recruitment/{case.pk}/step/", data).content.decode()
    assert "超过 1 个月" in page and 'name="exception_reason"' in page
    r = step_post(login(users.taiyuan), f"/recruitment/{case.pk}/step/", data | {"exception_reason": "申请人外出务工"})
    assert r.status_code == 302
    finding = Finding.objects.unrestricted().get(rule="recruitment.talk_within_month", resolved_at__isnull=True)
    assert finding.exception_reason == "申请人外出务工" and finding.excepted_by == users.taiyuan


def test_opening_a_case_from_the_page(login, tree, users, applicant):
    client = login(users.secretary)
    r = client.post("/recruitment/new/", {"person": applicant.pk, "organization": tree.b1.pk,
                                          "target_group": "high_knowledge", "on": "2026-11-02"})
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Case.objects.unrestricted().get(person=applicant)
    assert (case.applied_on, case.target_group, case.stage) == (D(2026, 11, 2), "high_knowledge", 1)
    r = client.post("/recruitment/new/", {"person": tree.people.zhaoliu.pk, "organization": tree.b1.pk,
                                          "on": "2026-11-02", "target_group": "other"})
    assert "所选人员不存在或不在您的管辖范围内" in r.content.decode()


def test_the_case_list_filters_and_exports(login, case, tree, users):
    client = login(users.taiyuan)
    page = client.get("/recruitment/", {"stage": "5", "org": "140105"}).content.decode()
    assert "刘青" in page
    assert "刘青" not in client.get("/recruitment/", {"stage": "2"}).content.decode()
    assert "刘青" in client.get("/recruitment/", {"q": "lq"}).content.decode()
    r = client.get("/recruitment/", {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_deadlines_in_the_next_30_days(login, tree, users, members):
    make_case(make_person(tree.b1, "将到期", birth=D(1995, 1, 1), seq=501), applied_on=D(2026, 11, 10))
    make_case(make_person(tree.b1, "尚早", birth=D(1995, 1, 2), seq=503), applied_on=D(2026, 11, 25),
              talked_on=D(2026, 11, 26), activist_on=D(2026, 11, 26))  # nothing due
    make_case(make_person(tree.b1, "逾期者", birth=D(1995, 1, 3), seq=505), applied_on=D(2026, 9, 1))
    make_case(make_person(tree.b2, "待审批", birth=D(1995, 1, 4), seq=507), activist_on=D(2024, 1, 1),
              candidate_on=D(2025, 1, 2), branch_meeting_on=D(2026, 9, 10))
    make_case(members.datong, applied_on=D(2026, 11, 10))  # 大同
    client = login(users.taiyuan)
    page = client.get("/recruitment/deadlines/").content.decode()
    assert "将到期" in page and "党组织派人谈话" in page and "2026-12-10" in page
    assert "待审批" in page and "上级党委审批接收预备党员" in page and "2026-12-10" in page
    assert "逾期者" not in page and "尚早" not in page and "褚六" not in page
    page = client.get("/recruitment/deadlines/", {"overdue": "on"}).content.decode()
    assert "逾期者" in page and "已逾期 57 天" in page
    assert "待审批" not in client.get("/recruitment/deadlines/", {"org": "14010501"}).content.decode()


def test_statistics_by_target_group_and_year(login, tree, users, members):
    groups = ["industrial_worker", "industrial_worker", "student", "young_farmer"]
    for i, group in enumerate(groups):
        person = make_person(tree.b1 if i < 3 else tree.b2, f"统计{i}", birth=D(1995, 2, 1 + i), seq=601 + 2 * i)
        make_case(person, target_group=group, branch_meeting_on=D(2024 + i % 2, 6, 1), approved_on=D(2024 + i % 2, 7, 1))
    make_case(make_person(tree.b1, "未审批", birth=D(1995, 3, 1), seq=621), branch_meeting_on=D(2024, 6, 1))
    make_case(members.datong, target_group="student", branch_meeting_on=D(2024, 6, 1), approved_on=D(2024, 7, 1))
    client = login(users.taiyuan)
    page = client.get("/recruitment/statistics/").content.decode()
    table = page[page.index('id="stats-table"'):page.index("</table>", page.index('id="stats-table"'))]
    cells = re.findall(r"<td[^>]*>(?:<strong>)?(\d+)", table)
    assert cells == ["2024", "1", "0", "0", "1", "0", "0", "2", "2025", "1", "1", "0", "0", "0", "0", "2"]
    assert "vendor/echarts/echarts.min.js" in page and 'id="stats-option"' in page
    page = client.get("/recruitment/statistics/", {"org": "14010502"}).content.decode()
    assert ">1</strong>" in page and "青年农民" in page


# ---------------------------------------------------------------- documents


def paragraphs_and_cells(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


@pytest.mark.parametrize("form,title,expected", [
    ("activist", "入党积极分子备案表", ["刘青", "2022年3月1日", "2022年9月10日", "周一、吴二"]),
    ("candidate", "发展对象备案表", ["刘青", "2023年10月12日", "周一、郑三", "合格（2023年11月20日）",
                                  "2023年11月6日至2023年11月8日，24学时"]),
    ("public_notice", "拟接收预备党员公示", ["拟接收刘青同志为中共预备党员", "2001年4月出生", "2022年3月1日递交入党申请书",
                                  "公示时间：2023年12月4日至2023年12月8日", "入党介绍人：周一、郑三"]),
])
def test_documents_are_generated_as_docx(login, case, users, form, title, expected):
    r = login(users.taiyuan).get(f"/recruitment/{case.pk}/docx/", {"form": form})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    text = paragraphs_and_cells(r.content)
    assert title in text
    for piece in expected:
        assert piece in text
    run = Document(io.BytesIO(r.content)).paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_a_document_needs_its_step(login, tree, users, applicant):
    case = start(users.taiyuan, applicant, tree.b1)
    r = login(users.taiyuan).get(f"/recruitment/{case.pk}/docx/", {"form": "candidate"})
    assert r.status_code == 302


# ---------------------------------------------------------------- API


def test_the_api_lists_cases_with_filters(login, case, tree, users, members):
    make_case(members.datong, applied_on=D(2025, 1, 1))
    client = login(users.taiyuan)
    data = client.get("/api/recruitment/cases/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert (item["person_name"], item["organization"], item["stage"], item["branch_meeting_on"]) == (
        "刘青", "14010501", 5, "2023-12-20")
    assert {c["name"] for c in item["contacts"]} == {"周一", "吴二", "郑三"}
    assert client.get("/api/recruitment/cases/", {"stage": 2}).json()["count"] == 0
    assert client.get("/api/recruitment/cases/", {"person": case.person.id_number}).json()["count"] == 1
    assert client.get("/api/recruitment/cases/", {"organization": "14010502"}).json()["count"] == 0
    assert client.get("/api/recruitment/cases/", {"organization": "1402"}).status_code == 400
    assert client.get("/api/recruitment/cases/", {"person": "123"}).status_code == 400
    assert client.get(f"/api/recruitment/cases/{case.pk}/").status_code == 200
    assert client.post("/api/recruitment/cases/", {}).status_code == 405
    assert login(users.datong).get(f"/api/recruitment/cases/{case.pk}/").status_code == 404
    assert login(users.admin).get("/api/recruitment/cases/").json()["count"] == 2


# ---------------------------------------------------------------- scope


TAIYUAN = ["太原", "小店", "红星社区", "刘青", "周一"]
# Which object each recruitment URL's pk names (for the project's PK_MODEL in tests/test_scope.py).
PK_MODEL = {"recruitment:detail": "case", "recruitment:step": "case", "recruitment:docx": "case",
            "recruitment:add_document": "step", "recruitment:document": "document",
            "api:recruitment-case-detail": "case"}


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern.regex.pattern).lstrip("^"), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern.regex.pattern).lstrip("^")


def concrete(regex: str, pk=None) -> str:
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(pk), regex)
    return "/" + path.replace("\\Z", "").replace("$", "").replace("\\", "")


def test_a_user_of_the_sibling_subtree_sees_no_case(login, case, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    talk = Step.objects.unrestricted().get(case=case, kind="talk")
    document = services.add_document(users.taiyuan, talk, SimpleUploadedFile("谈话记录.pdf", b"%PDF"))
    rules.scan("", D(2026, 11, 27), recruitment_rules())
    objects = {"case": case.pk, "step": talk.pk, "document": document.pk}
    client = login(users.datong)
    seen = 0
    for name, regex in walk(get_resolver().url_patterns):
        if not name.startswith(("recruitment:", "api:recruitment")):
            continue
        if "(?P<pk>" in regex:
            path = concrete(regex, objects[PK_MODEL[name]])
            for query in ("", "?step=oath", "?form=activist"):
                for method in ("get", "post", "patch"):
                    r = getattr(client, method)(path + query)
                    if method != "get" and r.status_code == 405:
                        continue
                    assert r.status_code == 404, f"{method} {path}{query} ({name}): {r.status_code}"
                    seen += 1
            continue
        for query in ("", "?q=刘", "?q=lq", "?org=1401", "?org=14010501", "?organization=1401", "?overdue=on"):
            r = client.get(concrete(regex) + query)
            assert r.status_code in (200, 400, 404), f"{concrete(regex)}{query}: {r.status_code}"
            body = r.content.decode("utf-8", "replace")
            assert not [m for m in TAIYUAN if m in body], f"{concrete(regex)}{query} shows the 太原 side"
            seen += 1
    assert seen > 40
    export = client.get("/recruitment/?export=xlsx")
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row)
    assert "刘青" not in cells


# ---------------------------------------------------------------- a scan is set-based


def test_a_scan_costs_the_same_queries_for_5_and_50_cases(tree, members):
    from django.core.management import call_command

    call_command("recruitment", "local-rules")

    def queries_for(n):
        Case.objects.unrestricted().delete()
        Person.objects.unrestricted().filter(name__startswith="批量").delete()
        Finding.objects.unrestricted().delete()
        for i in range(n):
            person = make_person(tree.b1, f"批量{i}", birth=D(1990, 1, 1) + dt.timedelta(days=i), seq=701)
            make_case(person, applied_on=D(2024, 1, 1), talked_on=D(2024, 3, 1), activist_on=D(2024, 3, 2),
                      candidate_on=D(2024, 9, 1), branch_meeting_on=D(2025, 1, 1), expected_voters=12,
                      present_voters=6, yes_votes=6)
        with CaptureQueriesContext(connection) as ctx:
            result = rules.scan("", D(2026, 11, 27), recruitment_rules())
        assert result.per_rule["recruitment.talk_within_month"] == n
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(50)


def test_each_step_number_appears_once_on_the_case_page(login, case, users):
    """Step 23 was listed twice: the conversion meeting and the probation extension (decided by the same kind of
    meeting, filed under step 23) both showed the number. The extension now follows step 23 without a number."""
    page = login(users.taiyuan).get(f"/recruitment/{case.pk}/").content.decode()
    rows = re.findall(r'<tr class="step-(?:done|pending)[^"]*" data-step="([a-z_]+)">\s*<td class="text-nowrap">'
                      r'([^<]*)</td>', page)
    markers = [m for _kind, m in rows if m]
    assert markers == [str(n) for n in range(1, 26)], markers
    kinds = [k for k, _m in rows]
    assert kinds.index("extension") == kinds.index("conversion_meeting") + 1
    assert dict(rows)["extension"] == ""


def test_the_approval_form_offers_the_committees_above_the_branch(login, tree, users, members, applicant):
    from tests.recruitment.test_services import R, start, to_candidate
    from zugong.recruitment import services

    case = to_candidate(users.taiyuan, start(users.taiyuan, applicant, tree.b1), members)
    services.hold_branch_meeting(users.taiyuan, case, R(D(2023, 12, 20)), expected=12, present=11, yes=11)
    services.record_step(users.taiyuan, case, "approval_talk", R(D(2024, 1, 5)))
    client = login(users.taiyuan)
    page = client.get(f"/recruitment/{case.pk}/step/?step=approval").content.decode()
    assert f'<option value="{tree.xiaodian.pk}" selected>{tree.xiaodian.name}</option>' in page
    r = step_post(client, f"/recruitment/{case.pk}/step/", {
        "step": "approval", "on": "2024-01-15", "approving_organization": str(tree.taiyuan.pk)})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.approved_on, case.approving_organization) == (D(2024, 1, 15), tree.taiyuan)
