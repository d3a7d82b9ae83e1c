"""The tables as a workbook, in the official layout: one sheet per table (named 表N) with the title, the 填报单位
and 统计截止日期 lines, the merged multi-level column headers, the 栏次 numbers row (甲、乙、1、2 …), the 项目 and
行次 columns, borders, column widths and frozen panes. Cells entered by hand carry a note (手工填报); cells
without a data source that were not entered stay empty. The page answers it through `core.exports.recorded`
(neutralized, signed, audited)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import definitions, engine
from .layout import layout, plain

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
FIRST_HEADER_ROW = 4  # 1: title, 2: 填报单位 and 统计截止日期, 3: 单位


def _box(ws, row1, col1, row2, col2, value, *, align=CENTER, bold=False, fill=None):
    cell = ws.cell(row=row1, column=col1, value=value)
    if row2 > row1 or col2 > col1:
        ws.merge_cells(start_row=row1, start_column=col1, end_row=row2, end_column=col2)
    for r in range(row1, row2 + 1):
        for c in range(col1, col2 + 1):
            target = ws.cell(row=r, column=c)
            target.border = BORDER
            target.alignment = align
            if bold:
                target.font = Font(bold=True)
            if fill is not None:
                target.fill = fill
    return cell


def add_sheet(wb: Workbook, table: definitions.Table, grid: engine.Grid, organization, day: dt.date):
    lay = layout(table)
    ws = wb.create_sheet(f"表{table.number}")
    lc = lay.label_cols
    first_data = lc + 2  # 1-based column of the first figure
    last = lay.width
    ws.cell(row=1, column=1, value=f"表{table.number}　{table.title}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.cell(row=2, column=1, value=f"填报单位：{organization.name}")
    ws.cell(row=2, column=last, value=f"统计截止日期：{day.year}年{day.month}月{day.day}日").alignment = \
        Alignment(horizontal="right")
    ws.cell(row=3, column=last, value=f"单位：{table.unit}").alignment = Alignment(horizontal="right")

    top, depth = FIRST_HEADER_ROW, lay.header_depth
    _box(ws, top, 1, top + depth - 1, lc, "项目", bold=True, fill=HEAD_FILL)
    _box(ws, top, lc + 1, top + depth - 1, lc + 1, "行次", bold=True, fill=HEAD_FILL)
    for items in lay.header:
        for h in items:
            col = first_data + h.col
            _box(ws, top + h.row, col, top + h.row + h.rowspan - 1, col + h.colspan - 1, h.label, bold=True,
                 fill=HEAD_FILL)
    numbers = top + depth
    _box(ws, numbers, 1, numbers, lc, "甲")
    _box(ws, numbers, lc + 1, numbers, lc + 1, "乙")
    for i in range(len(table.columns)):
        _box(ws, numbers, first_data + i, numbers, first_data + i, i + 1)

    start = numbers + 1
    for row in lay.rows:
        x = start + row.index
        if lc == 2:
            if row.group_span:
                _box(ws, x, 1, x + row.group_span - 1, 1, row.group)
            if row.in_group:
                _box(ws, x, 2, x, 2, row.label, align=LEFT)
            else:
                _box(ws, x, 1, x, 2, row.label, align=LEFT)
        else:
            _box(ws, x, 1, x, 1, row.label, align=LEFT)
        _box(ws, x, lc + 1, x, lc + 1, row.index + 1)
        for c in range(len(table.columns)):
            value = plain(grid.values[row.index][c])
            cell = _box(ws, x, first_data + c, x, first_data + c, value, align=Alignment(horizontal="right"))
            if grid.sources[row.index][c] == "manual" and value is not None:
                cell.comment = Comment("手工填报", "组工平台")

    if lc == 2:
        ws.column_dimensions["A"].width = 12
        ws.column_dimensions["B"].width = 26
    else:
        ws.column_dimensions["A"].width = 30
    ws.column_dimensions[get_column_letter(lc + 1)].width = 6
    for i in range(len(table.columns)):
        ws.column_dimensions[get_column_letter(first_data + i)].width = 9
    for r in range(top, top + depth):
        ws.row_dimensions[r].height = 36
    ws.freeze_panes = ws.cell(row=start, column=first_data)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{top}:{numbers}"
    return ws


def workbook(tables: list[definitions.Table], grids: dict[int, engine.Grid], organization, day: dt.date) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        add_sheet(wb, table, grids[table.number], organization, day)
    return wb


def workbook_bytes(tables, grids, organization, day) -> bytes:
    buf = io.BytesIO()
    workbook(tables, grids, organization, day).save(buf)
    return buf.getvalue()
