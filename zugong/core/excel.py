"""Excel in and out: .xlsx exports of what a user sees, and a validating, all-or-nothing row importer.

An import is described by a list of `Column`s (Chinese header, aliases, parser). `read_rows` maps the header,
skips blank rows and parses every cell, collecting every error as (row, column, reason) in Chinese; the
domain importer then checks across rows and writes in one transaction, or writes the valid rows only and
hands back the rejected ones as a workbook with a reason column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- export

# A cell beginning with one of these is a formula (or becomes one when the user edits it) in a spreadsheet
# program: `=HYPERLINK(...)`, `+1+2`, `-1+2`, `@SUM(...)`, and a leading tab or carriage return hides one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_value(ws, value: Any):
    """A value as written to an export: text a workbook cannot hold (control characters) stripped, text that
    would be read as a formula written as text with Excel's quote prefix (the cell shows exactly the stored
    text and stays text when edited), dates as date cells. Numbers stay numbers. Every writer of a workbook
    that holds user data passes each value through here (`write_row`)."""
    from openpyxl.cell import WriteOnlyCell

    from .textguard import strip_for_xml

    if isinstance(value, str):
        value = strip_for_xml(value)
        if value.startswith(FORMULA_START):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(ws, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_row(ws, row: Iterable[Any]) -> None:
    """Append a row of values to a write-only sheet through `safe_value`."""
    ws.append([safe_value(ws, v) for v in row])


def neutralize(wb) -> None:
    """The same protection for a workbook a page built in memory (not write-only): every text cell that
    would be a formula becomes text with the quote prefix, control characters stripped. (A page that
    writes real formulas of its own does not pass through here.)"""
    from .textguard import strip_for_xml

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    clean = strip_for_xml(value)
                    if clean != value or clean.startswith(FORMULA_START):
                        cell.value = clean
                        if clean.startswith(FORMULA_START):
                            cell.data_type = "s"
                            cell.quotePrefix = True


def sign(wb, ws_list, *, who: str, when: dt.datetime, title: str, description: str = "") -> None:
    """Say in the file who exported it and when: the document properties (author, created, title and the
    filter as description) and every sheet's printed page footer (导出人、导出时间; the page numbers)."""
    from django.utils import timezone

    local = timezone.localtime(when) if when.tzinfo else when
    props = wb.properties
    props.creator = props.lastModifiedBy = who or "系统"
    props.created = props.modified = (when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo
                                      else when)
    props.title = title
    props.subject = title
    props.description = description
    props.keywords = f"导出人：{who}；导出时间：{local:%Y-%m-%d %H:%M}"
    text = f"导出人：{who or '系统'}　导出时间：{local:%Y-%m-%d %H:%M}".replace("&", "&&")
    for ws in ws_list:
        ws.oddFooter.center.text = text
        ws.oddFooter.right.text = "第 &P 页，共 &N 页"
        ws.evenFooter.center.text = text
        ws.evenFooter.right.text = "第 &P 页，共 &N 页"


def current_signer() -> str:
    """Who is acting (the request's user, or the job's): their display name, for signing a file."""
    from django.contrib.auth import get_user_model

    from . import audit

    pk, name, _ip = audit.current_actor()
    if pk is not None:
        user = get_user_model()._default_manager.filter(pk=pk).first()
        if user is not None:
            return getattr(user, "display_name", "") or user.get_full_name() or user.get_username()
    return name or "系统"


def workbook_bytes(sheet_title: str, headers: list[str], rows: Iterable[Iterable[Any]], widths=None) -> bytes:
    """A one-sheet workbook: bold frozen header row, dates as dates, columns sized for Chinese text; values
    through `safe_value`; signed by whoever is acting (`sign`)."""
    from django.utils import timezone

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    sign(wb, [ws], who=current_signer(), when=timezone.now(), title=sheet_title)
    widths = widths or [max(10, min(40, len(h) * 2 + 4)) for h in headers]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    from openpyxl.cell import WriteOnlyCell

    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(horizontal="center")
        head.append(c)
    ws.append(head)
    for row in rows:
        write_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- import

_SPACE = re.compile(r"[\s\u3000]+")


