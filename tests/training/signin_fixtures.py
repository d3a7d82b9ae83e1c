"""Fixtures of the sign-in area: a 小店区委 class with a session today (the tests' day, 2026-11-27, 09:00–11:30;
the clock reads 10:00), a session tomorrow, and three trainees enrolled (张三, 李四 of 红星社区, 王五 of 财政局);
赵六 (大同) is not enrolled. Import them in a test module (`from .signin_fixtures import *`)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from zugong.training import signin_tokens as tokens
from zugong.training.models import Enrolment, Session, TrainingClass

TODAY = dt.date(2026, 11, 27)


def make_class(org, code="PX2026-XD-01", *, name="小店区科级干部集中轮训班", enrol=(), starts=TODAY):
    klass = TrainingClass.objects.create(organization=org, code=code, name=name, kind="rotation", off_job=True,
                                         starts_on=starts, ends_on=starts + dt.timedelta(days=4),
                                         total_hours=Decimal("40"), status=TrainingClass.Status.RUNNING)
    for person in enrol:
        Enrolment.objects.create(training_class=klass, person=person, confirmed=True)
    return klass


def make_session(klass, on=TODAY, start=dt.time(9, 0), end=dt.time(11, 30), topic="习近平新时代中国特色社会主义思想",
                 hours="3"):
    return Session.objects.create(training_class=klass, on=on, starts_at=start, ends_at=end, topic=topic,
                                  lecturer="市委党校教授", hours=Decimal(hours))


@pytest.fixture(name="course")
def course_fixture(tree):
    p = tree.people
    klass = make_class(tree.xiaodian, enrol=(p.zhangsan, p.lisi, p.wangwu))
    session = make_session(klass)
    tomorrow = make_session(klass, on=TODAY + dt.timedelta(days=1), topic="党章党规")
    enrolments = {e.person.name: e for e in Enrolment.objects.unrestricted().select_related("person")
                  .filter(training_class=klass)}
    return SimpleNamespace(klass=klass, session=session, tomorrow=tomorrow, enrolments=enrolments)


def tail6(person) -> str:
    return person.id_number[-6:]


def token_at(session, offset: int = 0, seconds: int = 30) -> str:
    """The QR token of the session's window `offset` windows from now (0 current, -1 previous …)."""
    return tokens.qr_token(session.pk, tokens.window_of(seconds) + offset)


def code_at(session, offset: int = 0, seconds: int = 30) -> str:
    return tokens.code(session.pk, tokens.window_of(seconds) + offset)


@pytest.fixture(name="still")
def still_fixture():
    """The clock stopped at 10:00:05 on the tests' day (5 s into a 30 s window), so a test that builds the token of
    the previous window is not carried across a window's edge while it runs. `still.shift(seconds)` moves it."""
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False) as t:
        yield t
