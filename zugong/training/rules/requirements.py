"""Training rules: the hour requirements (培训要求) as local rule templates.

Each template builds a `Rule` from a `core.LocalRule` row (numbers in `params`, citation in regulation/article,
edition in effective_from/effective_to), judged by the set-based evaluators of `training.requirements_eval`.
The yearly requirements judge the last whole year (as `branchlife.study_hours` does); the 5-year requirement
the rolling window ending on the scan day. The members' 32 学时 stay `branchlife.study_hours` (national).
"""

from __future__ import annotations

from zugong.core import rules
from zugong.core.config import CHOICES, INT, Param

from .. import requirements_eval as ev

CREDITS = rules.Reads("training.Credit", "person_id", "person_id")
READS = {
    "cadres.Cadre": (CREDITS, rules.Reads("cadres.RankRecord", "cadre_id")),
    "members.Membership": (CREDITS, rules.Reads("members.PostSpan", "membership_id")),
    "members.PostSpan": (rules.Reads("training.Credit", "person_id", "membership__person_id"),),
}
LEVELS = Param("levels", "适用层级", CHOICES, default=None, choices=ev.LEVEL_CHOICES,
               help="干部现任职级所在的层级")
ORG_KINDS = Param("org_kinds", "适用组织", CHOICES, default=None, choices=ev.COMMITTEE_ORG_KINDS,
                  help="在哪些组织的委员会任职的书记、委员")


def _hours(value) -> str:
    return ev.num(value)


def _cycle_text(row) -> str:
    text = (f"{row['period']}参加脱产或集中培训 {_hours(row['credited'])} 学时、{_hours(row['days'])} 天，"
            f"不足 {_hours(row['required'])} 学时或 {_hours(row['required_days'])} 天")
    if row.get("due"):
        text += f"；提拔任职后应于 {row['due']:%Y-%m-%d} 前达到"
    return text


def _year_text(row) -> str:
    return (f"{row['period']}参加脱产或集中培训 {_hours(row['credited'])} 学时、{_hours(row['days'])} 天，"
            f"不足 {_hours(row['required'])} 学时或 {_hours(row['required_days'])} 天")


def _online_text(row) -> str:
    return f"{row['period']}网络培训 {_hours(row['credited'])} 学时，不足 {_hours(row['required'])} 学时"


def _committee_text(row) -> str:
    parts = []
    if row["credited"] < row["required"]:
        parts.append(f"学习培训 {_hours(row['credited'])} 学时，不足 {_hours(row['required'])} 学时")
    if row["trainings"] < row["required_trainings"]:
        parts.append(f"参加集中培训 {row['trainings']} 次，不足 {row['required_trainings']} 次")
    return f"{row['period']}" + "；".join(parts)


def _new_secretary_text(row) -> str:
    return f"{row['start']:%Y-%m-%d} 任书记，至 {row['end']:%Y-%m-%d} 未参加脱产或集中培训"


def _probationary_text(row) -> str:
    return f"{row['start']:%Y-%m-%d} 入党，至 {row['end']:%Y-%m-%d} 未参加集中培训"


TEXTS = {ev.CADRE_CYCLE: _cycle_text, ev.CADRE_YEAR: _year_text, ev.ONLINE: _online_text,
         ev.COMMITTEE: _committee_text, ev.NEW_SECRETARY: _new_secretary_text, ev.PROBATIONARY: _probationary_text}
MEASURES = ("credited", "required", "days", "trainings", "period", "start", "end")


def _the_day(req: ev.Requirement, as_of):
    """The day whose edition applies: the end of the judged year for a yearly requirement, else the scan day."""
    if req.yearly:
        return ev.year_period(ev.judged_year(as_of)).end
    return as_of


