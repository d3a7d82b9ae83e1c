"""Sign-in (签到) operations: the phone page (no login), the organizer's roll and the import, the live counts.

Every event is stored as a `SignIn` (accepted or refused, with the reason); the first accepted one of an enrolment
sets its `Attendance` row for the session (出勤, the session's 学时, the method, the time). Later sign-ins of the
same trainee are refused as 已签到 and stored too, so the log shows every attempt.

The phone page works in two steps: a valid QR token (`signin_tokens.read_qr`) or typed code
(`signin_tokens.match_code`) gives a signed pass for that session (`issue_pass`, valid `FILL_MINUTES`); the
trainee then gives 姓名 and the last six characters of the 公民身份号码, matched against the class's enrolments
through the people app's keyed hashes (`Person.id_tail6`; no name is ever listed). A client that makes
`guess_limit` wrong entries (a bad or expired token or code, a person not on the list) within `guess_minutes`
is paused until the window passes (the numbers are `SignInRules`, configuration).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from zugong.core import audit, guesses, keys, scope
from zugong.people.models import Person

from . import signin_tokens as tokens
from .models import Attendance, Enrolment, Session, SignIn, SignInRules

FILL_MINUTES = 5  # after scanning, the pass for the name form lasts this long
PASS_SALT = "zugong.training.signin.pass"
M, R = SignIn.Method, SignIn.Reason
MESSAGES = {
    R.EXPIRED: "二维码或签到码已过期，请扫描屏幕上最新的二维码或输入最新的签到码",
    R.FORGED: "二维码或签到码无效，请扫描屏幕上的二维码或核对签到码",
    R.NOT_ENROLLED: "不在学员名单：姓名或公民身份号码后六位与本班学员名单不符，请核对后重新输入，或联系班主任",
    R.WITHDRAWN: "您已退学，不能签到",
    R.ALREADY: "已签到，无需重复签到",
    R.CLOSED: "非签到时间",
}


@dataclass(frozen=True)
class Rules:
    window_seconds: int = 30
    open_before_minutes: int = 30
    close_after_minutes: int = 0
    guess_limit: int = 10
    guess_minutes: int = 15


class Refused(ValidationError):
    """A sign-in refused, with the reason's code (`SignIn.Reason`) and a Chinese message."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or MESSAGES.get(reason, reason))
        self.reason = reason


# ---------------------------------------------------------------- configuration and time


def rules_for(path: str) -> Rules:
    """The sign-in rules governing an organization's path: the deepest active row issued at or above it."""
    row = (SignInRules.objects.unrestricted().applying_to(path).filter(active=True)
           .order_by("-org_path", "-pk").first())
    if row is None:
        return Rules()
    return Rules(row.window_seconds, row.open_before_minutes, row.close_after_minutes, row.guess_limit,
                 row.guess_minutes)


def rules_by_path(paths) -> dict[str, Rules]:
    """The governing rules of many paths at once (one query: the active rows are a handful)."""
    rows = sorted(SignInRules.objects.unrestricted().filter(active=True).order_by("-pk"),
                  key=lambda r: len(r.org_path), reverse=True)
    out = {}
    for path in paths:
        row = next((r for r in rows if path.startswith(r.org_path)), None)
        out[path] = Rules() if row is None else Rules(row.window_seconds, row.open_before_minutes,
                                                      row.close_after_minutes, row.guess_limit, row.guess_minutes)
    return out


def opening(session: Session, rules: Rules) -> tuple[dt.datetime, dt.datetime]:
    """When sign-in of a session opens and closes: on the session's day only, from `open_before_minutes` before
    its start (the day's beginning when it has no start) to `close_after_minutes` after its end (or the day's
    end when it has no end or the margin is 0)."""
    tz = timezone.get_current_timezone()
    day_start = dt.datetime.combine(session.on, dt.time.min, tzinfo=tz)
    day_end = dt.datetime.combine(session.on, dt.time.max, tzinfo=tz)
    opens = day_start
    if session.starts_at:
        opens = max(day_start, dt.datetime.combine(session.on, session.starts_at, tzinfo=tz)
                    - dt.timedelta(minutes=rules.open_before_minutes))
    closes = day_end
    if session.ends_at and rules.close_after_minutes:
        closes = min(day_end, dt.datetime.combine(session.on, session.ends_at, tzinfo=tz)
                     + dt.timedelta(minutes=rules.close_after_minutes))
    return opens, closes


