"""Exports of what a user sees: one mechanism for every full-list export.

A page describes its export as an `Export` (sheet name, headers, a row generator, the row count and the
filter in Chinese) and answers with `respond(request, export)`:

- up to `SYNC_ROWS` rows the workbook is written while the user waits and comes back at once;
- above it, a `Job` of kind "export" is queued and the page redirects to the job's page (progress, then the
  download link). The worker (`zugong db_worker`) runs the job as the user who asked: it replays the page
  (`replay`: the same view, URL and GET parameters, the same user) up to its `respond` call, which hands the
  `Export` back instead of answering, so the rows come from exactly the same scoped, filtered queryset.

Either way the rows are streamed (`write`): fetched in chunks (`QuerySet.iterator(chunk_size=…)`) and written by
openpyxl in write-only mode to a temporary file, so memory stays flat whatever the size; there is no row
limit. Each export is a `Job` row (the user's 我的任务 list, the download) and one audit entry on it (action
导出: who, which list, the filter in Chinese, how many rows).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from django.core.files import File
from django.core.files.base import ContentFile
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve
from django.utils import timezone
from django.utils.encoding import force_str

from . import audit, excel, jobs, scope
from .models import Job

log = logging.getLogger(__name__)

# Exports up to this many rows are written while the user waits. Measured: 0.14 ms of CPU a row for the
# exporting process (bench/exports_bench.py, 300,000 people rows) and 0.5–0.6 ms a row wall-clock for the demo
# city's people list on a loaded 2-core machine, so 2,000 rows come back in about a second, plus the page's own
# query: far from the web worker's 30 s timeout for any list, and no user watches a progress page for a short
# list. A larger export is a job.
SYNC_ROWS = 2_000
CHUNK = 2_000  # rows fetched per database round trip

XLSX = excel.XLSX


@dataclass
class Export:
    """What a page exports: the sheet's name, its headers and its rows (made lazily, streamed)."""

    name: str  # the list's name: file name, sheet name, the job's title and the audit entry
    headers: Sequence[str]
    rows: Callable[[], Iterable[Sequence[Any]]]
    count: int
    filters: str = ""  # the filter in Chinese (筛选：性别：女；所属组织代码：140105), "" for everything visible
    widths: Sequence[int] | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}_{timezone.localdate():%Y%m%d}.xlsx"


class Collected(Exception):
    """Raised by `respond` while the worker replays a page: carries the page's `Export` back to the job."""

    def __init__(self, export: Export):
        super().__init__(export.name)
        self.export = export


# ---------------------------------------------------------------- django-tables2's cell values, faster
#
# django-tables2 asks `inspect.signature` of a column's value/render function for every cell it computes
# (`utils.call_with_appropriate`): two thirds of an export's time. A function's parameters never change, so
# they are remembered per function (a bound method by its function: `signature` drops `self` either way).


def _cached_signature(original):
    import types

    cache: dict = {}

    def signature(fn):
        key = fn.__func__ if isinstance(fn, types.MethodType) else fn if isinstance(fn, types.FunctionType) else None
        if key is None:
            return original(fn)
        try:
            return cache[key]
        except KeyError:
            cache[key] = found = original(fn)
            return found

    signature.cached = True
    return signature


def _speed_up_tables2():
    from django_tables2 import utils

    if not getattr(utils.signature, "cached", False):
        utils.signature = _cached_signature(utils.signature)


_speed_up_tables2()


# ---------------------------------------------------------------- describing a list


def describe_filters(form) -> str:
    """A bound filter form's values in Chinese: "性别：女；所属组织代码：140105" ("" when nothing is filtered)."""
    if form is None or not form.is_bound or not hasattr(form, "cleaned_data"):
        return ""
    parts = []
    for name, f in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()) or getattr(f.widget, "input_type", "") == "hidden" and not value:
            continue
        parts.append(f"{f.label or name}：{_shown(f, value)}")
    return "；".join(parts)


def _shown(f, value) -> str:
    if isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not isinstance(value, str) \
            and not hasattr(value, "_meta"):
        try:
            return "、".join(_shown(f, v) for v in value)
        except TypeError:
            pass
    choices = getattr(f, "choices", None)
    if choices and not hasattr(value, "_meta"):
        labels = {str(k): v for k, v in choices if not isinstance(v, (list, tuple))}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, slice):  # django-filter range fields
        return f"{value.start or ''}～{value.stop or ''}"
    return str(value)


