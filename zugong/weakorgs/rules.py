"""Rules on rectification cases (整顿台账). Working practice, not law: the citations name practice.md's sources
and are marked local (实务/地方做法); the numbers (pass mark, veto, follow-up) come from the IndicatorSet."""

from __future__ import annotations

from zugong.core.config import num

from django.db.models import Exists, F, OuterRef, Q, Subquery

from zugong.core.dates import add_months
from zugong.core.rules import ERROR, REMINDER, UNVERIFIED_ARTICLE, WARNING, Edition, Reads, Rule, register
from zugong.members.rules import months_elapsed_sql

from .models import ProgressReport, Rectification

PRACTICE = "整顿软弱涣散基层党组织工作实务"
RULE = {"model": "weakorgs.Rectification", "person_field": None, "group": "软弱涣散整顿"}


def _ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def _open(qs):
    return qs.filter(status__in=Rectification.OPEN_STATUSES)


def check_overdue(qs, as_of):
    return _open(qs).filter(deadline__lt=as_of).annotate(months_over=months_elapsed_sql("deadline", as_of))


def _overdue_text(row) -> str:
    over = f"超期 {row['months_over']} 个月" if row["months_over"] else "已超期（不足 1 个月）"
    return f"整顿期限 {_ymd(row['deadline'])}，{over}，尚未验收销号"


register(Rule(
    code="weakorgs.rectification_overdue",
    title="软弱涣散党组织整顿超期未销号",
    severity=WARNING,
    editions=(Edition(PRACTICE, "整顿期限和验收销号", "地方做法", local=True),),
    check=check_overdue,
    describe=_overdue_text,
    measures=("deadline", "months_over"),
    text="整顿工作按“一村一策”确定期限（一般一年），期满应由上级党组织验收销号；超期未销号的应督办。",
    **RULE,
    facts=("practice §1.3", "practice §1.4"),
))


def check_village_without_first_secretary(qs, as_of):
    return _open(qs).filter(organization__sector="rural", first_secretary="")


register(Rule(
    code="weakorgs.village_without_first_secretary",
    title="软弱涣散村未选派第一书记",
    severity=WARNING,
    editions=(Edition("《关于向重点乡村持续选派驻村第一书记和工作队的意见》", UNVERIFIED_ARTICLE, "中办 2021年"),),
    check=check_village_without_first_secretary,
    describe=lambda row: "软弱涣散村整顿中，未登记驻村第一书记",
    text="对党组织软弱涣散村，应当全覆盖选派第一书记。",
    **RULE,
    facts=("practice §6",),
))


def check_no_progress_report(qs, as_of):
    # 超过一个月: a report on 03-15 covers the month up to 04-15 inclusive; from 04-16 it is over a month (the
    # same for the start of the rectification when nothing was reported yet).
    since = add_months(as_of, -1)
    recent = ProgressReport.objects.unrestricted().filter(rectification=OuterRef("pk"), reported_on__gte=since)
    last = (ProgressReport.objects.unrestricted().filter(rectification=OuterRef("pk")).order_by("-reported_on")
            .values("reported_on")[:1])
    return _open(qs).filter(started_on__lt=since).filter(~Exists(recent)).annotate(last_reported=Subquery(last))


def _no_progress_text(row) -> str:
    if row["last_reported"]:
        return f"最近一次进展报告在 {_ymd(row['last_reported'])}，已超过一个月未报告"
    return f"{_ymd(row['started_on'])}开始整顿，超过一个月没有进展报告"


register(Rule(
    code="weakorgs.no_progress_report",
    reads=(Reads("weakorgs.ProgressReport", "rectification_id"),),
    title="整顿进展超过一个月未报告",
    severity=REMINDER,
    editions=(Edition(PRACTICE, "台账逐月报告", "地方做法", local=True),),
    check=check_no_progress_report,
    describe=_no_progress_text,
    measures=("started_on", "last_reported"),
    text="市、县、乡三级建立整顿台账，逐月报告进展、解决一个销号一个。",
    **RULE,
    facts=("practice §1.3",),
))


def check_accepted_below_standard(qs, as_of):
    standard = "entry__identification_list__indicator_set__"
    return qs.filter(status=Rectification.Status.ACCEPTED).filter(
        Q(accepted_score__lt=F(f"{standard}pass_mark"))
        | Q(dissatisfied_percent__gt=F(f"{standard}veto_dissatisfied_percent"))
    ).annotate(pass_mark=F(f"{standard}pass_mark"), veto=F(f"{standard}veto_dissatisfied_percent"))


def _below_text(row) -> str:
    parts = []
    if row["accepted_score"] is not None and row["accepted_score"] < row["pass_mark"]:
        parts.append(f"验收得分 {num(row['accepted_score'])} 分，低于合格线 {num(row['pass_mark'])} 分")
    if row["dissatisfied_percent"] is not None and row["dissatisfied_percent"] > row["veto"]:
        parts.append(f"群众测评“不满意”占 {num(row['dissatisfied_percent'])}%，超过 {num(row['veto'])}%（一票否决）")
    return "，".join(parts) + "，不应销号"


register(Rule(
    code="weakorgs.accepted_below_standard",
    title="验收不合格的整顿被销号",
    severity=ERROR,
    editions=(Edition("整顿验收办法", "验收合格标准", "地方做法",
                      local=True),),
    check=check_accepted_below_standard,
    describe=_below_text,
    measures=("accepted_score", "dissatisfied_percent", "pass_mark", "veto"),
    text="验收按听取汇报、民主测评、个别谈话、查看台账、评分进行；达到合格分（示例 70 分）且群众测评“不满意”"
         "不超过否决线（示例 50%）的方可销号；分数线和否决线按认定标准配置。",
    **RULE,
    facts=("practice §1.4",),
))
