"""The satisfaction check before closure (满意度回访): surveys, one-time codes, answers, 复办 and 销号.

- `open_survey(task, on, op)`: the tasks area calls it inside the 办结 step's operation (`after`); it opens the
  survey round of that completion (round = previous + 1) and returns it. The number asked: 1 where the item
  serves one household, else max(sample_minimum, ceil(sample_share × households)), never more than the households.
  The policy is the `SatisfactionPolicy` issued nearest above the item's organization (national default otherwise).
- `issue_codes(user, survey)`: one-time codes of 8 characters of an alphabet without look-alikes (shown ABCD-EFGH);
  only their keyed hashes are stored (`core.pii.digest`, purpose "service-callback-code"), the plain codes are
  returned once (printed on the code sheet). Each code also has a `token` (UUID) that the QR carries. Issuing
  again withdraws the codes of the round not yet used (a lost sheet cannot be reprinted).
- `answer(code_or_token, …)`: the phone page (no login). A code answers once; an expired or settled round is
  refused; `GUESS_LIMIT` wrong or used codes from one address within `GUESS_MINUTES` are refused until the window
  passes. Then `settle`.
- `record_callback(user, survey, …)`: staff record a telephone or visit callback (the `callback` step). Then
  `settle`.
- `settle(survey)`: when the share of 不满意 and 部分解决 among the answers exceeds the policy's `reopen_share`
  the item is reopened (复办) by the system; when enough answers are in (pass_share of those required) and nothing
  reopened it, the round passes and the item's satisfaction is the **majority answer, a tie going to the worse
  answer** (a passed round under the default policy holds only 满意 and 基本满意).
- `close(user, task, on, waiver_reason)`: 销号 only after the latest round passed, or by a user with `manage` on
  the item's organization who records why the check cannot be done (`close_waiver`).
- `reopen(user, task, on, reason)`: staff reopen a completed item (e.g. the supervisor finds it not done).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from zugong.core import audit, guesses, pii, scope
from zugong.core.casework import services as casework

from . import clock
from .models import CallbackCode, Feedback, SatisfactionPolicy, ServiceTask, Survey
from .models.tasks import Satisfaction, Status
from .steps import ServiceWorkflow, WORKFLOW

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_PURPOSE = "service-callback-code"
CLIENT_PURPOSE = "service-callback-client"
MAX_CODES = 500
GUESS_LIMIT = getattr(settings, "ZUGONG_CALLBACK_GUESSES", 10)
GUESS_MINUTES = getattr(settings, "ZUGONG_CALLBACK_GUESS_MINUTES", 15)
SYSTEM_ACTOR = "系统（群众评价）"
BAD = (Satisfaction.PARTIAL, Satisfaction.UNSATISFIED)
# Worst first: a tie of the majority goes to the worse answer.
WORST_FIRST = [Satisfaction.UNSATISFIED, Satisfaction.PARTIAL, Satisfaction.BASIC, Satisfaction.SATISFIED]


class _SystemWorkflow(ServiceWorkflow):
    """The workflow as the system records it (a 复办 the people's answers triggered on the no-login page): no
    user's scope to check; the entry is signed `SYSTEM_ACTOR`."""

    def require(self, user, path: str, what: str = "") -> None:
        return None


SYSTEM_WORKFLOW = _SystemWorkflow()


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------- policy and sample


def policy_for(path: str) -> SatisfactionPolicy:
    """The policy issued nearest above the organization at `path` (the national default otherwise; the model's
    defaults where none is installed)."""
    row = (SatisfactionPolicy.objects.unrestricted().applying_to(path)
           .order_by(Length("org_path").desc(), "pk").first())
    return row or SatisfactionPolicy(code="service.survey.default")


def sample_size(policy: SatisfactionPolicy, households: int) -> int:
    """How many households are asked: the served person alone, else the share (rounded up) but at least the
    minimum, and never more than the households."""
    households = max(int(households or 1), 1)
    if households == 1:
        return 1
    share = math.ceil(Decimal(policy.sample_share) * households)
    return max(1, min(households, max(int(policy.sample_minimum), share)))


def latest_survey(task) -> Survey | None:
    return Survey.objects.unrestricted().filter(task=task).order_by("-round").first()


# ---------------------------------------------------------------- opening a round (called by 办结)


def open_survey(task, on: dt.date, op) -> Survey:
    """Open the survey round of a completion (inside the 办结 step's operation `op`); an open round is kept."""
    current = Survey.objects.unrestricted().filter(task=task, closed_on__isnull=True).order_by("-round").first()
    if current is not None:
        return current
    policy = policy_for(task.org_path)
    previous = Survey.objects.unrestricted().filter(task=task).aggregate(n=Max("round"))["n"] or 0
    required = sample_size(policy, task.households)
    survey = Survey.objects.create(task=task, round=previous + 1, opened_on=on, required=required,
                                   expires_on=on + dt.timedelta(days=policy.code_valid_days))
    if op is not None:
        op.fact("满意度回访", f"第{survey.round}轮，应回访 {required} 户，评价截止 {_day(survey.expires_on)}",
                field="survey")
    return survey


# ---------------------------------------------------------------- codes


@dataclass
class IssuedCode:
    code: str  # shown as ABCD-EFGH; never stored
    token: str  # what the QR carries

    @property
    def path(self) -> str:
        return reverse("service:pj_token", args=[self.token])


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _open_round(survey: Survey, today: dt.date) -> None:
    if survey.closed_on is not None:
        raise ValidationError(f"第{survey.round}轮回访已于 {_day(survey.closed_on)}结束")
    if survey.task.status != Status.DONE:
        raise ValidationError("该事项不在待评价状态")


def code_counts(survey: Survey) -> dict:
    """Codes issued and used in a round (withdrawn codes are deleted)."""
    rows = list(CallbackCode.objects.unrestricted().filter(survey=survey).values_list("used_at", flat=True))
    return {"issued": len(rows), "used": sum(1 for r in rows if r is not None)}


@transaction.atomic
def issue_codes(user, survey: Survey, count: int | None = None, today: dt.date | None = None) -> list[IssuedCode]:
    """Issue the one-time codes of a round (by default one per household still to answer). Returns the plain
    codes once; only their keyed hashes stay. Codes of the round issued earlier and not used are withdrawn."""
    today = today or timezone.localdate()
    task = survey.task
    WORKFLOW.require(user, task.org_path, "该事项的满意度回访")
    _open_round(survey, today)
    if today > survey.expires_on:
        raise ValidationError(f"本轮评价已于 {_day(survey.expires_on)}截止，请电话或上门回访")
    answered = Feedback.objects.unrestricted().filter(survey=survey).count()
    if count is None:
        count = max(survey.required - answered, 1)
    if not 1 <= int(count) <= MAX_CODES:
        raise ValidationError({"count": f"评价码数量：每次发放 1 至 {MAX_CODES} 个"})
    kid = pii.digest_kid()
    codes: list[str] = []
    digests: set[str] = set()
    while len(codes) < count:
        code = _new_code()
        d = pii.digest(code, CODE_PURPOSE, kid)
        if d in digests or CallbackCode.objects.unrestricted().filter(code_hash=d).exists():
            continue
        codes.append(code)
        digests.add(d)
    with audit.operation(task, "update", note=f"发放评价码：第{survey.round}轮 {count} 个") as op:
        withdrawn, _ = CallbackCode.objects.unrestricted().filter(survey=survey, used_at__isnull=True).delete()
        rows = CallbackCode.objects.bulk_create([CallbackCode(survey=survey, code_hash=pii.digest(c, CODE_PURPOSE, kid),
                                                              token=uuid.uuid4()) for c in codes])
        op.fact("发放评价码", f"第{survey.round}轮 {count} 个", field="codes")
        if withdrawn:
            op.fact("作废未使用的评价码", f"{withdrawn} 个", field="codes")
    return [IssuedCode(shown(c), str(r.token)) for c, r in zip(codes, rows, strict=True)]


# ---------------------------------------------------------------- the phone page (no login)


GUESSES = guesses.Guesses(CLIENT_PURPOSE, GUESS_LIMIT, GUESS_MINUTES)


def throttled(address: str | None, now=None) -> bool:
    return GUESSES.throttled(address, now)


def _refuse(address: str | None, message: str, now):
    """Count a wrong entry (written before any transaction of ours, so the refusal keeps it)."""
    GUESSES.count(address, now)
    raise ValidationError({"code": message})


def as_token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError):
        return None


