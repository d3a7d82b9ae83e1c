"""A deadline provider of the tests' own (registered for a test, unregistered after it): one deadline per
organization listed in `due`, seen by those who see the organization."""

import datetime as dt

import pytest
from django.utils import timezone

from zugong.core import deadlines
from zugong.orgs.models import Organization

KIND = "test_term"


class Provider:
    def __init__(self):
        self.due: dict[int, dt.date] = {}  # organization id → due date
        self.calls = 0

    def set(self, org, days: int):
        self.due[org.pk] = timezone.localdate() + dt.timedelta(days=days)

    def __call__(self, user, until):
        self.calls += 1
        orgs = Organization.objects.visible_to(user).filter(pk__in=self.due)
        for org in orgs:
            due = self.due[org.pk]
            if due <= until:
                yield deadlines.Deadline(key=f"test.term:{org.pk}", due=due, kind=KIND, title=f"{org.name}任期届满",
                                         url=f"/orgs/{org.pk}/", org_path=org.path)


@pytest.fixture
def provider():
    p = Provider()
    deadlines.provider(KIND, "测试任期届满")(p)
    yield p
    del deadlines.KINDS[KIND]
