"""Talent documents (.docx): the pool's roster (人才库花名册)."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import docx
from zugong.core.docx import DOCX
from zugong.core.textguard import strip_for_xml

__all__ = ["DOCX", "ROSTER_HEADERS", "pool_roster"]

ROSTER_HEADERS = ["序号", "姓名", "人才项目", "层次", "专业领域", "工作单位", "认定日期", "支持期满日期", "状态"]


def roster_row(n: int, t) -> list[str]:
    return [str(n), t.person.name, t.program.name, t.tier_name, t.field, t.unit_name or t.organization.name,
            f"{t.since:%Y-%m-%d}", f"{t.until:%Y-%m-%d}", t.get_status_display()]


def pool_roster(talents, filters: str = "") -> bytes:
    """The roster of the talents given (already scoped and filtered), one row each, in a bordered table."""
    doc = docx.new_document()
    section = doc.sections[0]
    from docx.enum.section import WD_ORIENT

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    docx.title(doc, "人才库花名册")
    docx.paragraph(doc, f"统计日期：{docx_date(timezone.localdate())}" + (f"；筛选条件：{filters}" if filters else ""),
                   indent=False)
    grid = doc.add_table(rows=1, cols=len(ROSTER_HEADERS))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, ROSTER_HEADERS):
        docx.font(cell.paragraphs[0].add_run(header), bold=True)
    for n, talent in enumerate(talents, 1):
        cells = grid.add_row().cells
        for cell, value in zip(cells, roster_row(n, talent)):
            docx.font(cell.paragraphs[0].add_run(strip_for_xml(str(value))))
    return docx.to_bytes(doc)


def docx_date(day) -> str:
    from zugong.core.dates import cn_date

    return cn_date(day)
