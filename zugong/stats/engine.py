"""Computing the tables: every computed cell counts (or sums, or counts the distinct values of: the cell's
`measure`) the rows of its population satisfying a conjunction of predicates, counted in SQL, never by a loop
over the population's rows in Python.

One statement per population, whatever the number of cells: each distinct predicate of the cells asked for
(an *atom*: `{"sex": "female"}`, `{"age_max": 30}` …) becomes one bit of a mask computed per row, and the rows
are counted grouped by their masks (the *cube*: a few thousand groups for a province's 2.6 million members,
against 812 member cells). A cell is then the sum of the groups whose mask holds all its atoms, added up in
Python over the cube projected onto its table's atoms. Sums (`sum:<field>`) ride in the cube; distinct counts
(`distinct:<field>`) cannot be added across groups and are counted as conditional aggregates (`aggregate`).
Then the cells defined as sums of other cells (`expr`), then the hand-entered ones (`ManualCell`).

    grids = compute(tables, Ctx.of(path, day), manual=report)  # {number: Grid}
    rows = drill(table, r, c, ctx)                             # the queryset behind one cell
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import reduce
from operator import add

from django.db.models import BigIntegerField, Case, Count, Q, QuerySet, Sum, Value, When

from . import populations
from .definitions import CellSpec, Table

BITS = 62  # atoms per mask column (a signed 64-bit integer on both databases)


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


Atom = tuple[str, str]  # (predicate key, its value as JSON): one bit of the cube's mask


def cell_atoms(spec: CellSpec) -> list[tuple[Atom, object]]:
    """The distinct predicates a cell's rows must all satisfy, with their values."""
    out: dict[Atom, object] = {}
    for where in spec.where:
        for key, value in where.items():
            out[(key, json.dumps(value, sort_keys=True, ensure_ascii=False))] = value
    return list(out.items())


def _cube(pop: populations.Population, base: QuerySet, atoms: dict[Atom, object], sums: list[str],
          ctx: populations.Ctx) -> list[tuple[int, int, dict]]:
    """The population's rows counted by the set of `atoms` they satisfy: [(mask, rows, {field: sum})], bit i
    of the mask set when the row satisfies the i-th atom (in the order of `atoms`)."""
    parts = []
    for j, ((key, _), value) in enumerate(atoms.items()):
        q = pop.q({key: value}, ctx)
        one = Value(1 << (j % BITS), output_field=BigIntegerField())
        parts.append(Case(When(q, then=one), default=Value(0), output_field=BigIntegerField()) if q else one)
    masks = {f"m{i // BITS}": reduce(add, parts[i:i + BITS]) for i in range(0, len(parts), BITS)}
    masks = masks or {"m0": Value(0, output_field=BigIntegerField())}
    rows = (base.annotate(**masks).values(*masks).order_by()
            .annotate(_n=Count("pk"), **{f"_s_{f}": Sum(f) for f in sums}))
    return [(sum((r[m] or 0) << (BITS * i) for i, m in enumerate(masks)), r["_n"],
             {f: r[f"_s_{f}"] or 0 for f in sums}) for r in rows]


def count_cells(pop: populations.Population, ctx: populations.Ctx, cells: list, grids: dict) -> None:
    """Fill `grids` with the cells of one population: [(number, r, c, atoms, measure)]."""
    base = pop.base(ctx)
    distinct = [cell for cell in cells if cell[4].startswith("distinct:")]
    if distinct:  # not additive across the cube's groups: one conditional aggregate each
        counts = base.aggregate(**{f"n{j}": aggregate(measure, _atoms_q(pop, atoms, ctx))
                                   for j, (_, _, _, atoms, measure) in enumerate(distinct)})
        for j, (number, r, c, _, _) in enumerate(distinct):
            grids[number].values[r][c] = counts[f"n{j}"] or 0
    cells = [cell for cell in cells if not cell[4].startswith("distinct:")]
    if not cells:
        return
    bit: dict[Atom, int] = {}
    values: dict[Atom, object] = {}
    for *_, atoms, _ in cells:
        for atom, value in atoms:
            if atom not in bit:
                bit[atom], values[atom] = len(bit), value
    sums = sorted({m.partition(":")[2] for *_, m in cells if m.startswith("sum:")})
    cube = _cube(pop, base, values, sums, ctx)
    by_table: dict[int, list] = {}
    for number, r, c, atoms, measure in cells:
        need = sum(1 << bit[atom] for atom, _ in atoms)
        by_table.setdefault(number, []).append((r, c, need, measure.partition(":")[2]))
    for number, wanted in by_table.items():
        used = reduce(lambda a, b: a | b, (need for _, _, need, _ in wanted), 0)
        projected: dict[int, list] = {}  # the cube on this table's atoms only: far fewer groups
        for mask, n, summed in cube:
            acc = projected.setdefault(mask & used, [0, dict.fromkeys(sums, 0)])
            acc[0] += n
            for f in sums:
                acc[1][f] += summed[f]
        for r, c, need, field in wanted:
            grids[number].values[r][c] = sum((acc[1][field] if field else acc[0])
                                             for mask, acc in projected.items() if mask & need == need)


def _atoms_q(pop: populations.Population, atoms: list, ctx: populations.Ctx) -> Q:
    return reduce(lambda a, b: a & b, (pop.q({key: value}, ctx) for (key, _), value in atoms), Q())


def compute(tables: list[Table], ctx: populations.Ctx, manual=None) -> dict[int, Grid]:
    """The grids of `tables` for the subtree and date of `ctx`. `manual`: a `Report` whose `ManualCell`s fill
    the cells entered by hand (else those cells are None)."""
    grids: dict[int, Grid] = {}
    wanted: dict[str, list[tuple[int, int, int, list, str]]] = {}
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
                    wanted.setdefault(spec.population, []).append((table.number, r, c, cell_atoms(spec), spec.measure))
        grids[table.number] = Grid(table.number, values, sources)
    for code, cells in wanted.items():
        count_cells(populations.get(code), ctx, cells, grids)
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
