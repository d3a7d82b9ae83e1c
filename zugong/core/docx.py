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

__all__ = ["DOCX", "FONT", "RIGHT", "font", "new_document", "paragraph", "table", "title", "to_bytes"]

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
    """The document's title: centred, 18pt, bold."""
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
    font(p.add_run(text))
    return p


def table(doc, rows: list[tuple[str, str]]) -> None:
    """A bordered two-column table: the label (bold) and its value, one row per pair."""
    grid = doc.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in rows:
        cells = grid.add_row().cells
        font(cells[0].paragraphs[0].add_run(label), bold=True)
        font(cells[1].paragraphs[0].add_run(value or ""))


def to_bytes(doc) -> bytes:
    """The document saved as .docx bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
