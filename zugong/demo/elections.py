"""The seed's election records (换届选举): the election that opened each organization's current term, and a few
approved postponements of overdue elections.

Run after the organizations are written. For every active organization with an elected committee whose
current term started on or after 2020-07-13 (the 选举工作条例 in force), an `elections.Election` held on the
term's first day: seats by kind and size (基层党委 5 or 7, 党总支 5, 党支部 3 or 5 with ≥ 7 people, otherwise
the secretary alone), candidates at least 20 % more than seats, more than 4/5 of the expected voters present,
the elected with more than half of the expected voters' yes votes; approved by the higher organization two to
four weeks later (those of the last month are still waiting). Deterministic: each organization draws from
`Random(f"{seed}:e:{path}")`. About 15 % of the organizations overdue on the reference date have an approved
postponement of 6 or 12 months (some of them still overdue after it).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db.models import OuterRef

from zugong.core.dates import add_months
from zugong.elections.models import Election, ElectionCandidate, TermAdjustment
from zugong.elections.rules import IN_FORCE, need_candidates
from zugong.members.history import voters_on
from zugong.orgs.models import Organization

from .generate import generation, person_name

BATCH = 2000


def _seats(kind: str, people: int, rng: random.Random) -> int:
    if kind == "committee":
        return rng.choice((5, 7))
    if kind == "general_branch":
        return 5
    if people >= 7:
        return rng.choice((3, 3, 5))
    return 1


def plan_election(org: dict, seed: int, reference: dt.date, now) -> tuple[Election, list[ElectionCandidate]]:
    rng = random.Random(f"{seed}:e:{org['path']}")
    held = org["term_started_on"]
    seats = _seats(org["kind"], org["direct_people"], rng)
    # Expected voters from the roster of the election day (members.history: full members not under 留党察看),
    # a few excused (ill, away); a committee's congress may count fewer. About one in a hundred overstated.
    roster = org["roster"]
    if org["kind"] == "branch":
        expected = max(roster - rng.randint(0, roster // 10), 1)
    else:
        expected = min(rng.randint(40, 260), roster)
    if rng.random() < 0.01:
        expected = roster + rng.randint(1, 3)
    present = expected - rng.randint(0, expected // 10)
    n_candidates = 1 + (rng.random() < 0.3) if seats == 1 else need_candidates(seats) + (rng.random() < 0.3)
    names: list[str] = []
    while len(names) < n_candidates:
        name = person_name(rng, rng.choice("12"), generation(rng.randint(1962, 1992)))
        if name not in names:
            names.append(name)
    high = sorted((rng.randint(present * 7 // 10 + 1, present) for _ in range(seats)), reverse=True)
    low = [rng.randint(present // 5, expected // 2) for _ in range(n_candidates - seats)]
    votes = high + low
    order = list(range(n_candidates))
    rng.shuffle(order)  # the ballot lists names by stroke order, not by result
    approved = held <= reference - dt.timedelta(days=30)
    election = Election(
        organization_id=org["id"], org_path=org["path"], kind=Election.Kind.TERM, held_on=held, seats=seats,
        candidates=n_candidates, expected_voters=expected, voters_present=present, valid=True,
        secretary_name=names[0], deputy_secretary_name=names[1] if seats >= 3 and rng.random() < 0.5 else "",
        approved_by_higher=approved, approved_on=held + dt.timedelta(days=rng.randint(14, 28)) if approved else None,
        approval_document=f"{org['parent_short']}〔{held.year}〕{rng.randint(1, 120)}号" if approved else "",
        term_started=approved, created_at=now, updated_at=now,
    )
    candidates = [ElectionCandidate(org_path=org["path"], name=names[i], yes_votes=votes[i], elected=i < seats,
                                    order=pos + 1) for pos, i in enumerate(order)]
    return election, candidates


def _rosters(ids: list[int]) -> dict[int, int]:
    """The members with the right to vote on the day each organization's term began (its election day), from
    the members' history: {organization id: count}."""
    out = {}
    for start in range(0, len(ids), BATCH):
        out |= dict(Organization.objects.unrestricted().filter(pk__in=ids[start:start + BATCH])
                    .annotate(roster=voters_on(OuterRef("path"), OuterRef("term_started_on")))
                    .values_list("pk", "roster"))
    return out


def seed_elections(seed: int = 1, *, reference: dt.date, log=print, rate: float = 1.0) -> dict[str, int]:
    """Write the elections of the current terms and a few postponements; returns the counts."""
    t = time.perf_counter()
    now = dt.datetime.now(dt.timezone.utc)
    rows = list(Organization.objects.unrestricted().filter(status="active").exclude(kind="party_group")
                .values("id", "path", "name", "short_name", "kind", "direct_people", "term_started_on",
                        "term_ends_on"))
    names = {r["path"]: (r["short_name"] or r["name"]) for r in rows}
    elections, candidates, adjustments = [], [], []
    rosters = _rosters([r["id"] for r in rows if r["term_started_on"] and IN_FORCE <= r["term_started_on"] <= reference]
                       if rate else [])
    for org in rows:
        org["roster"] = rosters.get(org["id"], 0)
        org["parent_short"] = names.get(org["path"][:-4], "上级党委")[:12]
        rng = random.Random(f"{seed}:e:{org['path']}:pick")
        if org["term_started_on"] and org["term_started_on"] >= IN_FORCE and org["term_started_on"] <= reference \
                and rng.random() < rate and org["roster"] > 0:
            e, cs = plan_election(org, seed, reference, now)
            elections.append(e)
            candidates.append(cs)
        ends = org["term_ends_on"]
        if ends and ends < reference and rng.random() < 0.15:
            months = rng.choice((6, 12))
            approved_on = add_months(ends, -rng.randint(1, 3))
            adjustments.append(TermAdjustment(
                organization_id=org["id"], org_path=org["path"], kind=TermAdjustment.Kind.POSTPONE,
                term_ends_on=ends, months=months, due_on=add_months(ends, months),
                approved_by=names.get(org["path"][:-4], "上级党委"), approved_on=approved_on,
                document_no=f"〔{approved_on.year}〕{rng.randint(1, 90)}号",
                reason=rng.choice(("与村（社区）“两委”换届统一安排", "单位改制重组，待机构调整后换届",
                                   "党员大部分外出务工，待集中返乡时换届", "上级统一部署延期换届")),
                created_at=now,
            ))
    for start in range(0, len(elections), BATCH):
        Election.objects.bulk_create(elections[start:start + BATCH])
    flat = []
    for e, cs in zip(elections, candidates, strict=True):
        for c in cs:
            c.election_id = e.pk
            flat.append(c)
    ElectionCandidate.objects.bulk_create(flat, batch_size=BATCH)
    TermAdjustment.objects.bulk_create(adjustments, batch_size=BATCH)
    log(f"  elections: {len(elections):,} elections, {len(flat):,} candidates, {len(adjustments):,} postponements "
        f"in {time.perf_counter() - t:.1f} s")
    return {"elections": len(elections), "election_candidates": len(flat), "term_adjustments": len(adjustments)}
