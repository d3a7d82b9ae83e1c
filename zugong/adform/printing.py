"""The printed 干部任免审批表: one A4 sheet, front and back, in the official editor's layout.

Front: title, basic data with the photo (age at 计算年龄时间 beside the birth month), 学历学位 (全日制 /
在职, 学历 and 学位 together), 现任 / 拟任 / 拟免职务, then the résumé filling the page. Back: 奖惩情况,
年度考核结果, 任免理由, the family table (称谓, 姓名, 年龄, 政治面貌, 工作单位及职务), 呈报单位, the approval boxes,
and 填表人. The ID number is not printed. Both printers (Word and PDF) take an `AdFormData`, so a form
can be printed from a file as well as from a cadre record.
"""

from __future__ import annotations

import base64
import io
import math
import re
from dataclasses import dataclass

from .formdata import AdFormData, age_at, dotted, month_date
from .resume import parse_resume

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FONT = "宋体"
FAMILY_ROWS = 7  # the printed family table has seven rows (more are listed, fewer leave blank rows)
RESUME_WIDTH_MM = 146  # text width of the résumé cell
RESUME_HEIGHT_MM = 118  # height available on the front page
DATE_COL_CHARS = 9  # "1987.07--1995.03  " is about nine CJK widths


@dataclass
class ResumeLine:
    dates: str
    text: str


def resume_lines(form: AdFormData) -> list[ResumeLine]:
    """The résumé as (dates, text) pairs for a hanging indent; unparseable text is printed as it is."""
    try:
        entries = parse_resume(form.resume)
    except Exception:  # noqa: BLE001 — print what the file says
        return [ResumeLine("", line) for line in form.resume.split("\n")]
    out = []
    for e in entries:
        dates = f"{e.start:%Y.%m}--{e.end:%Y.%m}" if e.end else f"{e.start:%Y.%m}--"
        during = f"（其间：{e.during}）" if e.during else ""
        out.append(ResumeLine(dates, e.text + during))
    return out


def resume_font_pt(lines: list[ResumeLine]) -> float:
    """The largest size (12 pt down to 7.5 pt) at which the résumé fits on the front page, as the editor
    shrinks a long résumé instead of running onto a second sheet."""
    for pt in (12, 11, 10.5, 10, 9, 8, 7.5):
        char_mm = pt * 0.3528
        per_line = max(1, int(RESUME_WIDTH_MM / char_mm) - DATE_COL_CHARS)
        needed = sum(max(1, math.ceil(_width(line.text) / per_line)) for line in lines)
        if needed * char_mm * 1.5 <= RESUME_HEIGHT_MM:
            return pt
    return 7.5


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def family_rows(form: AdFormData) -> list[list[str]]:
    rows = []
    for item in form.family:
        age = ""
        if re.fullmatch(r"\d{6}(\d{2})?", item.birth or "") and not re.search("去世|已故|病故|逝世", item.work):
            a = age_at(item.birth, form.age_as_of)
            age = str(a) if a is not None and a >= 0 else ""
        elif item.birth and not item.birth.isdigit():
            age = item.birth
        rows.append([item.relation, item.name, age, item.political_status, item.work])
    rows += [[""] * 5 for _ in range(max(0, FAMILY_ROWS - len(rows)))]
    return rows


def birth_text(form: AdFormData) -> str:
    age = age_at(form.birth, form.age_as_of) if form.age_as_of else None
    return f"{dotted(form.birth)}\n（{age}岁）" if age is not None else dotted(form.birth)


def party_text(form: AdFormData) -> str:
    text = form.party_joined
    if not text:
        return ""
    date, _, name = text.partition("；")
    if re.fullmatch(r"\d{6}(\d{2})?", date):
        return f"{dotted(date)}；{name}" if name else dotted(date)
    return text


def filled_text(form: AdFormData) -> str:
    d = month_date(form.filled_on)
    return f"{d.year}年{d.month}月{d.day}日" if d and len(form.filled_on) == 8 else (
        f"{d.year}年{d.month}月" if d else "")


def context(form: AdFormData) -> dict:
    lines = resume_lines(form)
    photo = ""
    if form.photo:
        mime = "image/png" if form.photo[:4] == b"\x89PNG" else "image/jpeg"
        photo = f"data:{mime};base64,{base64.b64encode(form.photo).decode('ascii')}"
    return {
        "f": form, "birth": birth_text(form), "party": party_text(form), "work_started": dotted(form.work_started),
        "full_edu": form.education_line(False), "full_school": form.school_line(False),
        "onjob_edu": form.education_line(True), "onjob_school": form.school_line(True),
        "resume": lines, "resume_pt": resume_font_pt(lines), "family": family_rows(form), "photo": photo,
        "filled": filled_text(form),
    }


# ---------------------------------------------------------------- PDF (WeasyPrint)


def html(form: AdFormData) -> str:
    from django.template.loader import render_to_string

    return render_to_string("adform/print.html", context(form))


def pdf(form: AdFormData) -> bytes:
    return pdf_many([form])


def pdf_many(forms: list[AdFormData]) -> bytes:
    """Several forms in one PDF (each on its own sheet)."""
    from weasyprint import HTML

    documents = [HTML(string=html(f)).render() for f in forms]
    first = documents[0]
    pages = [p for d in documents for p in d.pages]
    return first.copy(pages).write_pdf()


# ---------------------------------------------------------------- Word (python-docx)


def docx(form: AdFormData) -> bytes:
    from . import printing_docx

    return printing_docx.build(form, context(form))


def safe_filename(form: AdFormData, suffix: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "", form.name) or "任免审批表"
    return f"{name}任免审批表{suffix}"


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
