"""The rules of dispatch and rotation. Their numbers are not in this module: each check reads the parameters of
the dispatch's `Program` (minimum term, reminder lead time, reporting period and grace, the village-presence
share or days a month, the work team's minimum size), so a province or county changes them as data. The
editions cite where each kind of rule comes from (practice.md §6, regulations.md §6) with its verification
status; the finding's text names the program and the program's own document.

Every check is one query over all rows of a subtree (subqueries over reports and team members).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DateField, Exists, F, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from zugong.core import rules
from zugong.core.dates import months_between
from zugong.core.config import UNVERIFIED_ARTICLE
from zugong.core.rules import ERROR, REMINDER, WARNING, Edition, Reads, Rule
from zugong.core.sql import AddDays, AddMonths

from .models import Dispatch, DispatchReport, Evaluation, Rotation, WorkTeam

GROUP = "干部选派与交流"
ACTIVE = Dispatch.Status.ACTIVE

NOTICE_2015 = Edition("《关于做好选派机关优秀干部到村任第一书记工作的通知》（组通字〔2015〕24号）",
                      UNVERIFIED_ARTICLE)
SHANXI_2015 = Edition("山西省选派第一书记的规定", UNVERIFIED_ARTICLE, "2015年", local=True)
TEAM_2017 = Edition("《关于加强贫困村驻村工作队选派管理工作的指导意见》", UNVERIFIED_ARTICLE, "中办 国办 2017年")
PROGRAM = Edition("选派项目设定（各项目的依据文件见“选派项目”）", "", local=True)
EXCHANGE_2006 = Edition("《党政领导干部交流工作规定》", UNVERIFIED_ARTICLE, "2006年")


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


def source(row) -> str:
    doc = row.get("program__document")
    return f"项目“{row['program__name']}”" + (f"，依据{doc}" if doc else "")


# What each judged model reads besides itself: a dispatch its evaluations and reports; a team its members (the
# dispatches naming it); every row its program (选派项目: the numbers).
READS = {
    "dispatch.Dispatch": (Reads("dispatch.Evaluation", "dispatch_id"), Reads("dispatch.DispatchReport", "dispatch_id"),
                          Reads("dispatch.Program", "pk", "program_id")),
    "dispatch.WorkTeam": (Reads("dispatch.Dispatch", "team_id"), Reads("dispatch.Program", "pk", "program_id")),
    "dispatch.Rotation": (),
}


def _register(code, title, severity, model, editions, check, describe, measures, person_field="person_id",
              text="", facts=()):
    return rules.register(Rule(code=code, title=title, severity=severity, model=model, editions=editions,
                               check=check, describe=describe, measures=measures, person_field=person_field,
                               text=text, group=GROUP, reads=READS[model], facts=facts))


PROGRAM_FIELDS = ("program__name", "program__document")

# ---------------------------------------------------------------- term


def _term_short_check(qs, as_of):
    # 期满日期 is the term's last day: the term is whole months from start_on to the day after end_on
    # (2024-03-15 … 2026-03-14 is 24 months), short when end_on + 1 day < start_on + the minimum.
    return qs.filter(program__min_term_months__isnull=False).filter(
        end_on__lt=AddDays(AddMonths(F("start_on"), F("program__min_term_months")), -1))


def _term_short_describe(row):
    months = months_between(row["start_on"], row["end_on"] + dt.timedelta(days=1))
    return (f"选派期 {ymd(row['start_on'])} 至 {ymd(row['end_on'])}，满 {months} 个月，"
            f"短于规定的 {row['program__min_term_months']} 个月（{source(row)}）")


_register("dispatch.term_too_short", "选派任期不短于项目规定的最短任期", ERROR, "dispatch.Dispatch",
          (PROGRAM,), _term_short_check, _term_short_describe,
          ("start_on", "end_on", "program__min_term_months", *PROGRAM_FIELDS),
          text="最短任期是选派项目的参数：山西第一书记任期2年、期间不轮换；驻村工作队每期不少于2年"
               "（2017年指导意见）；全国第一书记任期1至3年（《关于做好选派机关优秀干部到村任第一书记工作的通知》，"
               "组通字〔2015〕24号）。期满日期为选派的最后一天：2024-03-15 派驻、2026-03-14 期满为满 24 个月。", facts=("practice §6",))


def _ending_check(qs, as_of):
    remind_from = AddDays(F("end_on"), -F("program__reminder_days"))
    return qs.filter(status=ACTIVE, end_on__gte=as_of).annotate(remind_from=remind_from).filter(
        remind_from__lte=as_of)


def _ending_describe(row):
    return f"选派期将于 {ymd(row['end_on'])} 届满，请安排期满考核和轮换（{source(row)}）"


_register("dispatch.term_ending", "选派期满前提醒", REMINDER, "dispatch.Dispatch", (PROGRAM,),
          _ending_check, _ending_describe, ("end_on", *PROGRAM_FIELDS),
          text="提前提醒的天数是选派项目的参数（默认 60 天）。", facts=("practice §6",))


def _overrun_check(qs, as_of):
    evaluated = Evaluation.objects.unrestricted().filter(dispatch=OuterRef("pk"), kind=Evaluation.Kind.END_OF_TERM)
    return qs.filter(end_on__lt=as_of).exclude(status=Dispatch.Status.RECALLED).filter(~Exists(evaluated))


def _overrun_describe(row):
    return f"选派期已于 {ymd(row['end_on'])} 届满，尚未进行期满考核（{source(row)}）"


_register("dispatch.term_overrun", "选派期满应进行期满考核", WARNING, "dispatch.Dispatch",
          (SHANXI_2015, NOTICE_2015), _overrun_check, _overrun_describe, ("end_on", *PROGRAM_FIELDS),
          text="第一书记考核包括平时、半年、民主测评和年终考核，考核结果作为评优、提拔和晋升职级的依据（山西省"
               "2015年规定）。期满未记录期满考核、又未提前召回的，提示补办。", facts=("practice §6",))


# ---------------------------------------------------------------- presence in the village and reports


def _year_reports(as_of):
    start = dt.date(as_of.year, 1, 1)
    return DispatchReport.objects.unrestricted().filter(dispatch=OuterRef("pk"), period_start__gte=start,
                                                        period_start__lte=as_of)


def _sum(qs, field):
    summed = qs.order_by().values("dispatch").annotate(n=Sum(field)).values("n")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def _share_check(qs, as_of):
    reports = _year_reports(as_of).filter(workdays__isnull=False, days_in_village__isnull=False)
    qs = qs.filter(status=ACTIVE, program__village_share_num__isnull=False, program__village_share_den__gt=0)
    qs = qs.annotate(year_days=_sum(reports, "days_in_village"), year_workdays=_sum(reports, "workdays"),
                     year=Value(as_of.year, IntegerField()))
    # days / workdays < num / den, in integers: days × den < workdays × num.
    return qs.filter(year_workdays__gt=0).annotate(
        share_lhs=F("year_days") * F("program__village_share_den"),
        share_rhs=F("year_workdays") * F("program__village_share_num"),
    ).filter(share_lhs__lt=F("share_rhs"))


def _share_describe(row):
    return (f"{row['year']} 年已报送的报告期内在村 {row['year_days']} 天，占工作日 {row['year_workdays']} 天的"
            f" {row['year_days'] * 100 // row['year_workdays']}%，不足 {row['program__village_share_num']}/"
            f"{row['program__village_share_den']}（{source(row)}）")


_register("dispatch.village_share", "在村工作天数不少于全年工作日的规定比例", WARNING, "dispatch.Dispatch",
          (SHANXI_2015,), _share_check, _share_describe,
          ("year", "year_days", "year_workdays", "program__village_share_num", "program__village_share_den",
           *PROGRAM_FIELDS),
          text="山西：第一书记全年在村时间不少于工作日的三分之二（2015年规定）。比例是选派项目的参数；按当年已报送的"
               "报告期累计计算（在村天数 × 分母 < 工作日数 × 分子即提示）。", facts=("practice §6",))


def _month_check(qs, as_of):
    below = _year_reports(as_of).filter(
        days_in_village__lt=OuterRef("program__village_days_per_month"),
        period_start__gte=OuterRef("start_on"), period_end__lte=OuterRef("end_on"),
    )
    counted = below.order_by().values("dispatch").annotate(n=Count("pk")).values("n")
    latest = below.order_by("-period_start").values("period_start")[:1]
    return qs.filter(status=ACTIVE, program__village_days_per_month__isnull=False).annotate(
        months_below=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        latest_below=Subquery(latest, output_field=DateField()),
    ).filter(months_below__gt=0)


def _month_describe(row):
    return (f"今年有 {row['months_below']} 个月在村不足 {row['program__village_days_per_month']} 天"
            f"（最近一次：{row['latest_below']:%Y-%m}）（{source(row)}）")


_register("dispatch.village_days_month", "每月在村工作天数不少于规定天数", WARNING, "dispatch.Dispatch",
          (Edition("部分县第一书记管理办法（每月在村不少于20天）", "", local=True),),
          _month_check, _month_describe,
          ("months_below", "latest_below", "program__village_days_per_month", *PROGRAM_FIELDS),
          text="部分县要求第一书记每月在村不少于 20 天。天数是选派项目的参数；"
               "只判断整月都在选派期内的报告期。", facts=("practice §6",))


def report_due(qs):
    """Dispatches annotated with the period next to report (`next_start`: the day after the last period
    reported, or the first of the starting month) and the day its report is due (`report_due`: the program's
    period and grace days later). The rule and the deadline list (`deadlines.py`) both read it."""
    last_end = (DispatchReport.objects.unrestricted().filter(dispatch=OuterRef("pk")).order_by()
                .values("dispatch").annotate(m=Max("period_end")).values("m"))
    next_start = Coalesce(AddDays(Subquery(last_end, output_field=DateField()), 1),
                          TruncMonth("start_on", output_field=DateField()))
    qs = qs.annotate(next_start=next_start)
    return qs.annotate(report_due=AddDays(AddMonths(F("next_start"), F("program__report_every_months")),
                                          F("program__report_grace_days") - 1))


def _report_check(qs, as_of):
    return report_due(qs.filter(status=ACTIVE)).filter(report_due__lt=as_of, next_start__lte=F("end_on"))


def _report_describe(row):
    period_end = row["report_due"] - dt.timedelta(days=row["program__report_grace_days"])
    return (f"{row['next_start']:%Y-%m} 起的报告期（至 {ymd(period_end)}）应于 {ymd(row['report_due'])} 前报送"
            f"工作报告，至今未报送（{source(row)}）")


_register("dispatch.report_overdue", "按期报送选派工作报告", WARNING, "dispatch.Dispatch", (PROGRAM,),
          _report_check, _report_describe,
          ("next_start", "report_due", "program__report_grace_days", *PROGRAM_FIELDS),
          text="报告周期（每月、每季度、每半年）和报送宽限天数是选派项目的参数；从选派开始的月份起按期连续报送。", facts=("practice §6",))


# ---------------------------------------------------------------- work teams


def _team_check(qs, as_of):
    return qs.filter(status=WorkTeam.Status.ACTIVE, start_on__lte=as_of, program__min_team_size__isnull=False
                     ).with_member_counts(as_of).filter(members_now__lt=F("program__min_team_size"))


def _team_describe(row):
    return (f"驻村工作队“{row['name']}”现有在岗队员 {row['members_now']} 人，少于 {row['program__min_team_size']} 人"
            f"（{source(row)}）")


_register("dispatch.team_size", "驻村工作队人数不少于规定人数", WARNING, "dispatch.WorkTeam", (TEAM_2017,),
          _team_check, _team_describe, ("name", "members_now", "program__min_team_size", *PROGRAM_FIELDS),
          person_field=None,
          text="每个驻村工作队一般不少于 3 人，每期不少于 2 年（2017年指导意见）。人数是选派项目的参数。", facts=("practice §6",))


# ---------------------------------------------------------------- rotation


def _no_return_check(qs, as_of):
    return qs.filter(planned_end_on__lt=as_of, returned_on__isnull=True)


def _no_return_describe(row):
    return (f"{row['from_unit_name']}到{row['to_unit_name']}的交流约定于 {ymd(row['planned_end_on'])} 期满，"
            "至今未记录返回或结束情况")


_register("dispatch.rotation_no_return", "有期限的交流期满应有返回或结束记录", WARNING, "dispatch.Rotation",
          (EXCHANGE_2006,), _no_return_check, _no_return_describe,
          ("from_unit_name", "to_unit_name", "planned_end_on"),
          text="上挂、下派等有期限的交流期满后，应记录返回原单位或转任的情况，以便干部档案完整。")


def _document_check(qs, as_of):
    return qs.exclude(from_level=F("to_level")).filter(document_no="")


def _document_describe(row):
    labels = dict(Rotation._meta.get_field("from_level").choices)
    return (f"{row['on']:%Y-%m-%d} 从{labels.get(row['from_level'])}（{row['from_unit_name']}）交流到"
            f"{labels.get(row['to_level'])}（{row['to_unit_name']}），未记录任免或交流文件文号")


_register("dispatch.rotation_document", "跨层级交流应有任免或交流文件", WARNING, "dispatch.Rotation",
          (EXCHANGE_2006,), _document_check, _document_describe,
          ("on", "from_level", "to_level", "from_unit_name", "to_unit_name"),
          text="省直与市县乡之间的交流须有任免或交流文件；条款号待核。")
