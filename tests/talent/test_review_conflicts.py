"""Conflicts of interest found from zugong's records, and assignment never using a conflicted expert."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_person

from .review_fixtures import *  # noqa: F403
from .review_fixtures import make_application, make_expert

D = dt.date


def _kinds(found, expert, app):
    return {f.kind for f in found if f.expert_id == expert.pk and f.application_id == app.pk}


def test_same_unit_by_unit_and_by_name(review, tree):
    from zugong.talent.conflicts import detect

    by_name = make_expert(tree, "名称专家", unit_name="山西 大学")
    found = detect(review.round, [*review.experts, by_name])
    ligong_expert = review.experts[-1]
    assert _kinds(found, ligong_expert, review.apps.zhang) == {"same_unit"}
    assert _kinds(found, by_name, review.apps.li) == {"same_unit"}
    assert not _kinds(found, review.experts[0], review.apps.zhang)
    evidence = next(f.evidence for f in found if f.expert_id == ligong_expert.pk)
    assert "太原理工大学" in evidence


def test_family_from_the_cadre_records(review, tree):
    from zugong.cadres.models import Cadre, FamilyMember
    from zugong.talent.conflicts import detect

    cadre = Cadre.objects.create(person=tree.people.zhangsan, organization=tree.xiaodian)
    FamilyMember.objects.create(cadre=cadre, relation="妻子", name="王芳", birth_text="198203")
    wife_person = make_person(tree.b2, "王芳", birth=D(1982, 3, 9), seq=21)
    wife = make_expert(review.experts[0].organization and tree, "王芳", person=wife_person)
    namesake = make_expert(tree, "王芳")  # outside the system, no birth known: still flagged
    other = make_person(tree.b2, "王芳", birth=D(1990, 1, 1), seq=23)
    not_wife = make_expert(tree, "王芳", person=other)  # another 王芳 born 1990-01
    found = detect(review.round, [wife, namesake, not_wife])
    assert _kinds(found, wife, review.apps.zhang) == {"family"}
    assert _kinds(found, namesake, review.apps.zhang) == {"family"}
    assert not _kinds(found, not_wife, review.apps.zhang)
    assert "妻子" in next(f.evidence for f in found if f.expert_id == wife.pk)


def test_family_the_expert_records_name_the_applicant(review, tree):
    from zugong.cadres.models import Cadre, FamilyMember
    from zugong.talent.conflicts import detect

    person = make_person(tree.b2, "李大伯", birth=D(1960, 1, 1), seq=25)
    cadre = Cadre.objects.create(person=person, organization=tree.xiaodian)
    FamilyMember.objects.create(cadre=cadre, relation="侄子", name="李四", birth_text="198005")
    uncle = make_expert(tree, "李大伯", person=person)
    found = detect(review.round, [uncle])
    assert _kinds(found, uncle, review.apps.li) == {"family"}
    assert not _kinds(found, uncle, review.apps.zhang)


def test_supervisor_named_and_leader_above(review, tree):
    from zugong.cadres.models import Cadre, CadrePost
    from zugong.talent.conflicts import detect

    mentor_person = make_person(tree.b2, "导师甲", seq=27)
    review.apps.zhang.supervisor = mentor_person
    review.apps.zhang.save()
    review.apps.li.supervisor_name = "外聘导师"
    review.apps.li.save()
    mentor = make_expert(tree, "导师甲", person=mentor_person)
    outside = make_expert(tree, "外聘导师")
    boss_person = make_person(tree.b2, "校长乙", seq=29)
    boss_cadre = Cadre.objects.create(person=boss_person, organization=tree.xiaodian, rank="department")
    CadrePost.objects.create(cadre=boss_cadre, unit=review.shanda, title="校长", start_on=D(2020, 1, 1))
    CadrePost.objects.create(cadre=boss_cadre, unit=review.ligong, title="原校长", start_on=D(2010, 1, 1),
                             end_on=D(2019, 12, 31))
    boss = make_expert(tree, "校长乙", person=boss_person, unit_name="另一单位")
    found = detect(review.round, [mentor, outside, boss])
    assert _kinds(found, mentor, review.apps.zhang) == {"supervisor"}
    assert _kinds(found, outside, review.apps.li) == {"supervisor"}
    assert _kinds(found, boss, review.apps.li) == {"supervisor"}
    assert not _kinds(found, boss, review.apps.zhang)  # the post there has ended


def test_co_applicant_and_applicant_and_declared(review, tree, users):
    from zugong.talent.conflicts import detect
    from zugong.talent.models import CoApplicant, Conflict

    CoApplicant.objects.create(application=review.apps.zhang, name="专家丁", unit_name="太原科技大学")
    CoApplicant.objects.create(application=review.apps.li, name="专家甲", unit_name="别的大学")  # not the same
    applicant_expert = make_expert(tree, "王五", person=tree.people.wangwu)
    make_application(review_program(review), tree.people.wangwu, tier="young")
    Conflict.objects.create(expert=review.experts[2], application=review.apps.li, kind="declared",
                            evidence="曾共同承担课题", declared=True, found_on=D(2026, 5, 1))
    found = detect(review.round, [*review.experts, applicant_expert])
    assert _kinds(found, review.experts[3], review.apps.zhang) == {"co_applicant"}
    assert not _kinds(found, review.experts[0], review.apps.li)
    assert _kinds(found, applicant_expert, review.apps.zhang) == {"applicant"}
    assert _kinds(found, applicant_expert, review.apps.li) == {"applicant"}
    assert _kinds(found, review.experts[2], review.apps.li) == {"declared"}


def review_program(review):
    from types import SimpleNamespace

    from zugong.talent.models import Tier

    edition = review.apps.zhang.edition
    return SimpleNamespace(edition=edition, tiers={t.code: t for t in Tier.objects.filter(edition=edition)})


def test_assign_round_never_uses_a_conflicted_expert(review, tree, users):
    from zugong.cadres.models import Cadre, FamilyMember
    from zugong.talent import review_services
    from zugong.talent.models import Assignment, Conflict

    cadre = Cadre.objects.create(person=tree.people.lisi, organization=tree.xiaodian)
    FamilyMember.objects.create(cadre=cadre, relation="父亲", name="专家丙")
    pairs = review_services.assign_round(users.taiyuan, review.round)
    assert not pairs.short
    rows = set(Assignment.objects.unrestricted().values_list("expert_id", "application_id"))
    assert len(rows) == 6
    conflicts = set(Conflict.objects.unrestricted().values_list("expert_id", "application_id"))
    assert (review.experts[-1].pk, review.apps.zhang.pk) in conflicts
    assert (review.experts[2].pk, review.apps.li.pk) in conflicts
    assert not rows & conflicts
    # the chemist 专家戊 is preferred for 李四's 化学 application
    assert (review.experts[4].pk, review.apps.li.pk) in rows
    review.round.refresh_from_db()
    assert review.round.status == "assigned"
    with pytest.raises(ValidationError):
        review_services.assign_round(users.taiyuan, review.round)


def test_short_of_reviewers_is_reported_not_conflicted(review, tree, users):
    from zugong.talent import review_services
    from zugong.talent.models import Assignment, Expert

    Expert.objects.unrestricted().exclude(pk__in=[review.experts[0].pk, review.experts[-1].pk]).update(active=False)
    pairs = review_services.assign_round(users.taiyuan, review.round)
    assert review.apps.zhang.pk in pairs.short
    assert "无回避关系的专家只有1人" in pairs.short[review.apps.zhang.pk]
    assert not Assignment.objects.unrestricted().filter(expert=review.experts[-1], application=review.apps.zhang)


def test_swap_refuses_a_conflicted_expert_with_evidence(review, users):
    from zugong.talent import review_services
    from zugong.talent.models import Assignment

    review_services.assign_round(users.taiyuan, review.round)
    a = Assignment.objects.unrestricted().filter(application=review.apps.zhang).first()
    with pytest.raises(ValidationError) as exc:
        review_services.swap_reviewer(users.taiyuan, a, review.experts[-1])
    assert "太原理工大学" in str(exc.value)
    free = next(e for e in review.experts[:-1]
                if not Assignment.objects.unrestricted().filter(application=review.apps.zhang, expert=e).exists())
    review_services.swap_reviewer(users.taiyuan, a, free)
    a.refresh_from_db()
    assert a.expert == free


def test_only_the_issuing_side_manages_a_round(review, users):
    from django.core.exceptions import PermissionDenied

    from zugong.talent import review_services

    with pytest.raises(PermissionDenied):
        review_services.assign_round(users.datong, review.round)
