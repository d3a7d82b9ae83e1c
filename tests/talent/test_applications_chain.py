"""The application chain through the services: 申报 → 单位推荐 → 资格审查 → 专家评审 → 审定 → 公示 → 认定, the
quota per unit, 公示 working days across a holiday, recognition before the end, objections blocking."""

import pytest
from django.core.exceptions import ValidationError

from zugong.core.rules import RuleViolation
from zugong.talent import applications_services as services
from zugong.talent.models import Application, ApplicationStep, Objection, Talent

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import D, apply, rec, to_notice, to_review

pytestmark = pytest.mark.django_db


def test_the_chain_end_to_end(application, users):
    case = to_notice(users.taiyuan, application)
    assert case.status == "notice" and case.stage == 6
    result = services.recognize(users.taiyuan, case, rec(D(2026, 10, 12)))
    case.refresh_from_db()
    assert case.status == "recognized" and case.recognized_on == D(2026, 10, 12)
    talent = Talent.objects.unrestricted().get(application=case)
    assert talent.tier_name == "拔尖骨干" and talent.until == D(2029, 10, 12)
    kinds = list(ApplicationStep.objects.unrestricted().filter(case=case).values_list("kind", flat=True))
    assert kinds == ["apply", "recommend", "qualify", "review", "approve", "public_notice", "recognize"]
    assert result.step.kind == "recognize"
    with pytest.raises(ValidationError, match="已认定"):
        services.terminate(users.taiyuan, case, rec(D(2026, 10, 20)), reason="撤回")


def test_opening_refuses_a_closed_edition_a_foreign_tier_and_a_second_application(program, tree, users):
    with pytest.raises(ValidationError) as exc:
        apply(users.taiyuan, program, tree.people.zhangsan, tree.b1, on=D(2026, 5, 3))
    assert "申报期" in str(exc.value.message_dict["applied_on"])
    program.edition.status = "closed"
    program.edition.save()
    with pytest.raises(ValidationError) as exc:
        apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    assert "申报截止" in str(exc.value.message_dict["edition"])
    program.edition.status = "open"
    program.edition.save()
    apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    with pytest.raises(ValidationError) as exc:
        apply(users.taiyuan, program, tree.people.zhangsan, tree.b1, tier="young")
    assert "张三已申报" in str(exc.value.message_dict["person"])


def test_opening_refuses_another_editions_tier(program, tree, users):
    from zugong.talent.models import Edition, Tier

    other = Edition.objects.create(program=program.program, year=2025, title="2025年度", status="open")
    tier = Tier.objects.create(edition=other, code="x", name="其他层次")
    with pytest.raises(ValidationError) as exc:
        services.open_application(users.taiyuan, edition=program.edition, tier=tier, person=tree.people.lisi,
                                  organization=tree.b1, field="化学", applied_on=D(2026, 3, 5))
    assert "不是" in str(exc.value.message_dict["tier"])


def test_the_third_recommendation_from_xiaodian_is_refused_naming_the_quota(program, tree, users):
    first = apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    second = apply(users.taiyuan, program, tree.people.lisi, tree.b1, tier="young")
    third = apply(users.taiyuan, program, tree.people.wangwu, tree.b2)
    services.recommend(users.taiyuan, first, rec(D(2026, 3, 20)))
    services.recommend(users.taiyuan, second, rec(D(2026, 3, 21)))
    with pytest.raises(RuleViolation) as exc:
        services.recommend(users.taiyuan, third, rec(D(2026, 3, 22)))
    assert "中共太原市小店区委员会推荐名额（各层次合计）2 名" in str(exc.value)
    third.refresh_from_db()
    assert third.recommended_on is None and third.status == "applied"
    # Terminating one frees its place.
    services.terminate(users.taiyuan, second, rec(D(2026, 3, 25)), reason="本人撤回")
    services.recommend(users.taiyuan, third, rec(D(2026, 3, 26)))
    assert Application.objects.unrestricted().get(pk=third.pk).status == "recommended"


def test_the_tiers_total_quota(program, tree, users):
    program.tiers["lead"].quota = 1
    program.tiers["lead"].save()
    a = apply(users.taiyuan, program, tree.people.zhangsan, tree.b1, tier="lead")
    b = apply(users.admin, program, tree.people.zhaoliu, tree.b3, tier="lead")
    services.recommend(users.taiyuan, a, rec(D(2026, 3, 20)))
    with pytest.raises(RuleViolation, match="“高端领军”名额 1 名"):
        services.recommend(users.admin, b, rec(D(2026, 3, 21)))


