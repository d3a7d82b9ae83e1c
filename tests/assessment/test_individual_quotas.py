"""Quotas per pool: rounding at the boundaries, the minimum, the ceiling with and without an approval, leaders and
non-leaders apart (routine 好 ≤ 40 %, annual 优秀 ≤ 20 %)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zugong.assessment import individual_services as services
from zugong.assessment import quotas
from zugong.assessment.models import AnnualProposal, Pool, QuotaRule, QuotaSnapshot, RoutineGrade

from .individual_fixtures import people, propose, setup


@pytest.fixture
def assess(tree, users):
    return setup(tree, users)


@pytest.mark.parametrize("n,share,rounding,minimum,expected", [
    (5, "0.2", "down", 0, 1), (10, "0.2", "down", 0, 2), (12, "0.2", "down", 0, 2),
    (5, "0.4", "down", 0, 2), (10, "0.4", "down", 0, 4), (12, "0.4", "down", 0, 4),
    (12, "0.2", "half_up", 0, 2), (12, "0.4", "half_up", 0, 5), (12, "0.2", "up", 0, 3), (10, "0.2", "up", 0, 2),
    (5, "0.1", "down", 0, 0), (5, "0.1", "down", 1, 1), (2, "0.2", "down", 1, 1), (0, "0.2", "down", 1, 0),
    (1, "0.4", "down", 3, 1), (10, "0.3", "up", 0, 3), (7, "0.25", "down", 1, 1), (12, "0.25", "down", 1, 3),
])
def test_rounding_at_boundaries(n, share, rounding, minimum, expected):
    assert quotas.allowed(n, Decimal(share), rounding, minimum) == expected


def _annual(a, n, grades, leaders=()):
    rnd = services.open_annual_round(a.users.admin, a.assessor, 2025)
    persons = people(a.dept, n)
    propose(a.users.admin, rnd, a.dept, persons, grades)
    return rnd, persons


@pytest.mark.django_db
@pytest.mark.parametrize("n,excellent,confirmed", [(5, 1, 1), (5, 2, 0), (10, 2, 2), (10, 3, 0), (12, 2, 2),
                                                   (12, 3, 0)])
def test_annual_excellent_quota(assess, monkeypatch, n, excellent, confirmed):
    from zugong.assessment.models import AssessmentPolicy

    AssessmentPolicy.objects.unrestricted().update(prerequisite=False)
    rnd, persons = _annual(assess, n, ["excellent"] * excellent + ["competent"] * (n - excellent))
    counts = services.confirm_annual(assess.users.admin, rnd)
    rows = AnnualProposal.objects.unrestricted().filter(round=rnd)
    assert rows.filter(grade="excellent").count() == confirmed
    assert rows.filter(grade="competent").count() == n - excellent
    snap = QuotaSnapshot.objects.unrestricted().get(annual_round=rnd)
    assert (snap.n, snap.allowed) == (n, quotas.allowed(n, Decimal("0.2"), "down", 1))
    if not confirmed:
        assert counts["refused"] == excellent
        refused = rows.filter(status="refused").first()
        text = refused.reasons[0]["text"]
        assert f"考核组 {n} 人 × 20%" in text and "向下取整" in text and f"→ {snap.allowed} 人" in text
        assert "《公务员考核规定》（2020年）条款号待核" in refused.reasons[0]["citation"]


@pytest.mark.django_db
def test_ceiling_needs_an_approval(assess):
    from zugong.assessment.models import AssessmentPolicy

    AssessmentPolicy.objects.unrestricted().update(prerequisite=False)
    rnd, persons = _annual(assess, 12, ["excellent"] * 3 + ["competent"] * 9)
    services.confirm_annual(assess.users.admin, rnd)
    assert AnnualProposal.objects.unrestricted().filter(round=rnd, status="refused").count() == 3
    pool = Pool.objects.unrestricted().get(organization=assess.assessor, leaders=False)
    with pytest.raises(ValidationError) as exc:
        services.record_approval(assess.users.admin, pool, 2025, "0.3", approved_by="市委组织部",
                                 document_no="并组〔2025〕8号", approved_on=dt.date(2025, 12, 20))
    assert "25%" in str(exc.value)
    services.record_approval(assess.users.admin, pool, 2025, "0.25", approved_by="市委组织部",
                             document_no="并组〔2025〕8号", approved_on=dt.date(2025, 12, 20))
    services.confirm_annual(assess.users.admin, rnd)
    assert AnnualProposal.objects.unrestricted().filter(round=rnd, grade="excellent").count() == 3
    snap = QuotaSnapshot.objects.unrestricted().get(annual_round=rnd)
    assert snap.allowed == 3 and snap.share == Decimal("0.25") and snap.approval is not None


@pytest.mark.django_db
def test_no_ceiling_no_approval(assess):
    pool = Pool.objects.unrestricted().create(organization=assess.assessor, name="合并组", kind="merged")
    QuotaRule.objects.unrestricted().filter(code="annual_excellent").update(ceiling_share=None)
    with pytest.raises(ValidationError):
        services.record_approval(assess.users.admin, pool, 2025, "0.25", approved_by="市委组织部",
                                 document_no="1号", approved_on=dt.date(2025, 12, 20))


@pytest.mark.django_db
def test_leaders_and_others_apart_routine(assess):
    """Routine 好 ≤ 40 % per pool: 5 non-leaders allow 2 好; 2 leaders (their own pool) allow 1 (minimum)."""
    from zugong.cadres import services as cadre_services

    a = assess
    staff = people(a.dept, 5)
    leaders = people(a.dept, 2, start=200)
    for p in leaders:
        cadre = cadre_services.create_cadre(a.users.admin, p, a.assessor, work_started_on=dt.date(2005, 7, 1))
        cadre_services.appoint(cadre, user=a.users.admin, title="局长", start_on=dt.date(2020, 1, 1),
                               rank="township_chief", unit_name="财政局")
    rnd = services.open_routine_round(a.users.admin, a.assessor, 2026, 1)
    grades = {p: "good" for p in staff[:2]} | {p: "fairly_good" for p in staff[2:]} | {leaders[0]: "good",
                                                                                        leaders[1]: "good"}
    services.propose_routine(a.users.admin, rnd, a.dept, grades)
    per_pool = services.routine_quotas(rnd)
    assert sorted((n, q.allowed, hits) for q, n, hits in per_pool.values()) == [(2, 1, 2), (5, 2, 2)]
    counts = services.confirm_routine(a.users.admin, rnd)
    assert counts == {"confirmed": 5, "refused": 2}
    refused = RoutineGrade.objects.unrestricted().filter(round=rnd, status="refused")
    assert {r.person_id for r in refused} == {p.pk for p in leaders}
    assert "考核组 2 人 × 40% = 0.8，向下取整，至少 1 人 → 1 人" in refused[0].reasons[0]["text"]
