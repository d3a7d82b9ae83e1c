"""Rules (regulations as code) of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes.

- `assessment.ballots_team_barred_top` / `assessment.ballots_leader_barred_top` (error): a team graded 好, a
  leader graded 优秀, while a situation that bars the top grade is ticked (G3; the grades G2). The recording
  step refuses it (`rules.enforce` in `ballots_services.record_*_grade`), with an exception by an authorized
  user recorded as such.
- `assessment.ballots_follow_up` (warning): a subject flagged by a closed 民主测评 (thresholds of the round's
  rules, local practice) without a follow-up recorded by the round's 结果处理期限.
"""

from zugong.core import rule_views, rules
from zugong.core.rules import Edition, Reads, Rule

REGULATION = "《党政领导干部考核工作条例》"
EDITION = "2019年"
CITED = (Edition(REGULATION, rules.UNVERIFIED_ARTICLE, EDITION),)
PRACTICE = (Edition("民主测评规则（各地的结果运用规定，见“民主测评规则”）", "结果处理期限", "地方做法", local=True),)


def _texts(bars) -> str:
    return "、".join(f"“{b.get('text', '')}”" for b in bars or [])


def _team_check(qs, as_of):
    return qs.filter(grade="good").exclude(bars=[])


def _team_describe(row) -> str:
    return f"{row['team__name']}{row['year']}年考核等次为“好”，但勾选了不得评为“好”（优秀）等次的情形：{_texts(row['bars'])}"


def _leader_check(qs, as_of):
    return qs.filter(grade="excellent").exclude(bars=[])


def _leader_describe(row) -> str:
    return f"{row['cadre__name']}{row['year']}年考核等次为“优秀”，但勾选了不得评为优秀等次的情形：{_texts(row['bars'])}"


def _follow_up_check(qs, as_of):
    return qs.filter(flagged=True, follow_up="", round__status="closed", round__follow_up_by__lt=as_of)


def _follow_up_describe(row) -> str:
    by = row["round__follow_up_by"]
    return (f"{row['name']}在“{row['round__title']}”中列为需关注对象，处理期限 {by:%Y-%m-%d} 已过，"
            f"尚未登记诫勉、调整等处理情况")


rules.register(Rule(
    code="assessment.ballots_team_barred_top", title="有不得评为优秀情形的领导班子不得评为“好”", severity=rules.ERROR,
    model="assessment.TeamAssessment", editions=CITED, check=_team_check, describe=_team_describe,
    measures=("team__name", "year", "bars"), person_field=None, org_field="team__organization_id",
    group="考核", facts=("G2", "G3")))

rules.register(Rule(
    code="assessment.ballots_leader_barred_top", title="有不得评为优秀情形的领导干部不得评为“优秀”",
    severity=rules.ERROR, model="assessment.LeaderAssessment", editions=CITED, check=_leader_check,
    describe=_leader_describe, measures=("cadre__name", "year", "bars"), person_field="cadre__person_id",
    org_field="team__organization_id", group="考核", facts=("G2", "G3")))

rules.register(Rule(
    code="assessment.ballots_follow_up", title="民主测评需关注对象应按期登记处理情况", severity=rules.WARNING,
    model="assessment.BallotSubject", editions=PRACTICE, check=_follow_up_check, describe=_follow_up_describe,
    measures=("name", "round__title", "round__follow_up_by"), person_field="cadre__person_id",
    org_field="round__organization_id", group="考核", reads=(Reads("assessment.BallotRound", "pk", "round_id"),),
    facts=("practice §3.3",)))

rule_views.RECORD_URLS["assessment.teamassessment"] = "assessment:ballots_team"
rule_views.RECORD_URLS["assessment.leaderassessment"] = "assessment:ballots_leader"
rule_views.RECORD_URLS["assessment.ballotsubject"] = "assessment:ballots_subject"
rule_views.RECORD_URLS["assessment.ballotround"] = "assessment:ballots_round"
