"""Structure analysis of leadership teams (班子结构分析): one grouped aggregate query per view.

The people counted are the cadres holding a team post on the day of the analysis, each once (a 县长 who is
also 县委副书记 counts once in the county). For a team, its holders; for a subtree, the holders of every team
in it, grouped by the next level of organizations or by team level. Bands are CASE expressions over the
columns copied onto `cadres.Cadre` (birth date, sex, ethnicity, education, political status), with the age
limits turned into birth-date bounds in Python, so nothing is computed row by row outside the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Substr

from zugong.core.dates import add_years

from . import queries, standards

AGE_BANDS = [("35岁及以下", None, 35), ("36—40岁", 36, 40), ("41—45岁", 41, 45), ("46—50岁", 46, 50),
             ("51—55岁", 51, 55), ("56岁及以上", 56, None)]
EDUCATION_BANDS = [("研究生", ("10", "11", "14")), ("大学本科", ("20",)), ("大学专科", ("30",)),
                   ("中专及以下", ("40", "60", "70", "80", "90")), ("未填写", ("",))]
PARTY_BANDS = [("中共党员", ("01", "02")), ("民主党派", ("04", "05", "06", "07", "08", "09", "10", "11")),
               ("无党派人士", ("12",)), ("群众及其他", ("03", "13"))]
TENURE_BANDS = [("不满1年", 0, 1), ("1—3年", 1, 3), ("3—5年", 3, 5), ("5—10年", 5, 10), ("10年及以上", 10, None)]
# Professional background (专业背景) from 熟悉专业有何专长 and 专业技术职务: the first category whose keyword occurs.
PROFESSIONS = [
    ("党务综合", ("党务", "党建", "组织", "人事", "宣传", "纪检", "政工", "统战", "文字", "综合")),
    ("经济财政", ("经济", "金融", "财政", "财务", "会计", "商务", "统计", "审计", "招商")),
    ("法律政法", ("法律", "法学", "政法", "公安", "司法")),
    ("农业农村", ("农业", "农村", "乡村", "林业", "水利", "畜牧", "扶贫")),
    ("工程技术", ("工程", "建设", "规划", "交通", "能源", "煤炭", "信息", "计算机", "科技", "工业", "环保", "生态")),
    ("教科文卫", ("教育", "文化", "卫生", "医", "旅游", "体育", "新闻")),
    ("社会治理", ("社会", "民政", "信访", "应急", "安全", "群众", "基层治理")),
]
PROFESSION_BANDS = [*(label for label, _ in PROFESSIONS), "其他", "未填写"]

INDICATORS = [("total", "人数"), ("avg_age", "平均年龄"), ("young", "年轻干部"), ("women", "女干部"),
              ("minority", "少数民族"), ("nonparty", "党外干部")]
DIMENSIONS = [
    ("age", "年龄", [b[0] for b in AGE_BANDS]),
    ("education", "学历", [b[0] for b in EDUCATION_BANDS]),
    ("party", "政治面貌", [b[0] for b in PARTY_BANDS]),
    ("profession", "专业背景", PROFESSION_BANDS),
    ("tenure", "任现职年限", [b[0] for b in TENURE_BANDS]),
]


class DateInt(Func):
    """A date as the integer YYYYMMDD, so a whole-years age is (asof − birth) // 10000 in plain SQL. On SQLite
    the stored text without its dashes (Django's EXTRACT there is a Python function called per row)."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # EXTRACT gives numeric on PostgreSQL: cast, so that the age's division by 10000 truncates.
        return (f"CAST(EXTRACT(YEAR FROM {sql}) * 10000 + EXTRACT(MONTH FROM {sql}) * 100 "
                f"+ EXTRACT(DAY FROM {sql}) AS integer)", [*params, *params, *params])

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(REPLACE(SUBSTR({sql}, 1, 10), '-', '') AS INTEGER)", params


def _date_int(field_name: str):
    return DateInt(F(field_name))


def aggregates(as_of: dt.date, c: str = "cadre__", tenure: str = "post__start_on") -> dict:
    """The conditional aggregates of a structure, keyed `n`, `age_sum`, `aged`, `young`, …, `age_0` …

    Professional background is counted apart (see `grouped_values`). `c` leads from the counted rows to the cadre's columns ("cadre__" from seats, "" from cadres); `tenure`
    is the date the current post started."""
    birth = f"{c}birth_date"
    on = as_of.year * 10000 + as_of.month * 100 + as_of.day
    out = {
        "n": Count("pk"),
        "aged": Count("pk", filter=Q(**{f"{birth}__isnull": False})),
        "age_sum": Sum(Cast((Value(on) - _date_int(birth)) / Value(10000), IntegerField())),
        "young": Count("pk", filter=Q(**{f"{birth}__gt": F("young_from")})),
        "women": Count("pk", filter=Q(**{f"{c}sex": "2"})),
        "minority": Count("pk", filter=~Q(**{f"{c}ethnicity__in": ("01", "")})),
        "nonparty": Count("pk", filter=~Q(**{f"{c}party_status__in": ("01", "02")})),
    }
    for i, (_label, low, high) in enumerate(AGE_BANDS):
        q = Q()
        if low is not None:  # age ≥ low  ⇔  born on or before as_of − low years
            q &= Q(**{f"{birth}__lte": add_years(as_of, -low)})
        if high is not None:  # age ≤ high ⇔  born after as_of − (high + 1) years
            q &= Q(**{f"{birth}__gt": add_years(as_of, -(high + 1))})
        out[f"age_{i}"] = Count("pk", filter=q)
    for i, (_label, codes) in enumerate(EDUCATION_BANDS):
        out[f"education_{i}"] = Count("pk", filter=Q(**{f"{c}education__in": codes}))
    for i, (_label, codes) in enumerate(PARTY_BANDS):
        out[f"party_{i}"] = Count("pk", filter=Q(**{f"{c}party_status__in": codes}))
    for i, (_label, low, high) in enumerate(TENURE_BANDS):
        q = Q(**{f"{tenure}__lte": add_years(as_of, -low)}) if low else Q(**{f"{tenure}__isnull": False})
        if high is not None:
            q &= Q(**{f"{tenure}__gt": add_years(as_of, -high)})
        out[f"tenure_{i}"] = Count("pk", filter=q)
    return out


@lru_cache(maxsize=100_000)
def profession_of(specialty: str, title: str) -> int:
    """The professional-background band (0 … len(PROFESSIONS) + 1) of a 专长 and 专业技术职务."""
    specialty, title = specialty or "", title or ""
    if not specialty and not title:
        return len(PROFESSIONS) + 1
    for i, (_label, keywords) in enumerate(PROFESSIONS):
        if any(kw in specialty or kw in title for kw in keywords):
            return i
    return len(PROFESSIONS)


@dataclass
class Row:
    """One line of a structure: the indicators and the band counts of each dimension."""

    key: object = None
    label: str = ""
    n: int = 0
    avg_age: float | None = None
    young: int = 0
    women: int = 0
    minority: int = 0
    nonparty: int = 0
    bands: dict = field(default_factory=dict)  # dimension code → [count per band]
    url: str = ""

    values: dict = field(default_factory=dict)

    @classmethod
    def combine(cls, rows, label="合计") -> "Row":
        """The sum of rows counting disjoint people (e.g. the children of a subtree)."""
        rows = list(rows)
        keys = {k for r in rows for k in r.values if k != "group_key"}
        return cls.of({k: sum(r.values.get(k) or 0 for r in rows) for k in keys}, label=label)

    @classmethod
    def of(cls, values: dict, key=None, label="") -> "Row":
        row = cls(key=key, label=label, values=dict(values), n=values.get("n") or 0, young=values.get("young") or 0,
                  women=values.get("women") or 0, minority=values.get("minority") or 0,
                  nonparty=values.get("nonparty") or 0)
        aged = values.get("aged") or 0
        row.avg_age = round((values.get("age_sum") or 0) / aged, 1) if aged else None
        for code, _title, labels in DIMENSIONS:
            row.bands[code] = [values.get(f"{code}_{i}") or 0 for i in range(len(labels))]
        return row

    def share(self, count: int) -> str:
        return f"{count * 100 / self.n:.1f}%" if self.n else "—"

    @property
    def indicators(self) -> list[tuple[str, object, str]]:
        """(label, value, share) for the summary line."""
        return [("人数", self.n, ""), ("平均年龄", self.avg_age if self.avg_age is not None else "—", ""),
                ("年轻干部", self.young, self.share(self.young)), ("女干部", self.women, self.share(self.women)),
                ("少数民族", self.minority, self.share(self.minority)),
                ("党外干部", self.nonparty, self.share(self.nonparty))]


def holders(seats: QuerySet, as_of: dt.date) -> QuerySet:
    """The seats of `seats` held on `as_of`, one per cadre, with the young-cadre bound of each seat's team."""
    held = seats.filter(queries.holding_q(as_of))
    return queries.one_seat_per_cadre(held).annotate(young_from=standards.young_bound(as_of))


def _is_cadres(qs: QuerySet) -> bool:
    return qs.model._meta.label == "cadres.Cadre"


def _prepared(qs: QuerySet, as_of: dt.date) -> tuple[QuerySet, dict, str]:
    """Seats (TeamMember rows): the holders, once per cadre, level of the team. Cadres (the whole cadre
    population, 干部队伍): those in office, the level of their rank, tenure from 任现职务时间."""
    if _is_cadres(qs):
        qs = qs.filter(status="active").annotate(
            young_from=standards.young_bound(as_of, level_field="rank_level", path_field="org_path"))
        return qs, aggregates(as_of, c="", tenure="post_started_on"), ""
    return holders(qs, as_of), aggregates(as_of), "cadre__"


def total(rows: QuerySet, as_of: dt.date, label: str = "合计") -> Row:
    """The structure of team seats (TeamMember queryset) or of cadres (Cadre queryset): two queries."""
    return Row.combine(grouped(rows, as_of, Value(0)).values(), label=label)


def grouped_values(rows: QuerySet, as_of: dt.date, *keys) -> dict[tuple, dict]:
    """The raw aggregates keyed by the tuple of `keys` (field names or expressions): one grouped query for the
    indicators and bands, one for the professional background."""
    qs, aggs, c = _prepared(rows, as_of)
    names = [f"group_key_{i}" for i in range(len(keys))]
    qs = qs.annotate(**{n: (k if not isinstance(k, str) else F(k)) for n, k in zip(names, keys)})
    values = {tuple(v[n] for n in names): v for v in qs.values(*names).annotate(**aggs).order_by()}
    # Professional background: counted per distinct (专长, 专业技术职务) in SQL, the few distinct texts then
    # classified by keyword (cheaper than matching ~70 keywords per row in SQL; free text repeats a lot).
    texts = qs.values(*names, f"{c}specialty", f"{c}professional_title").annotate(k=Count("pk")).order_by()
    for p in texts:
        band = f"profession_{profession_of(p[f'{c}specialty'], p[f'{c}professional_title'])}"
        acc = values.setdefault(tuple(p[n] for n in names), {})
        acc[band] = (acc.get(band) or 0) + p["k"]
    for v in values.values():
        for n in names:
            v.pop(n, None)
    return values


def _rows(values: dict[tuple, dict], index: int) -> dict:
    """Sum the raw aggregates over every key but the one at `index` (the counted people are disjoint)."""
    out: dict = {}
    for key, v in values.items():
        acc = out.setdefault(key[index], {})
        for k, n in v.items():
            acc[k] = (acc.get(k) or 0) + (n or 0)
    return {k: Row.of(v, key=k) for k, v in out.items()}


def grouped(rows: QuerySet, as_of: dt.date, by) -> dict:
    """Rows keyed by the value of `by` (a field name or an expression)."""
    return _rows(grouped_values(rows, as_of, by), 0)


def child_key(parent_path: str, steplen: int = 4):
    return Substr("org_path", 1, len(parent_path) + steplen)


def level_key(rows: QuerySet) -> str:
    return "rank_level" if _is_cadres(rows) else "team__level"


def by_child(rows: QuerySet, as_of: dt.date, parent_path: str, steplen: int = 4) -> dict:
    """Rows keyed by the path of the child organization each row lies under (the team's organization for
    seats, the managing organization for cadres; the parent's own rows under the parent's path)."""
    return grouped(rows, as_of, child_key(parent_path, steplen))


def by_level(rows: QuerySet, as_of: dt.date) -> dict:
    """Rows keyed by the team level (seats) or the rank level (cadres; None when no rank)."""
    return grouped(rows, as_of, level_key(rows))


def subtree(rows: QuerySet, as_of: dt.date, parent_path: str, steplen: int = 4) -> tuple[dict, dict, Row]:
    """By child organization, by level and the total of a subtree from one pass (two grouped queries over
    child × level, rolled up)."""
    values = grouped_values(rows, as_of, child_key(parent_path, steplen), level_key(rows))
    children, levels = _rows(values, 0), _rows(values, 1)
    return children, levels, Row.combine(children.values())


# ---------------------------------------------------------------- charts (ECharts options)


def band_chart(row: Row, code: str) -> dict:
    labels = next(lbls for c, _t, lbls in DIMENSIONS if c == code)
    horizontal = code == "profession"
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0, "fontSize": 10}}
    value = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80 if horizontal else 40, "right": 20, "top": 20, "bottom": 30},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [{"type": "bar", "name": "人数", "data": row.bands[code], "barMaxWidth": 36, "label": {"show": True,
                                                                                     "position": "right" if horizontal else "top"}}],
    }


