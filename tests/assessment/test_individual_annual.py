"""The annual assessment: the prerequisite, probationers, bars, the exception path, two consecutive 不称职, the
flow into the cadre record and the selector."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.assessment import annual_selectors, bars
from zugong.assessment import individual_services as services
from zugong.assessment.models import AnnualProposal
from zugong.cadres import services as cadre_services
from zugong.cadres.models import AnnualAssessment
from zugong.core import rules
from zugong.core.models import AuditEntry

from .individual_fixtures import people, propose, routine, setup


@pytest.fixture
def assess(tree, users):
    return setup(tree, users)

GOOD4 = ["good", "good", "good", "fairly_good"]


def _round(a, year=2025):
    return services.open_annual_round(a.users.admin, a.assessor, year)


def _proposal(rnd, person):
    return AnnualProposal.objects.unrestricted().get(round=rnd, person=person)


@pytest.mark.django_db
def test_prerequisite_for_excellent(assess):
    """优秀 needs 好 in more than half of the year's quarters and no 一般/较差."""
    a = assess
    ps = people(a.dept, 10)
    routine(a.users.admin, a.assessor, a.dept, {
        ps[0]: GOOD4,                                       # 3 of 4 好: meets it
        ps[1]: ["good", "good", "fairly_good", "fairly_good"],  # 2 of 4: not more than half
        ps[2]: ["good", "good", "good", "fair"],           # an 一般
        **{p: ["fairly_good"] * 4 for p in ps[3:]},
    }, 2025)
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, ps, ["excellent", "excellent", "excellent"] + ["competent"] * 7)
    services.confirm_annual(a.users.admin, rnd)
    assert _proposal(rnd, ps[0]).grade == "excellent"
    second, third = _proposal(rnd, ps[1]), _proposal(rnd, ps[2])
    assert second.status == third.status == "refused"
    assert "全年“好” 2 期" in second.reasons[0]["text"] and "超过4期的50%" in second.reasons[0]["text"]
    assert "一般、较差 1 期" in third.reasons[0]["text"]


@pytest.mark.django_db
def test_probationer_comments_only(assess):
    a = assess
    new, old = people(a.dept, 2)
    cadre_services.create_cadre(a.users.admin, new, a.assessor, work_started_on=dt.date(2025, 8, 1))
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, [new, old], ["competent", "competent"])
    services.confirm_annual(a.users.admin, rnd)
    row = _proposal(rnd, new)
    assert row.status == "refused" and row.probation
    assert "试用期人员" in row.reasons[0]["text"] and "只写评语" in row.reasons[0]["text"]
    assert "条款号待核" in row.reasons[0]["citation"]
    propose(a.users.admin, rnd, a.dept, [new], ["ungraded"])
    services.confirm_annual(a.users.admin, rnd)
    row.refresh_from_db()
    assert (row.status, row.grade) == ("confirmed", "ungraded")
    # the rule: a probationer's graded result is a finding
    AnnualProposal.objects.unrestricted().filter(pk=row.pk).update(grade="competent")
    assert [r.code for r, _row in rules.check_record(["assessment.annual_probation_graded"], row)] == [
        "assessment.annual_probation_graded"]


@pytest.mark.django_db
def test_bars_refuse_and_hold(assess, monkeypatch):
    a = assess
    warned, investigated, expelled, clean = people(a.dept, 4)

    def fake(year, person_ids=None):
        return {warned.pk: [bars.Bar(warned.pk, bars.NOT_EXCELLENT, "2025年3月5日受党内警告处分", "《中国共产党纪律处分条例》条款号待核", "assessment.sanction", 7)],
                investigated.pk: [bars.Bar(investigated.pk, bars.PENDING, "2025年10月被立案审查", "《公务员考核规定》（2020年）条款号待核", "assessment.sanction", 8)],
                expelled.pk: [bars.Bar(expelled.pk, bars.FORCED_FAIL, "2025年6月受留党察看一年处分", "《公务员考核规定》（2020年）条款号待核", "assessment.sanction", 9)]}

    monkeypatch.setattr(bars, "bars_for", fake)
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, [warned, investigated, expelled, clean],
            ["excellent", "competent", "competent", "competent"])
    from zugong.assessment.models import AssessmentPolicy

    AssessmentPolicy.objects.unrestricted().update(prerequisite=False)
    counts = services.confirm_annual(a.users.admin, rnd)
    assert (counts["confirmed"], counts["refused"], counts["pending"]) == (1, 2, 1)
    w = _proposal(rnd, warned)
    assert w.reasons[0]["evidence"] == "assessment.sanction" and w.reasons[0]["evidence_pk"] == 7
    assert "不得评为优秀" in w.reasons[0]["text"]
    assert _proposal(rnd, investigated).status == "pending"
    assert "定为不称职" in _proposal(rnd, expelled).reasons[0]["text"]
    propose(a.users.admin, rnd, a.dept, [expelled], ["incompetent"])
    services.confirm_annual(a.users.admin, rnd)
    assert _proposal(rnd, expelled).grade == "incompetent"


