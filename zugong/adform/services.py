"""Import and export of 任免审批表 files: preview, confirmed import (one transaction per file), batch export.

The import never stops at a bad file: each file gets a report row (new person / matched by ID number /
matched by name and birth month — written only once the user confirmed it / outside the user's scope /
unreadable, with the reason). A person outside the user's subtree is never matched by name and never changed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zugong.cadres.models import Cadre
from zugong.core import audit, scope

from . import lrmx, mapping, printing
from .formdata import FormError
from .mapping import Status
from .sources import SourceFile, parse_source


@dataclass
class FileResult:
    name: str
    status: str
    label: str
    who: str = ""
    changes: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    written: bool = False
    cadre_id: int | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _display_name(name: str, strip: str) -> str:
    return name[len(strip):] if strip and name.startswith(strip) else name


def preview(sources: list[SourceFile], user, organization, strip: str = "",
            progress: Callable[[int], None] | None = None) -> list[dict]:
    """What an import would do, file by file (nothing is written)."""
    out = []
    for i, src in enumerate(sources, 1):
        parsed = parse_source(src)
        name = _display_name(src.name, strip)
        if parsed.form is None:
            out.append(FileResult(name, Status.ERROR, Status.LABELS[Status.ERROR], error=parsed.error).as_dict())
        else:
            plan, _values = mapping.plan(parsed.form, user, organization)
            who = plan.who or parsed.form.name
            out.append(FileResult(name, plan.status, plan.label, who, plan.changes, plan.warnings, plan.error,
                                  cadre_id=plan.cadre_id).as_dict())
        if progress:
            progress(i)
    return out


def import_files(sources: list[SourceFile], user, organization, confirmed: Iterable[str] | None = None,
                 strip: str = "", note: str = "任免审批表导入",
                 progress: Callable[[int], None] | None = None, ip: str | None = None) -> list[dict]:
    """Import the files; name matches only when their (display) name is in `confirmed` (None: confirm all).

    Each file is written in its own transaction: a failure rolls back that file only and is reported.
    """
    if not scope.scope_paths(user, "change"):
        raise PermissionDenied("您没有导入干部信息的权限")
    confirmed = None if confirmed is None else set(confirmed)
    out = []
    with audit.acting_as(user, ip=ip):
        for i, src in enumerate(sources, 1):
            name = _display_name(src.name, strip)
            out.append(_import_one(src, name, user, organization, confirmed, note).as_dict())
            if progress:
                progress(i)
    return out


def _import_one(src, name, user, organization, confirmed, note) -> FileResult:
    parsed = parse_source(src)
    if parsed.form is None:
        return FileResult(name, Status.ERROR, Status.LABELS[Status.ERROR], error=parsed.error)
    plan, values = mapping.plan(parsed.form, user, organization)
    result = FileResult(name, plan.status, plan.label, plan.who or parsed.form.name, plan.changes, plan.warnings,
                        plan.error, cadre_id=plan.cadre_id)
    if values is None:
        return result
    if plan.status == Status.MATCHED_NAME and confirmed is not None and name not in confirmed:
        result.error = "按姓名和出生年月匹配，未确认，未导入"
        return result
    try:
        with transaction.atomic():
            cadre = mapping.apply(plan, values, user, organization, note=f"{note}：{name}")
    except (ValidationError, FormError, IntegrityError, PermissionDenied) as exc:
        result.error = _message(exc)
        return result
    result.written, result.cadre_id = True, cadre.pk
    if plan.status == Status.NEW:
        result.who = f"{cadre.name}（{cadre.organization.name}）"
    return result


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "；".join(f"{'；'.join(v)}" for v in exc.message_dict.values())
        return "；".join(exc.messages)
    if isinstance(exc, IntegrityError):
        return "与已有数据冲突（可能同一公民身份号码出现在两个文件中），未导入"
    return str(exc)


def summary(rows: list[dict]) -> dict:
    """Counts by status, and of the files written."""
    counts = Counter(r["status"] for r in rows)
    return {"total": len(rows), "written": sum(1 for r in rows if r.get("written")),
            **{s: counts.get(s, 0) for s in Status.LABELS}}


def report_lines(rows: list[dict]) -> list[str]:
    """The report as text lines (the CLI prints them)."""
    lines = []
    for r in rows:
        head = f"{r['name']}：{r['label']}"
        if r.get("who"):
            head += f"，{r['who']}"
        if r.get("written"):
            head += "，已导入"
        if r.get("error"):
            head += f"。{r['error']}"
        lines.append(head)
        if r.get("changes"):
            lines.append("    将修改：" + "；".join(f"{c['label']} {c['old'] or '（空）'} → {c['new'] or '（空）'}"
                                               for c in r["changes"][:12]))
        for w in r.get("warnings", []):
            lines.append(f"    提示：{w}")
    return lines


# ---------------------------------------------------------------- export


def export_name(cadre: Cadre, suffix: str = ".lrmx") -> str:
    return f"{cadre.name}{'-' + cadre.person.id_number[-4:] if cadre.person.id_number else ''}{suffix}"


def lrmx_bytes(cadre: Cadre, today: dt.date | None = None, *, full: bool = True) -> bytes:
    return lrmx.write_lrmx(mapping.form_of(cadre, today, full=full))


def export_zip(cadres: Iterable[Cadre], today: dt.date | None = None, *, full=True) -> tuple[bytes, int]:
    """Many cadres' .lrmx files in one .zip (UTF-8 names). `full`: whether a cadre's ID number is written whole
    (a bool, or a function of the cadre)."""
    buf = io.BytesIO()
    n = 0
    seen: set[str] = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for cadre in cadres:
            name = export_name(cadre)
            if name in seen:
                name = f"{cadre.pk}-{name}"
            seen.add(name)
            z.writestr(name, lrmx_bytes(cadre, today, full=full(cadre) if callable(full) else full))
            n += 1
    return buf.getvalue(), n


def print_docx(cadre: Cadre, *, full: bool = True) -> bytes:
    return printing.docx(mapping.form_of(cadre, full=full))


def print_pdf(cadre: Cadre, *, full: bool = True) -> bytes:
    return printing.pdf(mapping.form_of(cadre, full=full))
