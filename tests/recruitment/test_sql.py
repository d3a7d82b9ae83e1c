"""Calendar-month arithmetic in SQL agrees with zugong.core.dates.add_months on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db.models import DateField, F, Value
from django.db.models.functions import Cast

from zugong.core.dates import add_months
from zugong.recruitment.models import Case
from zugong.core.sql import AddDays, AddMonths

from .conftest import make_case

CASES = [
    (dt.date(2025, 3, 15), 1, dt.date(2025, 4, 15)),  # "within one month of 3-15" ends 4-15
    (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),  # month end, common year
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # month end, leap year
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # leap day + one year
    (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),  # leap day + four years
    (dt.date(2025, 8, 31), 3, dt.date(2025, 11, 30)),
    (dt.date(2025, 12, 31), 2, dt.date(2026, 2, 28)),  # across the year end
    (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
    (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),  # backwards
    (dt.date(2008, 2, 29), 216, dt.date(2026, 2, 28)),  # eighteenth birthday of a leap-day child
]


@pytest.mark.django_db
@pytest.mark.parametrize("start,months,expected", CASES)
def test_add_months_in_sql_matches_python(tree, start, months, expected):
    assert add_months(start, months) == expected
    case = make_case(tree.people.zhangsan, applied_on=start)
    qs = Case.objects.unrestricted().filter(pk=case.pk)
    assert qs.annotate(d=AddMonths(F("applied_on"), months)).values_list("d", flat=True).get() == expected
    # a date given as a parameter rather than a column
    got = qs.annotate(d=AddMonths(Cast(Value(start), DateField()), months)).values_list("d", flat=True).get()
    assert got == expected
    assert qs.filter(applied_on__lt=AddMonths(F("applied_on"), months)).exists() == (months > 0)


@pytest.mark.django_db
def test_add_months_with_a_column_as_the_count(tree):
    case = make_case(tree.people.zhangsan, applied_on=dt.date(2024, 1, 31), probation_extended_months=1)
    qs = Case.objects.unrestricted().filter(pk=case.pk)
    d = qs.annotate(d=AddMonths(F("applied_on"), F("probation_extended_months") + 12)).values_list("d", flat=True)
    assert d.get() == dt.date(2025, 2, 28)
    assert qs.annotate(d=AddMonths(F("talked_on"), 1)).values_list("d", flat=True).get() is None  # NULL stays NULL


@pytest.mark.django_db
def test_add_days(tree):
    case = make_case(tree.people.zhangsan, applied_on=dt.date(2024, 2, 28))
    qs = Case.objects.unrestricted().filter(pk=case.pk)
    assert qs.annotate(d=AddDays(F("applied_on"), 2)).values_list("d", flat=True).get() == dt.date(2024, 3, 1)
    assert qs.annotate(d=AddDays(F("applied_on"), -60)).values_list("d", flat=True).get() == dt.date(2023, 12, 30)