@pytest.mark.django_db
def test_exception_path(assess):
    a = assess
    ps = people(a.dept, 5)
    from zugong.assessment.models import AssessmentPolicy

    AssessmentPolicy.objects.unrestricted().update(prerequisite=False)
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, ps, ["excellent", "excellent", "competent", "competent", "competent"])
    services.confirm_annual(a.users.admin, rnd)
    refused = _proposal(rnd, ps[1])
    assert refused.status == "refused"
    with pytest.raises(PermissionDenied):  # an organization admin may not
        services.record_exception(a.users.taiyuan, refused, "特殊贡献")
    with pytest.raises(ValidationError):
        services.record_exception(a.users.admin, refused, "  ")
    services.record_exception(a.users.admin, refused, "抗洪抢险中表现突出，经部务会研究同意")
    entry = AuditEntry.objects.unrestricted().filter(model="assessment.annualproposal", object_id=str(refused.pk),
                                                     action="exception").get()
    assert entry.note == "抗洪抢险中表现突出，经部务会研究同意"
    services.confirm_annual(a.users.admin, rnd)
    refused.refresh_from_db()
    assert (refused.status, refused.grade) == ("confirmed", "excellent")
    assert any(r["code"] == "quota" for r in refused.reasons)
    assert refused.exception_by == a.users.admin


@pytest.mark.django_db
def test_two_consecutive_incompetent_names_dismissal(assess):
    a = assess
    (p,) = people(a.dept, 1)
    cadre = cadre_services.create_cadre(a.users.admin, p, a.assessor, work_started_on=dt.date(2010, 7, 1))
    AnnualAssessment.objects.create(cadre=cadre, year=2024, grade="incompetent")
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, [p], ["incompetent"])
    services.confirm_annual(a.users.admin, rnd)
    row = _proposal(rnd, p)
    found = rules.check_record(["assessment.annual_two_incompetent"], row)
    assert len(found) == 1
    rule, data = found[0]
    assert "2024年、2025年连续两年年度考核不称职" in rule.describe(data) and "辞退" in rule.describe(data)
    assert "《公务员考核规定》（2020年）条款号待核" == rule.citation


@pytest.mark.django_db
def test_flow_into_cadre_record(assess):
    from zugong.adform.mapping import form_of

    a = assess
    p, q = people(a.dept, 2)
    cadre = cadre_services.create_cadre(a.users.admin, p, a.assessor, work_started_on=dt.date(2010, 7, 1))
    AnnualAssessment.objects.create(cadre=cadre, year=2024, grade="competent")
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, [p, q], ["competent", "competent"], category="civil_servant")
    counts = services.confirm_annual(a.users.admin, rnd)
    assert counts["cadres"] == 1
    row = AnnualAssessment.objects.unrestricted().get(cadre=cadre, year=2025)
    assert row.grade == "competent"
    cadre.refresh_from_db()
    assert cadre.assessment_text == "2024年、2025年年度考核均为称职。"
    assert form_of(cadre).assessment == "2024年、2025年年度考核均为称职。"
    assert annual_selectors.annual_grades(p.pk) == {
        2025: annual_selectors.YearGrade(2025, "competent", "assessment"),
        2024: annual_selectors.YearGrade(2024, "competent", "cadre")}
    assert annual_selectors.annual_grades(q.pk)[2025].label == "称职"


@pytest.mark.django_db
def test_institution_scale_and_one_result_a_year(assess):
    a = assess
    (p,) = people(a.dept, 1)
    cadre = cadre_services.create_cadre(a.users.admin, p, a.assessor, work_started_on=dt.date(2010, 7, 1))
    rnd = _round(a)
    propose(a.users.admin, rnd, a.dept, [p], ["competent"], category="institution")
    services.confirm_annual(a.users.admin, rnd)
    row = _proposal(rnd, p)
    assert row.status == "refused" and "优秀、合格、基本合格、不合格" in row.reasons[0]["text"]
    propose(a.users.admin, rnd, a.dept, [p], ["qualified"], category="institution")
    services.confirm_annual(a.users.admin, rnd)
    assert AnnualAssessment.objects.unrestricted().get(cadre=cadre, year=2025).get_grade_display() == "合格"
    with pytest.raises(ValidationError):  # confirmed: no new proposal
        propose(a.users.admin, rnd, a.dept, [p], ["excellent"], category="institution")
