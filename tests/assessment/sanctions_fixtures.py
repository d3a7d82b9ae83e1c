"""Fixtures of the sanctions tests: the table installed, a service call that records a sanction as the admin."""

import datetime as dt

import pytest


@pytest.fixture
def effects(db):
    from zugong.assessment.defaults.sanctions import install

    install(None)


@pytest.fixture
def record(users, effects):
    from zugong.assessment import sanctions_services as services

    def _record(person, kind, day, user=None, **values):
        return services.record_sanction(user or users.admin, person, kind=kind, decided_on=day, **values)

    return _record


def member(person, org, joined=dt.date(2005, 7, 1)):
    """A full member of `org` with the history the services keep (status spans)."""
    from zugong.members import history
    from zugong.members.models import Membership

    m = Membership.objects.create(person=person, organization=org, joined_on=joined,
                                  converted_on=joined.replace(year=joined.year + 1), status="full")
    history.keep(m)
    return m
