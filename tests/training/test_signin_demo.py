"""The sign-in demo seed works on whatever sessions the classes seed made: events for past sessions only, the
attendance the classes seed set is kept, a few refused events, and a second run adds nothing."""

import datetime as dt

import pytest

from zugong.demo import training_signin
from zugong.training.models import Attendance, SignIn, SignInRules

from .signin_fixtures import TODAY, make_class, make_session

pytestmark = pytest.mark.django_db


def test_the_seed_signs_in_the_past_sessions(tree):
    from tests.conftest import make_person

    people = [make_person(tree.b2, f"学员{i:02d}", seq=100 + i) for i in range(40)]
    klass = make_class(tree.xiaodian, enrol=people, starts=TODAY - dt.timedelta(days=10))
    past = [make_session(klass, on=TODAY - dt.timedelta(days=d), topic=f"专题{d}") for d in (10, 9, 8, 7)]
    future = make_session(klass, on=TODAY + dt.timedelta(days=1), topic="未来")
    enrolments = list(klass.enrolments.unrestricted().order_by("pk"))
    Attendance.objects.create(session=past[0], enrolment=enrolments[0], status=Attendance.Status.LEAVE,
                              leave_hours=3, leave_reason="公务")
    Attendance.objects.create(session=past[0], enrolment=enrolments[1], status=Attendance.Status.PRESENT,
                              hours=past[0].hours)
    lines = []
    counts = training_signin.seed(tree.root, tree.taiyuan, seed=7, as_of=TODAY, log=lines.append)
    assert counts["training_signins"] == SignIn.objects.unrestricted().count() > 100 and lines
    assert not SignIn.objects.unrestricted().filter(session=future).exists()
    assert SignInRules.objects.unrestricted().exists()
    leave = Attendance.objects.unrestricted().get(session=past[0], enrolment=enrolments[0])
    assert leave.status == "leave" and not SignIn.objects.unrestricted().filter(enrolment=enrolments[0],
                                                                               session=past[0]).exists()
    kept = Attendance.objects.unrestricted().get(session=past[0], enrolment=enrolments[1])
    assert kept.method and kept.signed_at and SignIn.objects.unrestricted().filter(
        enrolment=enrolments[1], session=past[0], accepted=True, method=kept.method).count() == 1
    present = Attendance.objects.unrestricted().filter(status="present")
    accepted = SignIn.objects.unrestricted().filter(accepted=True)
    assert present.count() == accepted.count()  # one accepted event per present trainee
    assert 0.8 * 4 * 40 < present.count() < 4 * 40
    assert all(a.hours == past[0].hours and a.signed_at.date() <= TODAY for a in present)
    assert SignIn.objects.unrestricted().filter(accepted=False).exists()
    again = training_signin.seed(tree.root, tree.taiyuan, seed=7, as_of=TODAY, log=lines.append)
    assert again["training_signins"] == 0