def table_export(table, name: str, filters: str = "", exclude=("actions", "select")) -> Export:
    """A django-tables2 table's export: every filtered row (the table's ordering), every column shown but the
    actions; cell values as `Table.as_values` gives them (plain columns read directly, see `_plain_cell`),
    the queryset read in chunks."""
    from django_tables2.rows import BoundRow

    columns = [c for c in table.columns.iterall()
               if not (c.column.exclude_from_export or c.name in exclude)]
    data = table.data.data  # the ordered queryset (or list) behind the table
    is_qs = hasattr(data, "iterator")

    def rows():
        records = data.iterator(chunk_size=CHUNK) if is_qs else iter(data)
        cells = [_plain_cell(table, c) for c in columns]
        for record in records:
            row = None
            out = []
            for c, plain in zip(columns, cells):
                if plain is not None:
                    out.append(plain(record))
                    continue
                row = row or BoundRow(record, table=table)
                out.append(force_str(row.get_cell_value(c.name), strings_only=True))
            yield out

    count = data.count() if is_qs else len(data)
    return Export(name, [str(c.header) for c in columns], rows, count, filters)


def _plain_cell(table, bound_column):
    """A fast reader of a plain column's export value (what `BoundRow.get_cell_value` gives, without asking
    for function signatures and choice lists at every cell): a `Column`/`DateColumn` the table neither renders
    nor values itself. Follows the accessor, shows a choice by its label, a related record as text, a date as
    a date (written as a date cell). None: let django-tables2 compute the cell."""
    import django_tables2 as tables
    from django.db import models

    column, name = bound_column.column, bound_column.name
    if type(column) not in (tables.Column, tables.DateColumn, tables.DateTimeColumn):
        return None
    if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
        return None
    parts = str(bound_column.accessor).replace("__", ".").split(".")
    labels: dict = {}  # model field → {value: label}

    def read(record):
        obj = record
        for i, part in enumerate(parts):
            if obj is None:
                return None
            if i == len(parts) - 1 and isinstance(obj, models.Model):
                try:
                    field = obj._meta.get_field(part)
                except Exception:
                    field = None
                if field is not None and field.choices:
                    table_ = labels.get(field)
                    if table_ is None:
                        table_ = labels[field] = {k: str(v) for k, v in field.flatchoices}
                    value = getattr(obj, field.attname)
                    return table_.get(value, value) if value not in (None, "") else None
            obj = getattr(obj, part, None)
            if callable(obj) and not isinstance(obj, models.Model) and not getattr(obj, "alters_data", False):
                obj = obj()
        if obj in column.empty_values:
            return None
        if isinstance(obj, models.Model):
            return str(obj)
        return force_str(obj, strings_only=True)

    return read


# ---------------------------------------------------------------- writing


def who(user) -> str:
    """The name an export is signed with: the user's display name (as the audit shows them)."""
    if user is None:
        return "系统"
    return (getattr(user, "display_name", "") or user.get_full_name() or user.get_username()) if hasattr(
        user, "get_username") else str(user)


def write(export: Export, target, progress: "jobs.Progress | None" = None, *, user=None,
          when: dt.datetime | None = None) -> int:
    """Stream the export into `target` (a path or a binary file) as a one-sheet workbook: bold frozen header,
    dates as dates, columns sized for Chinese text; every value through `excel.safe_value` (formulas as text,
    control characters stripped); signed with who exported it and when (`excel.sign`: the document
    properties and the page footer). Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\\/?*\[\]:]", "_", export.name)[:31] or "Sheet1")
    excel.sign(wb, [ws], who=who(user), when=when or timezone.now(), title=export.name,
               description=f"筛选条件：{export.filters or '全部（未筛选）'}")
    widths = export.widths or [max(10, min(40, len(str(h)) * 2 + 4)) for h in export.headers]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    head = []
    for h in export.headers:
        c = excel.safe_value(ws, str(h))
        if isinstance(c, str):
            c = WriteOnlyCell(ws, value=c)
        c.font, c.alignment = Font(bold=True), Alignment(horizontal="center")
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        head.append(c)
    ws.append(head)
    n = 0
    for row in export.rows():
        excel.write_row(ws, row)
        n += 1
        if progress is not None:
            progress.step(n)
    wb.save(target)
    return n


def _audit(job: Job, export: Export, rows: int) -> None:
    with audit.operation(job, "export", note=export.filters or "全部（未筛选）") as op:
        op.fact("导出清单", export.name)
        op.fact("筛选条件", export.filters or "全部（未筛选）")
        op.fact("导出行数", rows)


def _finish(job: Job, export: Export, progress: "jobs.Progress | None" = None) -> None:
    """Write the workbook into the job's output file and audit it (the job's own user acts)."""
    with tempfile.TemporaryFile() as tmp:
        rows = write(export, tmp, progress, user=job.user)
        tmp.seek(0)
        job.output_file.save(export.filename, File(tmp, name=export.filename), save=False)
    job.total = job.done = rows
    job.result = {"rows": rows, "list": export.name, "filters": export.filters}
    job.message = f"导出完成：共 {rows:,} 行。"
    _audit(job, export, rows)


# ---------------------------------------------------------------- the page's answer


def respond(request, export: Export, *, sync_rows: int | None = None):
    """The page's answer to `?export=xlsx`: the file at once (small), or a queued job (large)."""
    if getattr(request, "export_job", None) is not None:
        raise Collected(export)  # the worker replays the page: hand the rows to the job
    from .middleware import client_ip

    limit = SYNC_ROWS if sync_rows is None else sync_rows
    paths = scope.scope_paths(request.user)
    job = Job(kind="export", title=f"导出：{export.name}", user=request.user, org_path=paths[0] if paths else "",
              total=export.count,
              params={"path": request.path, "query": _query(request), "ip": client_ip(request),
                      "list": export.name, "filters": export.filters})
    if export.count > limit:
        job.save()
        with scope.bypass():
            jobs.submit(job)
        return redirect("core:job", pk=job.pk)
    try:
        job.status = Job.Status.RUNNING
        job.save()
        with audit.acting_as(request.user, ip=job.params["ip"]):
            _finish(job, export)
        job.status, job.finished_at = Job.Status.DONE, timezone.now()
        job.save()
    except Exception:
        log.exception("export %s failed", export.name)
        Job.objects.unrestricted().filter(pk=job.pk).update(
            status=Job.Status.FAILED, message="导出失败：生成文件时出错，已记录。请稍后重试，或联系系统管理员。")
        return export_error(request, export.name)
    with job.output_file.open("rb") as f:  # small: read whole, like every download page answers
        return excel.xlsx_response(export.filename, f.read())