def find_code(code_or_token: str, *, address: str | None = None, today: dt.date | None = None) -> CallbackCode:
    """The unused code of an open round (typed, or the QR's token), or a ValidationError in Chinese. A wrong or
    used code counts towards the address's limit."""
    now = timezone.now()
    today = today or timezone.localdate()
    if throttled(address, now):
        raise ValidationError({"code": GUESSES.message()})
    value = (code_or_token or "").strip()
    if not value:
        raise ValidationError({"code": "评价码：请输入评价码"})
    rows = CallbackCode.objects.unrestricted().select_related("survey__task")
    token = as_token(value)
    if token is not None:
        found = rows.filter(token=token).first()
    else:
        typed = normalize(value)
        found = (rows.filter(code_hash__in=pii.digests(typed, CODE_PURPOSE)).first()
                 if len(typed) == CODE_LENGTH else None)
    if found is None:
        _refuse(address, "评价码不存在，请核对后重新输入", now)
    if found.used_at is not None:
        _refuse(address, "该评价码已经使用，每个评价码只能评价一次", now)
    survey = found.survey
    if today > survey.expires_on:
        raise ValidationError({"code": f"该评价码已过期（评价截止 {_day(survey.expires_on)}）"})
    if survey.closed_on is not None or survey.task.status != Status.DONE:
        raise ValidationError({"code": "本轮评价已经结束，感谢您的关心"})
    return found