def is_open(session: Session, rules: Rules, now: dt.datetime | None = None) -> bool:
    opens, closes = opening(session, rules)
    now = now or timezone.now()
    return opens <= now <= closes


def closed_message(session: Session, rules: Rules) -> str:
    opens, closes = opening(session, rules)
    local = timezone.localtime
    return (f"非签到时间：本课次签到时间为 {session.on.month}月{session.on.day}日 "
            f"{local(opens):%H:%M}至{local(closes):%H:%M}")


# ---------------------------------------------------------------- the display (projector screen)


def display(session: Session, now: float | None = None) -> dict:
    """What the screen shows now: the QR token, the typed code, the seconds until they change, open or not."""
    rules = rules_for(session.org_path)
    window = tokens.window_of(rules.window_seconds, now)
    return {"token": tokens.qr_token(session.pk, window), "code": tokens.code(session.pk, window),
            "seconds": rules.window_seconds, "left": tokens.seconds_left(rules.window_seconds, now),
            "open": is_open(session, rules), "opening": opening(session, rules), "rules": rules}


# ---------------------------------------------------------------- the phone page (no login)


GUESSES = guesses.Guesses("signin-client")


def throttled(ip: str | None, rules: Rules | None = None, now: dt.datetime | None = None) -> bool:
    rules = rules or Rules()
    return GUESSES.throttled(ip, now, limit=rules.guess_limit, minutes=rules.guess_minutes)


def _guess(ip: str | None, now: dt.datetime) -> None:
    GUESSES.count(ip, now)


def _too_many(rules: Rules) -> Refused:
    return Refused("throttled", GUESSES.message(rules.guess_minutes))


def _event(session: Session, method: str, *, accepted: bool, reason: str = "", enrolment=None, name: str = "",
           ip: str | None = None, user=None, at: dt.datetime | None = None) -> SignIn:
    return SignIn.objects.create(session=session, org_path=session.org_path, enrolment=enrolment,
                                 at=at or timezone.now(), method=method, accepted=accepted, reason=reason,
                                 name_given=(name or "")[:50], client=ip or None, by=user)


def _session(pk: int) -> Session | None:
    return Session.objects.unrestricted().select_related("training_class").filter(pk=pk).first()


@dataclass(frozen=True)
class Pass:
    session: Session
    method: str
    rules: Rules


def issue_pass(session: Session, method: str) -> str:
    _kid, key = keys.current(tokens.KEY)
    return signing.dumps({"s": session.pk, "m": method}, key=key.hex(), salt=PASS_SALT)


def read_pass(value: str) -> Pass:
    ring = [k.hex() for k in keys.ring(tokens.KEY).values()]
    try:
        data = signing.loads(value or "", key=ring[-1], fallback_keys=ring[:-1], salt=PASS_SALT,
                             max_age=FILL_MINUTES * 60)
    except signing.SignatureExpired:
        raise Refused(R.EXPIRED, "填写超时，请重新扫描屏幕上的二维码或输入最新的签到码") from None
    except signing.BadSignature:
        raise Refused(R.FORGED) from None
    session = _session(int(data.get("s", 0)))
    if session is None or data.get("m") not in (M.QR, M.CODE):
        raise Refused(R.FORGED)
    return Pass(session, data["m"], rules_for(session.org_path))


def open_by_token(token: str, *, ip: str | None = None, now: float | None = None) -> Pass:
    """The pass of a scanned QR token, or `Refused` (expired, forged, not the time, too many tries)."""
    stamp = timezone.now()
    if throttled(ip, now=stamp):
        raise _too_many(Rules())
    claimed = tokens.authentic_session(token)  # form and MAC only; the window is judged with the session's rules
    session = _session(claimed) if claimed is not None else None
    if session is None:
        _guess(ip, stamp)
        raise Refused(R.FORGED)
    rules = rules_for(session.org_path)
    if throttled(ip, rules, stamp):
        raise _too_many(rules)
    checked = tokens.read_qr(token, rules.window_seconds, now)
    if not checked.ok:
        _guess(ip, stamp)
        if checked.state == R.EXPIRED:
            _event(session, M.QR, accepted=False, reason=R.EXPIRED, ip=ip, at=stamp)
        raise Refused(checked.state)
    if not is_open(session, rules, stamp):
        raise Refused(R.CLOSED, closed_message(session, rules))
    return Pass(session, M.QR, rules)


