"""到龄年月 under the 2025 reform: the worked examples of zugong/adform/retirement.py."""

import datetime as dt

import pytest

from zugong.adform.retirement import base_age_for, pre_reform_text, retirement_age


@pytest.mark.parametrize(
    "born, base, label, month",
    [
        ((1964, 12), 60, "60岁", "202412"),  # reached 60 before 2025-01: untouched
        ((1965, 1), 60, "60岁1个月", "202502"),
        ((1965, 4), 60, "60岁1个月", "202505"),
        ((1965, 5), 60, "60岁2个月", "202507"),
        ((1976, 8), 60, "62岁11个月", "203907"),
        ((1976, 9), 60, "63岁", "203909"),  # the cap: 36 months
        ((1990, 1), 60, "63岁", "205301"),
        ((1969, 12), 55, "55岁", "202412"),
        ((1970, 1), 55, "55岁1个月", "202502"),
        ((1981, 8), 55, "57岁11个月", "203907"),
        ((1981, 9), 55, "58岁", "203909"),
        ((1975, 1), 50, "50岁1个月", "202502"),
        ((1975, 3), 50, "50岁2个月", "202505"),
        ((1984, 10), 50, "54岁11个月", "203909"),
        ((1984, 11), 50, "55岁", "203911"),  # the cap for 50: 60 months
    ],
)
def test_worked_examples(born, base, label, month):
    r = retirement_age(dt.date(*born, 1), base)
    assert (r.label, r.yyyymm) == (label, month)


def test_base_age_from_sex_or_the_file_text():
    assert base_age_for("男") == 60
    assert base_age_for("女") == 55  # women cadres
    assert base_age_for("女", "改革前任职年龄界限为50岁") == 50
    assert base_age_for("") is None
    assert pre_reform_text(60) == "改革前任职年龄界限为60岁"


def test_unknown_base_age_refused():
    with pytest.raises(ValueError, match="60、55、50"):
        retirement_age(dt.date(1970, 1, 1), 65)
