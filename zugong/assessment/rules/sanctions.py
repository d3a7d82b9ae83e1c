"""Rules where a sanction or investigation record itself is wrong (the bars on a grade are `assessment.bars`):

- `assessment.probation_rights_not_restored` (national, 警示): a 留党察看 of a member whose period (one or two years
  from the decision) has ended while the member's 留党察看 record is still open — neither 恢复党员权利 nor a later
  开除党籍 recorded. The member stays off the voters' roll of every election (C7) until it is recorded.
- template `sanctions_investigation_open` (local): an investigation open longer than the configured months without
  an outcome (the time limits of 审查调查 are set by the discipline bodies; how late to remind is local practice).
"""

from __future__ import annotations

from django.db.models import Case, DateField, Exists, F, OuterRef, When

from zugong.core import rule_views, rules
from zugong.core.config import INT, Param
from zugong.core.sql import AddMonths

from ..models import Sanction, SanctionKind

K = SanctionKind
GROUP = "考核"
PERSON_ROWS = {"person_field": "person_id", "org_field": "person__organization_id", "path_field": "person__org_path"}


def ymd(day) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


# ---------------------------------------------------------------- 留党察看 ended without 恢复党员权利


def _probation_check(qs, as_of):
    expelled_later = Sanction.objects.unrestricted().filter(person=OuterRef("person"), kind=K.EXPULSION,
                                                             decided_on__gte=OuterRef("decided_on"))
    end = Case(When(kind=K.PROBATION_2, then=AddMonths(F("decided_on"), 24)),
               default=AddMonths(F("decided_on"), 12), output_field=DateField())
    return (qs.filter(kind__in=(K.PROBATION_1, K.PROBATION_2), discipline_span__isnull=False,
                      discipline_span__ended_on__isnull=True)
            .annotate(probation_end=end).filter(probation_end__lte=as_of).filter(~Exists(expelled_later)))


def _probation_describe(row) -> str:
    years = 2 if row["kind"] == K.PROBATION_2 else 1
    return (f"{ymd(row['decided_on'])}受留党察看{'二' if years == 2 else '一'}年处分，察看期于"
            f"{ymd(row['probation_end'])}届满，未登记恢复党员权利（或开除党籍）")


rules.register(rules.Rule(
    code="assessment.probation_rights_not_restored",
    title="留党察看期满应恢复党员权利（或开除党籍），并在党员信息中登记",
    severity=rules.WARNING, model="assessment.Sanction",
    editions=(rules.Edition("《中国共产党纪律处分条例》", rules.UNVERIFIED_ARTICLE),),
    check=lambda qs, as_of: _probation_check(qs, as_of), describe=_probation_describe,
    measures=("kind", "decided_on", "probation_end"), event_field=None, group=GROUP,
    text="留党察看期间没有表决权、选举权和被选举权；察看期满未登记恢复党员权利的，该党员在此后的选举中仍被排除在有表决权的党员之外。",
    reads=(rules.Reads("members.DisciplineSpan", "id", "discipline_span_id"),
           rules.Reads("assessment.Sanction", "person_id", "person_id")),
    facts=("C7", "practice §3.2"), **PERSON_ROWS,
))


# ---------------------------------------------------------------- investigations open too long


@rules.local_template("sanctions_investigation_open", title="立案审查的结案期限", params=(
    Param("months", "立案后超过多少个月未登记结案即提示", INT, "个月", 6),
), citation="本地规定（审查调查期限按纪检监察机关的规定执行）")
def investigation_open_rule(row) -> rules.Rule:
    """An investigation opened more than `months` calendar months ago with no outcome recorded.

    params: {"months": 6}."""
    months = int(row.params.get("months", 6))
    if months < 1:
        raise ValueError(f"本地规则 {row.code} 的参数有误：months 应为正整数")
    path = row.organization.path

    def check(qs, as_of):
        return (qs.filter(person__org_path__subtree=path, closed_on__isnull=True)
                .annotate(close_due=AddMonths(F("opened_on"), months)).filter(close_due__lt=as_of))

    def describe(r):
        return f"{ymd(r['opened_on'])}立案审查，超过 {months} 个月（应于 {ymd(r['close_due'])} 前）仍未登记结案"

    return rules.Rule(code=row.code, title=row.title, severity=row.severity, model="assessment.Investigation",
                      editions=(rules.local_edition(row),), check=check, describe=describe,
                      measures=("opened_on", "close_due"), event_field="opened_on", group=GROUP,
                      text=f"本地规则，适用于{row.organization.name}及其下级组织", facts=("practice §3.2",),
                      **PERSON_ROWS)


rule_views.RECORD_URLS["assessment.sanction"] = "assessment:sanctions_detail"
rule_views.RECORD_URLS["assessment.investigation"] = "assessment:investigations_detail"

from .. import sanctions_panels  # noqa: E402,F401 — the cadre page's section (registered with the rules)
