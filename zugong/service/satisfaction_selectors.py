"""What the pages (and other areas) read of the satisfaction check: the survey panel of an item's page."""

from __future__ import annotations

from django.db.models import Count, Q

from zugong.core import scope

from . import satisfaction_services as services
from .models import CallbackCode, Feedback, Survey
from .models.tasks import Status


def panel(user, task) -> dict:
    """The rounds of an item the user sees (answers, codes issued and used) and what the user may do now: a
    few queries whatever the number of rounds."""
    surveys = list(Survey.objects.visible_to(user).filter(task=task).order_by("round"))
    ids = [s.pk for s in surveys]
    codes = {r["survey"]: r for r in CallbackCode.objects.visible_to(user).filter(survey__in=ids).order_by()
             .values("survey").annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))}
    answers: dict[int, list] = {}
    for f in Feedback.objects.visible_to(user).filter(survey__in=ids).select_related("recorded_by"):
        answers.setdefault(f.survey_id, []).append(f)
    for s in surveys:
        s.code_counts = codes.get(s.pk, {"issued": 0, "used": 0})
        s.answer_list = answers.get(s.pk, [])
        s.answered = len(s.answer_list)
    latest = surveys[-1] if surveys else None
    can_change = scope.can(user, "change", task.org_path)
    passed = latest is not None and latest.passed is True
    may_waive = services.may_waive(user, task)
    is_open = latest is not None and latest.closed_on is None and task.status == Status.DONE
    return {
        "task": task, "surveys": surveys, "latest": latest, "can_change": can_change,
        "may_waive": may_waive,
        "can_issue": can_change and is_open, "can_callback": can_change and is_open,
        # 销号 is offered once the round passed, or to who may close without one (with a reason)
        "can_close": can_change and task.status == Status.DONE and (passed or may_waive),
        "can_reopen": can_change and task.status == Status.DONE,
        "passed": passed,
    }
