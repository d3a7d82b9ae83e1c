"""The seed's committee post history (members.PostSpan): the committees elected at their term's start, and a few
secretaries replaced mid-term so the history shows on the pages and in the rules.

Run after the elections. Every current post (`Membership.committee_post`) becomes an open span from the day the
organization's current term started (its election, named on the span, where one was seeded; else the term's
first day; else the day the member became a full member), written by one INSERT … SELECT. Then in about 3 % of
the branches whose secretary and another committee member took office at least a year before the reference
day, the other member was the secretary until a day in the last year and the present secretary a 委员 until
then: the spans are split on that day (bulk, in batches) and the lectures held before it are re-hosted by the
former secretary (one UPDATE per batch), so the history is consistent with the lecture records. Deterministic:
`Random(f"{seed}:posts")`.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import connection

from zugong.core.dates import add_years

from zugong.branchlife.models import Meeting
from zugong.elections.models import Election
from zugong.members.models import Membership, PostSpan
from zugong.orgs.models import Organization
from zugong.people.models import Person

BATCH = 5000
REPLACED_SHARE = 0.03
OTHER_POSTS = ("organization", "propaganda", "discipline", "member")


def seed_posts(seed: int = 1, *, reference: dt.date, log=print) -> dict[str, int]:
    t = time.perf_counter()
    span, ms, org, el = (m._meta.db_table for m in (PostSpan, Membership, Organization, Election))
    start = "COALESCE(e.held_on, o.term_started_on, m.converted_on, m.joined_on)"
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO {span} (organization_id, org_path, membership_id, post, election_id, appointment,
                                started_on, ended_on)
            SELECT m.organization_id, o.path, m.id, m.committee_post, e.id,
                   CASE WHEN e.id IS NULL THEN %s ELSE '' END, {start}, NULL
            FROM {ms} m
            JOIN {org} o ON o.id = m.organization_id
            LEFT JOIN {el} e ON e.organization_id = m.organization_id AND e.held_on = o.term_started_on
                             AND e.kind = 'term'
            WHERE m.committee_post <> '' AND m.transferred_out_on IS NULL
        """, ["上级党组织任命"])
        opened = cur.rowcount
    earlier = _previous_terms(reference)
    rng = random.Random(f"{seed}:posts")
    year_ago = reference - dt.timedelta(days=365)
    spans = (PostSpan.objects.unrestricted().filter(ended_on__isnull=True, started_on__lte=year_ago,
                                                    organization__kind="branch")
             .order_by("organization_id", "membership_id").values_list("id", "organization_id", "membership_id",
                                                                     "post", "started_on"))
    by_org: dict[int, list] = {}
    for row in spans.iterator(chunk_size=BATCH):
        by_org.setdefault(row[1], []).append(row)
    swaps = []
    for org_id, rows in by_org.items():
        secretary = next((r for r in rows if r[3] == "secretary"), None)
        others = [r for r in rows if r[3] in OTHER_POSTS and r[4] == (secretary[4] if secretary else None)]
        if secretary is None or not others or rng.random() >= REPLACED_SHARE:
            continue
        former = rng.choice(others)
        day = reference - dt.timedelta(days=rng.randint(30, 330))
        swaps.append((org_id, secretary, former, day))
    replaced = 0
    for i in range(0, len(swaps), BATCH):
        chunk = swaps[i:i + BATCH]
        ended = [s[1][0] for s in chunk] + [s[2][0] for s in chunk]
        days = {s[1][0]: s[3] for s in chunk} | {s[2][0]: s[3] for s in chunk}
        old = {p.pk: p for p in PostSpan.objects.unrestricted().filter(pk__in=ended)}
        new = []
        for org_id, secretary, former, day in chunk:
            # until `day` the former was the secretary and today's secretary a 委员
            s_old, f_old = old[secretary[0]], old[former[0]]
            new += [
                PostSpan(organization_id=org_id, org_path=s_old.org_path, membership_id=secretary[2],
                         post="secretary", started_on=day, appointment="上级党组织任命"),
                PostSpan(organization_id=org_id, org_path=f_old.org_path, membership_id=former[2],
                         post=former[3], started_on=day, appointment="调整分工"),
            ]
            s_old.post, f_old.post = "member", "secretary"
        for p in old.values():
            p.ended_on = days[p.pk]
        PostSpan.objects.bulk_update(list(old.values()), ["post", "ended_on"], batch_size=BATCH)
        PostSpan.objects.bulk_create(new, batch_size=BATCH)
        # the lectures the present secretary hosted before taking the post were the former secretary's
        members = dict(Membership.objects.unrestricted().filter(
            pk__in=[s[1][2] for s in chunk] + [s[2][2] for s in chunk]).values_list("pk", "person_id"))
        names = dict(Person.objects.unrestricted().filter(pk__in=members.values()).values_list("pk", "name"))
        for org_id, secretary, former, day in chunk:
            person = members[former[2]]
            replaced += Meeting.objects.unrestricted().filter(
                organization_id=org_id, kind=Meeting.Kind.LECTURE, held_on__lt=day,
                host_person_id=members[secretary[2]]).update(host_person_id=person, host=names.get(person, ""))
    log(f"  committee posts: {opened:,} spans, {earlier:,} secretaries of the previous term, {len(swaps):,} secretaries replaced mid-term "
        f"({replaced:,} lectures re-hosted) in {time.perf_counter() - t:.1f} s")
    return {"post_spans": opened + earlier + 2 * len(swaps), "secretaries_replaced": len(swaps)}


def _previous_terms(reference: dt.date) -> int:
    """Secretaries whose current term began in the last two years held the post the term before too (re-elected):
    a closed span from the previous term's start (not before the branch was founded or the member became a
    full member) to the election, so the lectures and meetings of that time have their secretary."""
    rows = (PostSpan.objects.unrestricted()
            .filter(ended_on__isnull=True, post="secretary", started_on__gt=reference - dt.timedelta(days=730))
            .values_list("organization_id", "org_path", "membership_id", "started_on", "organization__term_years",
                         "organization__founded_on", "membership__converted_on", "membership__joined_on"))
    new, written = [], 0
    for org_id, path, mid, start, years, founded, converted, joined in rows.iterator(chunk_size=BATCH):
        earliest = [d for d in (founded, converted or joined) if d]
        begin = max([add_years(start, -(years or 3)), *earliest])
        if begin < start:
            new.append(PostSpan(organization_id=org_id, org_path=path, membership_id=mid, post="secretary",
                                started_on=begin, ended_on=start, appointment="上届换届选举"))
        if len(new) >= BATCH:
            written += len(PostSpan.objects.bulk_create(new))
            new = []
    written += len(PostSpan.objects.bulk_create(new))
    return written
