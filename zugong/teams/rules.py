"""The rules of leadership teams, each citing its regulation and article.

National (regulations.md §6, 党政领导干部职务任期和交流):
- 《党政领导干部职务任期暂行规定》（中办 2006）第三条: a term is 5 years; 第六条: after two consecutive terms in
  the same post, no further recommendation, nomination or appointment to it. 第二条 limits it to (among others)
  县级以上地方党委、政府领导成员, so these rules judge party-committee and government teams of level ≤ 3.
  Checked by this module's author against a re-published full text — but regulations.md (F12) gives no article,
  so the citations say 条款号待核 until it does (docs/rules-coverage.md).
- 《党政领导干部选拔任用工作条例》 chapter 10 (交流、回避): local party-committee and government leaders who have
  held the same post for ten years must rotate (F13). The 2014 edition's 第五十四条 (a secondary source) and the
  2019 edition's article are not confirmed by regulations.md, so both citations say 条款号待核.

Local (configurable, `standards.py`): the required women and young cadres per team level, and how long a post
may stay vacant; each `core.LocalRule` row carries its numbers and the document that sets them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from zugong.cadres.regulations import IN_FORCE_2014, IN_FORCE_2019, SELECTION
from zugong.core import rules
from zugong.core.config import CHOICES, INT, Param
from zugong.core.dates import add_months, add_years
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule

from . import queries, standards
from .models import LeadershipTeam, TeamMember

GROUP = "领导班子"
TENURE = "《党政领导干部职务任期暂行规定》"
TENURE_RULES_KINDS = (LeadershipTeam.Kind.PARTY_COMMITTEE, LeadershipTeam.Kind.GOVERNMENT)


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


def whole_years(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def terms_of(start: dt.date, appointments: int, as_of: dt.date) -> int:
    """Terms served in the same post: the appointments recorded, or more when the years say so (5-year terms)."""
    return max(appointments or 1, whole_years(start, as_of) // queries.TERM_YEARS + 1)


def _tenure_seats(qs, as_of):
    """Current seats in party-committee and government teams of level ≤ 3, with their tenure."""
    qs = qs.filter(queries.holding_q(as_of), team__level__lte=3, team__kind__in=TENURE_RULES_KINDS)
    return queries.with_tenure(qs).annotate(as_of=Value(as_of))


SEAT_MEASURES = ("team_post__title", "tenure_start", "appointments", "as_of")


# ---------------------------------------------------------------- ten years in the same post: rotation due


def _rotation_check(qs, as_of):
    return _tenure_seats(qs, as_of).filter(tenure_start__lte=add_years(as_of, -10))


def _rotation_describe(row):
    years = whole_years(row["tenure_start"], row["as_of"])
    return (f"任“{row['team_post__title']}”{years} 年（{ymd(row['tenure_start'])} 起），"
            "在同一职位上任职满十年的，必须交流")


# A seat is judged with the cadre's other seats (tenure across appointments) and the cadre's record.
SEAT_READS = (Reads("teams.TeamMember", "cadre_id", "cadre_id"), Reads("cadres.Cadre", "pk", "cadre_id"))

rules.register(Rule(
    code="teams.rotation_ten_years", title="地方党委和政府领导成员在同一职位上任职满十年的，必须交流",
    severity=WARNING, model="teams.TeamMember",
    editions=(Edition(SELECTION, rules.UNVERIFIED_ARTICLE, "2014年", IN_FORCE_2014, IN_FORCE_2019),
              Edition(SELECTION, rules.UNVERIFIED_ARTICLE, "2019年", IN_FORCE_2019, None)),
    check=_rotation_check, describe=_rotation_describe, measures=SEAT_MEASURES,
    person_field="cadre__person_id", org_field="team__organization_id", group=GROUP, reads=SEAT_READS,
    text="适用于县级以上地方党委、政府领导班子（层级为县处级及以上的党委、政府班子）。任职年限自同一干部在同一班子职位"
         "最早的任职时间起算（连任视为连续任职）。2014年版和2019年版的条款号待核。",
    facts=("F13",),
))


# ---------------------------------------------------------------- two terms in the same post


def _terms_check(qs, as_of):
    return _tenure_seats(qs, as_of).filter(
        Q(appointments__gte=2) | Q(tenure_start__lte=add_years(as_of, -queries.TERM_YEARS)))


def _terms_describe(row):
    terms = terms_of(row["tenure_start"], row["appointments"], row["as_of"])
    return (f"在“{row['team_post__title']}”职位连续任职已进入第 {terms} 个任期（{ymd(row['tenure_start'])} 起，"
            "每个任期5年），连续任职达到两个任期的，不再推荐、提名或者任命担任同一职务")


rules.register(Rule(
    code="teams.two_terms", title="同一职位连续任职达到两个任期的，不再推荐、提名或者任命担任同一职务",
    severity=REMINDER, model="teams.TeamMember",
    editions=(Edition(TENURE, rules.UNVERIFIED_ARTICLE, "2006年"),),
    check=_terms_check, describe=_terms_describe, measures=SEAT_MEASURES,
    person_field="cadre__person_id", org_field="team__organization_id", group=GROUP, reads=SEAT_READS,
    text="党政领导职务每个任期为5年。任期数取记录的任命次数与按任职年限计算（每满5年进入下一个任期）两者中较大者。"
         "适用于县级以上地方党委、政府领导班子。",
    facts=("F12b",),
))


def _third_term_check(qs, as_of):
    return _tenure_seats(qs, as_of).filter(appointments__gte=3)


def _third_term_describe(row):
    return (f"第 {row['appointments']} 次任命担任“{row['team_post__title']}”（{ymd(row['tenure_start'])} 起连续任职），"
            "同一职位连续任职达到两个任期的，不再任命担任同一职务")


rules.register(Rule(
    code="teams.third_term", title="不得在同一职位连续任职超过两个任期",
    severity=ERROR, model="teams.TeamMember",
    editions=(Edition(TENURE, rules.UNVERIFIED_ARTICLE, "2006年"),),
    check=_third_term_check, describe=_third_term_describe, measures=SEAT_MEASURES,
    person_field="cadre__person_id", org_field="team__organization_id", group=GROUP, reads=SEAT_READS,
    text="按记录的任命次数判断：同一干部第三次被任命担任同一班子职位即违反规定。任命时检查，违反时拒绝办理"
         "（有权限的管理员可填写理由作为例外办理）。",
    facts=("F12b",),
))


# ---------------------------------------------------------------- local: composition and vacancy


def _local_rule(row, model, check, describe, measures, org_field, person_field=None) -> Rule:
    path = row.organization.path
    same_level = row.template == standards.COMPOSITION
    deeper = standards.deeper_paths(row, same_level)

    def scoped_check(qs, as_of):
        qs = qs.filter(org_path__subtree=path)
        for p in deeper:
            qs = qs.exclude(org_path__subtree=p)
        return check(qs, as_of)

    # A team's composition and a post's vacancies are judged on their members (and a team on its posts).
    reads = {"teams.LeadershipTeam": (Reads("teams.TeamMember", "team_id"), Reads("teams.TeamPost", "team_id")),
             "teams.TeamPost": (Reads("teams.TeamMember", "team_post_id"),)}[model]
    return Rule(code=row.code, title=row.title, severity=row.severity, model=model, reads=reads,
                editions=(rules.local_edition(row),), check=scoped_check, describe=describe, measures=measures,
                person_field=person_field, org_field=org_field, group=GROUP,
                text=f"本地规则，适用于{row.organization.name}及其下级组织（下级组织另有规定的，按下级规定）")


def _count_holders(as_of, extra: Q = Q()):
    counted = (TeamMember.objects.unrestricted().filter(queries.holding_q(as_of), extra, team=OuterRef("pk"))
               .order_by().values("team").annotate(n=Count("cadre", distinct=True)).values("n")[:1])
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@rules.local_template(standards.COMPOSITION, title="领导班子配备要求", params=(
    Param("level", "班子层级", INT, help="1 省部级、2 厅局级、3 县处级、4 乡科级"),
    Param("young_age", "年轻干部年龄上限", INT, "岁"),
    Param("women", "至少配备女干部", INT, "名", 1),
    Param("young", "至少配备年轻干部", INT, "名", 1),
    Param("kinds", "适用的班子类别", CHOICES, default=standards.DEFAULT_KINDS,
          choices=lambda: dict(LeadershipTeam.Kind.choices)),
))
def composition_rule(row) -> Rule:
    """A level's teams (of the given kinds) have at least `women` women and `young` cadres aged ≤ `young_age`.

    params: {"level": 3, "young_age": 40, "women": 1, "young": 1, "kinds": ["party_committee", "government"]}."""
    p = row.params
    try:
        level, young_age = int(p["level"]), int(p["young_age"])
        women, young = int(p.get("women", 0)), int(p.get("young", 0))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"本地规则 {row.code} 的参数有误：应有 level（1—4）、young_age、women、young") from None
    kinds = p.get("kinds") or standards.DEFAULT_KINDS

    def check(qs, as_of):
        bound = add_years(as_of, -(young_age + 1))
        qs = qs.filter(level=level, kind__in=kinds).annotate(
            holders=_count_holders(as_of), women_n=_count_holders(as_of, Q(cadre__sex="2")),
            young_n=_count_holders(as_of, Q(cadre__birth_date__gt=bound)))
        return qs.filter(holders__gt=0).filter(Q(women_n__lt=women) | Q(young_n__lt=young))

    def describe(r):
        parts = []
        if r["women_n"] < women:
            parts.append(f"女干部 {r['women_n']} 名，应至少 {women} 名")
        if r["young_n"] < young:
            parts.append(f"{young_age}岁及以下的年轻干部 {r['young_n']} 名，应至少 {young} 名")
        return f"班子成员 {r['holders']} 人，" + "；".join(parts)

    return _local_rule(row, "teams.LeadershipTeam", check, describe, ("holders", "women_n", "young_n"),
                       "organization_id")


@rules.local_template(standards.VACANCY, title="班子职位空缺期限", params=(
    Param("months", "职位空缺不超过", INT, "个月", standards.DEFAULT_VACANCY_MONTHS),
))
def vacancy_rule(row) -> Rule:
    """A team post short of its quota for more than `months` months.

    params: {"months": 6}."""
    try:
        months = int(row.params["months"])
    except (KeyError, TypeError, ValueError):
        months = 0
    if months < 1:
        raise ValueError(f"本地规则 {row.code} 的参数有误：months 应为正整数")

    def check(qs, as_of):
        qs = queries.with_vacancy(qs, as_of).annotate(as_of=Value(as_of))
        return qs.filter(vacancies__gt=0, vacant_from__lt=add_months(as_of, -months))

    def describe(r):
        start, on = r["vacant_from"], r["as_of"]
        n = (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)
        return (f"“{r['title']}”职数 {r['quota']} 名、空缺 {r['vacancies']} 名，自 {ymd(start)} 起空缺 {n} 个月，"
                f"超过 {months} 个月")

    return _local_rule(row, "teams.TeamPost", check, describe, ("title", "quota", "vacancies", "vacant_from", "as_of"),
                       "team__organization_id")


def team_rules() -> list[Rule]:
    return [r for r in rules.all_rules() if r.model.startswith("teams.")]
