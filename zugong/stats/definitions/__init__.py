"""The statistics tables as versioned data: one JSON file per table in `definitions/<edition>/tNN.json`,
installed into `Edition` / `TableDef` rows (`install`, the installer `stats-<edition>` in `stats/defaults.py`),
read back as `Table` objects by the engine, the pages, the checks and the export.

A table's file (every key but `number`, `title`, `rows` and `columns` may be left out):

    {"number": 2, "title": "党员基本情况", "unit": "名",
     "population": "members",              # the default population of every cell (`populations.POPULATIONS`)
     "where": {...},                       # predicates every cell of the table shares
     "columns": [{"label": "总数"},
                 {"label": "30岁及以下", "group": "年龄", "where": {"age_max": 30}}, ...],
     "rows": [{"label": "总计"},
              {"label": "合计", "group": "公有制单位", "where": {"occupation": ["11", "12"]}},
              {"label": "发展党员", "population": "new_members"}, ...],     # a row (column) of another population
     "cells": [{"rows": [3], "cols": "*", "source": "none"},          # 无数据来源: entered by hand
               {"rows": [6], "cols": [0], "expr": "R0C0 + R1C0 - R4C0"},  # computed from other cells
               {"rows": [2], "cols": [0], "population": "exits", "where": {...}}],  # one cell's own population
     "formulas": ["r0 = r1 + r19 + r21 + r22 + r23 + r24", "c0 >= c1", "R6C0 = R0C0 + R1C0 - R4C0"],
     "checks": [{"code": "named_list", "cells": [[4, 0]], "text": "恢复党籍的，附名单"}],
     "source": "2017年版党内统计年报 表2", "note": "..."}

- A cell's population is its own, else its row's, else its column's, else the table's. It counts the rows of
  that population satisfying its row's, its column's and its own `where` and, when the population is the
  table's, the table's `where` (all of them: a key given twice is applied twice). A predicate's key names a filter of the population
  (`populations.Population.predicates`); its value is the filter's parameter (a code list, a number, a boolean).
- `group` gives a column (row) a header above it: consecutive columns of one group share the merged header
  cell; a column without a group spans both header rows. Columns and rows are numbered from 1 in the official
  layout (栏次, 行次); in formulas and `cells` they are indexed from 0.
- `source`: "computed" (the default), "none" (zugong holds no data for it: 无数据来源, entered in the
  supplementary sheet), "manual" (a 补充资料 figure entered by hand). `expr`: the cell is the sum and difference
  of other cells (RnCm).
- `measure` (a cell's, else its row's, else its column's; default "count"): what the cell adds up over its
  rows — "count" (how many rows), "sum:<field>" (the sum of a numeric field of the population's rows, e.g.
  "sum:employees": 在岗职工 of the units counted; no rows → 0) or "distinct:<field>" (how many distinct
  non-empty values, e.g. "distinct:joint_organization": 联合党支部数 over the units covered by joint branches).
- Formulas (checked by `checks`): `rA = rB + rC - rD` for every column, `cA = cB + …` for every row,
  `RaCb = …` for one cell; the relation is =, >= or <=.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
EDITIONS = {"2017": "2017年版党内统计年报"}
SOURCES = ("computed", "none", "manual")


class DefinitionError(ValueError):
    """A table's definition that cannot be read (the message names the table and the part)."""


@dataclass(frozen=True)
class Axis:
    label: str
    where: dict
    group: str = ""
    population: str = ""
    measure: str = ""


MEASURE = re.compile(r"count|(sum|distinct):[a-z_]+")


@dataclass(frozen=True)
class CellSpec:
    """What one cell is: `source` computed (by `population` and the merged `where` list), none, manual, or
    an `expr` over other cells."""

    source: str
    population: str = ""
    where: tuple = ()
    expr: str = ""
    measure: str = "count"