def test_a_failed_qualification_rejects(application, users):
    services.recommend(users.taiyuan, application, rec(D(2026, 3, 20)))
    with pytest.raises(ValidationError):
        services.qualify(users.taiyuan, application, rec(D(2026, 4, 1)), decision="failed")
    services.qualify(users.taiyuan, application, rec(D(2026, 4, 1)), decision="failed", reason="年度考核不符合")
    application.refresh_from_db()
    assert application.status == "rejected" and application.stage == 0
    with pytest.raises(ValidationError, match="未通过"):
        services.approve(users.taiyuan, application, rec(D(2026, 6, 1)), decision="passed")


def test_approval_needs_the_review(application, users):
    services.recommend(users.taiyuan, application, rec(D(2026, 3, 20)))
    services.qualify(users.taiyuan, application, rec(D(2026, 4, 1)), decision="passed")
    with pytest.raises(ValidationError, match="专家评审"):
        services.approve(users.taiyuan, application, rec(D(2026, 6, 1)), decision="passed")


def test_notice_over_national_day_runs_to_the_fifth_working_day(application, users):
    to_review(users.taiyuan, application)
    services.approve(users.taiyuan, application, rec(D(2026, 9, 20)), decision="passed")
    # 9-29, 9-30, (10-1 … 10-7 holiday), 10-8, 10-9: four working days — one short.
    with pytest.raises(RuleViolation) as exc:
        services.public_notice(users.taiyuan, application, rec(D(2026, 9, 29)), end=D(2026, 10, 9))
    assert "公示 4 个工作日" in str(exc.value) and "不足本批次规定的 5 个工作日" in str(exc.value)
    assert "条款号待核" in str(exc.value)
    application.refresh_from_db()
    assert application.notice_start is None
    # 10-10 is a 调休 Saturday: the fifth working day.
    services.public_notice(users.taiyuan, application, rec(D(2026, 9, 29)), end=D(2026, 10, 10))
    application.refresh_from_db()
    assert application.status == "notice" and application.notice_end == D(2026, 10, 10)


def test_notice_over_qingming(application, users):
    from decimal import Decimal

    services.recommend(users.taiyuan, application, rec(D(2026, 3, 12)))
    services.qualify(users.taiyuan, application, rec(D(2026, 3, 15)), decision="passed")
    services.record_review(users.taiyuan, application, rec(D(2026, 3, 20)), score=Decimal("90"))
    services.approve(users.taiyuan, application, rec(D(2026, 3, 30)), decision="passed")
    # 4-2, 4-3, (4-4 … 4-6 清明), 4-7, 4-8: four; 4-9 is the fifth working day.
    with pytest.raises(RuleViolation, match="公示 4 个工作日"):
        services.public_notice(users.taiyuan, application, rec(D(2026, 4, 2)), end=D(2026, 4, 8))
    services.public_notice(users.taiyuan, application, rec(D(2026, 4, 2)), end=D(2026, 4, 9))


def test_a_day_outside_the_calendar_refuses_with_the_kernels_message(application, users):
    to_review(users.taiyuan, application)
    services.approve(users.taiyuan, application, rec(D(2026, 9, 20)), decision="passed")
    with pytest.raises(ValidationError) as exc:
        services.public_notice(users.taiyuan, application, rec(D(2026, 11, 20)), end=D(2027, 1, 10))
    assert "工作日历未包含 2027 年" in str(exc.value.message_dict["notice_end"])


def test_recognition_on_or_before_the_end_is_refused(application, users):
    to_notice(users.taiyuan, application)
    with pytest.raises(RuleViolation, match="公示至 2026-10-10 期满，2026-10-10 即已认定"):
        services.recognize(users.taiyuan, application, rec(D(2026, 10, 10)))
    application.refresh_from_db()
    assert application.status == "notice"
    assert not Talent.objects.unrestricted().filter(application=application).exists()


def test_a_pending_or_upheld_objection_blocks_recognition(application, users):
    to_notice(users.taiyuan, application)
    services.objection(users.taiyuan, application, rec(D(2026, 10, 8)), content="反映申报业绩有夸大")
    objection = Objection.objects.unrestricted().get(application=application)
    assert objection.outcome == "pending"
    with pytest.raises(RuleViolation, match="异议尚在核查或反映属实"):
        services.recognize(users.taiyuan, application, rec(D(2026, 10, 12)))
    services.objection(users.taiyuan, application, rec(D(2026, 10, 9)), answering=objection,
                       answer="经核查，反映问题属实", outcome="upheld")
    with pytest.raises(RuleViolation):
        services.recognize(users.taiyuan, application, rec(D(2026, 10, 12)))
    services.objection(users.taiyuan, application, rec(D(2026, 10, 9)), answering=objection,
                       answer="经复核，反映不实", outcome="dismissed")
    services.recognize(users.taiyuan, application, rec(D(2026, 10, 12)))
    application.refresh_from_db()
    assert application.status == "recognized"


def test_the_step_page_actions_are_registered():
    from zugong.talent import actions

    assert {"recommend", "qualify", "approve", "public_notice", "objection", "recognize",
            "termination"} <= set(actions.ACTIONS)
