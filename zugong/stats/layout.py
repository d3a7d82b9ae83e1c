"""A table in its official layout, the same for the page and the workbook: the label columns (项目: a row
group's label beside its rows when the table groups rows), 行次, the multi-level column headers placed on a grid
(each with its row, column and spans), the 栏次 numbers and the body rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import definitions


@dataclass
class HeaderCell:
    label: str
    row: int  # 0-based header row
    col: int  # 0-based data column
    rowspan: int = 1
    colspan: int = 1


@dataclass
class BodyRow:
    index: int  # 0-based row of the table (行次 is index + 1)
    label: str
    group: str = ""
    group_span: int = 0  # > 0 on a group's first row: the group's label spans that many rows
    in_group: bool = False
    cells: list = field(default_factory=list)


@dataclass
class Layout:
    table: definitions.Table
    label_cols: int  # 1, or 2 when rows are grouped (the group's label, then the row's)
    header_depth: int
    header: list[list[HeaderCell]]
    rows: list[BodyRow]

    @property
    def width(self) -> int:
        return self.label_cols + 1 + len(self.table.columns)


def layout(table: definitions.Table) -> Layout:
    header_rows = table.header_rows()
    depth = len(header_rows)
    taken: set[tuple[int, int]] = set()
    header: list[list[HeaderCell]] = []
    for i, items in enumerate(header_rows):
        placed, col = [], 0
        for item in items:
            while (i, col) in taken:
                col += 1
            rs, cs = int(item.get("rowspan", 1)), int(item.get("colspan", 1))
            placed.append(HeaderCell(item["label"], i, col, rs, cs))
            for a in range(i, i + rs):
                for b in range(col, col + cs):
                    taken.add((a, b))
            col += cs
        header.append(placed)
    grouped = any(r.group for r in table.rows)
    rows = []
    for r, item in enumerate(table.row_labels()):
        rows.append(BodyRow(r, item["label"], item.get("group", ""),
                            item.get("group_span", 0) if item.get("group_start") else 0,
                            bool(item.get("group"))))
    return Layout(table, 2 if grouped else 1, depth, header, rows)


def plain(value):
    """A figure as shown: an int, a hand-entered amount without trailing zeros, or None."""
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value) if value == int(value) else float(value)
    except (TypeError, ValueError):
        return value