def _check_answer(answer: str, comment: str) -> str:
    if answer not in Satisfaction.values:
        raise ValidationError({"answer": "评价：请选择满意、基本满意、部分解决或不满意"})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": "意见建议：不超过 500 字"})
    return comment


def answer(code_or_token: str, answer: str, comment: str = "", address: str | None = None,
           today: dt.date | None = None) -> Feedback:
    """The phone page's action: one answer per code, then `settle`."""
    today = today or timezone.localdate()
    found = find_code(code_or_token, address=address, today=today)
    comment = _check_answer(answer, comment)
    with transaction.atomic():
        if CallbackCode.objects.unrestricted().filter(pk=found.pk, used_at__isnull=True).update(
                used_at=timezone.now()) != 1:
            raise ValidationError({"code": "该评价码已经使用，每个评价码只能评价一次"})
        feedback = Feedback.objects.create(survey=found.survey, answer=answer, comment=comment,
                                           method=Feedback.Method.PHONE_PAGE)
        settle(found.survey, today)
    return feedback


# ---------------------------------------------------------------- staff callback


@transaction.atomic
def record_callback(user, survey: Survey, answer: str, comment: str = "", method: str = Feedback.Method.CALL,
                    on: dt.date | None = None, done_by: str = "") -> Feedback:
    """A callback by telephone or visit, recorded by staff as the `callback` step (audited); then `settle`."""
    on = on or timezone.localdate()
    task = survey.task
    WORKFLOW.require(user, task.org_path, "该事项的满意度回访")
    if method not in (Feedback.Method.CALL, Feedback.Method.VISIT):
        raise ValidationError({"method": "回访方式：请选择电话回访或上门回访"})
    comment = _check_answer(answer, comment)
    _open_round(survey, on)
    answered = Feedback.objects.unrestricted().filter(survey=survey).count()
    if answered >= survey.required:
        raise ValidationError(f"第{survey.round}轮应回访 {survey.required} 户，已全部评价")
    created: list[Feedback] = []

    def write(case, op):
        created.append(Feedback.objects.create(survey=survey, answer=answer, comment=comment, method=method,
                                               recorded_by=user))
        op.fact("群众评价", f"{Feedback.Method(method).label}：{Satisfaction(answer).label}", field="feedback")

    label = f"{Feedback.Method(method).label}：{Satisfaction(answer).label}"
    record = casework.StepRecord(on=on, done_by=done_by, note=f"{label}。{comment}" if comment else label)
    casework.record_step(WORKFLOW, user, task, "callback", record, {}, after=write)
    settle(survey, on)
    return created[0]


# ---------------------------------------------------------------- settling a round


def _counts(survey: Survey) -> Counter:
    return Counter(Feedback.objects.unrestricted().filter(survey=survey).values_list("answer", flat=True))


def majority(counts: Counter) -> str:
    """The most frequent answer; a tie goes to the worse answer."""
    return max(WORST_FIRST, key=lambda a: (counts.get(a, 0), -WORST_FIRST.index(a))) if counts else ""


def worst(counts: Counter) -> str:
    return next((a for a in WORST_FIRST if counts.get(a)), "")


