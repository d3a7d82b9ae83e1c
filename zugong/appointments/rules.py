"""The rules of selection and appointment, each citing its article in every edition of its regulation.

Editions of 《党政领导干部选拔任用工作条例》 (regulations.md §6):
- 2014: issued and in force 2014-01-14, until the 2019 edition.
- 2019: issued by 中共中央 in March 2019; treated here as in force from **2019-03-03** (the date given for it
  in force; not checked against the official text — an assumption to confirm).
Article numbers of the 2014 edition are those regulations.md verified against secondary sources [V2]
(第八条 qualifications, 第九条 promotion limits, 第三十八条 the vote, 第四十一条 the notice, 第四十二条 the
probation). regulations.md gives no verified 2019 numbers: every 2019 citation says "条款号待核", with the number
regulations.md suggests where it suggests one (第四十五、四十六条 for the notice and the probation), else the
2014 number. The two-thirds quorum is itself unverified [U] and says so in both editions.
《干部教育培训工作条例》 (2023 revision) 第十四条 comes from one re-published copy: "条款号待核" too.

A case is judged by the edition in force on its decision date (`decided_on`): the eligibility rules (years of
work and at the grassroots, years in the lower post, education, probation, the year since the last promotion,
training) measure the cadre's record as of that day. Before the decision, `precheck` runs the same checks as of
today, so the case page shows what the decision step would refuse. Every check is one query over all cases of
a subtree; `describe` words the measured value ("任副职 1 年 7 个月，不足 2 年").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from zugong.cadres import ranks
from zugong.cadres.models import Cadre, CadrePost, RankRecord, ResumeEntry, TrainingRecord
from zugong.cadres.regulations import IN_FORCE_2014, IN_FORCE_2019, SELECTION, TENURE
from zugong.core.config import UNVERIFIED_ARTICLE
from zugong.core import rules
from zugong.core.dates import months_between
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule
from zugong.core.sql import AddMonths, MonthsBetween
from zugong.core.workdays import count_expr

from . import ranking
from .models import PartyCommittee, SelectionCase
from .steps import APPOINTMENT_RULES, DECISION_RULES, ELIGIBILITY_RULES, PUBLIC_NOTICE_RULES, WORKFLOW  # noqa: F401

MODEL = "appointments.SelectionCase"
GROUP = "选拔任用"
REGULATION = SELECTION
TRAINING_REGULATION = "《干部教育培训工作条例》"
EDITION_2014 = "2014年"
EDITION_2019 = "2019年"
UNVERIFIED_2019 = ("2019年版沿用2014年版的规定；2019年版条款号尚未与正式文本核对（待核），2019年3月3日起施行的日期"
                   "亦待核。")

# Numbers of the rules (regulations.md §6, §8), named once.
WORK_YEARS, GRASSROOTS_YEARS = 5, 2
DEPUTY_YEARS, LOWER_CHIEF_YEARS = 2, 3
# 干部教育培训工作条例 第十四条: 县处级 and above, every 5 years ≥ 3 months (counted as 90 days) or ≥ 550 学时;
# 乡科级, each year ≥ 12 days or ≥ 90 学时. Promoted before meeting it: finish within 1 year.
TRAINING = {"upper": (60, 550, 90, "近 5 年", "550 学时（或 3 个月）"),
            "township": (12, 90, 12, "近 1 年", "90 学时（或 12 天）")}
# GB/T 4658 main codes at or above 大学专科 and 大学本科.
HOURS = DecimalField(max_digits=9, decimal_places=1)
COLLEGE = ("10", "11", "14", "20", "30")
BACHELOR = ("10", "11", "14", "20")

# A case is judged on its steps and on its cadre's record (work start, education, ranks, resume, training).
READS = (Reads("appointments.CaseStep", "case_id"), Reads("cadres.Cadre", "pk", "cadre_id"),
         Reads("cadres.CadrePost", "cadre_id", "cadre_id"),
         Reads("cadres.RankRecord", "cadre_id", "cadre_id"), Reads("cadres.ResumeEntry", "cadre_id", "cadre_id"),
         Reads("cadres.TrainingRecord", "cadre_id", "cadre_id"))


def editions(article_2014: str, article_2019: str) -> tuple[Edition, Edition]:
    return (
        Edition(REGULATION, article_2014, EDITION_2014, IN_FORCE_2014, IN_FORCE_2019),
        # article_2019: the likely number (regulations.md §6), not confirmed: not shown.
        Edition(REGULATION, rules.UNVERIFIED_ARTICLE, EDITION_2019, IN_FORCE_2019, None),
    )


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


def years_text(start: dt.date, end: dt.date) -> str:
    """Calendar time in years and months: 3 年 7 个月 (0 个月 when less)."""
    months = max(months_between(start, end), 0)
    years, months = divmod(months, 12)
    if years and months:
        return f"{years} 年 {months} 个月"
    return f"{years} 年" if years else f"{months} 个月"


def months_text(months: int) -> str:
    years, rest = divmod(max(months or 0, 0), 12)
    if years and rest:
        return f"{years} 年 {rest} 个月"
    return f"{years} 年" if years else f"{rest} 个月"


# ---------------------------------------------------------------- the judged day

# An eligibility check is written once over "the judged day": the decision date for the rule (decided cases)
# and today for the pre-check of an undecided case.
CHECKS: dict[str, object] = {}


def judged(qs, as_of: dt.date | None):
    day = Value(as_of, output_field=DateField()) if as_of else F("decided_on")
    return qs.annotate(judged_on=ExpressionWrapper(day, output_field=DateField()))


def eligibility(code, title, article_2014, article_2019, inner, describe, measures, severity=ERROR, text="",
                facts=()):
    """Register an eligibility rule: judged on decided cases at their decision date; `inner(qs)` expects the
    `judged_on` annotation."""
    CHECKS[code] = inner

    def check(qs, as_of):
        return inner(judged(qs.filter(decided_on__isnull=False), None))

    return rules.register(Rule(code=code, title=title, severity=severity, model=MODEL,
                               editions=editions(article_2014, article_2019), check=check, describe=describe,
                               measures=("judged_on", *measures), event_field="decided_on",
                               person_field="cadre__person_id", text=text or UNVERIFIED_2019, group=GROUP,
                               reads=READS, facts=facts))


def register(code, title, eds, check, describe, measures, event_field, severity=ERROR, text="", facts=()):
    return rules.register(Rule(code=code, title=title, severity=severity, model=MODEL, editions=eds, check=check,
                               describe=describe, measures=measures, event_field=event_field,
                               person_field="cadre__person_id", text=text or UNVERIFIED_2019, group=GROUP,
                               reads=READS, facts=facts))


# ---------------------------------------------------------------- 第八条: basic qualifications

COUNTY = Q(target_level=3, is_promotion=True)


def _work_years(qs):
    return qs.filter(COUNTY).filter(Q(cadre__work_started_on__isnull=True)
                                    | Q(cadre__work_started_on__gt=AddMonths(F("judged_on"), -12 * WORK_YEARS)))


def _work_years_describe(row):
    start, day = row["cadre__work_started_on"], row["judged_on"]
    if not start:
        return "未记录参加工作时间，无法确认是否具有 5 年以上工龄"
    return f"参加工作 {years_text(start, day)}（{ymd(start)} 参加工作），不足 {WORK_YEARS} 年"


eligibility("appointments.work_years", "提任县处级领导职务，应当具有五年以上工龄", "第八条", "第八条",
            _work_years, _work_years_describe, ("cadre__work_started_on",), facts=("F1",))


def grassroots_months():
    """Whole calendar months (`core.dates.months_between`, SQL `MonthsBetween`) of the résumé segments marked 基层
    up to the judged day, summed (a segment still running counts to it): 2022-01-31 → 2024-01-01 is 23."""
    end = Least(Coalesce(F("end_on"), OuterRef("judged_on")), OuterRef("judged_on"), output_field=DateField())
    months = MonthsBetween(F("start_on"), end)
    segments = (ResumeEntry.objects.unrestricted()
                .filter(cadre=OuterRef("cadre"), grassroots=True, start_on__lt=OuterRef("judged_on"))
                .order_by().values("cadre").annotate(total=Sum(months)).values("total"))
    return Coalesce(Subquery(segments, output_field=IntegerField()), Value(0))


def _grassroots(qs):
    return qs.filter(COUNTY).annotate(grassroots_months=grassroots_months()).filter(
        grassroots_months__lt=12 * GRASSROOTS_YEARS)


def _grassroots_describe(row):
    return f"基层工作经历 {months_text(row['grassroots_months'])}，不足 {GRASSROOTS_YEARS} 年"


eligibility("appointments.grassroots_years", "提任县处级领导职务，应当具有两年以上基层工作经历", "第八条",
            "第八条", _grassroots, _grassroots_describe, ("grassroots_months",), facts=("F1",))


def _since_at_rank():
    """When the cadre first held the rank they had when the case opened (rank history, else the case's
    record of it)."""
    first = (RankRecord.objects.unrestricted()
             .filter(cadre=OuterRef("cadre"), rank=OuterRef("from_rank"), start_on__lte=OuterRef("judged_on"))
             .order_by().values("cadre").annotate(first=Min("start_on")).values("first"))
    return Coalesce(Subquery(first, output_field=DateField()), F("from_rank_since"))


def _years_in_post(condition: Q, years: int):
    # A 破格 promotion may break the years in post (2014 第九条), within the 破格 limits judged below.
    def inner(qs):
        qs = qs.filter(condition, is_promotion=True, exceptional=False).annotate(rank_started=_since_at_rank())
        return qs.filter(Q(rank_started__isnull=True) | Q(rank_started__gt=AddMonths(F("judged_on"), -12 * years)))

    return inner


def _years_describe(what: str, years: int):
    def describe(row):
        since, day = row["rank_started"], row["judged_on"]
        held = ranking.name_of(row["from_rank"])
        if not since:
            return f"未记录任{held}的时间，无法确认任{what}是否满 {years} 年"
        return f"任{what}（{held}）{years_text(since, day)}（{ymd(since)} 起），不足 {years} 年"

    return describe


DEPUTY_TO_CHIEF = Q(target_chief=True, from_chief=False, from_level=F("target_level"))
CHIEF_TO_UPPER_DEPUTY = Q(target_chief=False, from_chief=True, from_level=F("target_level") + 1)

YEARS_TEXT = "破格提拔可以突破任职年限，不按本条判断，受破格提拔的各项限制约束。" + UNVERIFIED_2019
eligibility("appointments.deputy_years", "由副职提任正职，应当在副职岗位工作两年以上", "第八条", "第八条",
            _years_in_post(DEPUTY_TO_CHIEF, DEPUTY_YEARS), _years_describe("副职", DEPUTY_YEARS),
            ("rank_started", "from_rank"), text=YEARS_TEXT, facts=("F3",))
eligibility("appointments.lower_chief_years", "由下级正职提任上级副职，应当在下级正职岗位工作三年以上", "第八条",
            "第八条", _years_in_post(CHIEF_TO_UPPER_DEPUTY, LOWER_CHIEF_YEARS),
            _years_describe("下级正职", LOWER_CHIEF_YEARS), ("rank_started", "from_rank"), text=YEARS_TEXT,
            facts=("F3",))


def _education(qs):
    bureau = Q(target_level__lte=2) & ~Q(cadre__education__in=BACHELOR)
    other = Q(target_level__gte=3) & ~Q(cadre__education__in=COLLEGE)
    return qs.filter(is_promotion=True).filter(bureau | other)


EDUCATION_NAMES = {"10": "研究生", "11": "博士研究生", "14": "硕士研究生", "20": "大学本科", "30": "大学专科",
                   "40": "中专", "60": "高中", "70": "初中", "80": "小学", "90": "其他"}


def _education_describe(row):
    code = row["cadre__education"] or ""
    needed = "大学本科" if row["target_level"] <= 2 else "大学专科"
    if not code:
        return f"未记录学历，无法确认是否具有{needed}以上文化程度"
    return f"学历为{EDUCATION_NAMES.get(code, code)}，提任{ranking.name_of(row['rank'])}一般应具有{needed}以上文化程度"


eligibility("appointments.education", "提任领导职务一般应具有大学专科以上文化程度，厅局级以上一般应具有大学本科以上",
            "第八条", "第八条", _education, _education_describe, ("cadre__education", "target_level", "rank"),
            facts=("F4",))


# 第八条: experience in two or more posts at the level below (县处级 and above; 一般 → a warning). A post is a
# `cadres.CadrePost` with a leadership-post rank (领导职务层次, not a 职级) one level below the post proposed, begun
# before the judged day; each recorded post counts once.


def _two_posts(qs):
    posts = (CadrePost.objects.unrestricted()
             .filter(cadre=OuterRef("cadre"), start_on__lt=OuterRef("judged_on"), rank__in=ranks.POST_RANKS)
             .annotate(level=ranking.level_sql("rank")).filter(level=OuterRef("target_level") + 1)
             .order_by().values("cadre").annotate(n=Count("pk")).values("n"))
    return qs.filter(is_promotion=True, target_level__lte=3).annotate(
        posts_below=Coalesce(Subquery(posts, output_field=IntegerField()), Value(0))).filter(posts_below__lt=2)


def _two_posts_describe(row):
    below = ranks.LEVELS.get(row["target_level"] + 1, "")
    held = f"仅有 {row['posts_below']} 个" if row["posts_below"] else "没有"
    return f"提任{ranking.name_of(row['rank'])}，任职记录中{held}{below}领导职务，一般应具有在下一级两个以上职位任职的经历"


eligibility("appointments.two_posts_below", "提任县处级以上领导职务，一般应当具有在下一级两个以上职位任职的经历",
            "第八条", "第八条", _two_posts, _two_posts_describe, ("posts_below", "target_level", "rank"),
            severity=WARNING,
            text="按干部的任职记录计算：职务层次为下一层级领导职务（不含职级）、且在判断日前开始的任职，每条记录计一个职位。"
                 + UNVERIFIED_2019, facts=("F2",))


# 党章: members of a local party committee need 党龄 (five years for a province's and a city's, three for a
# county's). 党龄 runs from the conversion to full membership: the member record's 转正时间, else one year after
# the cadre record's 入党时间 (the probation of a year).
PARTY_AGE_YEARS = {"province": 5, "city": 5, "county": 3}
CHARTER = "《中国共产党章程》"


def party_age_since():
    return Coalesce(F("cadre__person__membership__converted_on"), AddMonths(F("cadre__party_joined_on"), 12),
                    output_field=DateField())


def _party_age(qs):
    needed = Case(*[When(party_committee=k, then=Value(v)) for k, v in PARTY_AGE_YEARS.items()],
                  output_field=IntegerField())
    qs = qs.exclude(party_committee="").annotate(party_age_since=party_age_since(), party_years_needed=needed)
    return qs.filter(Q(party_age_since__isnull=True)
                     | Q(party_age_since__gt=AddMonths(F("judged_on"), F("party_years_needed") * -12)))


def _party_age_describe(row):
    level = dict(PartyCommittee.choices).get(row["party_committee"], "")
    needed, since = row["party_years_needed"], row["party_age_since"]
    if not since:
        return f"未记录入党（转正）时间，无法确认是否具有{level}委员所需的 {needed} 年以上党龄"
    return (f"党龄 {years_text(since, row['judged_on'])}（{ymd(since)} 起算），{level}委员必须有 {needed} 年以上党龄")


rules.register(Rule(
    code="appointments.party_age", title="担任地方党委委员，必须具有党章规定的党龄", severity=ERROR, model=MODEL,
    editions=(Edition(CHARTER, UNVERIFIED_ARTICLE, "2022年"),),
    check=lambda qs, as_of: _party_age(judged(qs.filter(decided_on__isnull=False), None)),
    describe=_party_age_describe,
    measures=("judged_on", "party_committee", "party_age_since", "party_years_needed"), event_field="decided_on",
    person_field="cadre__person_id", group=GROUP, reads=READS, facts=("F6",),
    text="党章：省、自治区、直辖市、设区的市和自治州的党委委员必须有五年以上党龄，县（旗）、自治县、不设区的市和市辖区"
         "的党委委员必须有三年以上党龄。只判断登记了“拟任党委委员”的选拔任用纪实；党龄从转为正式党员之日起算（党员信息"
         "的转正时间，未建党员信息的按干部信息的入党时间加一年预备期）。"))
CHECKS["appointments.party_age"] = _party_age


# 《党政领导干部职务任期暂行规定》(2006): fifteen years in all at one level of leadership posts → no further
# appointment at that level (exchange or other arrangement). Counted from the rank history (`RankRecord`): the
# whole calendar months of its leadership-post ranks at the level, up to the judged day.
SAME_LEVEL_MONTHS = 15 * 12
TENURE_TEXT = ("在同一层次领导职务上任职累计满十五年的，不再推荐、提名或者任命担任同一层次领导职务。按干部的职级记录"
               "累计同一层级领导职务（正职、副职合计，不含职级）的整月数。")


def months_at_level(level, day):
    """Whole months of the cadre's (OuterRef "cadre" or "pk") leadership-post ranks at `level`, up to `day`."""
    end = Least(Coalesce(F("end_on"), day), day, output_field=DateField())
    return (RankRecord.objects.unrestricted()
            .filter(rank__in=ranks.POST_RANKS, start_on__lt=day)
            .annotate(level=ranking.level_sql("rank")).filter(level=level)
            .annotate(months=MonthsBetween(F("start_on"), end))
            .order_by().values("cadre").annotate(total=Sum("months")).values("total"))


