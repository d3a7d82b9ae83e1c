"""The 公示 list of an edition (and optionally one tier): the applications in 公示 (or approved, about to be
published), in the official layout — 序号、姓名、性别、出生年月、工作单位及职务、层次、专业领域 — as an .xlsx sheet
and as a .docx 公示 notice (the table, the 公示 dates, the contact line). Reads in a fixed number of queries."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from zugong.cadres.models import Cadre
from zugong.core import docx
from zugong.core.textguard import strip_for_xml

from .models.applications import Status

HEADERS = ("序号", "姓名", "性别", "出生年月", "工作单位及职务", "层次", "专业领域")
LISTED = (Status.NOTICE, Status.APPROVED)


def notice_rows(applications) -> tuple[list[tuple], list]:
    """The 公示 list's rows of `applications` (a scoped queryset), in tier then name order (two queries)."""
    apps = list(applications.filter(status__in=LISTED).select_related("person", "tier", "unit")
                .order_by("tier__order", "tier__code", "person__name", "pk"))
    posts = dict(Cadre.objects.unrestricted().filter(person_id__in=[a.person_id for a in apps])
                 .values_list("person_id", "current_title"))
    rows = []
    for number, a in enumerate(apps, start=1):
        person = a.person
        unit = a.unit_name or (a.unit.name if a.unit_id else "")
        post = posts.get(a.person_id) or ""
        where = unit if not post or post.startswith(unit) else f"{unit}{post}"
        rows.append((number, person.name, person.get_sex_display(),
                     f"{person.birth_date:%Y.%m}" if person.birth_date else "", where or post, a.tier.name, a.field))
    return rows, apps


def _period(apps) -> tuple:
    starts = [a.notice_start for a in apps if a.notice_start]
    ends = [a.notice_end for a in apps if a.notice_end]
    return (min(starts) if starts else None, max(ends) if ends else None)


def xlsx(edition, tier, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    name = f"{edition.title}{tier.name if tier else ''}拟入选人选公示名单"
    ws.append([name])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(HEADERS))
    thin = Side(style="thin")
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.font = Font(name="宋体", size=11, bold=cell.row == 2)
    for letter, width in zip("ABCDEFG", (6, 10, 6, 10, 36, 12, 16)):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def signer(program) -> str:
    """Who signs the notice: the organization department of the issuing committee (中共山西省委员会 →
    中共山西省委组织部)."""
    name = program.organization.name
    return f"{name.replace('委员会', '委')}组织部" if name.endswith("委员会") else f"{name}组织部"


def notice_docx(edition, tier, rows, apps, contact: str = "") -> bytes:
    """The 公示 notice: the title, the text with the 公示 period, the table, the contact line."""
    doc = docx.new_document()
    docx.title(doc, f"{edition.title}{tier.name if tier else ''}拟入选人选公示")
    start, end = _period(apps)
    period = (f"公示时间：{start:%Y年%-m月%-d日}至{end:%Y年%-m月%-d日}（{edition.notice_workdays}个工作日）。"
              if start and end else f"公示期为{edition.notice_workdays}个工作日。")
    docx.paragraph(doc, f"根据{edition.program.document or edition.program.name}和{edition.document or edition.title}"
                        f"有关规定，经单位推荐、资格审查、专家评审和人才工作领导小组审定，现将{edition.title}"
                        f"拟入选人选（共{len(rows)}名）予以公示。")
    docx.paragraph(doc, period + "公示期间，如对公示对象有异议，可通过来电、来信、来访等方式向组织部门反映。"
                         "反映问题应实事求是，以真实姓名反映的，我们将严格保密并反馈核查情况。")
    docx.paragraph(doc, f"联系电话：{contact}" if contact else "联系电话：（请填写）")
    grid = doc.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADERS):
        docx.font(cell.paragraphs[0].add_run(text), bold=True)
    for row in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row):
            docx.font(cell.paragraphs[0].add_run(strip_for_xml(str(value))))
    docx.paragraph(doc, signer(edition.program), align=docx.RIGHT, indent=False)
    if start:
        docx.paragraph(doc, f"{start:%Y年%-m月%-d日}", align=docx.RIGHT, indent=False)
    return docx.to_bytes(doc)