def sessions_today(today: dt.date | None = None) -> list[Session]:
    today = today or timezone.localdate()
    return list(Session.objects.unrestricted().select_related("training_class").filter(on=today))


def open_by_code(typed: str, *, ip: str | None = None, now: float | None = None) -> Pass:
    """The pass of a typed code: the code is looked for among today's sessions (current and previous window)."""
    stamp = timezone.now()
    if throttled(ip, now=stamp):
        raise _too_many(Rules())
    if len(tokens.normalize_code(typed)) != tokens.CODE_DIGITS:
        raise Refused(R.FORGED, "请输入屏幕上显示的6位签到码")
    today = sessions_today()
    by_path = rules_by_path({s.org_path for s in today})
    sessions = {s.pk: (s, by_path[s.org_path]) for s in today}
    found, expired = tokens.match_code(typed, [(pk, r.window_seconds) for pk, (_s, r) in sessions.items()], now)
    if not found:
        _guess(ip, stamp)
        raise Refused(R.FORGED, "签到码不正确，请核对屏幕上的签到码")
    session, rules = sessions[found[0]]
    if expired:
        _guess(ip, stamp)
        _event(session, M.CODE, accepted=False, reason=R.EXPIRED, ip=ip, at=stamp)
        raise Refused(R.EXPIRED)
    opened = [(s, r) for s, r in (sessions[pk] for pk in found) if is_open(s, r, stamp)]
    if not opened:
        raise Refused(R.CLOSED, closed_message(session, rules))
    return Pass(opened[0][0], M.CODE, opened[0][1])


def find_enrolment(session: Session, name: str, tail6: str) -> Enrolment | None:
    """The class's enrolment of the person with this name and these last six ID characters (keyed-hash lookup:
    the ID numbers are encrypted)."""
    name = (name or "").replace(" ", "").strip()
    tail = (tail6 or "").strip().upper()
    if not name or len(tail) != 6:
        return None
    column, digests = Person._meta.get_field("id_number").tail_digests(tail)
    people = Person.objects.unrestricted().filter(name=name, **{f"{column}__in": digests}).values("pk")
    return (Enrolment.objects.unrestricted().select_related("person")
            .filter(training_class_id=session.training_class_id, person__in=people).order_by("pk").first())


def _present(session: Session, enrolment: Enrolment, method: str, at: dt.datetime) -> tuple[bool, Attendance]:
    """Set the attendance of a first accepted sign-in (True), or say it was already present (False)."""
    row = Attendance.objects.unrestricted().select_for_update().filter(session=session, enrolment=enrolment).first()
    if row is None:
        try:
            with transaction.atomic():
                row = Attendance(session=session, enrolment=enrolment, org_path=session.org_path,
                                 status=Attendance.Status.PRESENT, hours=session.hours, method=method, signed_at=at)
                row.save()
            return True, row
        except IntegrityError:  # signed in at the same moment elsewhere
            row = Attendance.objects.unrestricted().select_for_update().get(session=session, enrolment=enrolment)
    if row.status == Attendance.Status.PRESENT:
        return False, row
    row.status, row.hours, row.method = Attendance.Status.PRESENT, session.hours, method
    row.signed_at = at
    row.save()
    return True, row