def _same_level(qs):
    months = months_at_level(OuterRef("target_level"), OuterRef("judged_on")).filter(cadre=OuterRef("cadre"))
    return qs.filter(is_promotion=False, from_level=F("target_level"), target_level__lte=4).annotate(
        level_months=Coalesce(Subquery(months, output_field=IntegerField()), Value(0))).filter(
        level_months__gte=SAME_LEVEL_MONTHS)


def _same_level_describe(row):
    return (f"在{ranks.LEVELS.get(row['target_level'], '')}领导职务上累计任职 {months_text(row['level_months'])}，"
            f"已满 15 年，不再任命担任同一层次领导职务（拟任{row['title']}）")


TENURE_EDITIONS = (Edition(TENURE, UNVERIFIED_ARTICLE, "2006年"),)
rules.register(Rule(
    code="appointments.same_level_fifteen_years", title="同一层次领导职务任职满十五年的，不再任命担任同一层次领导职务",
    severity=WARNING, model=MODEL, editions=TENURE_EDITIONS,
    check=lambda qs, as_of: _same_level(judged(qs.filter(decided_on__isnull=False), None)),
    describe=_same_level_describe, measures=("judged_on", "target_level", "level_months", "title"),
    event_field="decided_on", person_field="cadre__person_id", group=GROUP, reads=READS, facts=("F12c",),
    text=TENURE_TEXT))