def norm_header(text: Any) -> str:
    """Header text without spaces, asterisks or full-width parentheses."""
    s = _SPACE.sub("", str(text or ""))
    return s.replace("（", "(").replace("）", ")").replace("*", "").replace("＊", "").strip()


def cell_text(value: Any) -> str:
    """A cell as trimmed text; integral floats lose their '.0' (Excel stores numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return _SPACE.sub(" ", str(value)).strip()


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value: Any) -> dt.date | None:
    """A date from an Excel cell: a real date, or text like 2020-01-05, 2020/1/5, 2020.01.05, 20200105,
    2020年1月5日. Raises ValueError with a Chinese reason."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"无法识别的日期“{text}”，请写作 2024-03-01")


@dataclass
class Column:
    header: str
    key: str
    required: bool = False
    parse: Callable[[Any], Any] | None = None
    aliases: tuple[str, ...] = ()
    example: str = ""
    width: int = 16
    choices: tuple[str, ...] = ()  # the allowed values (a dropdown in the template, listed in 说明)
    hint: str = ""  # the format, as the 说明 sheet of the template states it


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{'“' + self.column + '”列' if self.column else ''}：{self.reason}"


@dataclass
class ParsedSheet:
    rows: list[tuple[int, dict, list]] = field(default_factory=list)  # (excel row number, values, raw cells)
    errors: list[RowError] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # template header -> the header as the file writes it
    options: dict[str, Any] = field(default_factory=dict)  # the import's options (`Importer.options`)

    def fail(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, self.labels.get(column, column), reason))

    def errors_by_row(self) -> dict[int, list[RowError]]:
        out: dict[int, list[RowError]] = {}
        for e in self.errors:
            out.setdefault(e.row, []).append(e)
        return out


IGNORED_HEADERS = {"序号", "备注"}


def read_rows(data: bytes, columns: list[Column], max_rows: int | None = None) -> ParsedSheet:
    """Read the first sheet: map headers, skip blank rows, parse cells; every problem becomes a RowError.
    A text cell holding a control character is refused (`textguard`); past `max_rows` data rows the reading
    stops with an error naming the limit (the job checked the file before, `uploads.check_xlsx`)."""
    from .textguard import describe, find

    sheet = ParsedSheet()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        sheet.fail(0, "", "文件不是有效的 Excel (.xlsx) 文件")
        return sheet
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header_row, header_no = None, 0
    for no, row in enumerate(rows, start=1):
        if any(cell_text(v) for v in row):
            header_row, header_no = row, no
            break
    if header_row is None:
        sheet.fail(0, "", "文件中没有数据")
        return sheet
    lookup = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            lookup[norm_header(name)] = col
    positions: list[tuple[int, Column]] = []
    seen = set()
    sequence_at = None  # the 序号 column: a row marked 示例 there is the template's example
    for i, h in enumerate(header_row):
        text = norm_header(h)
        if text == "序号" and sequence_at is None:
            sequence_at = i
        if not text or text in IGNORED_HEADERS:
            continue
        col = lookup.get(text)
        if col is None:
            sheet.fail(header_no, cell_text(h), f"无法识别的列名（第{get_column_letter(i + 1)}列），请使用模板中的列名")
            continue
        if col.key in seen:
            sheet.fail(header_no, col.header, f"列名重复（第{get_column_letter(i + 1)}列）")
            continue
        seen.add(col.key)
        sheet.labels[col.header] = cell_text(h).replace("*", "").strip()
        positions.append((i, col))
    sheet.headers = [cell_text(h) for h in header_row]
    missing = [c.header for c in columns if c.required and c.key not in seen]
    for name in missing:
        sheet.fail(header_no, name, "缺少必填列")
    if sheet.errors:
        return sheet
    for no, row in enumerate(rows, start=header_no + 1):
        raw = list(row)
        if not any(cell_text(v) for v in raw):
            continue
        if max_rows is not None and len(sheet.rows) >= max_rows:
            sheet.fail(0, "", f"行数超过导入的行数上限 {max_rows:,} 行，请分成几个文件导入")
            break
        if sequence_at is not None and sequence_at < len(raw) and cell_text(raw[sequence_at]) == EXAMPLE_MARK:
            continue
        values: dict[str, Any] = {}
        for i, col in positions:
            v = raw[i] if i < len(raw) else None
            if cell_text(v) == "":
                if col.required:
                    sheet.fail(no, col.header, "必填项为空")
                values[col.key] = None
                continue
            control = find(v, multiline=True) if isinstance(v, str) else None
            if control:
                sheet.fail(no, col.header, f"含有不可见的控制字符（{describe(control)}），请删除后重新导入")
                values[col.key] = None
                continue
            try:
                values[col.key] = col.parse(v) if col.parse else cell_text(v)
            except ValueError as exc:
                sheet.fail(no, col.header, str(exc))
                values[col.key] = None
        sheet.rows.append((no, values, raw))
    return sheet


