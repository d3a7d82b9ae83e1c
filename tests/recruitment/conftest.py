"""Recruitment fixtures: full members of 红星社区支部 (to act as sponsors and introducers), a young applicant,
and helpers that build cases directly (for the rules) or check one rule on one case."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import make_person
from zugong.core import rules
from zugong.members.models import Membership
from zugong.recruitment.models import Case, CaseContact

AS_OF = dt.date(2026, 11, 27)


def make_member(org, name, seq, status=Membership.Status.FULL, joined=dt.date(2000, 7, 1),
                converted=dt.date(2001, 7, 1), **person):
    p = make_person(org, name, birth=dt.date(1970, 1, 1) + dt.timedelta(days=seq), seq=seq, **person)
    Membership.objects.create(person=p, organization=org, status=status, joined_on=joined,
                              converted_on=converted if status == Membership.Status.FULL else None)
    return p


@pytest.fixture
def members(tree):
    """Four full members and one probationary member in 红星社区支部; one full member in 大同."""
    return SimpleNamespace(
        a=make_member(tree.b1, "周一", 201),
        b=make_member(tree.b1, "吴二", 203),
        c=make_member(tree.b1, "郑三", 205),
        d=make_member(tree.b1, "冯四", 207),
        probationary=make_member(tree.b1, "陈五", 209, status=Membership.Status.PROBATIONARY,
                                 joined=dt.date(2026, 3, 1)),
        datong=make_member(tree.b3, "褚六", 211, area="140213"),
    )


@pytest.fixture
def applicant(tree):
    """A 24-year-old applicant of 红星社区支部."""
    return make_person(tree.b1, "刘青", birth=dt.date(2001, 4, 9), seq=301)


def make_case(person, org=None, **dates):
    """A case written directly (no services, no rules at save): for testing the rules themselves."""
    dates.setdefault("applied_on", dt.date(2022, 3, 1))
    return Case.objects.create(person=person, organization=org or person.organization, **dates)


def add_contacts(case, role, people, on, discipline_until=None):
    for i, p in enumerate(people, start=1):
        CaseContact.objects.create(case=case, role=role, position=i, person=p, designated_on=on,
                                   discipline_until=discipline_until if i == 1 else None)


def broken(code, case, as_of=AS_OF) -> list[str]:
    """The descriptions of the violations of one rule on one case (empty: the case meets the rule)."""
    return [rules.RULES[code].describe(row) for _rule, row in rules.check_record([code], case, as_of)]


def cited(code, case, as_of=AS_OF) -> str:
    """The article the finding of `code` on `case` would cite (the edition in force on the event)."""
    rule = rules.RULES[code]
    [(_r, row)] = rules.check_record([code], case, as_of)
    return rule.edition_on(row.get(rule.event_field)).citation
