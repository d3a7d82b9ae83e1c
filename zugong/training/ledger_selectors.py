"""What the pages (and the requirements area's person page) read of the hours ledger: a person's lines of a year
and their totals by type with the caps that apply to them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from . import ledger
from .models import Credit, CreditKind

ZERO = Decimal(0)


def lines(user, person, year: int):
    """The person's ledger lines of `year` the user may see (empty when the person is out of their scope), by
    date."""
    return (Credit.objects.visible_to(user).filter(person=person, year=year)
            .select_related("carried_from").order_by("on", "pk"))


@dataclass
class Total:
    kind: str
    label: str
    hours: Decimal  # credited (caps applied)
    claimed: Decimal  # before the caps
    cut: Decimal  # kept out by the caps (carried over or lost)
    carried_in: Decimal  # of `hours`, carried over from last year
    year_cap: Decimal | None
    provider_cap: Decimal | None
    carry_over: bool
    rule: str  # the crediting rule's title
    rule_code: str

    @property
    def cap_text(self) -> str:
        parts = []
        if self.year_cap is not None:
            parts.append(f"每年至多 {self.year_cap.normalize():f} 学时")
        if self.provider_cap is not None:
            parts.append(f"同一来源每年至多 {self.provider_cap.normalize():f} 学时")
        if parts and self.carry_over:
            parts.append("超出部分结转下一年度")
        return "，".join(parts) or "不设上限"


def totals(person, year: int) -> list[Total]:
    """The person's credited hours of `year` by type (every type, those with none at 0), each with the crediting
    rule that applies to the person and its caps. The caller has authorized the person."""
    sums = {row["kind"]: row for row in Credit.objects.unrestricted().filter(person=person, year=year)
            .values("kind").order_by().annotate(hours=Sum("hours"), claimed=Sum("claimed"))}
    carried = dict(Credit.objects.unrestricted().filter(person=person, year=year, carried=True)
                   .values("kind").order_by().annotate(h=Sum("hours")).values_list("kind", "h"))
    table = ledger.rules_table()
    out = []
    for kind, label in CreditKind.choices:
        row = sums.get(kind, {})
        hours = Decimal(row.get("hours") or ZERO)
        claimed = Decimal(row.get("claimed") or hours)
        rule = ledger.rule_for(table, person.org_path, kind)
        out.append(Total(kind, label, hours, claimed, max(ZERO, claimed - hours), Decimal(carried.get(kind) or ZERO),
                         rule.year_cap, rule.provider_cap, rule.carry_over, rule.title, rule.code))
    return out


def total(person, year: int) -> Decimal:
    return sum((t.hours for t in totals(person, year)), ZERO)
