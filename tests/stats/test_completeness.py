"""Data completeness: the score on a hand-built subtree, the roll-up, the scope of the lists, the rule's finding at
and below its configured level."""

import datetime as D

import pytest

from tests.stats.fixtures import member
from zugong.core import rules
from zugong.core.models import Finding, LocalRule
from zugong.members.models import Membership
from zugong.orgs.models import Organization
from zugong.stats import completeness as C
from zugong.stats.defaults import install_completeness


@pytest.fixture
def members(tree):
    full = {"education": "20", "native_place": "山西太原", "phone": "13800000001", "occupation_class": "11"}
    m1 = member(tree.b1, "甲", 61, person_fields=full)  # everything: 14 items (full member)
    m2 = member(tree.b1, "乙", 62, status="probationary", joined=D.date(2026, 3, 1))  # 13 items, 4 missing
    m3 = member(tree.b2, "丙", 63, person_fields=full)  # 14 items, 转正时间 missing
    Membership.objects.unrestricted().filter(pk=m3.pk).update(converted_on=None)
    gone = member(tree.b2, "丁", 64)
    Membership.objects.unrestricted().filter(pk=gone.pk).update(status="left")  # not counted
    return m1, m2, m3


@pytest.mark.django_db
def test_member_items_counted_by_child(tree, members):
    groups = C.grouped("member", tree.xiaodian.path, width=len(tree.xiaodian.path) + C.STEPLEN)
    b1, b2 = groups[tree.b1.path], groups[tree.b2.path]
    assert sum(a for a, _m in b1.values()) == 27 and sum(m for _a, m in b1.values()) == 4
    assert b1["education"] == [2, 1] and b1["phone"] == [2, 1] and b1["converted_on"] == [1, 0]
    assert sum(a for a, _m in b2.values()) == 14 and b2["converted_on"] == [1, 1]
    total, children = C.subtree(tree.xiaodian)
    assert total.family("member") == (41, 36)
    assert children[tree.b1.path].family("member") == (27, 23)
    # every group of the subtree sums to the total (the committee's own rows are their own group)
    assert sum(c.applicable for c in children.values()) <= total.applicable
    orgs = total.items["org"]
    assert orgs["name"] == [3, 0]  # 小店区委 and its two branches
    assert orgs["secretary"] == [3, 3]


@pytest.mark.django_db
def test_roll_up_to_every_committee(tree, members):
    scores = C.scores_by_path(tree.root.path, [tree.root.path, tree.taiyuan.path, tree.xiaodian.path, tree.datong.path])
    assert scores[tree.taiyuan.path].family("member") == scores[tree.xiaodian.path].family("member") == (41, 36)
    assert scores[tree.datong.path].family("member") == (0, 0)
    assert scores[tree.root.path].items["org"]["name"][0] == 7
    total, _children = C.subtree(tree.xiaodian)
    assert scores[tree.xiaodian.path].percent == total.percent


@pytest.mark.django_db
def test_the_page_and_the_missing_lists_are_scoped(tree, users, members, login, client):
    from django.test import Client

    ty = login(users.taiyuan)
    page = ty.get(f"/stats/completeness/?org={tree.xiaodian.code}").content.decode()
    assert "中共太原市小店区坞城街道红星社区支部委员会" in page and "zugong 暂未采集" in page
    listing = ty.get(f"/stats/completeness/member/education/?org={tree.xiaodian.code}").content.decode()
    assert "乙" in listing and "甲" not in listing
    export = ty.get(f"/stats/completeness/member/education/?org={tree.xiaodian.code}&export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    dt_client = Client()
    dt_client.force_login(users.datong, backend="django.contrib.auth.backends.ModelBackend")
    assert dt_client.get(f"/stats/completeness/member/education/?org={tree.xiaodian.code}").status_code == 404
    own = dt_client.get("/stats/completeness/member/education/").content.decode()
    assert "乙" not in own
    page = dt_client.get("/stats/completeness/").content.decode()
    assert "小店区" not in page


def test_reached_from_the_statistics_page_with_its_parameter(tree, users, members, login):
    """The statistics start page links 数据完整度 for the chosen committee; the page also reads the
    `organization` parameter the other statistics pages use, scoped alike."""
    from zugong.stats import definitions

    definitions.install("2017")
    ty = login(users.taiyuan)
    home = ty.get(f"/stats/?organization={tree.xiaodian.code}&date=2025-12-31").content.decode()
    assert f'/stats/completeness/?org={tree.xiaodian.code}"' in home
    page = ty.get(f"/stats/completeness/?organization={tree.xiaodian.code}").content.decode()
    assert "中共太原市小店区坞城街道红星社区支部委员会" in page
    assert login(users.datong).get(f"/stats/completeness/?organization={tree.xiaodian.code}").status_code == 404


def _rule(threshold):
    LocalRule.objects.unrestricted().filter(code=C.RULE).update(params={"threshold": threshold})
    return next(r for r in rules.all_rules() if r.code == C.RULE)


@pytest.mark.django_db
def test_the_finding_at_and_below_the_level(tree, members):
    install_completeness(tree.root)
    row = LocalRule.objects.unrestricted().get(code=C.RULE)
    assert row.params == {"threshold": 95} and row.article == "条款号待核"
    score = C.scores_by_path(tree.root.path, [tree.xiaodian.path])[tree.xiaodian.path].percent
    committees = Organization.objects.unrestricted()
    at = _rule(score).violations(committees, D.date(2026, 11, 27))
    assert tree.xiaodian.pk not in {r["pk"] for r in at}
    below = _rule(score + 0.1).violations(committees, D.date(2026, 11, 27))
    found = {r["pk"]: r for r in below}
    assert tree.xiaodian.pk in found and tree.b1.pk not in found  # committees only
    assert "低于" in _rule(score + 0.1).describe(found[tree.xiaodian.pk])
    _rule(score + 0.1)
    rules.scan(tree.root.path, D.date(2026, 11, 27))
    assert Finding.objects.unrestricted().filter(rule=C.RULE, object_id=tree.xiaodian.pk,
                                                 resolved_at__isnull=True).exists()