@transaction.atomic
def settle(survey: Survey, on: dt.date | None = None) -> Survey:
    """Judge a round on its answers: reopen (复办) the item when 不满意 and 部分解决 exceed the policy's share;
    pass the round when enough households answered; otherwise leave it open."""
    on = on or timezone.localdate()
    survey = Survey.objects.unrestricted().select_for_update().select_related("task").get(pk=survey.pk)
    if survey.closed_on is not None:
        return survey
    task = survey.task
    policy = policy_for(task.org_path)
    counts = _counts(survey)
    answered = sum(counts.values())
    if not answered:
        return survey
    bad = sum(counts.get(a, 0) for a in BAD)
    if Decimal(bad) / answered > Decimal(policy.reopen_share):
        shown_counts = "、".join(f"{Satisfaction(a).label} {counts[a]} 户" for a in WORST_FIRST if counts.get(a))
        reason = f"第{survey.round}轮群众评价：{shown_counts}"
        with audit.acting_as(name=SYSTEM_ACTOR):
            _reopen(None, task, on, reason, survey=survey, result=worst(counts), policy=policy,
                    workflow=SYSTEM_WORKFLOW, done_by=SYSTEM_ACTOR)
        survey.refresh_from_db()
        return survey
    if answered >= math.ceil(Decimal(policy.pass_share) * survey.required):
        result = majority(counts)
        text = f"第{survey.round}轮通过：{answered} 户评价，结果{Satisfaction(result).label}"

        def passed(case, op):
            survey.passed, survey.closed_on, survey.result = True, on, result
            survey.save()
            op.fact("满意度回访", text, field="survey")

        # The pass is a line of the item's timeline (纪实) like the reopening, recorded by the system.
        with audit.acting_as(name=SYSTEM_ACTOR):
            casework.record_step(SYSTEM_WORKFLOW, None, task, "callback",
                                 casework.StepRecord(on=on, done_by=SYSTEM_ACTOR, note=text),
                                 {"satisfaction": result, "callback_done": True}, after=passed)
    return survey


# ---------------------------------------------------------------- 复办 and 销号


def _reopen(user, task: ServiceTask, on: dt.date, reason: str, *, survey: Survey | None, result: str = "",
            policy: SatisfactionPolicy | None = None, workflow=WORKFLOW, done_by: str = ""):
    policy = policy or policy_for(task.org_path)
    limit = policy.reopen_limit_workdays or task.urgency.limit_workdays
    values = {"status": Status.REOPENED, "reopened_on": on, "clock_from": on, "limit_workdays": limit,
              "completed_on": None, "on_time": None, "reopened_count": task.reopened_count + 1,
              "satisfaction": "", "callback_done": False}

    def after(case, op):
        if survey is not None and survey.closed_on is None:
            survey.passed, survey.closed_on, survey.result = False, on, result
            survey.save()
            op.fact("满意度回访", f"第{survey.round}轮未通过", field="survey")
        clock.recompute(case)
        op.fact("复办", f"{limit} 个工作日，办结期限 {_day(case.deadline)}", field="reopen")

    record = casework.StepRecord(on=on, done_by=done_by, note=reason)
    return casework.record_step(workflow, user, task, "reopen", record, values, after=after)


@transaction.atomic
def reopen(user, task: ServiceTask, on: dt.date, reason: str):
    """Staff reopen (复办) a completed item with a reason (e.g. the supervisor finds it not done)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "复办原因：请填写"})
    survey = Survey.objects.unrestricted().filter(task=task, closed_on__isnull=True).order_by("-round").first()
    result = worst(_counts(survey)) if survey is not None else ""
    return _reopen(user, task, on, reason, survey=survey, result=result)


def may_waive(user, task: ServiceTask) -> bool:
    return scope.can(user, "manage", task.org_path)


@transaction.atomic
def close(user, task: ServiceTask, on: dt.date, waiver_reason: str = "", note: str = "", done_by: str = ""):
    """销号: after the latest round passed, or with the reason why the check cannot be done (a user with
    `manage` on the item's organization)."""
    waiver_reason = (waiver_reason or "").strip()
    survey = latest_survey(task)
    passed = survey is not None and survey.passed is True
    values = {"closed_on": on, "status": Status.CLOSED}
    if not passed:
        if not waiver_reason:
            if survey is None:
                why = "尚未发起满意度回访"
            elif survey.passed is False:
                why = f"第{survey.round}轮群众评价未通过"
            else:
                answered = Feedback.objects.unrestricted().filter(survey=survey).count()
                why = f"第{survey.round}轮应回访 {survey.required} 户，已评价 {answered} 户"
            raise ValidationError(f"群众评价尚未通过，不能销号（{why}）。确实无法回访的，可由党组织管理员填写原因后销号")
        if not may_waive(user, task):
            raise PermissionDenied("只有党组织管理员或组织部门管理员可以在未经群众评价的情况下销号")
        values["close_waiver"] = waiver_reason
    record = casework.StepRecord(on=on, done_by=done_by, note=note)

    def after(case, op):
        if not passed:
            op.fact("未经评价销号的原因", waiver_reason, field="close_waiver")

    return casework.record_step(WORKFLOW, user, task, "close", record, values, after=after)
