"""Rules (regulations as code) of routine (平时) and annual (年度) assessment of individuals.

《公务员考核规定》（2020年） — regulations.md §7 confirms the content, not the articles, so every citation says
条款号待核 (docs/rules-coverage.md G7, G9, G10):
- `assessment.annual_two_incompetent` (G9): two consecutive years 不称职 (不合格) → 辞退: a finding on the second
  year's confirmed result that names the consequence (the earlier year from this module's results or from the
  cadre record's 年度考核).
- `assessment.annual_probation_graded` (G10): a probationer's confirmed result carries a grade (comments only).
- `assessment.annual_excellent_over_quota` (G7): a pool holds more confirmed 优秀 than its quota allowed when it
  was checked (an exception recorded by an administrator excepts the proposal).
The quotas, the cycle and the prerequisite are configuration (`QuotaRule`, `AssessmentPolicy`); the confirming
step (`individual_services.confirm_annual`) refuses what breaks them, with the rule's document as the citation.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Subquery

from zugong.core import rule_views, rules
from zugong.core.rules import ERROR, WARNING, Edition, Reads, Rule

from ..models import FAILING, AnnualGrade, AnnualProposal, QuotaSnapshot

REGULATION = "《公务员考核规定》"
EDITION = Edition(REGULATION, rules.UNVERIFIED_ARTICLE, "2020年")
GROUP = "个人考核"
CONFIRMED = AnnualProposal.Status.CONFIRMED


def _confirmed(qs):
    return qs.filter(status=CONFIRMED)


# ---------------------------------------------------------------- two consecutive years 不称职 → 辞退


def _two_incompetent(qs, as_of):
    from zugong.cadres.models import AnnualAssessment

    before = AnnualProposal.objects.unrestricted().filter(person_id=OuterRef("person_id"), year=OuterRef("year") - 1,
                                                          status=CONFIRMED, grade__in=FAILING)
    recorded = AnnualAssessment.objects.unrestricted().filter(
        cadre__person_id=OuterRef("person_id"), year=OuterRef("year") - 1, grade__in=FAILING)
    return _confirmed(qs).filter(grade__in=FAILING).filter(Exists(before) | Exists(recorded)).annotate(
        previous=F("year") - 1)


rules.register(Rule(
    code="assessment.annual_two_incompetent", title="连续两年年度考核不称职的，予以辞退",
    severity=WARNING, model="assessment.AnnualProposal", editions=(EDITION,),
    check=_two_incompetent, measures=("year", "previous"),
    describe=lambda r: f"{r['previous']}年、{r['year']}年连续两年年度考核不称职（不合格），依规应予辞退，请按程序办理",
    group=GROUP, facts=("G9",),
    text="公务员连续两年年度考核被确定为不称职等次的，予以辞退。",
))


# ---------------------------------------------------------------- probationers: comments only


def _probation_graded(qs, as_of):
    return _confirmed(qs).filter(probation=True, exception_reason="").exclude(grade__in=["", AnnualGrade.UNGRADED])


rules.register(Rule(
    code="assessment.annual_probation_graded", title="试用期人员参加年度考核只写评语，不定等次",
    severity=ERROR, model="assessment.AnnualProposal", editions=(EDITION,),
    check=_probation_graded, measures=("year", "grade"),
    describe=lambda r: f"试用期人员{r['year']}年度考核确定了等次“{dict(AnnualGrade.choices).get(r['grade'], r['grade'])}”，"
                       "应只写评语、不定等次",
    group=GROUP, facts=("G10",),
))


# ---------------------------------------------------------------- 优秀 over the pool's quota


def _over_quota(qs, as_of):
    excellent = AnnualProposal.objects.unrestricted().filter(
        round_id=OuterRef("round_id"), pool_id=OuterRef("pool_id"), status=CONFIRMED,
        grade=AnnualGrade.EXCELLENT).order_by().values("pool_id").annotate(c=Count("pk")).values("c")
    allowed = QuotaSnapshot.objects.unrestricted().filter(annual_round_id=OuterRef("round_id"),
                                                          pool_id=OuterRef("pool_id")).values("allowed")[:1]
    return (_confirmed(qs).filter(grade=AnnualGrade.EXCELLENT, exception_reason="")
            .annotate(taken=Subquery(excellent), allowed=Subquery(allowed))
            .filter(allowed__isnull=False, taken__gt=F("allowed")))


rules.register(Rule(
    code="assessment.annual_excellent_over_quota", title="年度考核优秀等次不得超过考核组的比例名额",
    severity=ERROR, model="assessment.AnnualProposal", editions=(EDITION,),
    check=_over_quota, measures=("year", "taken", "allowed"),
    describe=lambda r: f"{r['year']}年度考核本考核组已确定优秀 {r['taken']} 人，超过名额 {r['allowed']} 人",
    reads=(Reads("assessment.QuotaSnapshot", "pool_id", "pool_id"),), group=GROUP, facts=("G7",),
))

rule_views.RECORD_URLS["assessment.annualproposal"] = "assessment:individual_result"
