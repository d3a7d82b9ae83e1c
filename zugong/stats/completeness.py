"""Data completeness (数据完整度): how much of the data the statistics tables and the national member information
need is filled in, per organization, live.

The items are data (`MEMBER_ITEMS`, `ORG_ITEMS`, `UNIT_ITEMS`): each names what is missing as a `Q` over its
family's rows (members in the province with an active status; organizations that are not party groups or
dissolved; units), and optionally which rows it applies to (转正时间: full members only; the coverage of a unit:
units without an organization of their own and outside a joint branch). An item zugong does not collect has no
`missing` and is listed as “zugong 暂未采集” (never counted).

The counts are set-based: ONE grouped query per family over a subtree, grouped by the path prefix of the chosen
organization's children (`len(path) + STEPLEN`; the chosen organization's own rows form their own group), or by
the full path for the rule (which rolls the groups up to every committee in Python: one pass over the groups,
never over people). Score = filled ÷ applicable over every counted item (in %).

`stats.data_completeness` (a local rule template with its threshold as configuration, default installed by
`stats/defaults.py`): a committee whose subtree scores below the threshold."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Length, Substr

from zugong.core import rules
from zugong.core.config import FLOAT, Param
from zugong.members.models import Membership, PostSpan
from zugong.orgs.models import Organization, Unit

STEPLEN = Organization.steplen
RULE = "stats.data_completeness"
DEFAULT_THRESHOLD = 95.0
REGULATION = "党内统计报表填报说明"
FEW = 20  # at most this many committees judged: each subtree counted on its own, not the whole root


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    missing: Q | None  # None: zugong does not collect it
    applies: Q = field(default_factory=Q)

    @property
    def collected(self) -> bool:
        return self.missing is not None


def _blank(name: str) -> Q:
    return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})


S = Membership.Status

# The national member information (全国党员信息) items, as zugong holds them (on the member's person record and
# membership); the items zugong does not collect are listed so that the page says so.
MEMBER_ITEMS: list[Item] = [
    Item("name", "姓名", _blank("person__name")),
    Item("sex", "性别", _blank("person__sex")),
    Item("ethnicity", "民族", _blank("person__ethnicity")),
    Item("birth_date", "出生日期", Q(person__birth_date__isnull=True)),
    Item("id_number", "公民身份号码", Q(person__id_hash__isnull=True) | Q(person__id_hash="")),
    Item("education", "学历", _blank("person__education")),
    Item("native_place", "籍贯", _blank("person__native_place")),
    Item("phone", "联系电话", Q(phone_len=0)),
    Item("joined_on", "入党时间", Q(joined_on__isnull=True)),
    Item("converted_on", "转正时间", Q(converted_on__isnull=True), Q(status=S.FULL)),
    Item("occupation_class", "职业（党内统计分类）", _blank("person__occupation_class")),
    Item("category", "党员类别", _blank("category")),
    Item("organization", "所在党支部", Q(organization__isnull=True)),
    Item("status", "党籍状态", _blank("status")),
    Item("mobile_scope", "流动范围（流动党员）", _blank("mobile_scope"), Q(category=Membership.Category.MOBILE)),
    Item("lost_reason", "失去联系具体情形（失联党员）", _blank("lost_reason"),
         Q(lost_contact_since__isnull=False)),
    Item("work_unit", "工作单位及职务", None),
    Item("address", "家庭住址", None),
]

ORG_ITEMS: list[Item] = [
    Item("name", "名称", _blank("name")),
    Item("code", "组织代码", _blank("code")),
    Item("kind", "类别", _blank("kind")),
    Item("sector", "领域", _blank("sector")),
    Item("unit", "单位", Q(unit__isnull=True)),
    Item("division_code", "行政区划", _blank("division_code")),
    Item("founded_on", "成立日期", Q(founded_on__isnull=True)),
    Item("term_started_on", "本届任期开始", Q(term_started_on__isnull=True)),
    Item("term_years", "任期", Q(term_years__isnull=True) & Q(term_ends_on__isnull=True)),
    Item("secretary", "书记", Q(has_secretary=False)),
]

UNIT_ITEMS: list[Item] = [
    Item("name", "单位名称", _blank("name")),
    Item("entity_type", "法人单位类型", _blank("entity_type")),
    Item("coverage", "未建立党组织的情况", _blank("coverage"), Q(has_org=False, joint_organization__isnull=True)),
]

FAMILIES = {"member": ("党员信息", MEMBER_ITEMS), "org": ("组织信息", ORG_ITEMS), "unit": ("单位信息", UNIT_ITEMS)}


def counted(items: list[Item]) -> list[Item]:
    return [i for i in items if i.collected]


def members(qs=None):
    """The members counted: in the province, with an active status (probationary or full)."""
    qs = Membership.objects.unrestricted() if qs is None else qs
    return qs.filter(status__in=Membership.ACTIVE_STATUSES, transferred_out_on__isnull=True).annotate(
        phone_len=Coalesce(Length("person__phone"), Value(0), output_field=IntegerField()))


def organizations(qs=None):
    qs = Organization.objects.unrestricted() if qs is None else qs
    secretary = PostSpan.objects.unrestricted().filter(
        organization=OuterRef("pk"), post=Membership.CommitteePost.SECRETARY, ended_on__isnull=True)
    return qs.filter(status=Organization.Status.ACTIVE).exclude(kind=Organization.Kind.PARTY_GROUP).annotate(
        has_secretary=Exists(secretary))


def units(qs=None):
    qs = Unit.objects.unrestricted() if qs is None else qs
    return qs.annotate(has_org=Exists(Organization.objects.unrestricted().filter(
        unit=OuterRef("pk"), status=Organization.Status.ACTIVE)))


def family_rows(family: str, qs=None):
    """The rows of a family (annotated as its items need), with the name of their path column."""
    if family == "member":
        return members(qs), "org_path"
    if family == "org":
        return organizations(qs), "path"
    return units(qs), "org_path"


def grouped(family: str, path: str, qs=None, *, width: int | None = None) -> dict[str, dict[str, list[int]]]:
    """One query: per group of the subtree at `path` (the path prefix of length `width`; None: the full path),
    per counted item, [applicable, missing]."""
    rows, column = family_rows(family, qs)
    rows = rows.filter(**{f"{column}__startswith": path})
    aggregates = {}
    for item in counted(FAMILIES[family][1]):
        aggregates[f"a_{item.key}"] = Count("pk", filter=item.applies)
        aggregates[f"m_{item.key}"] = Count("pk", filter=item.applies & item.missing)
    group = Substr(column, 1, width) if width else F(column)
    out: dict[str, dict[str, list[int]]] = {}
    for row in rows.annotate(group=group).order_by().values("group").annotate(**aggregates):
        out[row["group"]] = {item.key: [row[f"a_{item.key}"], row[f"m_{item.key}"]]
                             for item in counted(FAMILIES[family][1])}
    return out


@dataclass
class Score:
    items: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # family → item → [applicable, missing]

    def add(self, family: str, counts: dict[str, list[int]]) -> None:
        mine = self.items.setdefault(family, {})
        for key, (applicable, missing) in counts.items():
            slot = mine.setdefault(key, [0, 0])
            slot[0] += applicable
            slot[1] += missing

    def family(self, family: str) -> tuple[int, int]:
        counts = self.items.get(family, {}).values()
        return sum(a for a, _m in counts), sum(a - m for a, m in counts)

    @property
    def applicable(self) -> int:
        return sum(self.family(f)[0] for f in FAMILIES)

    @property
    def filled(self) -> int:
        return sum(self.family(f)[1] for f in FAMILIES)

    @property
    def percent(self) -> float | None:
        return round(100 * self.filled / self.applicable, 1) if self.applicable else None

    def family_percent(self, family: str) -> float | None:
        applicable, filled = self.family(family)
        return round(100 * filled / applicable, 1) if applicable else None


def subtree(org: Organization, *, member_qs=None, org_qs=None, unit_qs=None) -> tuple[Score, dict[str, Score]]:
    """The chosen organization's score and each child's (keyed by the child's path): three grouped queries.
    Pass the user's scoped querysets (`visible_to`) from a page; the rule passes none (all rows)."""
    width = len(org.path) + STEPLEN
    total, children = Score(), {}
    for family, qs in (("member", member_qs), ("org", org_qs), ("unit", unit_qs)):
        for group, counts in grouped(family, org.path, qs, width=width).items():
            total.add(family, counts)
            if len(group) == width:
                children.setdefault(group, Score()).add(family, counts)
    return total, children


def scores_by_path(root_path: str, paths: list[str]) -> dict[str, Score]:
    """The subtree score of each organization in `paths` (all under `root_path`): one query per family grouped
    by the full path, rolled up to the asked paths by prefix."""
    wanted = set(paths)
    out = {p: Score() for p in paths}
    for family in FAMILIES:
        for group, counts in grouped(family, root_path).items():
            for end in range(STEPLEN, len(group) + 1, STEPLEN):
                prefix = group[:end]
                if prefix in wanted:
                    out[prefix].add(family, counts)
    return out


def missing(family: str, key: str, qs=None):
    """The rows lacking an item (the 缺项名单), from the given (scoped) queryset."""
    item = next((i for i in FAMILIES[family][1] if i.key == key and i.collected), None)
    if item is None:
        raise KeyError(key)
    rows, _column = family_rows(family, qs)
    return item, rows.filter(item.applies & item.missing)


# ---------------------------------------------------------------- the rule (threshold as configuration)


@rules.local_template(RULE, title="数据完整度", domain="stats", params=(
    Param("threshold", "完整度不低于", FLOAT, "%", DEFAULT_THRESHOLD),
))
def completeness_rule(row) -> rules.Rule:
    """A committee whose subtree's data completeness (党员、组织、单位信息) is below `threshold` %.

    params: {"threshold": 95}."""
    try:
        threshold = float(row.params.get("threshold", DEFAULT_THRESHOLD))
    except (TypeError, ValueError):
        raise ValueError(f"本地规则 {row.code} 的参数有误：threshold 应为 0—100 的数") from None
    root = row.organization.path

    def check(qs, as_of):
        committees = list(qs.filter(path__startswith=root, kind=Organization.Kind.COMMITTEE,
                                    status=Organization.Status.ACTIVE).values_list("pk", "path"))
        if not committees:
            return []
        if len(committees) <= FEW:  # re-judging a few (an edited committee): their own subtrees only
            scores = {p: scores_by_path(p, [p])[p] for _pk, p in committees}
        else:
            scores = scores_by_path(root, [p for _pk, p in committees])
        found = []
        for pk, path in committees:
            percent = scores[path].percent
            if percent is not None and percent < threshold:
                found.append({"pk": pk, "path": path, "score": percent, "threshold": threshold,
                              "filled": scores[path].filled, "applicable": scores[path].applicable})
        return found

    def describe(r):
        return (f"党员、组织和单位信息完整度 {r['score']}%（应填 {r['applicable']} 项、已填 {r['filled']} 项），"
                f"低于 {r['threshold']:g}%")

    return rules.Rule(code=row.code, title=row.title, severity=row.severity, model="orgs.Organization",
                      editions=(rules.local_edition(row),), check=check, describe=describe,
                      measures=("score", "threshold", "filled", "applicable"), person_field=None, org_field="pk",
                      path_field="path", group="党内统计",
                      text=f"本地规则，适用于{row.organization.name}及其下级党委：所辖党员、组织和单位的统计信息应填尽填"
                           f"（完整度不低于 {threshold:g}%）")
