"""Demo training data: sign-in events of the demo classes' sessions up to the seed's day.

Works on whatever sessions the classes seed made (it runs before this one): for each session before `as_of`, the
trainees on the list sign in by QR code (most), typed code or the organizer's roll, a few minutes before the start;
about one in twelve does not come. A trainee whose attendance the classes seed already set keeps it (their
event is written to match); one on leave signs in not at all. And a few problems, as in real rooms: a screenshot
of the QR code sent to an absent colleague (refused as expired), a trainee who signs in twice, someone not on the
list, a typo in the ID number. The sign-in rules are installed for the demo province. Written in bulk (one
insert per table).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from zugong.training.defaults import signin as defaults
from zugong.training.models import Attendance, Enrolment, Session, SignIn

M, R = SignIn.Method, SignIn.Reason
NAMES = ("王建国", "李红梅", "刘志强", "陈晓燕")  # people not on a class's list who try to sign in


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(20, 60)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}"


def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    defaults.install(root)
    tz = timezone.get_current_timezone()
    sessions = list(Session.objects.unrestricted().filter(org_path__startswith=root.path, on__lt=as_of)
                    .exclude(signins__isnull=False).order_by("on", "pk").distinct())
    if not sessions:
        return {"training_signins": 0}
    rng = random.Random(seed * 7919 + 15)
    class_ids = {s.training_class_id for s in sessions}
    enrolments: dict[int, list[Enrolment]] = {}
    for e in (Enrolment.objects.unrestricted().select_related("person").filter(training_class_id__in=class_ids)
              .order_by("pk")):
        enrolments.setdefault(e.training_class_id, []).append(e)
    existing = {(a.session_id, a.enrolment_id): a for a in Attendance.objects.unrestricted()
                .filter(session__in=sessions)}
    events: list[SignIn] = []
    new_rows: list[Attendance] = []
    changed: list[Attendance] = []
    for session in sessions:
        start = dt.datetime.combine(session.on, session.starts_at or dt.time(8, 30), tzinfo=tz)
        room = _ip(rng)
        absent: list[Enrolment] = []
        for e in enrolments.get(session.training_class_id, []):
            if e.status == Enrolment.Status.WITHDRAWN and e.withdrawn_on and e.withdrawn_on <= session.on:
                continue
            row = existing.get((session.pk, e.pk))
            if row is not None and row.status == Attendance.Status.LEAVE:
                continue
            if row is not None and row.status == Attendance.Status.ABSENT:
                absent.append(e)
                continue
            if row is None and rng.random() < 0.08:
                absent.append(e)
                continue
            method = rng.choices((M.QR, M.CODE, M.ROLL), (85, 10, 5))[0]
            at = row.signed_at if row is not None and row.signed_at else (
                start - dt.timedelta(seconds=rng.randint(-300, 1500)))
            ip = None if method == M.ROLL else (room if rng.random() < 0.7 else _ip(rng))
            if row is None:
                new_rows.append(Attendance(session=session, enrolment=e, org_path=session.org_path,
                                           status=Attendance.Status.PRESENT, hours=session.hours, method=method,
                                           signed_at=at))
            elif not row.method or not row.signed_at:
                row.method, row.signed_at = row.method or method, at
                changed.append(row)
            method = (row.method if row is not None and row.method else method)
            events.append(SignIn(session=session, org_path=session.org_path, enrolment=e, at=at, method=method,
                                 accepted=True, name_given=e.person.name, client=ip))
            if rng.random() < 0.03:  # pressed the button twice
                events.append(SignIn(session=session, org_path=session.org_path, enrolment=e, method=method,
                                     at=at + dt.timedelta(seconds=rng.randint(20, 90)), accepted=False,
                                     reason=R.ALREADY, name_given=e.person.name, client=ip))
            if rng.random() < 0.02:  # a typo in the ID number before the right one
                events.append(SignIn(session=session, org_path=session.org_path, enrolment=None, method=method,
                                     at=at - dt.timedelta(seconds=40), accepted=False, reason=R.NOT_ENROLLED,
                                     name_given=e.person.name, client=ip))
        if absent and rng.random() < 0.25:  # a screenshot sent to a colleague who is not in the room
            e = rng.choice(absent)
            events.append(SignIn(session=session, org_path=session.org_path, enrolment=None, method=M.QR,
                                 at=start + dt.timedelta(minutes=rng.randint(5, 40)), accepted=False,
                                 reason=R.EXPIRED, client=_ip(rng)))
        if rng.random() < 0.1:
            events.append(SignIn(session=session, org_path=session.org_path, enrolment=None, method=M.CODE,
                                 at=start - dt.timedelta(minutes=3), accepted=False, reason=R.NOT_ENROLLED,
                                 name_given=rng.choice(NAMES), client=room))
    Attendance.objects.bulk_create(new_rows, batch_size=2000)
    Attendance.objects.bulk_update(changed, ["method", "signed_at"], batch_size=2000)
    SignIn.objects.bulk_create(events, batch_size=2000)
    refused = sum(not e.accepted for e in events)
    log(f"  training sign-in: {len(events):,} events ({refused:,} refused) for {len(sessions):,} sessions")
    return {"training_signins": len(events)}
