"""The talent demo (zugong/demo/talent.py) at `--scale tiny`: 三晋英才 with last year's finished edition and this
year's in review, the city's open edition, applications in every stage whose status, stage and dated columns
match their step rows, nothing dated after the seed's day, an open round with pending scores, experts with
conflicts never assigned, the pool with payments and reviews and the planted problems; the same seed gives the
same rows."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", "Seed-test-password-2026")
    call_command("seed", "--scale", "tiny", "--as-of", AS_OF.isoformat(), "--seed", "7", stdout=StringIO())


def wipe():
    from zugong.talent.models import (
        Application,
        Assignment,
        Expert,
        PriorityCounty,
        Program,
        ReviewRound,
        Talent,
    )

    Talent.objects.unrestricted().delete()
    Assignment.objects.unrestricted().delete()
    ReviewRound.objects.unrestricted().delete()
    Application.objects.unrestricted().delete()
    Expert.objects.unrestricted().delete()
    Program.objects.unrestricted().delete()
    PriorityCounty.objects.unrestricted().delete()


def snapshot():
    from zugong.talent.models import (
        AllowancePayment,
        Application,
        ApplicationStep,
        Assignment,
        Expert,
        Talent,
    )

    apps = list(Application.objects.unrestricted().order_by("edition__year", "edition__program__code", "person_id")
                .values_list("edition__year", "tier__code", "person_id", "status", "applied_on", "recommended_on",
                             "qualified_on", "reviewed_on", "review_score", "approved_on", "notice_start",
                             "recognized_on", "exited_on", "precheck"))
    steps = list(ApplicationStep.objects.unrestricted().order_by("case__person_id", "case__edition__year", "on",
                                                                 "kind").values_list("kind", "on", "note"))
    experts = list(Expert.objects.unrestricted().order_by("name", "unit_name").values_list("name", "unit_name",
                                                                                          "field", "person_id"))
    pool = list(Talent.objects.unrestricted().order_by("person_id").values_list("person_id", "status", "since",
                                                                                "tags"))
    paid = list(AllowancePayment.objects.unrestricted().order_by("talent__person_id", "number")
                .values_list("number", "paid_on", "amount"))
    assigned = list(Assignment.objects.unrestricted().order_by("application__person_id", "expert__name")
                    .values_list("application__person_id", "expert__name", "total"))
    return apps, steps, experts, pool, paid, assigned


# The date column each chain step sets.
STEP_DATES = {"apply": "applied_on", "recommend": "recommended_on", "qualify": "qualified_on",
              "review": "reviewed_on", "approve": "approved_on", "public_notice": "notice_start",
              "recognize": "recognized_on", "exit": "exited_on"}
# The steps an application of each status has taken (in order), the optional ones aside.
CHAIN = ["apply", "recommend", "qualify", "review", "approve", "public_notice", "recognize"]
LAST_STEP = {"applied": "apply", "recommended": "recommend", "qualified": "qualify", "reviewed": "review",
             "approved": "approve", "notice": "public_notice", "recognized": "recognize", "exited": "recognize"}


@pytest.mark.django_db
def test_the_tiny_seed_has_talent_programmes_up_to_its_day(seeded):
    from django.db.models import Max

    from zugong.cadres.models import Cadre
    from zugong.talent.models import (
        AllowancePayment,
        Application,
        ApplicationStep,
        Assignment,
        Condition,
        Conflict,
        Criterion,
        Edition,
        Expert,
        Objection,
        PeriodicReview,
        PriorityCounty,
        Program,
        ReviewRound,
        Score,
        Talent,
    )
    from zugong.talent.models.applications import STAGE_OF_STATUS
    from zugong.talent.steps import WORKFLOW

    sjyc = Program.objects.unrestricted().get(code="SJYC")
    assert sjyc.name == "三晋英才支持计划" and sjyc.level == "province"
    assert Program.objects.unrestricted().filter(level="city", name__endswith="英才计划").exists()
    prev, curr = Edition.objects.unrestricted().filter(program=sjyc).order_by("year")
    assert prev.status == "finished" and curr.status in ("open", "closed")
    assert [t.name for t in curr.tiers.order_by("order")] == ["高端领军", "拔尖骨干", "青年优秀"]
    for tier in curr.tiers.all():
        assert tier.instalments.count() == 3
    kinds = set(Condition.objects.unrestricted().filter(edition=curr).values_list("kind", flat=True))
    assert {"annual_grades", "no_sanction"} <= kinds
    assert all("条款号待核" in c.source for c in Condition.objects.unrestricted().filter(edition=curr))
    grades = Condition.objects.unrestricted().get(edition=curr, kind="annual_grades")
    assert grades.params["years"] == 3
    assert Condition.objects.unrestricted().get(edition=curr, kind="no_sanction").params["years"] == 5
    criteria = Criterion.objects.unrestricted().filter(edition=curr)
    assert 3 <= criteria.count() <= 4 and sum(c.weight for c in criteria) == 1

    apps = Application.objects.unrestricted()
    statuses = set(apps.filter(edition=curr).values_list("status", flat=True))
    assert {"applied", "recommended", "qualified", "rejected", "reviewed", "approved", "notice",
            "recognized"} <= statuses
    assert set(apps.filter(edition=prev).values_list("status", flat=True)) >= {"recognized", "exited"}
    # Most applicants are cadres (the pre-check has their records).
    cadres = set(Cadre.objects.unrestricted().values_list("person_id", flat=True))
    assert sum(a.person_id in cadres for a in apps) > apps.count() / 2

    # Status, stage and dated columns match the steps; the steps' days are the case's date columns.
    steps: dict[int, list] = {}
    for s in ApplicationStep.objects.unrestricted().order_by("on", "id"):
        steps.setdefault(s.case_id, []).append(s)
    for a in apps:
        own = steps[a.pk]
        kinds = [s.kind for s in own]
        assert a.stage == STAGE_OF_STATUS[a.status], a.pk
        for s in own:
            if s.kind in STEP_DATES:
                assert getattr(a, STEP_DATES[s.kind]) == s.on, (a.pk, s.kind)
                assert kinds.count(s.kind) == 1
        for kind, column in STEP_DATES.items():
            assert (getattr(a, column) is not None) == (kind in kinds), (a.pk, kind)
        chain = [k for k in kinds if k in CHAIN]
        if a.status == "rejected":
            assert chain[-1] in ("qualify", "approve")
            assert (a.qualification == "failed") if chain[-1] == "qualify" else (a.approval == "failed")
        else:
            assert chain == CHAIN[:CHAIN.index(LAST_STEP[a.status]) + 1], (a.pk, a.status, kinds)
        assert WORKFLOW.date_problems({n: getattr(a, n) for n in WORKFLOW.date_labels}, AS_OF) == []
        if a.notice_start:
            from zugong.core import workdays

            assert workdays.count_between(a.notice_start, a.notice_end) == a.edition.notice_workdays
        if a.recognized_on:
            assert a.recognized_on > a.notice_end
        if a.recommended_on:
            assert a.precheck and a.precheck_at is not None
            assert all(set(c) == {"condition", "kind", "met", "evidence", "source"} for c in a.precheck)
    # The pre-check finds a couple of conditions not met; the rejected one at the qualification is one.
    unmet = [a for a in apps if any(c["met"] is False for c in a.precheck)]
    assert len(unmet) >= 2
    assert apps.filter(edition=curr, status="rejected", qualification="failed").exists()

    # Nothing after the seed's day (the 公示's end and the open round's close may lie ahead).
    for model, fields in ((Application, ("applied_on", "recommended_on", "qualified_on", "reviewed_on",
                                         "approved_on", "notice_start", "recognized_on", "exited_on")),
                          (ApplicationStep, ("on",)), (AllowancePayment, ("paid_on",)), (PeriodicReview, ("on",)),
                          (Objection, ("received_on", "answered_on")), (Talent, ("since",)),
                          (Conflict, ("found_on",)), (Assignment, ("assigned_on",)), (Edition, ("published_on",))):
        latest = model.objects.unrestricted().aggregate(*(Max(f) for f in fields))
        assert all(v is None or v <= AS_OF for v in latest.values()), model
    assert Assignment.objects.unrestricted().aggregate(m=Max("submitted_at"))["m"].date() <= AS_OF

    # Review: a published round per tier done, an open one with some scores submitted and others pending.
    open_round = ReviewRound.objects.unrestricted().get(edition=curr, status="open")
    assigned = Assignment.objects.unrestricted().filter(round=open_round)
    assert assigned.filter(submitted_at__isnull=False).exists() and assigned.filter(submitted_at__isnull=True).exists()
    assert not apps.filter(assignments__round=open_round).exclude(status="qualified").exists()
    for a in apps.filter(assignments__round=open_round).distinct():
        assert a.assignments.count() == open_round.reviewers_per_application
    for row in assigned.filter(submitted_at__isnull=False):
        assert Score.objects.unrestricted().filter(assignment=row).count() == criteria.count()
    assert ReviewRound.objects.unrestricted().filter(edition=curr, status="published").count() >= 2
    # Experts: the province's pool, some people of the tree; conflicts never assigned.
    experts = Expert.objects.unrestricted()
    assert 30 <= experts.count() <= 60
    assert experts.filter(person__isnull=False).exists() and experts.filter(person__isnull=True).count() > 20
    conflicts = Conflict.objects.unrestricted()
    assert {"same_unit", "declared"} <= set(conflicts.values_list("kind", flat=True))
    for row in Assignment.objects.unrestricted().select_related("expert", "application"):
        assert not (row.expert.unit_id and row.expert.unit_id == row.application.unit_id)  # never a colleague
        if row.expert.person_id:
            assert row.expert.person_id not in (row.application.person_id, row.application.supervisor_id)
    for c in conflicts:
        assert not Assignment.objects.unrestricted().filter(expert=c.expert, application=c.application).exists()
    # 公示 with an objection answered.
    objection = Objection.objects.unrestricted().get()
    assert objection.outcome == "dismissed" and objection.answered_on >= objection.received_on
    assert objection.application.status == "notice"

    # The pool: last year's talents paid their first and second instalments, reviewed, one exited.
    talents = Talent.objects.unrestricted()
    assert talents.count() == apps.filter(status__in=("recognized", "exited")).count()
    exited = talents.get(status="exited")
    assert exited.exit_reason and exited.application.status == "exited"
    assert AllowancePayment.objects.unrestricted().filter(number=2).exists()
    assert PeriodicReview.objects.unrestricted().filter(year=AS_OF.year - 1).exists()
    for t in talents.filter(edition=prev):
        for p in t.payments.all():
            assert ApplicationStep.objects.unrestricted().filter(case=t.application, kind="allowance",
                                                                 on=p.paid_on).exists()
    # Planted: one instalment overdue, one talent without last year's annual review.
    active_prev = talents.filter(edition=prev, status="active")
    assert sum(1 for t in active_prev if not t.payments.filter(number=2).exists()) == 1
    assert sum(1 for t in active_prev if not t.reviews.filter(year=AS_OF.year - 1).exists()) == 1
    assert PriorityCounty.objects.unrestricted().exists()

    # The same seed gives the same talent data (checked on the same seeded database: a tiny seed takes minutes).
    from zugong.demo.talent import seed_talent

    before = snapshot()
    assert before[0]
    assert seed_talent(7, AS_OF) == {}  # a second run adds nothing
    wipe()
    counts = seed_talent(7, AS_OF, log=lambda s: None)
    assert counts["talent_applications"] == len(before[0])
    assert snapshot() == before
