"""Team operations: set up, assign through cadres.services.appoint, release through end_post; refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.cadres.models import CadrePost
from zugong.core import rules
from zugong.core.models import AuditEntry, Finding
from zugong.teams import queries, services
from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost

from .conftest import AS_OF, make_cadre, seat

pytestmark = pytest.mark.django_db


def test_create_team_and_posts(county, tree, users):
    team = services.create_team(users.taiyuan, unit=county.unit, organization=tree.xiaodian, name="区纪委领导班子",
                                level=3, kind=LeadershipTeam.Kind.DISCIPLINE)
    post = services.add_post(users.taiyuan, team, title="书记", quota=1, vacant_since=dt.date(2026, 1, 1))
    assert team.org_path == tree.xiaodian.path and post.org_path == tree.xiaodian.path and post.order == 1
    with pytest.raises(ValidationError) as exc:
        services.add_post(users.taiyuan, team, title="书记")
    assert "已有职位“书记”" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.create_team(users.datong, unit=county.unit, organization=tree.xiaodian, name="x", level=3,
                             kind="other")
    with pytest.raises(PermissionDenied):  # a secretary may not set up teams
        services.add_post(users.secretary, team, title="副书记")
    assert AuditEntry.objects.unrestricted().filter(model="teams.leadershipteam", object_id=str(team.pk)).exists()


def test_assign_appoints_through_cadres_and_fills_the_vacancy(county, tree, users):
    zhou = make_cadre(tree.b2, "周新", 311, dt.date(1985, 4, 4))
    member = services.assign(users.taiyuan, county.posts.deputy, zhou, start_on=dt.date(2026, 11, 1),
                             document_no="小组字〔2026〕8号")
    post = member.post
    assert post.title == "副书记" and post.unit == county.unit and post.rank == "county_deputy"
    assert post.document_no == "小组字〔2026〕8号"
    zhou.refresh_from_db()
    assert "副书记" in zhou.current_title and zhou.rank == "county_deputy"
    vacancy = queries.with_vacancy(TeamPost.objects.unrestricted().filter(pk=county.posts.deputy.pk), AS_OF).get()
    assert vacancy.holders == 2 and vacancy.vacancies == 0 and vacancy.vacant_from is None


def test_assign_refused_when_the_quota_is_full(county, tree, users):
    zhou = make_cadre(tree.b2, "周新", 311, dt.date(1985, 4, 4))
    with pytest.raises(ValidationError) as exc:
        services.assign(users.taiyuan, county.posts.secretary, zhou, start_on=dt.date(2026, 11, 1))
    assert "“书记”职数 1 名，2026-11-01 已有 1 人任职，没有空缺；请先免去现任职务或调整职数" in str(exc.value)
    assert not CadrePost.objects.unrestricted().filter(cadre=zhou).exists()


def test_release_ends_the_post_and_opens_the_vacancy(county, users):
    services.release(users.taiyuan, county.seats.zhao, end_on=dt.date(2026, 10, 8), document_no="免字1号")
    county.seats.zhao.post.refresh_from_db()
    assert county.seats.zhao.post.end_on == dt.date(2026, 10, 8)
    p = queries.with_vacancy(TeamPost.objects.unrestricted().filter(pk=county.posts.standing.pk), AS_OF).get()
    assert p.vacancies == 3 and p.vacant_from == dt.date(2026, 10, 8)
    with pytest.raises(PermissionDenied):
        services.release(users.datong, county.seats.wang, end_on=AS_OF)


def test_third_consecutive_appointment_refused_unless_excepted(county, users):
    wang, post = county.people.wang, county.posts.secretary
    first = county.seats.wang.post
    first.end_on = dt.date(2021, 6, 1)
    first.save()
    seat(post, wang, dt.date(2021, 6, 1), end=dt.date(2026, 6, 1))
    with pytest.raises(rules.RuleViolation) as exc:
        services.assign(users.taiyuan, post, wang, start_on=dt.date(2026, 6, 1))
    assert ("第 3 次任命担任“书记”（2015-06-01 起连续任职），同一职位连续任职达到两个任期的，不再任命担任同一职务"
            "（《党政领导干部职务任期暂行规定》（2006年）条款号待核）") in str(exc.value)
    assert TeamMember.objects.unrestricted().filter(cadre=wang).count() == 2  # rolled back
    with pytest.raises(PermissionDenied):  # a secretary cannot except it
        services.assign(users.secretary, post, wang, start_on=dt.date(2026, 6, 1), exception_reason="工作需要")
    member = services.assign(users.taiyuan, post, wang, start_on=dt.date(2026, 6, 1),
                             exception_reason="省委批复同意留任")
    f = Finding.objects.unrestricted().get(rule="teams.third_term", object_id=member.pk)
    assert f.exception_reason == "省委批复同意留任" and f.excepted_by == users.taiyuan


def test_link_existing_post(county, tree, users):
    zhou = make_cadre(tree.b2, "周新", 311, dt.date(1985, 4, 4))
    post = CadrePost.objects.create(cadre=zhou, title="副区长", unit=county.gov_unit, start_on=dt.date(2026, 3, 1))
    member = services.link(users.taiyuan, county.posts.vice, post)
    assert member.team == county.government and member.cadre == zhou
    with pytest.raises(ValidationError):
        services.link(users.taiyuan, county.posts.vice, post)