CHECKS["appointments.same_level_fifteen_years"] = _same_level


def _cadre_fifteen_years(qs, as_of):
    day = Value(as_of, output_field=DateField())
    months = months_at_level(OuterRef("rank_level"), day).filter(cadre=OuterRef("pk"))
    return qs.filter(status=Cadre.Status.ACTIVE, rank__in=ranks.POST_RANKS, rank_level__lte=4).annotate(
        level_months=Coalesce(Subquery(months, output_field=IntegerField()), Value(0))).filter(
        level_months__gte=SAME_LEVEL_MONTHS)


def _cadre_fifteen_describe(row):
    return (f"在{ranks.LEVELS.get(row['rank_level'], '')}领导职务上累计任职 {months_text(row['level_months'])}，"
            "已满 15 年：不再推荐、提名或者任命担任同一层次领导职务，应研究交流或另行安排")


rules.register(Rule(
    code="cadres.same_level_fifteen_years", title="同一层次领导职务任职满十五年的，应研究交流", severity=REMINDER,
    model="cadres.Cadre", editions=TENURE_EDITIONS, check=_cadre_fifteen_years, describe=_cadre_fifteen_describe,
    measures=("rank_level", "level_months"), person_field="person_id", group="干部管理",
    reads=(Reads("cadres.RankRecord", "cadre_id"),), facts=("F12c",), text=TENURE_TEXT))