def composition_chart(row: Row) -> dict:
    names = ["年轻干部", "女干部", "少数民族", "党外干部"]
    data = [row.young, row.women, row.minority, row.nonparty]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "fontSize": 10}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": "人数", "data": data, "barMaxWidth": 36,
                    "label": {"show": True, "position": "top"}}],
    }


def groups_chart(rows: list[Row]) -> dict:
    """People and average age of each group (child organization or level)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 50, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": [r.label for r in rows], "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": [{"type": "value", "name": "人数", "minInterval": 1}, {"type": "value", "name": "平均年龄", "min": 30}],
        "series": [
            {"type": "bar", "name": "人数", "data": [r.n for r in rows], "barMaxWidth": 48},
            {"type": "line", "name": "平均年龄", "yAxisIndex": 1, "data": [r.avg_age for r in rows]},
        ],
    }


def charts(row: Row) -> list[dict]:
    """The charts of one structure, each with the table behind it: [{id, title, option, headers, rows}]."""
    out = [{"id": "composition", "title": "结构指标", "option": composition_chart(row),
            "headers": ["指标", "人数", "占比"],
            "rows": [[label, value, share] for label, value, share in row.indicators]}]
    for code, title, labels in DIMENSIONS:
        out.append({"id": code, "title": title, "option": band_chart(row, code), "headers": [title, "人数", "占比"],
                    "rows": [[label, n, row.share(n)] for label, n in zip(labels, row.bands[code])]})
    return out


def table_headers() -> list[str]:
    heads = ["", *(label for _c, label in INDICATORS)]
    for _code, title, labels in DIMENSIONS:
        heads += [f"{title}·{label}" for label in labels]
    return heads


def table_row(row: Row) -> list:
    values = [row.label, row.n, row.avg_age if row.avg_age is not None else "", row.young, row.women, row.minority,
              row.nonparty]
    for code, _t, _labels in DIMENSIONS:
        values += row.bands[code]
    return values
