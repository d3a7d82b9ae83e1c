"""Service rules: satisfaction (满意度回访 before 销号), local practice (practice §5: 挂号 → 复号 → 销号), so the
citation names the practice and says 条款号待核.

- `service.closed_without_check` (ERROR): an item closed (已销号) whose latest survey round did not pass and that
  carries no recorded reason why the check could not be done (`close_waiver`).
- `service.survey_overdue` (WARNING): an item completed and waiting for the people's view (待评价) whose latest
  round passed its answer deadline without enough answers.

Each check is one query over the subtree: the latest round of each item is a correlated subquery.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from zugong.core import rules
from zugong.core.rules import ERROR, WARNING, Edition, Reads, Rule

from ..models import Feedback, Survey
from ..models.tasks import Status

EDITION = Edition("我为群众办实事群众评价和销号通行做法", rules.UNVERIFIED_ARTICLE)
GROUP = "我为群众办实事"
# An answer that does not settle a round changes only the count: the nightly scan sees it.
READS = (Reads("service.Survey", "task_id"),)


def _latest(field: str):
    return Subquery(Survey.objects.unrestricted().filter(task=OuterRef("pk")).order_by("-round")
                    .values(field)[:1])


def _closed_without_check(qs, as_of):
    return (qs.filter(status=Status.CLOSED, close_waiver="")
            .annotate(survey_passed=_latest("passed"), survey_round=_latest("round"))
            .filter(Q(survey_passed__isnull=True) | Q(survey_passed=False))
            .annotate(closed=F("closed_on")))


def _answers():
    return Coalesce(Subquery(Feedback.objects.unrestricted().filter(survey=OuterRef("survey_id")).order_by()
                             .values("survey").annotate(n=Count("pk")).values("n")[:1]), Value(0))


def _survey_overdue(qs, as_of):
    return (qs.filter(status=Status.DONE)
            .annotate(survey_id=_latest("pk"), expires=_latest("expires_on"), required=_latest("required"),
                      survey_closed=_latest("closed_on"))
            .filter(survey_id__isnull=False, survey_closed__isnull=True, expires__lt=as_of)
            .annotate(answered=_answers()))


def _closed_text(r) -> str:
    if r.get("survey_round") is None:
        return f"“{r['title']}”已销号，但未发起满意度回访，也未记录无法回访的原因"
    return f"“{r['title']}”已销号，但第{r['survey_round']}轮群众评价未通过，也未记录无法回访的原因"


def _overdue_text(r) -> str:
    expires = r["expires"]
    return (f"“{r['title']}”满意度回访已于 {expires.year}年{expires.month}月{expires.day}日截止，"
            f"应回访 {r['required']} 户，已评价 {r['answered']} 户，请电话或上门回访")


rules.register(Rule(
    code="service.closed_without_check", title="未经群众评价通过即销号", severity=ERROR,
    model="service.ServiceTask", editions=(EDITION,), check=_closed_without_check,
    measures=("title", "survey_passed", "survey_round", "closed"), describe=_closed_text, person_field=None,
    reads=READS, group=GROUP, facts=("practice §5",),
    text="办实事事项应经服务对象或抽样群众评价通过后销号；确实无法回访的，由有权限的管理员记录原因。",
))

rules.register(Rule(
    code="service.survey_overdue", title="满意度回访逾期未完成", severity=WARNING,
    model="service.ServiceTask", editions=(EDITION,), check=_survey_overdue,
    measures=("title", "expires", "required", "answered"), describe=_overdue_text, person_field=None,
    reads=READS, group=GROUP, facts=("practice §5",),
    text="评价码过期仍未收齐评价的，应电话或上门回访。",
))
