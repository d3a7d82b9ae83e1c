"""The pool's services: 认定 through the chain creates the talent; allowance instalments against the schedule and
the annual reviews (the 2nd refused without the 2023 review, paid after 合格, the 3rd withheld after 不合格);
the end-of-term review and renewal; exit stops payments; an imported talent; tags; every step audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.core.models import AuditEntry
from zugong.talent import pool_services as services
from zugong.talent.actions import ACTIONS
from zugong.talent.models import AllowancePayment, ApplicationStep, PeriodicReview, Talent

from .pool_fixtures import *  # noqa: F403
from .pool_fixtures import D, record


def _messages(exc) -> str:
    return "；".join(exc.value.messages)


def test_recognition_through_the_chain_creates_the_talent(pool):
    t = pool.wangwu
    assert (t.tier_name, t.field, t.since, t.until, t.status) == ("拔尖骨干", "新材料", D(2023, 7, 3), D(2026, 7, 3),
                                                                   "active")
    assert t.org_path == t.organization.path and t.application.status == "recognized"
    assert {"allowance", "periodic_review", "renew", "exit"} <= set(ACTIONS)


def test_instalments_follow_the_annual_reviews(pool, users):
    t = pool.wangwu
    services.pay(users.taiyuan, t, record(D(2023, 7, 20)), number=1, document_no="并人才〔2023〕5号")
    with pytest.raises(ValidationError) as e:
        services.pay(users.taiyuan, t, record(D(2023, 8, 1)), number=1)
    assert "第1期津贴已发放" in _messages(e)
    with pytest.raises(ValidationError) as e:  # the 2nd needs the 2023 annual review
        services.pay(users.taiyuan, t, record(D(2024, 7, 10)), number=2)
    assert "第2期津贴须2023年度考核合格以上，尚无2023年度考核结果" in _messages(e)
    services.review(users.taiyuan, t, record(D(2024, 1, 15)), kind="annual", year=2023, grade="qualified")
    services.pay(users.taiyuan, t, record(D(2024, 7, 10)), number=2)
    paid = AllowancePayment.objects.unrestricted().get(talent=t, number=2)
    assert paid.amount == Decimal("50000.00") and paid.paid_on == D(2024, 7, 10)
    services.review(users.taiyuan, t, record(D(2025, 1, 20)), kind="annual", year=2024, grade="unqualified")
    with pytest.raises(ValidationError) as e:
        services.pay(users.taiyuan, t, record(D(2025, 7, 10)), number=3)
    assert "2024年度考核为不合格，第3期津贴暂停发放" in _messages(e)
    states = {i.number: (i.state, i.state_label) for i in services.schedule(t)}
    assert states == {1: ("paid", "已发放"), 2: ("paid", "已发放"), 3: ("withheld", "暂停发放")}
    # each step is on the application's timeline and audited on it
    kinds = list(ApplicationStep.objects.unrestricted().filter(case=t.application, kind__in=(
        "allowance", "periodic_review")).values_list("kind", flat=True))
    assert kinds.count("allowance") == 2 and kinds.count("periodic_review") == 2
    assert AuditEntry.objects.filter(model="talent.application", object_id=str(t.application_id),
                                     note="流程步骤：津贴发放").count() == 2


def test_basic_grade_withholds_and_missing_review_waits(pool, users):
    t = pool.zhangsan
    items = {i.number: i for i in services.schedule(t)}
    assert items[1].state == "due" and items[2].state == "waiting" and "尚无2023年度考核结果" in items[2].reason
    services.review(users.taiyuan, t, record(D(2024, 1, 15)), kind="annual", year=2023, grade="basic")
    with pytest.raises(ValidationError) as e:
        services.pay(users.taiyuan, t, record(D(2024, 7, 10)), number=2)
    assert "基本合格" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.review(users.taiyuan, t, record(D(2024, 2, 1)), kind="annual", year=2023, grade="qualified")
    assert "2023年年度考核已登记" in _messages(e)


def test_renewal_needs_a_passing_term_end_review(pool, users):
    t = pool.wangwu
    with pytest.raises(ValidationError) as e:
        services.renew(users.taiyuan, t, record(D(2026, 8, 1)), until=D(2029, 7, 3))
    assert "续支须先登记期满考核" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.review(users.taiyuan, t, record(D(2026, 6, 1)), kind="term_end", year=2026, grade="qualified")
    assert "期满考核应在支持期满（2026-07-03）后进行" in _messages(e)
    services.review(users.taiyuan, t, record(D(2026, 7, 10)), kind="term_end", year=2026, grade="excellent")
    t.refresh_from_db()
    assert t.status == "expired"
    with pytest.raises(ValidationError) as e:
        services.renew(users.taiyuan, t, record(D(2026, 8, 1)), until=D(2026, 7, 1))
    assert "应晚于原期满日期" in _messages(e)
    ACTIONS["renew"](users.taiyuan, t.application, record(D(2026, 8, 1)), {"until": D(2029, 7, 3)})
    t.refresh_from_db()
    assert (t.until, t.status) == (D(2029, 7, 3), "active")


def test_renewal_refused_after_an_unqualified_term_end(pool, users):
    t = pool.zhangsan
    services.review(users.taiyuan, t, record(D(2026, 7, 10)), kind="term_end", year=2026, grade="unqualified")
    with pytest.raises(ValidationError) as e:
        services.renew(users.taiyuan, t, record(D(2026, 8, 1)), until=D(2029, 7, 3))
    assert "2026年期满考核为不合格，不能续支" in _messages(e)


def test_exit_stops_payments(pool, users):
    t = pool.wangwu
    with pytest.raises(ValidationError) as e:
        services.exit_talent(users.taiyuan, t, record(D(2025, 3, 1)), reason=" ")
    assert "请填写退出原因" in _messages(e)
    ACTIONS["exit"](users.taiyuan, t.application, record(D(2025, 3, 1)), {"reason": "调离本省"})
    t.refresh_from_db()
    t.application.refresh_from_db()
    assert (t.status, t.exited_on, t.exit_reason) == ("exited", D(2025, 3, 1), "调离本省")
    assert (t.application.status, t.application.exited_on) == ("exited", D(2025, 3, 1))
    with pytest.raises(ValidationError) as e:
        services.pay(users.taiyuan, t, record(D(2025, 4, 1)), number=1)
    assert "已于2025-03-01退出人才库，不再发放津贴" in _messages(e)
    assert {i.state for i in services.schedule(t)} == {"stopped"}
    with pytest.raises(ValidationError):  # the application takes no more support steps
        ACTIONS["allowance"](users.taiyuan, t.application, record(D(2025, 4, 1)), {"number": 1})


def test_a_user_outside_cannot_record(pool, users):
    with pytest.raises(PermissionDenied):
        services.pay(users.datong, pool.wangwu, record(D(2023, 7, 20)), number=1)
    assert not AllowancePayment.objects.unrestricted().exists()


def test_imported_talent_and_tags(pool, users, tree):
    from zugong.core import audit

    with audit.operation(None, "import") as op:
        t = services.import_talent(op, person=tree.people.lisi, program=pool.program, organization=tree.b1,
                                   tier=pool.tiers["young"], tier_name="青年优秀", field="文化旅游",
                                   since=D(2023, 7, 3), until=D(2026, 7, 3), edition=pool.edition)
    assert t.status == "expired" and t.application_id is None
    services.pay(users.taiyuan, t, record(D(2023, 8, 1)), number=1)
    assert AllowancePayment.objects.unrestricted().filter(talent=t).count() == 1
    services.review(users.taiyuan, t, record(D(2024, 1, 5)), kind="annual", year=2023, grade="excellent")
    assert PeriodicReview.objects.unrestricted().filter(talent=t).count() == 1
    services.set_tags(users.taiyuan, t, "乡村振兴，数字经济、 乡村振兴")
    t.refresh_from_db()
    assert t.tags == "乡村振兴、数字经济"
    assert AuditEntry.objects.filter(model="talent.talent", object_id=str(t.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.set_tags(users.datong, t, "x")
    assert Talent.objects.unrestricted().count() == 3
