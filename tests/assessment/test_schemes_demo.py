"""The demo's classified assessment: the committees under the city in classes (counties apart from the system
committees, universities and enterprises), 2025 fully scored with its vetoes, 2026 partly filled; deterministic for
the seed."""

import datetime as dt

import pytest

from tests.assessment.schemes_fixtures import counties_fixture  # noqa: F401
from zugong.assessment.models import IndicatorValue, Scheme, SchemeUnit, UnitResult
from zugong.demo import assessment_schemes

pytestmark = pytest.mark.django_db


def test_demo_schemes(tree, counties):
    counts = assessment_schemes.seed(tree.root, tree.taiyuan, seed=1, as_of=dt.date(2026, 12, 7), log=lambda *a: None)
    assert counts["assessment_schemes"] == 2 and counts["assessment_results"] == 12
    s25, s26 = Scheme.objects.unrestricted().order_by("year")
    assert (s25.year, s26.year, s25.code) == (2025, 2026, "1401-FLKH-2025")
    classes = dict(SchemeUnit.objects.unrestricted().filter(scheme=s25).values_list("organization__code",
                                                                                    "category__name"))
    assert classes["140106"] == classes["140121"] == "一类（县、市、区委）"
    r25 = UnitResult.objects.unrestricted().filter(scheme=s25)
    assert r25.filter(veto="fail").count() == 1 and r25.filter(veto="excellence").count() == 1
    assert r25.filter(veto="fail").get().grade == "较差"
    assert not r25.filter(missing__gt=2).exists()  # only the computed indicator may lack data in a tiny tree
    assert UnitResult.objects.unrestricted().filter(scheme=s26, missing__gt=0).exists()
    assert IndicatorValue.objects.unrestricted().filter(source="typed", indicator__code="C10").exists()
    assert assessment_schemes.seed(tree.root, tree.taiyuan, seed=1, as_of=dt.date(2026, 12, 7),
                                   log=lambda *a: None) == {}