@dataclass
class Table:
    number: int
    title: str
    population: str
    rows: list[Axis]
    columns: list[Axis]
    where: dict = field(default_factory=dict)
    cells: list[dict] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    unit: str = "名"
    source: str = ""
    note: str = ""

    @classmethod
    def from_json(cls, data: dict) -> "Table":
        try:
            number = int(data["number"])
            rows = [Axis(r["label"], r.get("where", {}), r.get("group", ""), r.get("population", ""),
                         r.get("measure", "")) for r in data["rows"]]
            cols = [Axis(c["label"], c.get("where", {}), c.get("group", ""), c.get("population", ""),
                         c.get("measure", "")) for c in data["columns"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise DefinitionError(f"表{data.get('number', '?')}：定义缺少 number、rows 或 columns（{exc}）") from exc
        table = cls(number=number, title=data.get("title", ""), population=data.get("population", ""),
                    rows=rows, columns=cols, where=data.get("where", {}), cells=data.get("cells", []),
                    formulas=data.get("formulas", []), checks=data.get("checks", []),
                    unit=data.get("unit", "名"), source=data.get("source", ""), note=data.get("note", ""))
        table.validate()
        return table

    def _indexes(self, spec, n: int, what: str) -> list[int]:
        if spec == "*":
            return list(range(n))
        out = [int(i) for i in spec]
        bad = [i for i in out if not 0 <= i < n]
        if bad:
            raise DefinitionError(f"表{self.number}：cells 中的{what} {bad} 超出范围（共 {n} {what}）")
        return out

    def validate(self) -> None:
        for spec in self.cells:
            self._indexes(spec.get("rows", "*"), len(self.rows), "行")
            self._indexes(spec.get("cols", "*"), len(self.columns), "列")
            if spec.get("source", "computed") not in SOURCES:
                raise DefinitionError(f"表{self.number}：未知的 source {spec.get('source')!r}")
        for measure in [s.get("measure", "") for s in self.cells] + [a.measure for a in self.rows + self.columns]:
            if measure and not MEASURE.fullmatch(measure):
                raise DefinitionError(f"表{self.number}：未知的 measure {measure!r}（应为 count、sum:字段 或 distinct:字段）")
        for formula in self.formulas:
            parse_formula(formula, self)

    def cell(self, r: int, c: int) -> CellSpec:
        """The resolved definition of cell (r, c): the last `cells` entry naming it wins."""
        spec: dict = {}
        for entry in self.cells:
            if r in self._indexes(entry.get("rows", "*"), len(self.rows), "行") and \
                    c in self._indexes(entry.get("cols", "*"), len(self.columns), "列"):
                spec = {**spec, **entry}
        source = spec.get("source", "computed")
        if spec.get("expr"):
            return CellSpec("computed", expr=spec["expr"])
        if source != "computed":
            return CellSpec(source)
        population = (spec.get("population") or self.rows[r].population or self.columns[c].population
                      or self.population)
        if not population:
            raise DefinitionError(f"表{self.number}：第 {r + 1} 行第 {c + 1} 列没有统计对象（population）")
        table_where = self.where if population == self.population else {}
        wheres = [table_where, self.rows[r].where, self.columns[c].where, spec.get("where", {})]
        measure = spec.get("measure") or self.rows[r].measure or self.columns[c].measure or "count"
        return CellSpec("computed", population=population, where=tuple(w for w in wheres if w), measure=measure)

    def specs(self) -> list[list[CellSpec]]:
        return [[self.cell(r, c) for c in range(len(self.columns))] for r in range(len(self.rows))]

    def header_rows(self) -> list[list[dict]]:
        """The column headers as the official layout draws them: one row when no column has a group, else two
        (a group's label spans its consecutive columns; a column without a group spans both rows)."""
        if not any(c.group for c in self.columns):
            return [[{"label": c.label, "colspan": 1, "rowspan": 1} for c in self.columns]]
        top, bottom = [], []
        for c in self.columns:
            if not c.group:
                top.append({"label": c.label, "colspan": 1, "rowspan": 2})
            elif top and top[-1].get("group") == c.group:
                top[-1]["colspan"] += 1
                bottom.append({"label": c.label, "colspan": 1, "rowspan": 1})
            else:
                top.append({"label": c.group, "colspan": 1, "rowspan": 1, "group": c.group})
                bottom.append({"label": c.label, "colspan": 1, "rowspan": 1})
        return [top, bottom]

    def row_labels(self) -> list[dict]:
        """Each row's label and group (the group's label is shown once, spanning its consecutive rows)."""
        out, previous = [], None
        for r in self.rows:
            span_start = bool(r.group) and r.group != previous
            out.append({"label": r.label, "group": r.group, "group_start": span_start})
            previous = r.group or None
        for i, item in enumerate(out):
            if item["group_start"]:
                n = 1
                while i + n < len(out) and out[i + n]["group"] == item["group"] and not out[i + n]["group_start"]:
                    n += 1
                item["group_span"] = n
        return out


_TERM = re.compile(r"\s*([+-])?\s*(R\d+C\d+|r\d+|c\d+)\s*")


@dataclass(frozen=True)
class Formula:
    text: str
    kind: str  # "row" (rA = rB …, every column), "col", "cell"
    target: tuple[int, ...]
    relation: str
    terms: tuple[tuple[int, tuple[int, ...]], ...]  # (sign, index or (row, col))


def _ref(token: str) -> tuple[str, tuple[int, ...]]:
    if token.startswith("R"):
        r, c = token[1:].split("C")
        return "cell", (int(r), int(c))
    return ("row" if token[0] == "r" else "col"), (int(token[1:]),)


def parse_formula(text: str, table: Table | None = None) -> Formula:
    """`rA = rB + rC - rD` (every column), `cA >= cB` (every row), `RaCb = RcCd + …` (one cell)."""
    m = re.fullmatch(r"\s*(\S+)\s*(=|>=|<=)\s*(.+)", text)
    where = f"表{table.number}" if table else "公式"
    if not m:
        raise DefinitionError(f"{where}：公式 {text!r} 无法识别（应为“左边 = 右边”）")
    kind, target = _ref(m.group(1))
    terms, pos, rhs = [], 0, m.group(3)
    while pos < len(rhs):
        t = _TERM.match(rhs, pos)
        if not t or t.end() == pos:
            raise DefinitionError(f"{where}：公式 {text!r} 的右边无法识别")
        k, ref = _ref(t.group(2))
        if k != kind:
            raise DefinitionError(f"{where}：公式 {text!r} 混用了行、列和单元格")
        terms.append((-1 if t.group(1) == "-" else 1, ref))
        pos = t.end()
    if table is not None:
        n = {"row": len(table.rows), "col": len(table.columns)}
        for ref in (target, *(ref for _, ref in terms)):
            limits = (len(table.rows), len(table.columns)) if kind == "cell" else (n[kind],)
            if any(not 0 <= i < lim for i, lim in zip(ref, limits)):
                raise DefinitionError(f"{where}：公式 {text!r} 引用的行列超出范围")
    return Formula(text, kind, target, m.group(2), tuple(terms))


def files(edition: str) -> list[Path]:
    return sorted((HERE / edition).glob("t*.json"), key=lambda p: int(p.stem[1:]))


def _expand(value, shared: dict, where: str):
    """`{"$ref": name}` (a whole list, or one item spliced into a list) → the edition's `_shared.json[name]`."""
    if isinstance(value, dict) and set(value) == {"$ref"}:
        try:
            return shared[value["$ref"]]
        except KeyError:
            raise DefinitionError(f"{where}：_shared.json 中没有 {value['$ref']}") from None
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict) and set(item) == {"$ref"}:
                out.extend(_expand(item, shared, where))
            else:
                out.append(item)
        return out
    return value


def read_data(edition: str) -> list[dict]:
    """The definitions of an edition's files with the shared parts written out (what `TableDef` stores)."""
    shared_file = HERE / edition / "_shared.json"
    shared = json.loads(shared_file.read_text(encoding="utf-8")) if shared_file.exists() else {}
    out = []
    for path in files(edition):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DefinitionError(f"{path.name}：不是有效的 JSON（第 {exc.lineno} 行）") from exc
        for key in ("rows", "columns", "formulas", "cells", "checks"):
            if key in data:
                data[key] = _expand(data[key], shared, path.name)
        out.append(data)
    return out


def read(edition: str) -> list[Table]:
    """The tables of an edition's files (validated), by number."""
    return [Table.from_json(data) for data in read_data(edition)]


def install(edition: str, reset: bool = False) -> list[tuple[str, bool]]:
    """Write an edition's files into `Edition` and `TableDef` (one row per table; an existing table is
    replaced only with `reset`). Rows of (table code, created)."""
    from zugong.core import audit

    from ..models import Edition, TableDef

    datas = read_data(edition)
    for data in datas:
        Table.from_json(data)  # validated before anything is written
    out = []
    with audit.operation(None, "install", note=f"安装党内统计报表定义（{EDITIONS.get(edition, edition)}）"):
        row, _ = Edition.objects.get_or_create(code=edition, defaults={"name": EDITIONS.get(edition, edition)})
        for data in datas:
            number, title = int(data["number"]), data.get("title", "")
            existing = TableDef.objects.filter(edition=row, number=number).first()
            if existing is None:
                TableDef.objects.create(edition=row, number=number, title=title, definition=data)
                out.append((f"{edition}-表{number}", True))
            elif reset or existing.definition != data:
                existing.title, existing.definition = title, data
                existing.save()
                out.append((f"{edition}-表{number}", False))
    return out


def load(edition: str) -> list[Table]:
    """The installed tables of an edition, by number (from the database: what a report is computed with)."""
    from ..models import TableDef

    return [Table.from_json(t.definition) for t in TableDef.objects.filter(edition__code=edition)
            .order_by("number")]


def load_table(edition: str, number: int) -> Table | None:
    from ..models import TableDef

    row = TableDef.objects.filter(edition__code=edition, number=number).first()
    return Table.from_json(row.definition) if row else None
