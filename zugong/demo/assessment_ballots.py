"""Demo data of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes.

For the demo city, through the services (so everything is audited as in use):
- a closed year-end 民主测评 of the first county party committee with three voter classes, about nine in ten
  codes used, a few void ballots (uniform, over the cap) and one leader flagged (不称职 over a third), whose
  follow-up is not recorded (a finding once the 30 days have passed);
- that year's team grades of the city's county teams (one 一般 with a barring situation ticked) and the leaders'
  grades of the evaluated team;
- an open 民主测评 of the current year of a second county team with partial turnout and one batch of slips not
  yet printed.
Deterministic for the seed; dated up to `as_of`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.assessment import ballots_services as services
from zugong.assessment.defaults import ballots as defaults
from zugong.assessment.models import BallotRound, BallotRules, CodeBatch
from zugong.teams.models import LeadershipTeam

# codes per class besides 班子成员 (one per member)
CODES = {"中层干部": 24, "其他干部群众": 36}


def _teams(city):
    return list(LeadershipTeam.objects.unrestricted().filter(org_path__startswith=city.path, level=3)
                .filter(kind__in=[LeadershipTeam.Kind.PARTY_COMMITTEE, LeadershipTeam.Kind.GOVERNMENT])
                .order_by("org_path", "order", "pk"))


def _levels(rng: random.Random, subjects, weak_pk: int | None) -> list[int]:
    """One voter's grades: mostly 优秀/称职, the weak leader often 基本称职/不称职; at most one 优秀 among the
    leaders (the cap), except for the few careless ballots."""
    out, tops = [], 0
    for s in subjects:
        if s.pk == weak_pk:
            level = rng.choices((1, 2, 3, 4), (2, 18, 35, 45))[0]
        elif s.kind == "team":
            level = rng.choices((1, 2, 3, 4), (55, 35, 8, 2))[0]
        else:
            level = rng.choices((1, 2, 3, 4), (30, 62, 7, 1))[0]
            if level == 1:
                tops += 1
                if tops > 1:
                    level = 2
        out.append(level)
    r = rng.random()
    leaders = [i for i, s in enumerate(subjects) if s.kind == "leader"]
    if r < 0.03:  # everyone the same: void
        for i in leaders:
            out[i] = 2
    elif r < 0.05 and len(leaders) >= 2:  # too many 优秀: void
        for i in leaders[:2]:
            out[i] = 1
    return out


def _vote(rng, round, batches_codes, share: float, day_of, weak_pk=None) -> int:
    subjects = services.ballot_subjects(round)
    n = 0
    for codes in batches_codes:
        for code in codes:
            if rng.random() >= share:
                continue
            marks = {s.pk: lv for s, lv in zip(subjects, _levels(rng, subjects, weak_pk))}
            services.cast(code, marks, today=day_of(rng))
            n += 1
    return n


def _issue(admin, round, members: int, *, print_all: bool = True):
    out = []
    for c in round.classes.unrestricted().order_by("order"):
        count = members if c.name == "班子成员" else CODES.get(c.name, 20)
        batch = services.issue_codes(admin, c, count)
        out.append(services.slip_codes(batch))
        if print_all or c.name != "其他干部群众":
            services.confirm_printed(admin, batch)
    return out


@transaction.atomic
def seed(root, city, *, seed: int, as_of, log=print) -> dict[str, int]:
    admin = User.objects.filter(username="admin").first()
    teams = [t for t in _teams(city) if len(services.team_members(t, as_of)) >= 3]
    if admin is None or not teams:
        return {}
    defaults.install(root)
    rules_row = BallotRules.objects.unrestricted().get(code="ballots.rules.default")
    rng = random.Random(seed * 7919 + 14)
    year = as_of.year - 1 if as_of >= dt.date(as_of.year, 2, 1) else as_of.year - 2
    counts = {"ballot_rounds": 0, "ballots": 0, "team_grades": 0, "leader_grades": 0}

    # ---- the closed year-end round of the first county party committee
    team = teams[0]
    opens, closes = dt.date(year + 1, 1, 8), dt.date(year + 1, 1, 15)
    round = services.create_round(admin, organization=team.organization, title=f"{year}年度{team.name}民主测评",
                                  year=year, mode="annual", opens_on=opens, closes_on=closes, rules_row=rules_row,
                                  team=team, as_of=opens)
    subjects = services.ballot_subjects(round)
    leaders = [s for s in subjects if s.kind == "leader"]
    weak = leaders[-1]  # the last in post order is the one the voters doubt
    codes = _issue(admin, round, len(leaders))
    services.open_round(admin, round)
    counts["ballots"] += _vote(rng, round, codes, 0.9, lambda r: opens + dt.timedelta(days=r.randrange(0, 7)),
                               weak_pk=weak.pk)
    services.close_round(admin, round, today=closes + dt.timedelta(days=1))
    issued_at = timezone.make_aware(dt.datetime.combine(opens - dt.timedelta(days=2), dt.time(9, 30)))
    CodeBatch.objects.unrestricted().filter(round=round).update(created_at=issued_at, printed_at=issued_at)
    counts["ballot_rounds"] += 1

    # ---- that year's grades: the county teams, and the leaders of the evaluated team
    graded_on = dt.date(year + 1, 1, 20)
    for i, t in enumerate(teams[:8]):
        grade, bars = ("good", []) if i % 3 == 0 else ("fairly_good", [])
        if i == 2:
            grade, bars = "average", ["ballots.bar4"]
        services.record_team_grade(admin, t, year=year, mode="annual", grade=grade, bars=bars,
                                   assessed_on=graded_on, round=round if t == team else None)
        counts["team_grades"] += 1
    results = {s.pk: s for s in services.ballot_subjects(round)}
    for i, s in enumerate(leaders):
        flagged = results[s.pk].flagged
        grade = "basic" if flagged else ("excellent" if i == 0 else "competent")
        services.record_leader_grade(admin, team, s.cadre, year=year, mode="annual", grade=grade,
                                     post_title=s.title, assessed_on=graded_on, round=round)
        counts["leader_grades"] += 1

    # ---- the current year's round of another county team, open, partly voted
    other = teams[1] if len(teams) > 1 else teams[0]
    opens = as_of - dt.timedelta(days=3)
    current = services.create_round(admin, organization=other.organization, title=f"{as_of.year}年度{other.name}民主测评",
                                    year=as_of.year, mode="annual", opens_on=opens,
                                    closes_on=as_of + dt.timedelta(days=7), rules_row=rules_row, team=other,
                                    as_of=as_of)
    members = sum(1 for s in services.ballot_subjects(current) if s.kind == "leader")
    codes = _issue(admin, current, members, print_all=False)
    services.open_round(admin, current)
    counts["ballots"] += _vote(rng, current, codes, 0.45, lambda r: opens + dt.timedelta(days=r.randrange(0, 4)))
    counts["ballot_rounds"] += 1
    log(f"  民主测评 {counts['ballot_rounds']} 次（已结束 {BallotRound.objects.unrestricted().filter(status='closed').count()}），"
        f"测评票 {counts['ballots']} 张，未打印的投票码批次 "
        f"{CodeBatch.objects.unrestricted().exclude(sealed='').count()}")
    return counts
