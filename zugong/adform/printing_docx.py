"""The Word (.docx) print of the 任免审批表: the same layout as print.html, built with python-docx.

Two tables on two pages of one A4 sheet (front and back), exact row heights, merged cells as in the
official form, the photo in the merged cell at the top right, the résumé with a hanging indent.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zugong.core.docx import sign
from zugong.core.textguard import strip_for_xml

from .formdata import AdFormData
from .printing import FONT

FRONT_COLS = [20, 25, 19, 25, 22, 26, 33]
BACK_COLS = [20, 17, 20, 13, 22, 78]


def _font(run, size: float = 12, bold: bool = False) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.bold = bold


def _text(cell, text: str, size: float = 12, align=WD_ALIGN_PARAGRAPH.CENTER, valign=WD_ALIGN_VERTICAL.CENTER):
    cell.vertical_alignment = valign
    lines = strip_for_xml(text or "").split("\n")
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        _font(p.add_run(line), size)
    return p


def _table(doc, widths: list[int], rows: int):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = Mm(w)
    for col, w in zip(table.columns, widths):
        col.width = Mm(w)
    return table


def _height(row, mm: float, exact: bool = True) -> None:
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _merge(table, r1, c1, r2, c2):
    return table.cell(r1, c1).merge(table.cell(r2, c2))


def build(form: AdFormData, ctx: dict) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(18), Mm(14)
    section.left_margin, section.right_margin = Mm(22), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)
    _font(title.add_run("干部任免审批表"), 22, bold=True)

    # ---------------- front
    t = _table(doc, FRONT_COLS, 10)
    for i, h in enumerate([14.5, 14.5, 14.5, 14.5, 13, 13, 11, 11, 11]):
        _height(t.rows[i], h)
    _height(t.rows[9], 118)
    f = form
    basic = [
        ("姓　名", f.name, "性　别", f.sex, "出生年月\n（　岁）", ctx["birth"]),
        ("民　族", f.ethnicity, "籍　贯", f.native_place, "出 生 地", f.birthplace),
        ("入　党\n时　间", ctx["party"], "参加工\n作时间", ctx["work_started"], "健康状况", f.health),
    ]
    for r, values in enumerate(basic):
        for c, value in enumerate(values):
            _text(t.cell(r, c), value, 12 if c % 2 == 0 else 11)
    _text(t.cell(3, 0), "专业技\n术职务")
    _text(_merge(t, 3, 1, 3, 2), f.professional_title, 11)
    _text(t.cell(3, 3), "熟悉专业\n有何专长")
    _text(_merge(t, 3, 4, 3, 5), f.specialty, 11)
    photo = _merge(t, 0, 6, 3, 6)
    photo.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    if f.photo:
        p = photo.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        try:
            p.add_run().add_picture(io.BytesIO(f.photo), width=Mm(29), height=Mm(39))
        except Exception:  # noqa: BLE001 — an unreadable photo leaves the box empty, as the editor does
            pass
    _text(_merge(t, 4, 0, 5, 0), "学　历\n学　位")
    for r, (label, edu, school) in enumerate(
        [("全日制\n教　育", ctx["full_edu"], ctx["full_school"]), ("在　职\n教　育", ctx["onjob_edu"], ctx["onjob_school"])]
    ):
        _text(t.cell(4 + r, 1), label)
        _text(_merge(t, 4 + r, 2, 4 + r, 3), edu, 11)
        _text(t.cell(4 + r, 4), "毕业院校\n系及专业")
        _text(_merge(t, 4 + r, 5, 4 + r, 6), school, 11)
    for r, (label, value) in enumerate(
        [("现 任 职 务", f.current_post), ("拟 任 职 务", f.proposed_post), ("拟 免 职 务", f.proposed_removal)]
    ):
        _text(_merge(t, 6 + r, 0, 6 + r, 1), label)
        _text(_merge(t, 6 + r, 2, 6 + r, 6), value, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _text(t.cell(9, 0), "简\n\n\n\n历")
    cell = _merge(t, 9, 1, 9, 6)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP
    size = ctx["resume_pt"]
    indent = Pt(size * 10)
    for i, line in enumerate(ctx["resume"]):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        fmt = p.paragraph_format
        fmt.left_indent, fmt.first_line_indent = indent, -indent
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.tab_stops.add_tab_stop(indent)
        _font(p.add_run(f"{line.dates}\t{line.text}" if line.dates else line.text), size)

    # ---------------- back
    brk = doc.add_paragraph()
    brk.add_run().add_break(WD_BREAK.PAGE)
    fam = ctx["family"]
    rows = 3 + 1 + len(fam) + 2
    b = _table(doc, BACK_COLS, rows)
    for r, (label, value, h) in enumerate(
        [("奖\n惩\n情\n况", f.rewards, 32), ("年　度\n考　核\n结　果", f.assessment, 22), ("任\n免\n理\n由", f.reasons, 24)]
    ):
        _height(b.rows[r], h)
        _text(b.cell(r, 0), label)
        _text(_merge(b, r, 1, r, 5), value, 11, align=WD_ALIGN_PARAGRAPH.LEFT, valign=WD_ALIGN_VERTICAL.TOP)
    _text(_merge(b, 3, 0, 3 + len(fam), 0), "家庭\n主要\n成员\n及\n重要\n社会\n关系")
    _height(b.rows[3], 10)
    for c, label in enumerate(["称　谓", "姓　名", "年龄", "政治\n面貌", "工 作 单 位 及 职 务"]):
        _text(b.cell(3, 1 + c), label)
    for r, row in enumerate(fam):
        _height(b.rows[4 + r], 10)
        for c, value in enumerate(row):
            _text(b.cell(4 + r, 1 + c), value, 11, align=WD_ALIGN_PARAGRAPH.LEFT if c == 4 else WD_ALIGN_PARAGRAPH.CENTER)
    r = 4 + len(fam)
    _height(b.rows[r], 30)
    _text(b.cell(r, 0), "呈\n报\n单\n位")
    unit = _merge(b, r, 1, r, 5)
    _text(unit, f.submitting_unit, 11, align=WD_ALIGN_PARAGRAPH.LEFT, valign=WD_ALIGN_VERTICAL.TOP)
    _stamp(unit)
    r += 1
    _height(b.rows[r], 36)
    _text(b.cell(r, 0), "审批\n机关\n意见")
    box = _merge(b, r, 1, r, 3)
    _text(box, "", valign=WD_ALIGN_VERTICAL.BOTTOM)
    _stamp(box)
    _text(b.cell(r, 4), "行政\n机关\n任免\n意见")
    box = b.cell(r, 5)
    _text(box, "", valign=WD_ALIGN_VERTICAL.BOTTOM)
    _stamp(box)
    foot = doc.add_paragraph()
    foot.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    _font(foot.add_run(f"填表人：{f.filled_by}\t" + (f"填表时间：{ctx['filled']}" if ctx["filled"] else "")), 12)
    sign(doc)  # who printed it and when: the file's properties and the page footer
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _stamp(cell) -> None:
    for text in ("（盖章）", "年　　月　　日"):
        p = cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Mm(6)
        _font(p.add_run(text), 11)