# ---------------------------------------------------------------- 第九条: probation and the last promotion


def _other_cases():
    return SelectionCase.objects.unrestricted().filter(cadre=OuterRef("cadre")).exclude(pk=OuterRef("pk"))


def _in_probation(qs):
    running = (_other_cases().filter(probation_applies=True, appointed_on__lt=OuterRef("judged_on"),
                                     probation_until__gt=OuterRef("judged_on"))
               .filter(Q(probation_concluded_on__isnull=True) | Q(probation_concluded_on__gt=OuterRef("judged_on")))
               .order_by("-appointed_on"))
    return qs.filter(is_promotion=True, exceptional=True).annotate(
        probation_title=Subquery(running.values("title")[:1]),
        probation_appointed=Subquery(running.values("appointed_on")[:1]),
        probation_ends=Subquery(running.values("probation_until")[:1]),
    ).filter(probation_ends__isnull=False)


def _in_probation_describe(row):
    return (f"{ymd(row['probation_appointed'])} 任{row['probation_title']}，试用期至 {ymd(row['probation_ends'])}，"
            "尚在试用期内，不得破格提拔")


EXCEPTIONAL_TEXT = ("破格提拔的限制：试用期未满或者提拔任职不满一年的，不得破格提拔；不得越两级提拔；不得在任职年限上"
                    "连续破格（2014年版第九条）。只判断登记为“破格提拔”的选拔任用纪实，正常提拔不受前两项限制。"
                    + UNVERIFIED_2019)

