"""The dues base by month (DuesBaseSpan): services keep it, the rules and the member's dues page read it, and
the migration opens today's base for existing members (issue 13, wrong result 5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.members.conftest import make_member
from zugong.core import rules
from zugong.members import dues, services
from zugong.members.models import DuesBaseSpan, DuesPayment, Membership

pytestmark = pytest.mark.django_db
D = dt.date


def broken(code, obj, as_of) -> list[str]:
    return [rules.RULES[code].describe(row) for _rule, row in rules.check_record([code], obj, as_of)]


def pay(m, month, amount, paid_on=None):
    return DuesPayment.objects.create(
        membership=m,
        organization=m.organization,
        org_path=m.org_path,
        month=month,
        amount=Decimal(amount),
        paid_on=paid_on or month + dt.timedelta(days=3),
    )


def spans(m):
    return list(
        DuesBaseSpan.objects.unrestricted()
        .filter(membership=m)
        .order_by("started_on")
        .values_list("started_on", "ended_on", "base", "kind")
    )


def test_a_raise_after_a_payment_does_not_reach_back(tree, users):
    """October paid 40.00 on 4000; base 6000 from 11-05: October is judged by 4000 (owes 40.00)."""
    m = make_member(tree.b1, "调资", 1401, dues_base=Decimal("4000.00"), joined_on=D(2020, 3, 10))
    pay(m, D(2026, 10, 1), "40.00")
    services.update_member(users.secretary, m, dues_base=Decimal("6000.00"), dues_base_from=D(2026, 11, 5))
    assert broken("members.dues_underpaid", m, D(2026, 11, 27)) == []
    assert spans(m) == [
        (D(2020, 3, 1), D(2026, 11, 1), Decimal("4000.00"), "salary"),
        (D(2026, 11, 1), None, Decimal("6000.00"), "salary"),
    ]
    # November paid at the old rate once the new salary applies: underpaid by the new base.
    pay(m, D(2026, 11, 1), "40.00")
    assert broken("members.dues_underpaid", m, D(2026, 12, 10)) == [
        "2026年11月交纳党费 40.00 元，按计算基数应交 90.00 元"
    ]


def test_a_raise_applied_to_an_earlier_month_judges_it_by_the_new_base(tree, users):
    m = make_member(tree.b1, "补调", 1403, dues_base=Decimal("4000.00"), joined_on=D(2020, 3, 10))
    pay(m, D(2026, 10, 1), "40.00")
    services.update_member(users.secretary, m, dues_base=Decimal("6000.00"), dues_base_from=D(2026, 10, 1))
    assert broken("members.dues_underpaid", m, D(2026, 11, 27)) == [
        "2026年10月交纳党费 40.00 元，按计算基数应交 90.00 元"
    ]


def test_the_history_follows_the_services(tree, users):
    person = make_member(tree.b1, "占位", 1405).person
    Membership.objects.unrestricted().filter(person=person).delete()
    m = services.register_member(
        users.secretary, person, tree.b1, joined_on=D(2019, 6, 20), converted_on=D(2020, 6, 20),
        dues_base=Decimal("3000.00"),
    )
    assert spans(m) == [(D(2019, 6, 1), None, Decimal("3000.00"), "salary")]
    services.update_member(users.secretary, m, occupation="会计")  # nothing the dues read: no new span
    assert len(spans(m)) == 1
    services.update_member(users.secretary, m, category=Membership.Category.RETIRED, dues_base=Decimal("5200"),
                           dues_base_from=D(2026, 9, 1))
    assert spans(m)[-1] == (D(2026, 9, 1), None, Decimal("5200.00"), "pension")
    m.refresh_from_db()
    assert (m.dues_base, m.effective_dues_kind) == (Decimal("5200.00"), "pension")  # in step
    with pytest.raises(ValidationError) as exc:
        services.update_member(users.secretary, m, dues_base=Decimal("5600"), dues_base_from=D(2026, 8, 1))
    assert "dues_base_from" in exc.value.message_dict
    m.refresh_from_db()
    services.update_member(users.secretary, m, dues_base=Decimal("5600"), dues_base_from=D(2026, 9, 1))
    assert spans(m)[-1] == (D(2026, 9, 1), None, Decimal("5600.00"), "pension")  # the same month corrected


def test_open_base_spans_is_set_based_and_idempotent(tree):
    a = make_member(tree.b1, "甲", 1407, dues_base=Decimal("4500"), joined_on=D(2010, 7, 15))
    b = make_member(tree.b3, "乙", 1409, dues_base=None, category=Membership.Category.FARMER,
                    dues_from=D(2024, 1, 1))
    assert dues.open_base_spans() == 2
    assert dues.open_base_spans() == 0
    assert spans(a) == [(D(2010, 7, 1), None, Decimal("4500.00"), "salary")]
    assert spans(b) == [(D(2024, 1, 1), None, None, "farmer")]


def test_the_dues_page_shows_the_base_by_month(tree, users, client):
    m = make_member(tree.b1, "页面", 1411, dues_base=Decimal("4000.00"), joined_on=D(2020, 3, 10))
    pay(m, D(2026, 10, 1), "40.00")
    services.update_member(users.secretary, m, dues_base=Decimal("6000.00"), dues_base_from=D(2026, 11, 1))
    pay(m, D(2026, 11, 1), "90.00")
    client.force_login(users.secretary, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/members/{m.pk}/?tab=dues").content.decode()
    assert 'id="member-dues-bases"' in page
    assert "2020年3月" in page and "2026年10月" in page and "4000.00" in page and "6000.00" in page
    rows = page.split('id="member-payments"')[1].split("</table>")[0]
    october = rows.split("2026年10月")[1].split("</tr>")[0]
    assert "40.00" in october and "90.00" not in october  # 应交 by the base of October
