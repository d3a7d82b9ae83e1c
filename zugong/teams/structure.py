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

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Substr

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


def _date_int(field_name: str):
    return ExtractYear(field_name) * 10000 + ExtractMonth(field_name) * 100 + ExtractDay(field_name)


def _profession_q(keywords) -> Q:
    q = Q()
    for kw in keywords:
        q |= Q(cadre__specialty__contains=kw) | Q(cadre__professional_title__contains=kw)
    return q


def aggregates(as_of: dt.date) -> dict:
    """The conditional aggregates of a structure, keyed `n`, `age_sum`, `aged`, `young`, …, `age_0` …"""
    birth = "cadre__birth_date"
    on = as_of.year * 10000 + as_of.month * 100 + as_of.day
    out = {
        "n": Count("pk"),
        "aged": Count("pk", filter=Q(**{f"{birth}__isnull": False})),
        "age_sum": Sum((Value(on) - _date_int(birth)) / Value(10000), output_field=IntegerField()),
        "young": Count("pk", filter=Q(cadre__birth_date__gt=F("young_from"))),
        "women": Count("pk", filter=Q(cadre__sex="2")),
        "minority": Count("pk", filter=~Q(cadre__ethnicity__in=("01", ""))),
        "nonparty": Count("pk", filter=~Q(cadre__party_status__in=("01", "02"))),
    }
    for i, (_label, low, high) in enumerate(AGE_BANDS):
        q = Q()
        if low is not None:  # age ≥ low  ⇔  born on or before as_of − low years
            q &= Q(**{f"{birth}__lte": add_years(as_of, -low)})
        if high is not None:  # age ≤ high ⇔  born after as_of − (high + 1) years
            q &= Q(**{f"{birth}__gt": add_years(as_of, -(high + 1))})
        out[f"age_{i}"] = Count("pk", filter=q)
    for i, (_label, codes) in enumerate(EDUCATION_BANDS):
        out[f"education_{i}"] = Count("pk", filter=Q(cadre__education__in=codes))
    for i, (_label, codes) in enumerate(PARTY_BANDS):
        out[f"party_{i}"] = Count("pk", filter=Q(cadre__party_status__in=codes))
    matched = Q()
    for i, (_label, keywords) in enumerate(PROFESSIONS):
        q = _profession_q(keywords)
        out[f"profession_{i}"] = Count("pk", filter=q & ~matched)
        matched |= q
    blank = Q(cadre__specialty="", cadre__professional_title="")
    out[f"profession_{len(PROFESSIONS)}"] = Count("pk", filter=~matched & ~blank)
    out[f"profession_{len(PROFESSIONS) + 1}"] = Count("pk", filter=blank)
    for i, (_label, low, high) in enumerate(TENURE_BANDS):
        q = Q(post__start_on__lte=add_years(as_of, -low)) if low else Q()
        if high is not None:
            q &= Q(post__start_on__gt=add_years(as_of, -high))
        out[f"tenure_{i}"] = Count("pk", filter=q)
    return out


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

    @classmethod
    def of(cls, values: dict, key=None, label="") -> "Row":
        row = cls(key=key, label=label, n=values.get("n") or 0, young=values.get("young") or 0,
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


def total(seats: QuerySet, as_of: dt.date, label: str = "合计") -> Row:
    return Row.of(holders(seats, as_of).aggregate(**aggregates(as_of)), label=label)


def grouped(seats: QuerySet, as_of: dt.date, by) -> dict:
    """Rows keyed by the value of `by` (a field name or an expression)."""
    qs = holders(seats, as_of).annotate(group_key=by if not isinstance(by, str) else F(by))
    values = qs.values("group_key").annotate(**aggregates(as_of)).order_by()
    return {v["group_key"]: Row.of(v, key=v["group_key"]) for v in values}


def by_child(seats: QuerySet, as_of: dt.date, parent_path: str, steplen: int = 4) -> dict:
    """Rows keyed by the path of the child organization each seat's team lies under (the parent's own
    teams under the parent's path)."""
    return grouped(seats, as_of, Substr("org_path", 1, len(parent_path) + steplen))


def by_level(seats: QuerySet, as_of: dt.date) -> dict:
    return grouped(seats, as_of, "team__level")


# ---------------------------------------------------------------- charts (ECharts options)


def band_chart(row: Row, code: str) -> dict:
    labels = next(lbls for c, _t, lbls in DIMENSIONS if c == code)
    horizontal = code == "profession"
    category = {"type": "category", "data": labels}
    value = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80 if horizontal else 40, "right": 20, "top": 20, "bottom": 30},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [{"type": "bar", "name": "人数", "data": row.bands[code], "label": {"show": True,
                                                                                     "position": "right" if horizontal else "top"}}],
    }


def composition_chart(row: Row) -> dict:
    names = ["年轻干部", "女干部", "少数民族", "党外干部"]
    data = [row.young, row.women, row.minority, row.nonparty]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": "人数", "data": data, "label": {"show": True, "position": "top"}}],
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
            {"type": "bar", "name": "人数", "data": [r.n for r in rows]},
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