eligibility("appointments.not_in_probation", "试用期未满的，不得破格提拔", "第九条", "第九条", _in_probation,
            _in_probation_describe, ("probation_title", "probation_appointed", "probation_ends"),
            text=EXCEPTIONAL_TEXT, facts=("F8a",))


def last_promotion():
    """The start of the cadre's latest promotion before the judged day: a rank record above every earlier
    one (the first record of a career is not a promotion)."""
    records = RankRecord.objects.unrestricted().annotate(level_rank=ranking.seniority_sql("rank"))
    higher_before = records.filter(cadre=OuterRef("cadre"), start_on__lt=OuterRef("start_on"),
                                   level_rank__gte=OuterRef("level_rank"))
    any_before = RankRecord.objects.unrestricted().filter(cadre=OuterRef("cadre"), start_on__lt=OuterRef("start_on"))
    promotions = (records.filter(cadre=OuterRef("cadre"), start_on__lt=OuterRef("judged_on"))
                  .filter(Exists(any_before), ~Exists(higher_before)).order_by("-start_on"))
    return promotions


def _year_since(qs):
    promotions = last_promotion()
    qs = qs.filter(is_promotion=True, exceptional=True).annotate(
        promoted_on=Subquery(promotions.values("start_on")[:1]),
        promoted_to=Subquery(promotions.values("rank")[:1]),
    )
    return qs.filter(promoted_on__gt=AddMonths(F("judged_on"), -12))


