"""Statistics of development: people admitted (入党时间 = the branch meeting's date, approved by the higher
committee) per target group and year, for a subtree, in one aggregate query."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import ExtractYear

from .models import TargetGroup


def development_by_group(cases) -> dict:
    """{"years": [...], "groups": [(code, label)], "rows": [{"year", "counts": [...], "total"}], "totals": [...]}
    for an (already scoped) Case queryset."""
    counts = (cases.filter(approved_on__isnull=False, branch_meeting_on__isnull=False)
              .annotate(year=ExtractYear("branch_meeting_on")).values("year", "target_group")
              .annotate(n=Count("pk")).order_by())
    table: dict[int, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row["year"], {})[row["target_group"]] = row["n"]
    groups = list(TargetGroup.choices)
    years = sorted(table)
    rows = [{"year": y, "counts": [table[y].get(code, 0) for code, _ in groups],
             "total": sum(table[y].values())} for y in years]
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(groups))]
    return {"years": years, "groups": groups, "rows": rows, "totals": totals, "total": sum(totals)}


def chart_data(stats: dict) -> dict:
    """The ECharts option for a stacked bar chart: years on the x axis, one series per target group."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(y) for y in stats["years"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": label, "type": "bar", "stack": "total", "data": [r["counts"][i] for r in stats["rows"]]}
            for i, (_code, label) in enumerate(stats["groups"])
        ],
    }
