"""The standard documents of the process, generated as Word (.docx) from the recorded data:
入党积极分子备案表, 发展对象备案表 and 拟接收预备党员公示. Chinese text is set in 宋体 (the East Asian font
slot of every run), dates are written as in documents (2025年3月1日)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zugong.core.dates import cn_date

from .models import Case, CaseContact

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"


def _font(run, size: float | None = None, bold: bool = False) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _new() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), size=18, bold=True)


def _para(doc, text: str, align=None, indent: bool = True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    _font(p.add_run(text))
    return p


def _table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run(label), bold=True)
        _font(cells[1].paragraphs[0].add_run(value or ""))


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _birth(person) -> str:
    return f"{person.birth_date.year}年{person.birth_date.month}月"


def _names(case: Case, role: str) -> str:
    return "、".join(c.person.name for c in CaseContact.objects.unrestricted().filter(case=case, role=role)
                    .select_related("person"))


def _person_rows(case: Case) -> list[tuple[str, str]]:
    p = case.person
    return [
        ("姓名", p.name), ("性别", p.get_sex_display()), ("民族", p.get_ethnicity_display()),
        ("出生年月", _birth(p)), ("公民身份号码", p.id_number), ("学历", p.get_education_display() or ""),
        ("重点群体", case.get_target_group_display()), ("所在党支部", case.organization.name),
    ]


def _signatures(doc, lines: list[str]) -> None:
    for line in lines:
        _para(doc, f"{line}：", indent=False)
        _para(doc, "（盖章）        年    月    日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def activist_filing(case: Case) -> bytes:
    """入党积极分子备案表: filed with the higher committee once an activist is named (step 4)."""
    doc = _new()
    _title(doc, "入党积极分子备案表")
    _table(doc, _person_rows(case) + [
        ("递交入党申请书时间", cn_date(case.applied_on)),
        ("党组织派人谈话时间", cn_date(case.talked_on)),
        ("确定为入党积极分子时间", cn_date(case.activist_on)),
        ("培养联系人", _names(case, CaseContact.Role.SPONSOR)),
    ])
    _signatures(doc, ["党支部意见", "上级党委备案意见"])
    return _bytes(doc)


def candidate_filing(case: Case) -> bytes:
    """发展对象备案表: filed with the higher committee once a candidate is named (step 8)."""
    doc = _new()
    _title(doc, "发展对象备案表")
    training = ""
    if case.training_start:
        training = f"{cn_date(case.training_start)}至{cn_date(case.training_end)}"
    if case.training_hours is not None:
        training += f"，{case.training_hours.normalize():f}学时"
    review = ""
    if case.review_concluded_on:
        review = f"{'合格' if case.review_passed is not False else '不合格'}（{cn_date(case.review_concluded_on)}）"
    publicity = ""
    if case.candidate_publicity_start:
        publicity = f"{cn_date(case.candidate_publicity_start)}至{cn_date(case.candidate_publicity_end)}"
    _table(doc, _person_rows(case) + [
        ("递交入党申请书时间", cn_date(case.applied_on)),
        ("确定为入党积极分子时间", cn_date(case.activist_on)),
        ("确定为发展对象时间", cn_date(case.candidate_on)),
        ("培养联系人", _names(case, CaseContact.Role.SPONSOR)),
        ("入党介绍人", _names(case, CaseContact.Role.INTRODUCER)),
        ("发展对象公示", publicity),
        ("政治审查结论", review),
        ("集中培训", training),
    ])
    _signatures(doc, ["党支部意见", "上级党委备案意见"])
    return _bytes(doc)


def admission_notice(case: Case) -> bytes:
    """拟接收预备党员公示: posted after the pre-review, before the branch meeting."""
    p = case.person
    doc = _new()
    _title(doc, "拟接收预备党员公示")
    _para(doc, f"经党支部委员会审查、上级党委预审，拟接收{p.name}同志为中共预备党员。现将有关情况公示如下：")
    education = f"{p.get_education_display()}学历，" if p.education else ""
    facts = (f"{p.name}，{p.get_sex_display()}，{p.get_ethnicity_display()}，{_birth(p)}出生，{education}"
             f"{case.organization.name}。{cn_date(case.applied_on)}递交入党申请书，"
             f"{cn_date(case.activist_on)}被确定为入党积极分子，{cn_date(case.candidate_on)}被列为发展对象。")
    introducers = _names(case, CaseContact.Role.INTRODUCER)
    if introducers:
        facts += f"入党介绍人：{introducers}。"
    _para(doc, facts)
    start, end = case.admission_publicity_start, case.admission_publicity_end
    blank = "        年    月    日"
    period = f"{cn_date(start)}至{cn_date(end)}" if start and end else f"{blank}至{blank}"
    _para(doc, f"公示时间：{period}。公示期间，党员和群众可以通过来信、来电、来访等方式，"
               "向党支部反映公示对象的情况和问题。")
    _para(doc, case.organization.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, cn_date(start) if start else blank, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return _bytes(doc)


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str
    needs: str  # the Case date that must be recorded
    build: Callable[[Case], bytes]


KINDS = {
    "activist": DocumentKind("activist", "入党积极分子备案表", "activist_on", activist_filing),
    "candidate": DocumentKind("candidate", "发展对象备案表", "candidate_on", candidate_filing),
    "publicity": DocumentKind("publicity", "拟接收预备党员公示", "prereview_on", admission_notice),
}


def available(case: Case) -> list[DocumentKind]:
    return [k for k in KINDS.values() if getattr(case, k.needs)]