def _year_since_describe(row):
    return (f"上次提拔（{ymd(row['promoted_on'])} 任{ranking.name_of(row['promoted_to'])}）至今 "
            f"{years_text(row['promoted_on'], row['judged_on'])}，不足 1 年，不得破格提拔")


eligibility("appointments.year_since_promotion", "提拔任职不满一年的，不得破格提拔", "第九条", "第九条",
            _year_since, _year_since_describe, ("promoted_on", "promoted_to"), text=EXCEPTIONAL_TEXT,
            facts=("F8a",))


def _two_levels(qs):
    jump = ranking.ladder_sql("target_level", "target_chief") - ranking.ladder_sql("from_level", "from_chief")
    return qs.filter(is_promotion=True, from_level__isnull=False).annotate(
        rank_steps=ExpressionWrapper(jump, output_field=IntegerField())).filter(rank_steps__gte=3)


def _two_levels_describe(row):
    return (f"由{ranking.name_of(row['from_rank'])}提任{ranking.name_of(row['rank'])}，越过 {row['rank_steps'] - 1} 个"
            "职务层次，不得越两级提拔")


eligibility("appointments.exceptional_two_levels", "不得越两级提拔", "第九条", "第九条", _two_levels,
            _two_levels_describe, ("rank_steps", "from_rank", "rank"),
            text="职务层次依次为：科员级、乡科级副职、乡科级正职、县处级副职、县处级正职、厅局级副职……；越过一个层次"
                 "即越级提拔（属破格提拔），越过两个以上层次的不得提拔，无论是否登记为破格。" + UNVERIFIED_2019,
            facts=("F8c",))


def _consecutive(qs):
    earlier = (_other_cases().filter(is_promotion=True, decided_on__lt=OuterRef("judged_on"))
               .exclude(status__in=(SelectionCase.Status.TERMINATED, SelectionCase.Status.RETURNED))
               .order_by("-decided_on", "-pk"))
    return qs.filter(is_promotion=True, exceptional=True).annotate(
        previous_exceptional=Subquery(earlier.values("exceptional")[:1]),
        previous_title=Subquery(earlier.values("title")[:1]),
        previous_decided=Subquery(earlier.values("decided_on")[:1]),
    ).filter(previous_exceptional=True)


def _consecutive_describe(row):
    return (f"上次提拔（{ymd(row['previous_decided'])} 决定任{row['previous_title']}）已是破格提拔，"
            "不得在任职年限上连续破格")


eligibility("appointments.exceptional_consecutive", "不得在任职年限上连续破格", "第九条", "第九条", _consecutive,
            _consecutive_describe, ("previous_title", "previous_decided"), text=EXCEPTIONAL_TEXT,
            facts=("F8b",))


# ---------------------------------------------------------------- training (干部教育培训工作条例 第十四条)


def _training_window(kind: str):
    return Q(target_level__lte=3) if kind == "upper" else Q(target_level__gte=4)


def _training_totals(qs, until):
    """Annotate the hours and days of training ending in the window before `until` (an expression)."""
    out = qs
    for kind, (months, _hours, _days, _label, _need) in TRAINING.items():
        window = TrainingRecord.objects.unrestricted().filter(
            cadre=OuterRef("cadre"), end_on__lte=until, end_on__gt=AddMonths(until, -months)).order_by()
        hours = window.values("cadre").annotate(s=Sum("hours")).values("s")
        days = window.values("cadre").annotate(s=Sum("days")).values("s")
        out = out.annotate(**{
            f"{kind}_hours": Coalesce(Subquery(hours, output_field=HOURS), Value(Decimal(0)), output_field=HOURS),
            f"{kind}_days": Coalesce(Subquery(days, output_field=IntegerField()), Value(0), output_field=IntegerField()),
        })
    return out


