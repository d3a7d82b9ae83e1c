"""League tables (办实事统计排名) per organization and period, computed set-based.

Interface: `table(root, start, end)` → one `LeagueRow` per child organization of `root` (its whole subtree
summed), a row for the items of `root` itself when it has any (本级), and the total last (`organization_id`
None): items taken, completed, completed on time, satisfaction, callbacks, reopened.

The figures of a period [start, end] (both days included), each counted over `ServiceTask` rows:

- 承接事项 `taken`: items received (`received_on`) in the period, terminated ones (重复登记、不属于办理范围 …)
  left out;
- 办结 `completed`: items completed (`completed_on`) in the period and still done or closed (a reopened item
  counts again at its next completion);
- 按期办结 `on_time`: of those, the ones completed by their deadline (`on_time`, set at 办结);
- 满意 `satisfied` / 已评价 `answered`: the survey rounds (`Survey`, one per completion) settled in the period
  with a result; satisfied = a round whose result is 满意 or 基本满意. A round that reopened its item (不满意,
  部分解决) counts as answered and not satisfied, and the item's next completion is a round of its own, so a
  reopening stays in the figures of its period. Counted by rounds, not by `Feedback` rows: a hundred
  households of one item do not outweigh a hundred one-household items. The rounds keep their item's path,
  so this is a second grouped statement over the index `service_survey_league`;
- 回访 `called_back`: items completed in the period with a callback done (`callback_done`);
- 复办 `reopened`: items taken in the period reopened at least once (`reopened_count` > 0);
- 办结率 `taken_done`: items taken in the period that are done or closed now (the rate is taken_done / taken).

Rates: 办结率 = taken_done / taken, 按期办结率 = on_time / completed, 满意率 = satisfied / answered,
回访率 = called_back / completed, 复办率 = reopened / taken ("—" when the base is 0).

Two grouped statements per table (the items, the survey rounds): the rows of root's subtree (a path range) received or completed in the
period, grouped by the child's path prefix (treebeard paths have a fixed step of `scope.STEPLEN` characters:
the child of root that holds a row is the first len(root.path) + 4 characters of its `org_path`), each
figure a filtered count. The children's names are one more small query (so a child without items shows 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Count, Q
from django.db.models.functions import Substr

from zugong.core.dates import add_months
from zugong.core.scope import STEPLEN

SATISFIED = ("satisfied", "basic")
DONE = ("done", "closed")


@dataclass
class LeagueRow:
    organization_id: int | None
    name: str
    path: str
    taken: int = 0
    completed: int = 0
    on_time: int = 0
    satisfied: int = 0
    answered: int = 0
    called_back: int = 0
    reopened: int = 0
    taken_done: int = 0
    code: str = ""
    own: bool = False  # the items of root itself (本级)

    @staticmethod
    def rate(m: int, n: int) -> float | None:
        return m / n if n else None

    @property
    def completion_rate(self):
        return self.rate(self.taken_done, self.taken)

    @property
    def on_time_rate(self):
        return self.rate(self.on_time, self.completed)

    @property
    def satisfaction_rate(self):
        return self.rate(self.satisfied, self.answered)

    @property
    def callback_rate(self):
        return self.rate(self.called_back, self.completed)

    @property
    def reopen_rate(self):
        return self.rate(self.reopened, self.taken)


COUNTS = ("taken", "completed", "on_time", "satisfied", "answered", "called_back", "reopened", "taken_done")


# What the counts count: a column that is never NULL and lies in the league index (`service_task_league`), so
# PostgreSQL answers from the index alone (COUNT(id) would read the table).
N = "received_on"


def figures(start: dt.date, end: dt.date) -> dict:
    """The figures of a period as filtered counts (one aggregate each), for `values(...).annotate(...)`."""
    taken = Q(received_on__gte=start, received_on__lte=end) & ~Q(status="terminated")
    done_in = Q(completed_on__gte=start, completed_on__lte=end)
    completed = done_in & Q(status__in=DONE)
    return {
        "taken": Count(N, filter=taken),
        "completed": Count(N, filter=completed),
        "on_time": Count(N, filter=completed & Q(on_time=True)),
        "called_back": Count(N, filter=completed & Q(callback_done=True)),
        "reopened": Count(N, filter=taken & Q(reopened_count__gt=0)),
        "taken_done": Count(N, filter=taken & Q(status__in=DONE)),
    }


def round_figures() -> dict:
    """The satisfaction figures over survey rounds settled in a period (filter the rounds by `rounds_in`)."""
    return {"satisfied": Count("closed_on", filter=Q(result__in=SATISFIED)), "answered": Count("closed_on")}


def rounds_in(start: dt.date, end: dt.date) -> Q:
    """The survey rounds settled in the period with a result."""
    return Q(closed_on__gte=start, closed_on__lte=end) & ~Q(result="")


def in_period(start: dt.date, end: dt.date) -> Q:
    """The rows any figure of the period counts: received or completed in it."""
    return Q(received_on__gte=start, received_on__lte=end) | Q(completed_on__gte=start, completed_on__lte=end)


def grouped(root_path: str, start: dt.date, end: dt.date) -> dict[str, dict]:
    """The figures per child prefix of `root_path` (root's own rows under root_path itself): one statement."""
    from .models import ServiceTask, Survey

    length = len(root_path) + STEPLEN
    # System read: the caller decided the user sees root (its whole subtree, OwnSubtree).
    qs = (ServiceTask.objects.unrestricted().filter(org_path__subtree=root_path).filter(in_period(start, end))
          .annotate(unit=Substr("org_path", 1, length)).order_by().values("unit").annotate(**figures(start, end)))
    out = {row.pop("unit"): row | {"satisfied": 0, "answered": 0} for row in qs}
    rounds = (Survey.objects.unrestricted().filter(org_path__subtree=root_path).filter(rounds_in(start, end))
              .annotate(unit=Substr("org_path", 1, length)).order_by().values("unit").annotate(**round_figures()))
    for row in rounds:
        unit = row.pop("unit")
        out.setdefault(unit, {name: 0 for name in COUNTS}).update(row)
    return out


def table(root, start: dt.date, end: dt.date) -> list[LeagueRow]:
    from zugong.orgs.models import Organization

    by_unit = grouped(root.path, start, end)
    # System read: the caller decided the user sees root, hence its children. Near the top the children are
    # selected by depth with the path prefix as an expression (a path range would walk the whole subtree).
    children = Organization.objects.unrestricted().filter(depth=root.depth + 1)
    if root.depth <= 2:
        children = children.annotate(prefix=Substr("path", 1, len(root.path))).filter(prefix=root.path)
    else:
        children = children.filter(path__subtree=root.path)
    children = (children
                .filter(Q(status=Organization.Status.ACTIVE) | Q(path__in=list(by_unit)))
                .exclude(Q(kind=Organization.Kind.PARTY_GROUP) & ~Q(path__in=list(by_unit)))
                .order_by("path").values("pk", "name", "path", "code"))
    rows = []
    for child in children:
        rows.append(LeagueRow(child["pk"], child["name"], child["path"], code=child["code"],
                              **by_unit.get(child["path"], {})))
    if root.path in by_unit:
        rows.append(LeagueRow(root.pk, f"{root.name}（本级）", root.path, code=root.code, own=True,
                              **by_unit[root.path]))
    total = LeagueRow(None, "合计", root.path, code=root.code)
    for row in rows:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return [*rows, total]


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str  # year / quarter / month / range
    start: dt.date
    end: dt.date
    label: str


PERIOD_KINDS = {"year": "年度", "quarter": "季度", "month": "月度", "range": "自定义"}


def period(kind: str, year: int, number: int | None = None, start: dt.date | None = None,
           end: dt.date | None = None) -> Period:
    """A period by kind: the year, its quarter `number` (1–4), its month `number` (1–12) or a custom range.
    Raises ValueError with a Chinese message naming the field on bad input."""
    if kind == "year":
        return Period(kind, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")
    if kind == "quarter":
        if number not in (1, 2, 3, 4):
            raise ValueError("季度：应为 1 至 4")
        first = dt.date(year, 3 * number - 2, 1)
        return Period(kind, first, add_months(first, 3) - dt.timedelta(days=1), f"{year}年第{number}季度")
    if kind == "month":
        if number is None or not 1 <= number <= 12:
            raise ValueError("月份：应为 1 至 12")
        first = dt.date(year, number, 1)
        return Period(kind, first, add_months(first, 1) - dt.timedelta(days=1), f"{year}年{number}月")
    if kind == "range":
        if start is None or end is None:
            raise ValueError("起止日期：请填写开始日期和结束日期")
        if end < start:
            raise ValueError("结束日期：不能早于开始日期")
        if (end - start).days > 3660:
            raise ValueError("起止日期：统计区间不能超过十年")
        return Period(kind, start, end, f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日")
    raise ValueError("统计周期：应为年度、季度、月度或自定义")


def row_fields() -> list[str]:
    return [f.name for f in fields(LeagueRow)]
