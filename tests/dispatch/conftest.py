"""Dispatch fixtures: the default programs (national and Shanxi's) and a helper to build dispatches directly."""

import datetime as dt
from types import SimpleNamespace

import pytest

from zugong.dispatch import defaults
from zugong.dispatch.models import Dispatch, Program

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture
def programs(tree):
    defaults.install(tree.root)
    by_code = {p.code: p for p in Program.objects.all()}
    return SimpleNamespace(fs=by_code["first_secretary_shanxi"], fs_national=by_code["first_secretary"],
                           team=by_code["work_team_shanxi"], dunmiao=by_code["dunmiao"],
                           secondment=by_code["secondment"])


def make_dispatch(program, person, organization, host_org=None, start=dt.date(2025, 6, 1), months=24, **extra):
    from zugong.core.dates import add_months

    return Dispatch.objects.create(program=program, person=person, organization=organization, host_org=host_org,
                                   host_name=extra.pop("host_name", host_org.name if host_org else "某单位"),
                                   start_on=start, end_on=extra.pop("end_on", add_months(start, months)), **extra)
