"""Rules of leadership teams: rotation after ten years, two terms, composition and vacancy (local, configurable)."""

import datetime as dt

import pytest

from zugong.core import rules
from zugong.core.models import Finding, LocalRule
from zugong.teams import defaults, standards
from zugong.teams.models import TeamMember

from .conftest import AS_OF, seat

pytestmark = pytest.mark.django_db


def violations(code, as_of=AS_OF):
    rule = next(r for r in rules.all_rules() if r.code == code)
    qs = rule.model_class.objects.unrestricted()
    return [(r, rule.describe(r)) for r in rule.violations(qs, as_of)]


def test_rotation_after_ten_years(county):
    found = violations("teams.rotation_ten_years")
    assert [r["pk"] for r, _ in found] == [county.seats.wang.pk]
    assert found[0][1] == "任“书记”11 年（2015-06-01 起），在同一职位上任职满十年的，必须交流"
    assert violations("teams.rotation_ten_years", dt.date(2025, 5, 31)) == []


def test_two_terms_counts_years_and_reappointments(county):
    found = {r["pk"]: text for r, text in violations("teams.two_terms")}
    # 王书记 11 years → third term by the calendar; 李区长 5 years 2 months → second term (both seats);
    # 钱委员 (2019) is in a government team too: 7 years → second term.
    assert set(found) == {county.seats.wang.pk, county.seats.li_deputy.pk, county.seats.li_head.pk,
                          county.seats.qian.pk}
    assert found[county.seats.wang.pk].startswith("在“书记”职位连续任职已进入第 3 个任期（2015-06-01 起")


def test_tenure_rules_skip_township_and_department_teams(county):
    county.committee.level = 4
    county.committee.save()
    assert county.seats.wang.pk not in [r["pk"] for r, _ in violations("teams.rotation_ten_years")]


def test_composition_rule_by_level(county, tree):
    defaults.install(tree.root)
    found = {r["pk"]: text for r, text in violations("teams.local.composition_level3")}
    # 区委: 赵青 is a young woman; 区政府: 李区长 and 钱委员, no woman, nobody ≤ 40.
    assert list(found) == [county.government.pk]
    assert found[county.government.pk] == ("班子成员 2 人，女干部 0 名，应至少 1 名；40岁及以下的年轻干部 0 名，"
                                           "应至少 1 名")
    finding_rule = next(r for r in rules.all_rules() if r.code == "teams.local.composition_level3")
    assert finding_rule.citation == standards.PRACTICE


def test_deeper_standard_takes_precedence(county, tree):
    defaults.install(tree.root)
    LocalRule.objects.create(template=standards.COMPOSITION, code="teams.local.ty3", title="太原县级班子",
                             params={"level": 3, "young_age": 40, "women": 0, "young": 0},
                             regulation="《太原某文件》", organization=tree.taiyuan)
    assert violations("teams.local.composition_level3") == []
    assert violations("teams.local.ty3") == []


def test_vacancy_longer_than_configured(county, tree):
    defaults.install(tree.root)
    found = {r["title"]: text for r, text in violations("teams.local.vacancy")}
    # 副书记 vacant since 2025-12-31 (10 months), 副区长 since 2025-06-01, 常委 since 2010.
    assert found["副书记"] == "“副书记”职数 2 名、空缺 1 名，自 2025-12-31 起空缺 10 个月，超过 6 个月"
    assert set(found) == {"副书记", "副区长", "常委"}
    rule = LocalRule.objects.get(code="teams.local.vacancy")
    rule.params = {"months": 12}
    rule.save()
    assert "副书记" not in {r["title"] for r, _ in violations("teams.local.vacancy")}


def test_scan_opens_findings_on_teams_posts_and_cadres(county, tree):
    defaults.install(tree.root)
    result = rules.scan(tree.root.path, AS_OF, rules=[r for r in rules.all_rules() if r.model.startswith("teams.")])
    assert result.per_rule["teams.rotation_ten_years"] == 1
    f = Finding.objects.unrestricted().get(rule="teams.rotation_ten_years")
    assert f.person_id == county.people.wang.person_id and f.organization_id == tree.xiaodian.pk
    assert f.citation == "《党政领导干部选拔任用工作条例》（2019年）条款号待核"
    assert Finding.objects.unrestricted().filter(rule="teams.local.vacancy").count() == 3


def test_third_appointment_is_a_violation(county):
    post = county.posts.secretary
    w = county.people.wang
    county.seats.wang.post.end_on = dt.date(2020, 6, 1)
    county.seats.wang.post.save()
    seat(post, w, dt.date(2020, 6, 1), end=dt.date(2025, 6, 1))
    third = seat(post, w, dt.date(2025, 6, 1))
    found = {r["pk"]: text for r, text in violations("teams.third_term")}
    assert found == {third.pk: "第 3 次任命担任“书记”（2015-06-01 起连续任职），同一职位连续任职达到两个任期的，不再任命担任同一职务"}
    assert TeamMember.objects.unrestricted().count() == 8
