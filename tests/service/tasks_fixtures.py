"""Fixtures of the items' tests: the working-day calendar of 2025–2026 from chinese-calendar, the urgency
classes and categories installed, party members in the tree's branches, and a helper that takes in an item."""

import datetime as dt

import pytest

D = dt.date


@pytest.fixture
def calendar(db):
    from zugong.core import workdays

    workdays.sync(2025, 2026)


@pytest.fixture
def service_defaults(db):
    from zugong.service.defaults.tasks import install

    install(None)


@pytest.fixture
def svc(tree, users, calendar, service_defaults):
    """The tree and users, the calendar and the defaults, 张三 and 李四 members of 红星社区支部."""
    from zugong.members.models import Membership

    for person in (tree.people.zhangsan, tree.people.lisi):
        Membership.objects.create(person=person, organization=tree.b1, joined_on=D(2005, 7, 1),
                                  converted_on=D(2006, 7, 1), status="full")
    return tree


def urgency(code="limited"):
    from zugong.service.models import UrgencyClass

    return UrgencyClass.objects.get(code=code)


def record(on, **extra):
    from zugong.core.casework.services import StepRecord

    return StepRecord(on=on, **extra)


def take_in(user, org, *, received=D(2026, 2, 10), code="limited", title="修缮小区路灯", **extra):
    from zugong.service import tasks_services as services

    return services.open_task(user, org, title=title, urgency=urgency(code), received_on=received, **extra).case


def post_step(client, task, kind, **data):
    """POST a step page with the item's current version (as the page would carry it)."""
    from django.urls import reverse

    from zugong.core import versions
    from zugong.service.models import ServiceTask

    task = ServiceTask.objects.unrestricted().get(pk=task.pk)
    return client.post(reverse("service:step", args=[task.pk]),
                       {"step": kind, "record_version": versions.token(task), **data})