# The template's first column is 序号; its example row says 示例 there, and the reader skips that row, so a
# template imported with its example left in imports nothing of it (and does not fail an all-or-nothing import).
EXAMPLE_MARK = "示例"
_CODES_SHEET = "可选值"


def _column_hint(c: Column) -> str:
    if c.hint:
        return c.hint
    if c.choices:
        return "从下拉列表中选择"
    if c.parse is parse_date:
        return "日期，如 2024-03-15（也可写 2024.3.15、2024年3月15日）"
    return "文字"


def template_bytes(title: str, columns: list[Column], examples: dict[str, Any] | None = None) -> bytes:
    """An import template: the headers (required ones marked *), one example row marked 示例 (skipped on
    import; `examples` gives values that fit the downloading user, e.g. an organization code of their own),
    dropdowns for the columns with fixed values (their lists on a hidden sheet 可选值) and a 说明 sheet: each
    column, whether it is required, its format and allowed values."""
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    examples = examples or {}
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    headers = ["序号", *[c.header + ("*" if c.required else "") for c in columns]]
    ws.append(headers)
    ws.append([EXAMPLE_MARK, *[examples.get(c.key, c.example) for c in columns]])
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 8
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if h.endswith("*") else None)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        example = ws.cell(row=2, column=i)
        example.font = Font(italic=True, color="808080")
        example.number_format = "@"  # ID numbers and codes stay text
    ws["A2"].comment = Comment("本行是填写示例，导入时自动跳过；可以保留，也可以删除。", "组工平台")
    codes = wb.create_sheet(_CODES_SHEET)
    codes.sheet_state = "hidden"
    n_list = 0
    for i, c in enumerate(columns, start=2):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width
        if not c.choices:
            continue
        n_list += 1
        list_col = get_column_letter(n_list)
        codes.cell(row=1, column=n_list, value=c.header)
        for r, value in enumerate(c.choices, start=2):
            codes.cell(row=r, column=n_list, value=value)
        dv = DataValidation(type="list", formula1=f"'{_CODES_SHEET}'!${list_col}$2:${list_col}${len(c.choices) + 1}",
                            allow_blank=not c.required, showErrorMessage=True, errorTitle="不在可选值中",
                            error=f"“{c.header}”请从下拉列表中选择")
        dv.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(dv)
    notes = wb.create_sheet("说明")
    notes.append([f"{title}：填写说明"])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append(["第 1 行是列名，请勿修改；带 * 的列必须填写。第 2 行（序号为“示例”）是填写示例，导入时自动跳过。"
                  "从第 3 行起每行一条记录；“序号”列可不填。有下拉箭头的列请从列表中选择。"])
    notes.append([])
    notes.append(["列名", "是否必填", "格式", "可选值", "示例"])
    for cell in notes[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for c in columns:
        notes.append([c.header, "必填" if c.required else "选填", _column_hint(c), "、".join(c.choices),
                      str(examples.get(c.key, c.example) or "")])
    for letter, width in zip("ABCDE", (22, 10, 40, 60, 24)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rejected_bytes(sheet: ParsedSheet, rejected_rows: set[int]) -> bytes:
    """The rejected rows as they were, with the original row number and the reasons."""
    by_row = sheet.errors_by_row()
    headers = ["原行号", *sheet.headers, "错误原因"]
    out = []
    for no, _values, raw in sheet.rows:
        if no in rejected_rows:
            reasons = "；".join(f"“{e.column}”{e.reason}" if e.column else e.reason for e in by_row.get(no, []))
            out.append([no, *[cell_text(v) for v in raw], reasons])
    return workbook_bytes("未导入的行", headers, out)
