"""The life of one 办实事 item up to a day, planned in memory on the working calendar (pure Python, deterministic
for its `random.Random`): used by the demo (`demo/service.py`, every step written) and the bench seeder
(`demo/service_bench.py`, only the item's columns).

The whole life is drawn first as if time went on (take-up, sign-off, progress, a pause, an extension request,
completion, the satisfaction check, 复办 and a second completion, 销号), then cut at `as_of`: what happened later
is dropped and the item's status, clock and dates are what the services would have stored on that day:

- the deadline is `clock.Calendar.after(clock_from, limit + paused working days + approved extensions)` counting
  only pauses resumed and extensions decided by `as_of` (as `clock.recompute` does), from `clock_from` on;
- a pause still running on `as_of` leaves the item 暂停计时 (`paused_since`);
- about 4 % of the items run late; of those whose deadline has passed, about 9 % of the last month's are
  still open (the overdue items the scan finds), 3 % of the two months before, under 0.4 % of older ones; a
  reopened item starts a new clock on the 复办 day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)

PAUSE_REASONS = ("等待诉求人补充材料", "等待诉求人约定上门时间", "需相关部门先行出具意见", "恶劣天气无法施工",
                 "等待物业公司配合", "等待产权单位确认", "涉及多方协调，待联席会议研究")
EXTENSION_REASONS = ("涉及资金审批，程序时间较长", "需协调多个部门共同办理", "施工受季节影响", "需等待上级部门批复",
                     "群众提出新的合理诉求，需调整方案")
REFUSAL_NOTES = ("理由不充分，请按原期限办结", "可通过加强协调在原期限内完成")


class ExtendedCalendar:
    """`clock.Calendar` with ordinary weekdays beyond its last day, only for events after `as_of` that the plan
    draws and then drops (a stored date is checked against the real calendar: `within`)."""

    def __init__(self, calendar):
        self.cal = calendar
        self.last = calendar.last
        days = list(calendar.days)
        day = calendar.last + ONE_DAY
        for _ in range(800):  # about three years of weekdays
            if day.weekday() < 5:
                days.append(day)
            day += ONE_DAY
        self.days = days
        self.first = calendar.first
        self._bisect = __import__("bisect")

    def after(self, start: dt.date, n: int) -> dt.date:
        if n <= 0:
            return start
        return self.days[self._bisect.bisect_right(self.days, start) + n - 1]

    def between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        b = self._bisect
        return b.bisect_right(self.days, end) - b.bisect_left(self.days, start)

    def is_workday(self, day: dt.date) -> bool:
        i = self._bisect.bisect_left(self.days, day)
        return i < len(self.days) and self.days[i] == day

    def within(self, day: dt.date | None) -> bool:
        return day is None or day <= self.last


@dataclass
class Round:
    number: int
    opened_on: dt.date
    required: int
    expires_on: dt.date
    answers: list = field(default_factory=list)  # (answer, day)
    closed_on: dt.date | None = None
    passed: bool | None = None
    result: str = ""


@dataclass
class Life:
    received_on: dt.date
    limit: int
    phased: bool
    taken_by: str  # "assign" or "claim"
    taken_on: dt.date | None = None
    signed_on: dt.date | None = None
    clock_from: dt.date | None = None
    deadline: dt.date | None = None
    paused_workdays: int = 0
    extended_workdays: int = 0
    paused_since: dt.date | None = None
    last_report_on: dt.date | None = None
    last_urged_on: dt.date | None = None
    completed_on: dt.date | None = None
    on_time: bool | None = None
    closed_on: dt.date | None = None
    reopened_count: int = 0
    reopened_on: dt.date | None = None
    callback_done: bool = False
    satisfaction: str = ""
    status: str = "pending"
    # The timeline (each cut at as_of): (kind, day, note, extra)
    steps: list = field(default_factory=list)
    pauses: list = field(default_factory=list)  # (paused_on, resumed_on | None, workdays, reason)
    extensions: list = field(default_factory=list)  # (requested, workdays, before, decision, decided, approved, reason, note)
    phases: list = field(default_factory=list)  # (number, planned_on, completed_on | None)
    rounds: list = field(default_factory=list)


def _result(rng) -> str:
    r = rng.random()
    if r < 0.035:
        return "unsatisfied"
    if r < 0.055:
        return "partial"
    if r < 0.30:
        return "basic"
    return "satisfied"


def plan_life(rng, cal: ExtendedCalendar, *, received: dt.date, limit: int, remind: int, phased: bool,
              households: int, as_of: dt.date, assigned: bool, share: float = 0.1, code_days: int = 15,
              detail: bool = True, stuck_share: float = 0.03) -> Life:
    """One item's life cut at `as_of` (see the module's docstring). `detail=False` skips the timeline lists."""
    life = Life(received_on=received, limit=limit, phased=phased, taken_by="assign" if assigned else "claim")
    ev: list = [("receive", received, "")]
    take = cal.after(received, rng.choice((0, 1, 1, 2))) if cal.is_workday(received) else cal.after(received, 1)
    take = max(take, received)
    sign = cal.after(take, rng.choice((0, 0, 1)))
    r = rng.random()
    late = r < 0.04
    work = max(1, round(limit * (rng.uniform(1.05, 1.5) if late else rng.triangular(0.2, 0.98, 0.65))))
    # A pause (waiting for the requester, another department …) of 2–9 calendar days: often over a weekend.
    pause = None
    if work >= 3 and rng.random() < 0.12:
        p_at = max(cal.after(received, rng.randint(1, work - 1)), sign)
        resumed = p_at + dt.timedelta(days=rng.randint(2, 9))
        pause = (p_at, resumed, cal.between(p_at + ONE_DAY, resumed), rng.choice(PAUSE_REASONS))
    pw = pause[2] if pause else 0
    # An extension request a few working days before the deadline, approved three times in four.
    ext = None
    if limit >= 5 and rng.random() < 0.07:
        before_n = limit + pw
        req = cal.after(received, max(1, before_n - rng.randint(1, 3)))
        if req > sign and (pause is None or pause[1] < req):
            asked = rng.choice((3, 5)) if limit < 10 else rng.choice((5, 10, 15)) if not phased else rng.choice((20, 30))
            approve = rng.random() < 0.75
            decided = cal.after(req, rng.choice((1, 1, 2)))
            ext = (req, asked, cal.after(received, before_n), "approved" if approve else "refused", decided,
                   asked if approve else 0, rng.choice(EXTENSION_REASONS), "" if approve else rng.choice(REFUSAL_NOTES))
            if approve:
                work = limit + rng.randint(max(1, asked // 3), asked)
            elif rng.random() < 0.4:
                work = limit + rng.randint(1, 4)  # refused and late all the same
            else:
                work = min(work, limit)
    approved = ext[5] if ext else 0
    full_deadline = cal.after(received, limit + pw + approved)
    # Items still open past their deadline are mostly recent ones: an item weeks late gets escalated and done,
    # so the share left open falls with the time since the deadline (a working county, not a collapsed one).
    late_by = (as_of - full_deadline).days
    weight = 3.0 if late_by <= 30 else 1.0 if late_by <= 90 else 0.12
    stuck = full_deadline < as_of and rng.random() < stuck_share * weight
    complete = None
    if not stuck:  # not before the sign-off, not while paused
        complete = max(cal.after(received, work + pw), sign, cal.after(pause[1], 1) if pause else sign)
    # Progress reports (per phase for 分期办), a reminder when the deadline nears.
    reports = []
    if phased:
        n = rng.randint(2, 4)
        span = work + pw
        for k in range(1, n + 1):
            planned = cal.after(received, max(1, round(limit * k / n)))
            done = max(cal.after(received, max(1, round(span * k / n))), sign) if not stuck or k < n - 1 else None
            if done is not None and complete is not None:
                done = complete if k == n else min(done, complete)
            life.phases.append([k, planned, done])
            if done is not None:
                reports.append((done, k))
    else:
        span = work + pw if not stuck else limit + pw + rng.randint(3, 30)
        for _ in range(rng.choice((0, 1, 1, 2))):
            reports.append((max(sign, cal.after(received, max(1, round(span * rng.uniform(0.3, 0.8))))), None))
    ev.append((life.taken_by, take, ""))
    ev.append(("sign", sign, ""))
    for day, k in sorted(reports, key=lambda x: x[0]):
        if complete is None or day <= complete:
            ev.append(("report", day, k))
    urge_at = cal.after(received, max(1, limit + pw + approved - remind))
    if (complete is None or complete > urge_at) and urge_at > sign and not (pause and pause[0] <= urge_at <= pause[1]):
        ev.append(("urge", urge_at, ""))
    if stuck:
        for extra in (5, 15):
            ev.append(("urge", cal.after(full_deadline, extra), "overdue"))
    if pause:
        ev.append(("pause", pause[0], pause))
        ev.append(("resume", pause[1], pause))
    if ext:
        ev.append(("extension_request", ext[0], ext))
        ev.append(("extension_decision", ext[4], ext))
    if complete is not None:
        ev.append(("complete", complete, 1))
        required = max(1, math.ceil(households * share))
        rnd = Round(1, complete, required, complete + dt.timedelta(days=code_days))
        result = _result(rng)
        wait = rng.randint(1, 8)
        for h in range(min(required, 3)):
            answer = result if h == 0 else rng.choice(("satisfied", "satisfied", "basic"))
            rnd.answers.append((answer, complete + dt.timedelta(days=wait + h)))
        last = rnd.answers[-1][1]
        rnd.closed_on, rnd.result = last, result
        rnd.passed = result in ("satisfied", "basic")
        ev.append(("callback", last, rnd))
        life.rounds.append(rnd)
        if rnd.passed:
            ev.append(("close", cal.after(last, rng.choice((0, 1, 2, 3))), ""))
        else:  # 复办: a new clock from the day, the same class's limit
            ev.append(("reopen", last, ""))
            work2 = max(1, round(limit * rng.uniform(0.2, 0.7)))
            complete2 = cal.after(last, work2)
            ev.append(("complete", complete2, 2))
            rnd2 = Round(2, complete2, required, complete2 + dt.timedelta(days=code_days))
            result2 = "satisfied" if rng.random() < 0.7 else "basic"
            day2 = complete2 + dt.timedelta(days=rng.randint(1, 6))
            rnd2.answers = [(result2, day2)]
            rnd2.closed_on, rnd2.result, rnd2.passed = day2, result2, True
            ev.append(("callback", day2, rnd2))
            life.rounds.append(rnd2)
            ev.append(("close", cal.after(day2, rng.choice((0, 1, 2))), ""))
    _cut(life, ev, cal, as_of, detail)
    return life


ORDER = {k: i for i, k in enumerate(("receive", "assign", "claim", "sign", "report", "pause", "resume", "urge",
                                     "extension_request", "extension_decision", "complete", "callback", "reopen",
                                     "close"))}


def _cut(life: Life, ev: list, cal, as_of: dt.date, detail: bool) -> None:
    """Keep what happened by `as_of` and derive the stored state."""
    ev.sort(key=lambda e: (e[1], ORDER[e[0]]))
    life.clock_from = life.received_on
    pauses_running, ext_running = 0, 0
    kept = []
    for kind, day, extra in ev:
        if day > as_of:
            if kind == "callback":  # answers so far, the round still open
                rnd = extra
                rnd.answers = [a for a in rnd.answers if a[1] <= as_of]
                rnd.closed_on, rnd.passed, rnd.result = None, None, ""
            continue
        kept.append((kind, day, extra))
        if kind in ("assign", "claim"):
            life.taken_on = day
            if kind == "claim":
                life.status = "active"
        elif kind == "sign":
            life.signed_on = day
            life.status = "active"
        elif kind == "report":
            life.last_report_on = day
        elif kind == "urge":
            life.last_urged_on = day
        elif kind == "pause":
            life.paused_since, life.status = day, "paused"
        elif kind == "resume":
            life.paused_since, life.status = None, "active"
            life.paused_workdays += extra[2]
            if extra[0] >= life.clock_from:
                pauses_running += extra[2]
        elif kind == "extension_decision":
            life.extended_workdays += extra[5]
            if extra[0] >= life.clock_from:
                ext_running += extra[5]
        elif kind == "complete":
            life.completed_on, life.status = day, "done"
            deadline = cal.after(life.clock_from, life.limit + pauses_running + ext_running)
            life.on_time = day <= deadline
        elif kind == "callback":
            life.callback_done = True
            life.satisfaction = extra.result
        elif kind == "reopen":
            life.reopened_count += 1
            life.reopened_on, life.clock_from, life.status = day, day, "reopened"
            life.completed_on, life.on_time = None, None
            pauses_running = ext_running = 0
        elif kind == "close":
            life.closed_on, life.status = day, "closed"
    # the round opened by the last completion: answers by as_of only
    life.rounds = [r for r in life.rounds if r.opened_on <= as_of]
    if life.rounds and life.rounds[-1].closed_on is None:
        life.satisfaction, life.callback_done = "", False
    life.deadline = cal.after(life.clock_from, life.limit + pauses_running + ext_running)
    if detail:
        life.steps = kept
        life.pauses = [(p, r if r <= as_of else None, w if r <= as_of else 0, reason)
                       for p, r, w, reason in {e[2] for e in kept if e[0] == "pause"}]
        exts = []
        for e in kept:
            if e[0] != "extension_request":
                continue
            req, asked, before, decision, decided, appr, reason, note = e[2]
            if decided > as_of:
                decision, decided, appr, note = "pending", None, 0, ""
            exts.append((req, asked, before, decision, decided, appr, reason, note))
        life.extensions = exts
        life.phases = [(k, planned, done if done is not None and done <= as_of else None)
                       for k, planned, done in life.phases]


def is_overdue(life: Life, as_of: dt.date) -> bool:
    return life.status in ("pending", "active", "reopened") and life.deadline < as_of
