"""The members' dated history in the demo (`members.StatusSpan`, `GroupSpan`, `DisciplineSpan`).

`fill_history()` runs right after the memberships are loaded: the same set-based backfill as migration
members/0010 (`members.history.backfill`), so every membership's spans agree with its record (probationary from
`joined_on`, full from `converted_on`, its party group from joining). Elections (`demo.elections`) then count
their expected voters from this history.

`plant_history()` runs after the cases and the elections, and adds a few realistic events (deterministic per
seed), each exercising one rule that reads the history:
- a few introducers of cases before 2025 whose 党籍 was stopped in 2025 (no finding: they were full members on
  the day they were designated; judged by today's status they were errors before issue 13);
- a few members under 留党察看, some of them named as candidates of a branch election held while it ran
  (`elections.candidate_eligible`, a planted error), and a probationary member named as a candidate.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import connection

from zugong.elections.models import Election, ElectionCandidate
from zugong.members.history import backfill
from zugong.members.models import DisciplineSpan, Membership, StatusSpan
from zugong.recruitment.models import CaseContact

STOPPED_INTRODUCERS = 6
DISCIPLINED_CANDIDATES = 2
PROBATIONARY_CANDIDATES = 1
DISCIPLINED_OTHERS = 5
DECISION = "（演示数据）党委处分决定"


def fill_history(log=print) -> dict[str, int]:
    t = time.perf_counter()
    counts = backfill(connection)
    log(f"  member history: {counts['status_spans']:,} status spans, {counts['group_spans']:,} group spans "
        f"in {time.perf_counter() - t:.1f} s")
    return counts


def _stop(membership_id: int, on: dt.date) -> None:
    """The member's open span ends on `on` and a stopped one opens (written in bulk: the seed is not audited
    row by row)."""
    StatusSpan.objects.unrestricted().filter(membership_id=membership_id, ended_on__isnull=True).update(ended_on=on)
    StatusSpan.objects.bulk_create([StatusSpan(membership_id=membership_id, status=Membership.Status.STOPPED,
                                               started_on=on)])
    Membership.objects.unrestricted().filter(pk=membership_id).update(status=Membership.Status.STOPPED)


def plant_stops(seed: int, *, as_of: dt.date, log=print) -> dict[str, int]:
    """Introducers of cases designated before 2025 (and never since), stopped in 2025; run after the cases and
    before the elections (their rosters count the stops)."""
    t = time.perf_counter()
    rng = random.Random(f"{seed}:history:stops")
    counts = {"stopped_introducers": 0}
    later = CaseContact.objects.unrestricted().filter(designated_on__gte=dt.date(2025, 1, 1)).values("person_id")
    people = list(CaseContact.objects.unrestricted()
                  .filter(role=CaseContact.Role.INTRODUCER, designated_on__lt=dt.date(2025, 1, 1))
                  .exclude(person_id__in=later)
                  .values_list("person_id", flat=True).distinct().order_by("person_id")[:400])
    rng.shuffle(people)
    # no committee post: only full members hold one
    chosen = list(Membership.objects.unrestricted()
                  .filter(person_id__in=people, status=Membership.Status.FULL, committee_post="",
                          transferred_out_on__isnull=True)
                  .values_list("pk", "converted_on")[:STOPPED_INTRODUCERS])
    for pk, converted in chosen:
        on = min(dt.date(2025, rng.randint(2, 11), rng.randint(1, 28)), as_of)
        if converted and converted >= on:
            continue
        _stop(pk, on)
        counts["stopped_introducers"] += 1
    log(f"  member history, stops: {counts} in {time.perf_counter() - t:.1f} s")
    return counts


def plant_history(seed: int, *, as_of: dt.date, log=print) -> dict[str, int]:
    """Members under 留党察看 (some named as candidates of an election held while it ran) and a probationary
    candidate; run after the elections."""
    t = time.perf_counter()
    rng = random.Random(f"{seed}:history")
    counts = {"discipline_spans": 0, "candidates_named": 0}

    # Candidates of branch elections: a member under 留党察看 on the day, a probationary member on the day.
    elections = list(Election.objects.unrestricted()
                     .filter(organization__kind="branch", held_on__lt=as_of - dt.timedelta(days=90))
                     .order_by("pk").values_list("pk", "organization_id", "held_on", "expected_voters",
                                                 "voters_present")[:300])
    rng.shuffle(elections)
    plan = ["discipline"] * DISCIPLINED_CANDIDATES + ["probationary"] * PROBATIONARY_CANDIDATES
    discipline = []
    for pk, org_id, held, expected, present in elections:
        if not plan:
            break
        kind = plan[0]
        members = Membership.objects.unrestricted().filter(organization_id=org_id, committee_post="",
                                                           transferred_out_on__isnull=True)
        if kind == "discipline":
            member = (members.filter(status=Membership.Status.FULL, converted_on__lt=held)
                      .order_by("pk").values_list("pk", "person_id", "person__name").first())
        else:  # a member admitted shortly before the election: probationary that day
            member = (members.filter(joined_on__lt=held, joined_on__gt=held - dt.timedelta(days=300))
                      .order_by("pk").values_list("pk", "person_id", "person__name").first())
        candidate = (ElectionCandidate.objects.unrestricted().filter(election_id=pk, elected=False)
                     .order_by("order").first())
        if member is None or candidate is None:
            continue
        plan.pop(0)
        mid, person_id, name = member
        if kind == "discipline":
            discipline.append(DisciplineSpan(membership_id=mid, decision=DECISION,
                                             started_on=held - dt.timedelta(days=rng.randint(60, 200)),
                                             ended_on=held + dt.timedelta(days=rng.randint(200, 400))))
            # the roster of the day lost a voter: the recorded expected voters follow (they excluded them)
            expected = max(expected - 1, 1)
            Election.objects.unrestricted().filter(pk=pk).update(expected_voters=expected,
                                                                 voters_present=min(present, expected))
        ElectionCandidate.objects.unrestricted().filter(pk=candidate.pk).update(person_id=person_id, name=name)
        counts["candidates_named"] += 1

    # A few members under 留党察看 now (rights not yet restored), in other branches.
    others = list(Membership.objects.unrestricted()
                  .filter(status=Membership.Status.FULL, committee_post="", transferred_out_on__isnull=True,
                          converted_on__lt=as_of - dt.timedelta(days=800))
                  .order_by("pk").values_list("pk", flat=True)[:2000])
    for pk in rng.sample(others, min(DISCIPLINED_OTHERS, len(others))):
        discipline.append(DisciplineSpan(membership_id=pk, decision=DECISION,
                                         started_on=as_of - dt.timedelta(days=rng.randint(30, 300))))
    DisciplineSpan.objects.bulk_create(discipline)
    counts["discipline_spans"] = len(discipline)
    log(f"  member history events: {counts} in {time.perf_counter() - t:.1f} s")
    return counts