def requirement_rule(row) -> rules.Rule:
    req = ev.from_row(row)
    where = f"适用于{req.org_name}及其下级组织。" if req.org_name else ""

    def check(qs, as_of):
        if not ev.in_force(req, _the_day(req, as_of)):
            return []
        return ev.evaluate(req, qs, as_of)

    return rules.Rule(
        code=req.code, title=req.title, severity=req.severity, model=req.model, editions=(req.edition,),
        check=check, describe=TEXTS[req.template], measures=MEASURES, text=f"{row.title}。{where}", group="培训", reads=READS[req.model],
        facts=FACTS.get(req.template, ()),
    )


FACTS = {ev.CADRE_CYCLE: ("H2",), ev.CADRE_YEAR: ("H3",), ev.ONLINE: ("H4",),
         ev.COMMITTEE: ("practice §7",), ev.NEW_SECRETARY: ("practice §7",), ev.PROBATIONARY: ("practice §7",)}


@rules.local_template(ev.CADRE_CYCLE, title="县处级以上干部 5 年培训要求", params=(
    Param("years", "统计年数", INT, "年", 5),
    Param("hours", "至少", INT, "学时", 550),
    Param("days", "或至少", INT, "天", 90, help="3 个月按 90 天计"),
    Param("grace_months", "提拔后完成期限", INT, "个月", 12),
    LEVELS,
), citation=f"《干部教育培训工作条例》（2023年修订）{rules.UNVERIFIED_ARTICLE}")
def cadre_cycle_rule(row) -> rules.Rule:
    """县处级以上领导干部和四级调研员以上公务员：每 5 年参加脱产或集中培训累计 3 个月或 550 学时以上。"""
    return requirement_rule(row)


@rules.local_template(ev.CADRE_YEAR, title="乡科级及以下干部年度培训要求", params=(
    Param("hours", "每年至少", INT, "学时", 90),
    Param("days", "或至少", INT, "天", 12),
    LEVELS,
), citation=f"《干部教育培训工作条例》（2023年修订）{rules.UNVERIFIED_ARTICLE}")
def cadre_year_rule(row) -> rules.Rule:
    """乡科级领导干部和一级主任科员以下公务员：每年参加脱产或集中培训累计 12 天或 90 学时以上。"""
    return requirement_rule(row)


@rules.local_template(ev.ONLINE, title="干部网络培训年度学时", params=(
    Param("hours", "每年至少", INT, "学时", 50),
    LEVELS,
), citation=f"《全国干部教育培训规划》{rules.UNVERIFIED_ARTICLE}")
def online_rule(row) -> rules.Rule:
    """干部每年参加网络培训的学时。"""
    return requirement_rule(row)


@rules.local_template(ev.COMMITTEE, title="基层党组织书记和委员年度培训", params=(
    Param("hours", "每年至少", INT, "学时", 56),
    Param("trainings", "其中集中培训至少", INT, "次", 1),
    ORG_KINDS,
), citation=f"《全国党员教育培训工作规划》{rules.UNVERIFIED_ARTICLE}")
def committee_rule(row) -> rules.Rule:
    """基层党组织书记和委员每年参加集中学习培训不少于 56 学时，其中至少参加 1 次集中培训。"""
    return requirement_rule(row)


@rules.local_template(ev.NEW_SECRETARY, title="新任党组织书记任职培训", params=(
    Param("months", "任职后", INT, "个月内", 6),
    Param("lookback_months", "检查任职", INT, "个月以内的书记", 24),
    ORG_KINDS,
), citation=f"《全国党员教育培训工作规划》{rules.UNVERIFIED_ARTICLE}")
def new_secretary_rule(row) -> rules.Rule:
    """新任基层党组织书记在任职后 6 个月内参加培训。"""
    return requirement_rule(row)


@rules.local_template(ev.PROBATIONARY, title="预备党员参加集中培训", params=(
    Param("months", "入党后", INT, "个月内", 12),
    Param("lookback_months", "到期后检查", INT, "个月", 12),
), citation=f"《全国党员教育培训工作规划》{rules.UNVERIFIED_ARTICLE}")
def probationary_rule(row) -> rules.Rule:
    """预备党员在预备期内至少参加 1 次上级党组织举办的集中培训。"""
    return requirement_rule(row)