def recorded(request, name: str, content: bytes, *, rows: int, filters: str = ""):
    """A workbook a page built itself (several sheets: a structure analysis), answered at once and recorded
    like every export: a finished `Job` with the file (我的任务) and the audit entry (导出)."""
    from .middleware import client_ip

    paths = scope.scope_paths(request.user)
    filename = f"{name}.xlsx"
    content = _signed(content, request.user, name, filters)
    job = Job(kind="export", title=f"导出：{name}", user=request.user, org_path=paths[0] if paths else "",
              status=Job.Status.DONE, total=rows, done=rows, finished_at=timezone.now(),
              result={"rows": rows, "list": name, "filters": filters}, message=f"导出完成：共 {rows:,} 行。",
              params={"path": request.path, "query": _query(request), "ip": client_ip(request), "list": name,
                      "filters": filters})
    job.output_file.save(filename, ContentFile(content), save=False)
    job.save()
    with audit.acting_as(request.user, ip=job.params["ip"]):
        _audit(job, Export(name, [], lambda: (), rows, filters), rows)
    return excel.xlsx_response(filename, content)


def _signed(content: bytes, user, name: str, filters: str) -> bytes:
    """A workbook a page built: its text cells neutralized (`excel.neutralize`) and signed (`excel.sign`)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    excel.neutralize(wb)
    excel.sign(wb, wb.worksheets, who=who(user), when=timezone.now(), title=name,
               description=f"筛选条件：{filters or '全部（未筛选）'}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_error(request, name: str, status: int = 500):
    """A Chinese page saying the export failed (never a bare server error)."""
    return render(request, "core/export_error.html", {"name": name}, status=status)


def _query(request) -> str:
    """The page's GET parameters as the worker replays them (`export=…` kept: it names what is exported)."""
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


# ---------------------------------------------------------------- the worker's side


def replay(job: Job) -> Export:
    """Run the page the export was asked on again, as the job's user with its GET parameters, up to its
    `respond` call; return the page's `Export` (same view, same scope, same filter)."""
    from django.contrib.messages.storage.cookie import CookieStorage

    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.params["path"]
    query = QueryDict(job.params.get("query", ""), mutable=True)
    query.setdefault("export", "xlsx")
    request.GET = query
    request.META.update({"REMOTE_ADDR": job.params.get("ip") or "127.0.0.1", "SERVER_NAME": "worker",
                         "SERVER_PORT": "80", "HTTP_HOST": "worker"})
    request.user = job.user
    request.export_job = job
    request._messages = CookieStorage(request)
    try:
        from django_htmx.middleware import HtmxDetails

        request.htmx = HtmxDetails(request)
    except ImportError:  # pragma: no cover
        pass
    match = resolve(request.path_info)
    request.resolver_match = match
    try:
        match.func(request, *match.args, **match.kwargs)
    except Collected as collected:
        return collected.export
    raise RuntimeError("该页面没有可导出的内容")


@jobs.runner("export")
def run_export(job: Job, progress: jobs.Progress) -> None:
    try:
        export = replay(job)
        progress.total(export.count)
        _finish(job, export, progress)
    except Exception:
        job.message = "导出失败：生成文件时出错，已记录。请稍后重试；如果仍然失败，请缩小筛选范围或联系系统管理员。"
        raise  # run_job logs it and marks the job failed