def sign_in(passed: Pass, name: str, tail6: str, *, ip: str | None = None) -> SignIn:
    """A trainee signs in on the phone page: accepted, or `Refused` with the reason (the event is stored)."""
    session, rules = passed.session, passed.rules
    now = timezone.now()
    if throttled(ip, rules, now):
        raise _too_many(rules)
    if not is_open(session, rules, now):
        raise Refused(R.CLOSED, closed_message(session, rules))
    tail = (tail6 or "").strip().upper()
    if not (name or "").strip() or len(tail) != 6 or not (tail[:5].isdigit() and (tail[5].isdigit() or tail[5] == "X")):
        raise Refused("input", "请填写姓名和公民身份号码后六位（6位，末位可为X）")
    enrolment = find_enrolment(session, name, tail)
    if enrolment is None:
        _guess(ip, now)
        _event(session, passed.method, accepted=False, reason=R.NOT_ENROLLED, name=name, ip=ip, at=now)
        raise Refused(R.NOT_ENROLLED)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        _event(session, passed.method, accepted=False, reason=R.WITHDRAWN, enrolment=enrolment, name=name, ip=ip,
               at=now)
        raise Refused(R.WITHDRAWN)
    with audit.acting_as(name=f"学员本人签到（{enrolment.person.name}）", ip=ip), transaction.atomic():
        first, row = _present(session, enrolment, passed.method, now)
        event = _event(session, passed.method, accepted=first, reason="" if first else R.ALREADY,
                       enrolment=enrolment, name=name, ip=ip, at=now)
    if not first:
        at = timezone.localtime(row.signed_at) if row.signed_at else None
        raise Refused(R.ALREADY, f"已签到（{at:%H:%M}），无需重复签到" if at else MESSAGES[R.ALREADY])
    return event


# ---------------------------------------------------------------- the organizer: roll, counts, log


def _require_change(user, session: Session) -> None:
    if not scope.can(user, "change", session.org_path):
        raise PermissionDenied("您无权为该课次登记签到")


def roster(session: Session):
    """The class's enrolments (in the class, not withdrawn before the session) with their attendance of the
    session annotated: `signed` (present), `signed_at`, `method`."""
    att = Attendance.objects.unrestricted().filter(session=session, enrolment=OuterRef("pk"))
    return (Enrolment.objects.unrestricted().filter(training_class_id=session.training_class_id)
            .exclude(status=Enrolment.Status.WITHDRAWN, withdrawn_on__lte=session.on)
            .select_related("person")
            .annotate(signed=Exists(att.filter(status=Attendance.Status.PRESENT)),
                      leave=Exists(att.filter(status=Attendance.Status.LEAVE)),
                      signed_at=Subquery(att.filter(status=Attendance.Status.PRESENT).values("signed_at")[:1]))
            .order_by("person__stroke_key", "pk"))


def counts(session: Session) -> dict:
    row = {"total": 0, "signed": 0, "leave": 0}
    for signed, leave, n in roster(session).order_by().values_list("signed", "leave").annotate(n=Count("pk")):
        row["total"] += n
        if signed:
            row["signed"] += n
        elif leave:
            row["leave"] += n
    row["missing"] = row["total"] - row["signed"] - row["leave"]
    found = SignIn.objects.unrestricted().filter(session=session).aggregate(
        ok=Count("pk", filter=Q(accepted=True)), no=Count("pk", filter=Q(accepted=False)))
    events = {"accepted": found["ok"], "refused": found["no"]}
    return row | events


@transaction.atomic
def roll(user, session: Session, enrolment_ids, *, at: dt.datetime | None = None) -> int:
    """The organizer ticks present trainees (method 人工点名): each not yet present gets an accepted event and
    their attendance; returns how many were marked. Nothing is unmarked (a correction is the classes area's)."""
    _require_change(user, session)
    wanted = {int(i) for i in enrolment_ids}
    if wanted - set(roster(session).filter(pk__in=wanted).values_list("pk", flat=True)):
        raise ValidationError("所选学员不在本班名单中")
    enrolments = list(roster(session).filter(pk__in=wanted, signed=False))
    at = at or timezone.now()
    marked = 0
    with audit.operation(session, "update", note=f"人工点名：{len(enrolments)} 人出勤", fold=False):
        for enrolment in enrolments:
            first, _row = _present(session, enrolment, M.ROLL, at)
            if first:
                _event(session, M.ROLL, accepted=True, enrolment=enrolment, name=enrolment.person.name, user=user,
                       at=at)
                marked += 1
    return marked


def record_imported(user, session: Session, enrolment: Enrolment, at: dt.datetime) -> bool:
    """One row of a sign-in import (inside the import's operation): True when it set the attendance."""
    _require_change(user, session)
    first, _row = _present(session, enrolment, M.IMPORT, at)
    _event(session, M.IMPORT, accepted=first, reason="" if first else R.ALREADY, enrolment=enrolment,
           name=enrolment.person.name, user=user, at=at)
    return first
