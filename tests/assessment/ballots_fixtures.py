"""Fixtures of the ballots area: the 小店区委 team (书记, 区长, 常委, 副书记) with the default barring situations and
测评规则, and a 民主测评 round of it with three voter classes. Import the fixtures (`county_team_fixture`, `ballot_round_fixture`, registered as `county_team` and `ballot_round`)
in a test module."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import make_person
from zugong.assessment import ballots_services as services
from zugong.assessment.defaults import ballots as defaults
from zugong.assessment.models import BallotRules
from zugong.cadres.models import Cadre, CadrePost
from zugong.teams.models import LeadershipTeam, TeamMember, TeamPost

OPENS = dt.date(2026, 11, 20)
CLOSES = dt.date(2026, 12, 5)
TODAY = dt.date(2026, 11, 27)  # tests/conftest.py REFERENCE_DAY


def _cadre(org, name, seq):
    person = make_person(org, name, birth=dt.date(1970 + seq % 20, 3, 5), seq=seq)
    return Cadre.objects.create(person=person, organization=org)


def _seat(team_post, cadre, start=dt.date(2022, 1, 1)):
    post = CadrePost.objects.create(cadre=cadre, title=team_post.title, unit=team_post.team.unit, start_on=start)
    return TeamMember.objects.create(team_post=team_post, post=post)


@pytest.fixture(name="county_team")
def county_team_fixture(tree):
    from zugong.orgs.models import Unit

    xd = tree.xiaodian
    unit = Unit.objects.create(name="中共太原市小店区委员会", org_path=xd.path)
    team = LeadershipTeam.objects.create(unit=unit, organization=xd, name="中共小店区委领导班子", level=3)
    posts = [TeamPost.objects.create(team=team, title=t, quota=q, order=i)
             for i, (t, q) in enumerate((("书记", 1), ("副书记", 2), ("常委", 3)), 1)]
    names = [("王书记", posts[0]), ("李副书记", posts[1]), ("赵常委", posts[2]), ("钱常委", posts[2])]
    cadres = []
    for i, (name, post) in enumerate(names):
        cadre = _cadre(tree.b2, name, 401 + 2 * i)
        _seat(post, cadre)
        cadres.append(cadre)
    defaults.install(tree.root)
    return SimpleNamespace(team=team, unit=unit, cadres=cadres, rules=BallotRules.objects.unrestricted().get())


@pytest.fixture(name="ballot_round")
def ballot_round_fixture(county_team, tree, users):
    round = services.create_round(
        users.admin, organization=tree.xiaodian, title="2026年度小店区委领导班子民主测评", year=2026, mode="annual",
        opens_on=OPENS, closes_on=CLOSES, rules_row=county_team.rules, team=county_team.team, as_of=TODAY)
    classes = {c.name: c for c in round.classes.unrestricted()}
    subjects = list(round.subjects.unrestricted().order_by("order"))
    return SimpleNamespace(round=round, classes=classes, subjects=subjects, team=county_team)


def issue(user, voter_class, n) -> list[str]:
    """Issue n codes and return them as printed (the slips' text)."""
    batch = services.issue_codes(user, voter_class, n)
    return services.slip_codes(batch)


def marks_of(subjects, levels) -> dict[int, int]:
    """subject id → level, the team first then the leaders (levels: a list as long as the subjects)."""
    return {s.pk: lv for s, lv in zip(subjects, levels)}
