"""The pool's scan rules (local templates installed by `defaults/pool.py`): an instalment payable and unpaid N days
after it fell due (the N from the configuration row), last year's annual review missing after Q1; both cite the
programme's document with 条款号待核."""

import datetime as dt

from zugong.core import rules
from zugong.core.models import Finding, LocalRule
from zugong.talent import pool_services as services
from zugong.talent.defaults.pool import install
from zugong.talent.models import Talent
from zugong.talent.rules.pool import OVERDUE, REVIEW_MISSING

from .pool_fixtures import *  # noqa: F403
from .pool_fixtures import D, record


def _rule(code):
    return next(r for r in rules.all_rules() if r.code == code)


def _found(code, as_of):
    return {r["person_name"]: r for r in _rule(code).violations(Talent.objects.unrestricted(), as_of)}


def test_allowance_overdue(pool, users, tree):
    install(tree.root)
    # on 2023-08-01 the 1st instalment (due 2023-07-03) is 29 days due: not yet
    assert _found(OVERDUE, D(2023, 8, 1)) == {}
    found = _found(OVERDUE, D(2023, 8, 3))
    assert set(found) == {"王五", "张三"}
    text = _rule(OVERDUE).describe(found["王五"])
    assert text == "王五（拔尖骨干）第1期津贴应于2023-07-03发放，超过 30 天尚未发放（依据：太原市人才支持计划实施办法（测试））"
    assert "条款号待核" in _rule(OVERDUE).citation
    services.pay(users.taiyuan, pool.wangwu, record(D(2023, 7, 20)), number=1)
    services.pay(users.taiyuan, pool.zhangsan, record(D(2023, 7, 20)), number=1)
    # the 2nd (due 2024-07-03) waits for the 2023 review: not overdue while the review is missing
    assert _found(OVERDUE, D(2024, 9, 1)) == {}
    services.review(users.taiyuan, pool.wangwu, record(D(2024, 1, 10)), kind="annual", year=2023, grade="qualified")
    services.review(users.taiyuan, pool.zhangsan, record(D(2024, 1, 10)), kind="annual", year=2023,
                    grade="unqualified")
    found = _found(OVERDUE, D(2024, 9, 1))
    assert set(found) == {"王五"} and found["王五"]["first_number"] == 2
    # the days are configuration
    row = LocalRule.objects.get(code=OVERDUE)
    row.params = {"days": 90}
    row.save()
    assert _found(OVERDUE, D(2024, 9, 1)) == {}
    services.exit_talent(users.taiyuan, pool.wangwu, record(D(2024, 10, 1)), reason="调离本省")
    assert _found(OVERDUE, D(2024, 12, 31)) == {}


def test_review_missing_after_q1(pool, users, tree):
    install(tree.root)
    assert _found(REVIEW_MISSING, D(2024, 3, 31)) == {}  # Q1 not yet over
    assert set(_found(REVIEW_MISSING, D(2024, 4, 1))) == {"王五", "张三"}
    services.review(users.taiyuan, pool.wangwu, record(D(2024, 3, 10)), kind="annual", year=2023, grade="basic")
    found = _found(REVIEW_MISSING, D(2024, 4, 1))
    assert set(found) == {"张三"}
    assert "3月底前应完成上一年度考核" in _rule(REVIEW_MISSING).describe(found["张三"])
    # the scan opens the findings on the talents
    rules.scan(as_of=D(2024, 4, 1), rules=[_rule(REVIEW_MISSING)])
    assert Finding.objects.unrestricted().filter(rule=REVIEW_MISSING, model="talent.talent",
                                                 object_id=pool.zhangsan.pk).exists()
    # a talent whose period ended before the year is not asked (2026: the period ended 2026-07-03)
    assert _found(REVIEW_MISSING, dt.date(2027, 4, 2)) == {}
