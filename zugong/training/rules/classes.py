"""Training rules: classes — leave in 脱产 training (docs/rules-coverage.md H5: content verified, article not,
so the citation is 《干部教育培训工作条例》（2023年修订）条款号待核).

- `training.class_leave_over_limit` (ERROR): a trainee of a 脱产 class whose leave exceeds the limit of the class's
  total 学时 (1/7 by default, `LeavePolicy`) and who was not withdrawn (退学). Exactly the limit is allowed.
- `training.class_leave_near_limit` (WARNING): a trainee still in a running 脱产 class whose leave reached the
  warning share of the limit (80 % by default) without exceeding it.

The limit is compared exactly in SQL: hours have one decimal, so leave × 10 × denominator and total × 10 ×
numerator (× 100 and × warning per cent) are rounded to whole numbers and compared as integers — no float error
at 1/7. The governing `LeavePolicy` of a class is the nearest issuer's (a CASE over the few policy rows, longest
path first).
"""

from __future__ import annotations

from django.db.models import Case, DecimalField, F, IntegerField, Value, When
from django.db.models.functions import Round

from zugong.core import rule_views, rules
from zugong.core.rules import ERROR, WARNING, Edition, Reads, Rule

from ..models import Enrolment, LeavePolicy, TrainingClass

EDITION = Edition("《干部教育培训工作条例》", rules.UNVERIFIED_ARTICLE, "2023年修订")
GROUP = "培训班次"
NUMBERS = DecimalField(max_digits=20, decimal_places=1)


def _policy(field: str, default: int):
    """The value of `field` of the policy that governs each enrolment's class (nearest issuer first)."""
    rows = list(LeavePolicy.objects.unrestricted().filter(active=True).order_by("-org_path", "pk")
                .values("org_path", field))
    whens = [When(training_class__org_path__startswith=r["org_path"], then=Value(r[field])) for r in rows]
    return Case(*whens, default=Value(default), output_field=IntegerField()) if whens else Value(default)


def _measured(qs):
    from ..classes_services import with_totals

    return (with_totals(qs.filter(training_class__off_job=True))
            .annotate(num=_policy("limit_numerator", 1), den=_policy("limit_denominator", 7),
                      warn=_policy("warn_percent", 80), total=F("training_class__total_hours"),
                      class_name=F("training_class__name"))
            .annotate(leave10=Round(F("leave") * 10 * F("den"), output_field=NUMBERS),
                      limit10=Round(F("total") * 10 * F("num"), output_field=NUMBERS)))


def _over(qs, as_of):
    return _measured(qs.exclude(status=Enrolment.Status.WITHDRAWN)).filter(leave10__gt=F("limit10"))


def _near(qs, as_of):
    running = qs.filter(status=Enrolment.Status.ENROLLED).exclude(training_class__status=TrainingClass.Status.CLOSED)
    return (_measured(running).filter(leave__gt=0, leave10__lte=F("limit10"))
            .annotate(leave1000=F("leave10") * 100, warn_at=F("limit10") * F("warn"))
            .filter(leave1000__gte=F("warn_at")))


def _text(r) -> str:
    from ..classes_services import num

    allowed = r["total"] * r["num"] / r["den"]
    return (f"“{r['class_name']}”请假 {num(r['leave'])} 学时，上限为总学时 {num(r['total'])} 的 {r['num']}/{r['den']}"
            f"（{allowed:.2f} 学时）")


READS = (Reads("training.Attendance", "enrolment_id"), Reads("training.TrainingClass", "pk", "training_class_id"))

rules.register(Rule(
    code="training.class_leave_over_limit", title="脱产培训请假超过总学时七分之一的，应予退学",
    severity=ERROR, model="training.Enrolment", editions=(EDITION,),
    check=_over, measures=("leave", "total", "num", "den", "class_name"),
    describe=lambda r: _text(r) + "，超过规定而未作退学处理",
    org_field="training_class__organization_id", reads=READS, group=GROUP, facts=("H5",),
    text="脱产培训期间请假不得超过总学时的七分之一，超过的予以退学。",
))

rules.register(Rule(
    code="training.class_leave_near_limit", title="脱产培训请假接近总学时七分之一",
    severity=WARNING, model="training.Enrolment", editions=(EDITION,),
    check=_near, measures=("leave", "total", "num", "den", "class_name"),
    describe=lambda r: _text(r) + "，已接近上限，再请假将予以退学",
    org_field="training_class__organization_id", reads=READS, group=GROUP, facts=("H5",),
))

rule_views.RECORD_URLS["training.enrolment"] = "training:enrolment"
