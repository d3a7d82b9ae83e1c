"""Word (.docx) documents generated from records: one way to start a document, write a centred title,
paragraphs (first line indented two characters), a two-column table of labels and values, and get the bytes.

Chinese text is set in 宋体 in the East Asian font slot of every run (Word otherwise falls back to a Latin
font for CJK text); dates go through `zugong.core.dates.cn_date` (2025年3月1日). Views answer with
`DOCX` as the content type.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"

__all__ = ["DOCX", "FONT", "RIGHT", "font", "new_document", "paragraph", "sign", "table", "title", "to_bytes"]

RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def font(run, size: float | None = None, bold: bool = False) -> None:
    """Set a run in 宋体 (Latin and East Asian slots), with an optional size in points and bold."""
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def new_document() -> Document:
    """An empty document whose Normal style is 宋体 12pt."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return doc


def title(doc, text: str) -> None:
    """The document's title: centred, 18pt, bold (also the file's title property)."""
    text = _clean(text)
    if not doc.core_properties.title:
        doc.core_properties.title = text[:255]
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(p.add_run(text), size=18, bold=True)


def paragraph(doc, text: str, align=None, indent: bool = True):
    """A paragraph of text, its first line indented by two characters unless `indent` is False."""
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    font(p.add_run(_clean(text)))
    return p


def table(doc, rows: list[tuple[str, str]]) -> None:
    """A bordered two-column table: the label (bold) and its value, one row per pair."""
    grid = doc.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in rows:
        cells = grid.add_row().cells
        font(cells[0].paragraphs[0].add_run(_clean(label)), bold=True)
        font(cells[1].paragraphs[0].add_run(_clean(value or "")))


def _clean(text) -> str:
    """Text a Word document can hold (a control character stored in a record must not break the file)."""
    from .textguard import strip_for_xml

    return strip_for_xml(str(text))


def sign(doc, who: str | None = None, when=None) -> None:
    """Say in the file who made it and when: the core properties (author, created) and a footer line
    (导出人、导出时间) on every section. `who` defaults to whoever is acting (the request's user)."""
    from django.utils import timezone

    from .excel import current_signer

    who = who or current_signer()
    when = when or timezone.now()
    props = doc.core_properties
    props.author = props.last_modified_by = who
    props.created = props.modified = when
    text = f"导出人：{who}　导出时间：{timezone.localtime(when):%Y-%m-%d %H:%M}"
    for section in doc.sections:
        p = section.footer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(p.add_run(text), size=9)


def to_bytes(doc, *, signed: bool = True) -> bytes:
    """The document saved as .docx bytes, signed (`sign`) unless `signed=False`."""
    if signed:
        sign(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