def _short(prefix: str = "") -> Q:
    q = Q()
    for kind, (_months, hours, days, _label, _need) in TRAINING.items():
        q |= _training_window(kind) & Q(**{f"{prefix}{kind}_hours__lt": hours, f"{prefix}{kind}_days__lt": days})
    return q


def _training(qs):
    qs = qs.filter(is_promotion=True)
    return _training_totals(qs, OuterRef("judged_on")).filter(_short()).annotate(
        training_due=AddMonths(Coalesce(F("appointed_on"), F("judged_on")), 12))


def hours_text(hours) -> str:
    """Credit hours without a trailing .0 (24, 24.5)."""
    return f"{Decimal(hours or 0).normalize():f}"


def _training_text(row) -> str:
    kind = "upper" if row["target_level"] <= 3 else "township"
    _months, _hours, _days, label, need = TRAINING[kind]
    return f"{label}参加培训 {hours_text(row[f'{kind}_hours'])} 学时、{row[f'{kind}_days'] or 0} 天，不足 {need}"


def _training_describe(row):
    return f"{_training_text(row)}；提拔后应于 1 年内（{ymd(row['training_due'])} 前）完成"


TRAINING_EDITIONS = (Edition(TRAINING_REGULATION, rules.UNVERIFIED_ARTICLE, "2023年修订"),)
TRAINING_TEXT = ("县处级以上领导干部每 5 年参加累计 3 个月（按 90 天计）或 550 学时以上的培训；乡科级领导干部每年"
                 "累计 12 天或 90 学时以上。提拔任职时未达到要求的，应在提拔任职后 1 年内完成。条款号依据一份转载文本，待核。")
CHECKS["appointments.training"] = _training
rules.register(Rule(
    code="appointments.training", title="提拔任职应当达到培训要求，未达到的在任职后一年内完成", severity=WARNING,
    model=MODEL, editions=TRAINING_EDITIONS,
    check=lambda qs, as_of: _training(judged(qs.filter(decided_on__isnull=False), None)),
    describe=_training_describe,
    measures=("judged_on", "target_level", "upper_hours", "upper_days", "township_hours", "township_days",
              "training_due"),
    event_field="decided_on", person_field="cadre__person_id", text=TRAINING_TEXT, group=GROUP, reads=READS,
    facts=("F5", "H2")))


def _training_overdue(qs, as_of):
    qs = qs.filter(is_promotion=True, appointed_on__isnull=False, appointed_on__lt=AddMonths(Value(as_of), -12))
    qs = _training_totals(qs.annotate(training_due=AddMonths(F("appointed_on"), 12)), OuterRef("training_due"))
    return qs.filter(_short())


def _training_overdue_describe(row):
    return (f"{ymd(row['appointed_on'])} 提拔任职，应于 {ymd(row['training_due'])} 前完成培训；截至该日"
            f"{_training_text(row)}")


rules.register(Rule(
    code="appointments.training_overdue", title="提拔任职时未达到培训要求的，应在一年内完成", severity=ERROR,
    model=MODEL, editions=TRAINING_EDITIONS, check=_training_overdue, describe=_training_overdue_describe,
    measures=("appointed_on", "target_level", "upper_hours", "upper_days", "township_hours", "township_days",
              "training_due"),
    event_field="appointed_on", person_field="cadre__person_id", text=TRAINING_TEXT, group=GROUP, reads=READS,
    facts=("F5", "H2")))


# ---------------------------------------------------------------- the decision (讨论决定)


def _quorum(qs, as_of):
    qs = qs.filter(decided_on__isnull=False, members_present__isnull=False, members_expected__gt=0)
    return qs.annotate(present_3=F("members_present") * 3, expected_2=F("members_expected") * 2).filter(
        present_3__lt=F("expected_2"))


def _quorum_describe(row):
    return f"实到会成员 {row['members_present']} 人，不足应到会成员 {row['members_expected']} 人的三分之二"


register("appointments.decision_quorum", "讨论决定干部任免事项，应有三分之二以上成员到会",
         (Edition(REGULATION, rules.UNVERIFIED_ARTICLE, "2014年，到会比例待核", IN_FORCE_2014, IN_FORCE_2019),
          Edition(REGULATION, rules.UNVERIFIED_ARTICLE, "2019年，到会比例待核", IN_FORCE_2019, None)),
         _quorum, _quorum_describe, ("members_present", "members_expected"), "decided_on",
         text="三分之二以上成员到会的要求见于多处转述，尚未与正式文本核对（待核）。"
              "按整数计算：实到会人数 × 3 ≥ 应到会人数 × 2。", facts=("F11b",))


