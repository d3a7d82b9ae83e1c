"""Teams fixtures: the 小店区 county with its 区委 and 区政府 teams, cadres with posts held for various lengths."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import make_person
from zugong.cadres.models import Cadre, CadrePost
from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost

AS_OF = dt.date(2026, 11, 27)


def make_cadre(org, name, seq, birth, sex=None, party="01", specialty="", **extra):
    person = make_person(org, name, birth=birth, seq=seq)
    if sex and person.sex != sex:
        person.sex = sex
        person.save()
    return Cadre.objects.create(person=person, organization=org, party_status=party, specialty=specialty, **extra)


def seat(team_post, cadre, start, end=None, title=None):
    post = CadrePost.objects.create(cadre=cadre, title=title or team_post.title, unit=team_post.team.unit,
                                    start_on=start, end_on=end)
    return TeamMember.objects.create(team_post=team_post, post=post)


@pytest.fixture
def county(tree):
    """区委 team (书记 1, 副书记 2, 常委 3) and 区政府 team (区长 1, 副区长 3) of 小店区, level 3.

    书记 王书记 (1968, since 2015-06-01: 11 years), 副书记/区长 李区长 (1975, woman? no) holds both posts,
    副书记 second seat vacant since a removal on 2025-12-31, 常委 赵青 (1990, woman: young) since 2024."""
    from zugong.orgs.models import Unit

    xd = tree.xiaodian
    unit = Unit.objects.create(name="中共太原市小店区委员会", org_path=xd.path)
    gov_unit = Unit.objects.create(name="太原市小店区人民政府", org_path=xd.path)
    committee = LeadershipTeam.objects.create(unit=unit, organization=xd, name="中共小店区委领导班子", level=3,
                                              kind=LeadershipTeam.Kind.PARTY_COMMITTEE)
    government = LeadershipTeam.objects.create(unit=gov_unit, organization=xd, name="小店区人民政府领导班子", level=3,
                                               kind=LeadershipTeam.Kind.GOVERNMENT)
    posts = SimpleNamespace(
        secretary=TeamPost.objects.create(team=committee, title="书记", rank="county_chief", quota=1, order=1,
                                          vacant_since=dt.date(2010, 1, 1)),
        deputy=TeamPost.objects.create(team=committee, title="副书记", rank="county_deputy", quota=2, order=2,
                                       vacant_since=dt.date(2010, 1, 1)),
        standing=TeamPost.objects.create(team=committee, title="常委", rank="county_deputy", quota=3, order=3,
                                         vacant_since=dt.date(2010, 1, 1)),
        head=TeamPost.objects.create(team=government, title="区长", rank="county_chief", quota=1, order=1,
                                     vacant_since=dt.date(2010, 1, 1)),
        vice=TeamPost.objects.create(team=government, title="副区长", rank="county_deputy", quota=3, order=2,
                                     vacant_since=dt.date(2025, 6, 1)),
    )
    people = SimpleNamespace(
        wang=make_cadre(tree.b2, "王书记", 301, dt.date(1968, 3, 5), specialty="党务工作、经济管理"),
        li=make_cadre(tree.b2, "李区长", 303, dt.date(1975, 12, 30), specialty="城市规划"),
        zhao=make_cadre(tree.b2, "赵青", 304, dt.date(1990, 1, 2), sex="2", specialty="农业农村"),
        qian=make_cadre(tree.b2, "钱委员", 305, dt.date(1962, 7, 1), party="07"),
        sun=make_cadre(tree.b2, "孙前任", 307, dt.date(1960, 1, 1)),
    )
    seats = SimpleNamespace(
        wang=seat(posts.secretary, people.wang, dt.date(2015, 6, 1)),
        li_deputy=seat(posts.deputy, people.li, dt.date(2021, 9, 1)),
        li_head=seat(posts.head, people.li, dt.date(2021, 9, 1)),
        sun=seat(posts.deputy, people.sun, dt.date(2016, 1, 1), end=dt.date(2025, 12, 31)),
        zhao=seat(posts.standing, people.zhao, dt.date(2024, 3, 1)),
        qian=seat(posts.vice, people.qian, dt.date(2019, 5, 1)),
    )
    return SimpleNamespace(unit=unit, gov_unit=gov_unit, committee=committee, government=government, posts=posts,
                           people=people, seats=seats)
