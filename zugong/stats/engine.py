"""Computing the tables: every computed cell is a conditional count (or sum, or distinct count: the cell's
`measure`) over its population, counted in SQL —
all the cells of one population across all the tables asked for in as few statements as the database allows
(chunks of `CHUNK` counts, one pass over the population each), never a loop over rows in Python. Then the
cells defined as sums of other cells (`expr`), then the hand-entered ones (`ManualCell`).

    grids = compute(tables, Ctx.of(path, day), manual=report)  # {number: Grid}
    rows = drill(table, r, c, ctx)                             # the queryset behind one cell
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from . import populations
from .definitions import CellSpec, Table

CHUNK = 250  # counts per statement (SQLite allows 2,000 result columns; a narrower statement plans faster)


@dataclass
class Grid:
    """A table's figures: `values[r][c]` (an int, a Decimal for a hand-entered amount, or None: not entered),
    `sources[r][c]` ("computed", "manual" — entered by hand, "none" — 无数据来源 and not entered)."""

    number: int
    values: list[list]
    sources: list[list[str]]

    def value(self, r: int, c: int):
        return self.values[r][c]

    def as_json(self) -> dict:
        return {"values": [[_plain(v) for v in row] for row in self.values], "sources": self.sources}


def _plain(v):
    if v is None or isinstance(v, int):
        return v
    return int(v) if v == int(v) else float(v)


def aggregate(measure: str, q: Q):
    """The SQL aggregate of a cell's `measure` over the rows matching `q` ("count", "sum:field",
    "distinct:field": see `definitions`)."""
    kind, _, field = measure.partition(":")
    extra = {"filter": q} if q else {}
    if kind == "sum":
        return Sum(field, **extra)
    if kind == "distinct":
        return Count(field, distinct=True, **extra)
    return Count("pk", **extra)


def cell_q(spec: CellSpec, ctx: populations.Ctx) -> Q:
    pop = populations.get(spec.population)
    q = Q()
    for where in spec.where:
        q &= pop.q(where, ctx)
    return q


_CELL = re.compile(r"([+-]?)\s*R(\d+)C(\d+)")


def _eval(expr: str, values: list[list]) -> int | None:
    total = 0
    for sign, r, c in _CELL.findall(expr.replace(" ", "")):
        v = values[int(r)][int(c)]
        if v is None:
            return None
        total += -v if sign == "-" else v
    return total


def compute(tables: list[Table], ctx: populations.Ctx, manual=None) -> dict[int, Grid]:
    """The grids of `tables` for the subtree and date of `ctx`. `manual`: a `Report` whose `ManualCell`s fill
    the cells entered by hand (else those cells are None)."""
    grids: dict[int, Grid] = {}
    wanted: dict[str, list[tuple[int, int, int, Q, str]]] = {}
    exprs: list[tuple[int, int, int, str]] = []
    for table in tables:
        values = [[None] * len(table.columns) for _ in table.rows]
        sources = [["computed"] * len(table.columns) for _ in table.rows]
        for r, row in enumerate(table.specs()):
            for c, spec in enumerate(row):
                if spec.expr:
                    exprs.append((table.number, r, c, spec.expr))
                elif spec.source != "computed":
                    sources[r][c] = spec.source
                else:
                    wanted.setdefault(spec.population, []).append((table.number, r, c, cell_q(spec, ctx), spec.measure))
        grids[table.number] = Grid(table.number, values, sources)
    for code, cells in wanted.items():
        base = populations.get(code).base(ctx)
        for i in range(0, len(cells), CHUNK):
            chunk = cells[i:i + CHUNK]
            counts = base.aggregate(**{f"n{j}": aggregate(measure, q)
                                       for j, (_, _, _, q, measure) in enumerate(chunk)})
            for j, (number, r, c, _, _) in enumerate(chunk):
                grids[number].values[r][c] = counts[f"n{j}"] or 0
    if manual is not None:
        for cell in manual.manual_cells.unrestricted().filter(number__in=list(grids)):
            grid = grids[cell.number]
            if cell.row < len(grid.values) and cell.col < len(grid.values[0]):
                grid.values[cell.row][cell.col] = cell.value
                grid.sources[cell.row][cell.col] = "manual"
    for _ in range(3):  # an expression may read another expression's cell
        for number, r, c, expr in exprs:
            grids[number].values[r][c] = _eval(expr, grids[number].values)
    return grids


def compute_one(table: Table, ctx: populations.Ctx, manual=None) -> Grid:
    return compute([table], ctx, manual)[table.number]


def drill(table: Table, r: int, c: int, ctx: populations.Ctx) -> tuple[populations.Population, QuerySet] | None:
    """The population and the (unrestricted) rows counted in cell (r, c); None for a cell that is not counted
    (entered by hand, or a sum of other cells). The page narrows the rows to those the user may see by name
    (`Population.visible`) and says how many it leaves out."""
    spec = table.cell(r, c)
    if spec.expr or spec.source != "computed":
        return None
    pop = populations.get(spec.population)
    return pop, pop.base(ctx).filter(cell_q(spec, ctx))