def _majority(qs, as_of):
    return qs.filter(decided_on__isnull=False, votes_yes__isnull=False,
                     members_expected__gte=F("votes_yes") * 2)


def _majority_describe(row):
    return f"同意 {row['votes_yes']} 票，未超过应到会成员 {row['members_expected']} 人的半数"


register("appointments.decision_majority", "任免干部以超过应到会成员半数同意形成决定",
         editions("第三十八条", "讨论决定一章"), _majority, _majority_describe, ("votes_yes", "members_expected"),
         "decided_on", text="以应到会成员数为基数，不以实到会人数为基数；按整数计算：同意票 × 2 > 应到会人数。"
                            + UNVERIFIED_2019, facts=("F11a",))


# ---------------------------------------------------------------- the notice (任前公示) and the probation

PUBLIC_NOTICE_DAYS = 5
NOTICED = Q(is_promotion=True, target_level__gte=2)


def _public_notice_days(qs, as_of):
    qs = qs.filter(NOTICED, public_notice_start__isnull=False).annotate(
        public_notice_days=count_expr("public_notice_start", "public_notice_end"))
    return qs.filter(Q(public_notice_end__isnull=True) | Q(public_notice_days__lt=PUBLIC_NOTICE_DAYS))


def _public_notice_days_describe(row):
    if not row["public_notice_end"]:
        return f"任前公示自 {ymd(row['public_notice_start'])} 开始，未记录结束日期"
    return (f"任前公示 {row['public_notice_days']} 个工作日（{ymd(row['public_notice_start'])} 至 "
            f"{ymd(row['public_notice_end'])}），不足 {PUBLIC_NOTICE_DAYS} 个工作日")


register("appointments.notice_working_days", "提拔厅局级以下领导职务，任职前公示期不少于五个工作日",
         editions("第四十一条", "第四十五条"), _public_notice_days, _public_notice_days_describe,
         ("public_notice_start", "public_notice_end", "public_notice_days"), "public_notice_start",
         text="公示期按工作日计算（法定节假日不计，调休上班日计入）。" + UNVERIFIED_2019, facts=("F9",))


def _public_notice_before(qs, as_of):
    return qs.filter(NOTICED, appointed_on__isnull=False).filter(
        Q(public_notice_start__isnull=True) | Q(public_notice_end__isnull=True)
        | Q(public_notice_end__gte=F("appointed_on")))


def _public_notice_before_describe(row):
    if not row["public_notice_start"] or not row["public_notice_end"]:
        return f"{ymd(row['appointed_on'])} 任职，任职前未进行公示"
    return f"任前公示至 {ymd(row['public_notice_end'])} 期满，{ymd(row['appointed_on'])} 即已任职"


register("appointments.notice_before_appointment", "任前公示期满、对没有影响任职问题的，方可办理任职手续",
         editions("第四十一条", "第四十五条"), _public_notice_before, _public_notice_before_describe,
         ("appointed_on", "public_notice_start", "public_notice_end"), "appointed_on", facts=("F9",))


def _probation_due(qs, as_of):
    return qs.filter(status=SelectionCase.Status.PROBATION, probation_concluded_on__isnull=True,
                     probation_until__lt=as_of)


def _probation_due_describe(row):
    return f"试用期已于 {ymd(row['probation_until'])} 届满，至今未进行试用期满考核"


register("appointments.probation_end", "试用期满后进行考核，胜任的正式任职，不胜任的按试用前职级安排",
         editions("第四十二条", "第四十六条"), _probation_due, _probation_due_describe, ("probation_until",),
         "appointed_on", severity=WARNING, facts=("F10",))


# ---------------------------------------------------------------- the checks of each step

def precheck(case: SelectionCase, as_of: dt.date) -> list[dict]:
    """The eligibility rules as they judge the case on its decision date (today before the decision): each
    broken rule with its measured text and citation."""
    day = case.decided_on or as_of
    out = []
    for code in ELIGIBILITY_RULES:
        rule = rules.RULES[code]
        qs = judged(SelectionCase.objects.unrestricted().filter(pk=case.pk), day)
        for row in CHECKS[code](qs).values(*dict.fromkeys(["pk", *rule.measures])):
            out.append({"rule": rule, "text": rule.describe(row), "citation": rule.edition_on(day).citation,
                        "severity": rule.severity})
    return out


def selection_rules() -> list[Rule]:
    return WORKFLOW.case_rules()

