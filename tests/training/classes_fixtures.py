"""Fixtures of the classes tests: the class types and leave limit installed, a 脱产 class of 太原市委 with sessions,
and a helper that enrols people."""

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def class_defaults(db):
    from zugong.training.defaults.classes import install

    install(None)


def make_class(org, *, code="TY-2026-01", total="56", days=7, hours_per_day="8", off_job=True, kind="rotation",
               start=dt.date(2026, 11, 2), capacity=None, status="running"):
    """A class of `days` sessions of `hours_per_day` 学时 from `start` (one a day), saved without the service."""
    from zugong.training.models import Session, TrainingClass

    cls = TrainingClass.objects.create(organization=org, code=code, name=f"{org.name}培训班{code}", kind=kind,
                                       off_job=off_job, starts_on=start, ends_on=start + dt.timedelta(days=days - 1),
                                       total_hours=Decimal(total), capacity=capacity, status=status)
    for i in range(days):
        Session.objects.create(training_class=cls, on=start + dt.timedelta(days=i), topic=f"第{i + 1}讲",
                               hours=Decimal(hours_per_day))
    return cls


@pytest.fixture
def rotation(tree, class_defaults):
    return make_class(tree.taiyuan)


def enrol(user, cls, *people):
    from zugong.training import classes_services as services
    from zugong.training.models import Enrolment

    services.enrol_people(user, cls, [p.pk for p in people])
    return {e.person_id: e for e in Enrolment.objects.unrestricted().filter(training_class=cls)}
