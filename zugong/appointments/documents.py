"""任前公示 as Word (.docx), generated from the recorded cases: one paragraph per cadre (姓名，性别，民族，
出生年月，籍贯，参加工作时间，入党时间，学历，现任职务，拟任职务), the notice period written out with its number
of working days, how to report, and the issuing organization department. Chinese text in 宋体 (the East Asian
font slot of every run, through `zugong.core.docx`); dates as in documents (2025年3月1日)."""

from __future__ import annotations

from zugong.core.dates import cn_date
from zugong.core.docx import DOCX, RIGHT, new_document, paragraph, title, to_bytes

from .models import SelectionCase

__all__ = ["DOCX", "describe", "public_notice"]


def _month(day) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def describe(case: SelectionCase) -> str:
    """One cadre's paragraph of the notice."""
    cadre, person = case.cadre, case.cadre.person
    parts = [cadre.name, person.get_sex_display(), person.get_ethnicity_display()]
    if person.birth_date:
        parts.append(f"{_month(person.birth_date)}生")
    if person.native_place:
        parts.append(f"{person.native_place}人")
    if cadre.work_started_on:
        parts.append(f"{_month(cadre.work_started_on)}参加工作")
    joined = cadre.party_joined_display if cadre.party_status in ("01", "02") else cadre.get_party_status_display()
    if cadre.party_status in ("01", "02") and joined:
        parts.append(f"{joined}加入中国共产党")
    elif joined:
        parts.append(joined)
    if person.education:
        parts.append(f"{person.get_education_display()}学历")
    current = case.from_title or cadre.current_title
    if current:
        parts.append(f"现任{current}")
    return "，".join(parts) + f"，拟任{case.unit_name}{case.title}。"


def _period(case: SelectionCase) -> str:
    return (f"{cn_date(case.public_notice_start)}至{cn_date(case.public_notice_end)}"
            f"（{case.public_notice_workdays}个工作日）")


def public_notice(cases: list[SelectionCase]) -> bytes:
    """任前公示 of one or more cadres (those of one notice are listed together)."""
    doc = new_document()
    title(doc, "任前公示")
    deciders = list(dict.fromkeys(c.organization.name for c in cases))
    paragraph(doc, f"根据《党政领导干部选拔任用工作条例》有关规定，经{'、'.join(deciders)}研究，"
               "现将拟任职的干部进行任前公示。")
    periods = {(c.public_notice_start, c.public_notice_end) for c in cases}
    for i, case in enumerate(cases, start=1):
        text = describe(case)
        if len(periods) > 1:
            text += f"公示时间：{_period(case)}。"
        paragraph(doc, f"{i}. {text}" if len(cases) > 1 else text)
    if len(periods) == 1:
        paragraph(doc, f"公示时间：{_period(cases[0])}。")
    paragraph(doc, "公示期间，干部群众可通过来信、来电、来访等方式，向组织部门反映公示对象在政治品质、道德品行、"
               "工作作风、廉洁自律等方面的情况和问题。反映问题应实事求是，提倡署真实姓名；组织部门对反映人和"
               "反映内容严格保密。")
    paragraph(doc, "联系电话：            来信地址：", indent=True)
    issuer = deciders[0] if len(deciders) == 1 else "组织部"
    paragraph(doc, f"{issuer}组织部" if not issuer.endswith("组织部") else issuer, align=RIGHT,
          indent=False)
    first = min(c.public_notice_start for c in cases)
    paragraph(doc, cn_date(first), align=RIGHT, indent=False)
    return to_bytes(doc)
