"""The standard documents of the process, generated as Word (.docx) from the recorded data:
入党积极分子备案表, 发展对象备案表 and 拟接收预备党员公示. Chinese text is set in 宋体 (the East Asian font
slot of every run), dates are written as in documents (2025年3月1日)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zugong.core.dates import cn_date
from zugong.core.pii import mask_id
from zugong.core.docx import DOCX, RIGHT, new_document, paragraph, table, title, to_bytes

from .models import Case, CaseContact

__all__ = ["DOCX", "KINDS", "available"]


def _birth(person) -> str:
    return f"{person.birth_date.year}年{person.birth_date.month}月"


def _names(case: Case, role: str) -> str:
    return "、".join(c.person.name for c in CaseContact.objects.unrestricted().filter(case=case, role=role)
                    .select_related("person"))


def _person_rows(case: Case, full: bool) -> list[tuple[str, str]]:
    """`full`: the whole ID number (a user who may see it: the filing goes to the higher committee); masked
    otherwise."""
    p = case.person
    return [
        ("姓名", p.name), ("性别", p.get_sex_display()), ("民族", p.get_ethnicity_display()),
        ("出生年月", _birth(p)), ("公民身份号码", p.id_number if full else mask_id(p.id_number)),
        ("学历", p.get_education_display() or ""),
        ("重点群体", case.get_target_group_display()), ("所在党支部", case.organization.name),
    ]


def _signatures(doc, lines: list[str]) -> None:
    for line in lines:
        paragraph(doc, f"{line}：", indent=False)
        paragraph(doc, "（盖章）        年    月    日", align=RIGHT, indent=False)


def activist_filing(case: Case, full: bool = True) -> bytes:
    """入党积极分子备案表: filed with the higher committee once an activist is named (step 4)."""
    doc = new_document()
    title(doc, "入党积极分子备案表")
    table(doc, _person_rows(case, full) + [
        ("递交入党申请书时间", cn_date(case.applied_on)),
        ("党组织派人谈话时间", cn_date(case.talked_on)),
        ("确定为入党积极分子时间", cn_date(case.activist_on)),
        ("培养联系人", _names(case, CaseContact.Role.SPONSOR)),
    ])
    _signatures(doc, ["党支部意见", "上级党委备案意见"])
    return to_bytes(doc)


def candidate_filing(case: Case, full: bool = True) -> bytes:
    """发展对象备案表: filed with the higher committee once a candidate is named (step 8)."""
    doc = new_document()
    title(doc, "发展对象备案表")
    training = ""
    if case.training_start:
        training = f"{cn_date(case.training_start)}至{cn_date(case.training_end)}"
    if case.training_hours is not None:
        training += f"，{case.training_hours.normalize():f}学时"
    review = ""
    if case.review_concluded_on:
        review = f"{'合格' if case.review_passed is not False else '不合格'}（{cn_date(case.review_concluded_on)}）"
    public_notice = ""
    if case.candidate_public_notice_start:
        public_notice = f"{cn_date(case.candidate_public_notice_start)}至{cn_date(case.candidate_public_notice_end)}"
    table(doc, _person_rows(case, full) + [
        ("递交入党申请书时间", cn_date(case.applied_on)),
        ("确定为入党积极分子时间", cn_date(case.activist_on)),
        ("确定为发展对象时间", cn_date(case.candidate_on)),
        ("培养联系人", _names(case, CaseContact.Role.SPONSOR)),
        ("入党介绍人", _names(case, CaseContact.Role.INTRODUCER)),
        ("发展对象公示", public_notice),
        ("政治审查结论", review),
        ("集中培训", training),
    ])
    _signatures(doc, ["党支部意见", "上级党委备案意见"])
    return to_bytes(doc)


def admission_notice(case: Case, full: bool = True) -> bytes:
    """拟接收预备党员公示: posted after the pre-review, before the branch meeting."""
    p = case.person
    doc = new_document()
    title(doc, "拟接收预备党员公示")
    paragraph(doc, f"经党支部委员会审查、上级党委预审，拟接收{p.name}同志为中共预备党员。现将有关情况公示如下：")
    education = f"{p.get_education_display()}学历，" if p.education else ""
    facts = (f"{p.name}，{p.get_sex_display()}，{p.get_ethnicity_display()}，{_birth(p)}出生，{education}"
             f"{case.organization.name}。{cn_date(case.applied_on)}递交入党申请书，"
             f"{cn_date(case.activist_on)}被确定为入党积极分子，{cn_date(case.candidate_on)}被列为发展对象。")
    introducers = _names(case, CaseContact.Role.INTRODUCER)
    if introducers:
        facts += f"入党介绍人：{introducers}。"
    paragraph(doc, facts)
    start, end = case.admission_public_notice_start, case.admission_public_notice_end
    blank = "        年    月    日"
    period = f"{cn_date(start)}至{cn_date(end)}" if start and end else f"{blank}至{blank}"
    paragraph(doc, f"公示时间：{period}。公示期间，党员和群众可以通过来信、来电、来访等方式，"
               "向党支部反映公示对象的情况和问题。")
    paragraph(doc, case.organization.name, align=RIGHT, indent=False)
    paragraph(doc, cn_date(start) if start else blank, align=RIGHT, indent=False)
    return to_bytes(doc)


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str
    needs: str  # the Case date that must be recorded
    build: Callable[..., bytes]  # (case, full=…)


KINDS = {
    "activist": DocumentKind("activist", "入党积极分子备案表", "activist_on", activist_filing),
    "candidate": DocumentKind("candidate", "发展对象备案表", "candidate_on", candidate_filing),
    "public_notice": DocumentKind("public_notice", "拟接收预备党员公示", "prereview_on", admission_notice),
}


def available(case: Case) -> list[DocumentKind]:
    return [k for k in KINDS.values() if getattr(case, k.needs)]
