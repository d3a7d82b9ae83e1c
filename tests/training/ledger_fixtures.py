"""Fixtures of the ledger tests: the default crediting rules installed, helpers to post lines and read sums."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D = dt.date


def install_defaults():
    from zugong.training.defaults import ledger as defaults

    defaults.install()


def online(person, on, minutes, passed=False, provider="山西干部在线学院", label="课程"):
    from zugong.training import ledger

    return ledger.post(None, "training.online", [ledger.Line(
        person_id=person.pk, on=on, kind="online", quantity=Decimal(minutes), unit="minute", label=label,
        passed_test=passed, provider=provider)])[0]


def hours_line(person, on, hours, kind="other", source="training.manual", source_id=None, provider="", label="活动"):
    from zugong.training import ledger

    return ledger.post(None, source, [ledger.Line(
        person_id=person.pk, on=on, kind=kind, quantity=Decimal(str(hours)), unit="hour", label=label,
        source_id=source_id, provider=provider)])[0]


def person_hours(person, year, kinds=None) -> dict[str, Decimal]:
    from django.db import connection

    from zugong.people.models import Person
    from zugong.training import ledger

    sql, params = ledger.person_hours_sql(Person.objects.unrestricted().filter(pk=person.pk), D(year, 1, 1),
                                          D(year + 1, 1, 1), kinds)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {kind: Decimal(str(round(float(h), 2))) for _p, kind, h in cur.fetchall()}


def set_rule(kind="online", **values):
    from zugong.training.models import CreditRule

    row = CreditRule.objects.unrestricted().get(code="training.credit.default" if not kind else f"training.credit.{kind}")
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return row
