"""Build leadership teams from the cadre records already in the database (seeds, bench, first set-up).

`build_from_posts(path)`: every unit whose cadres hold current leadership posts (a post rank such as 县处级正职)
gets a team (level = the highest level of those posts, kind guessed from the unit's name), each distinct
title a team post whose quota is the number of its holders, and every such post record its TeamMember link.
Idempotent: units that already have a team are skipped. Rows are written with bulk_create in batches (no
per-row audit entries; one summary entry is recorded), and the reads are grouped queries.

`link_current_posts(path)`: link current post records to the team post of the same unit and title where the
link is missing (a cadre appointed through the cadre record rather than the team page).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone

from zugong.cadres import ranks
from zugong.cadres.models import CadrePost
from zugong.core import audit
from zugong.orgs.models import Organization, Unit

from .models import LeadershipTeam, TeamMember, TeamPost

BATCH = 5000
KIND_WORDS = [  # first match in the unit's name
    ("纪律检查", LeadershipTeam.Kind.DISCIPLINE), ("纪委", LeadershipTeam.Kind.DISCIPLINE),
    ("人民代表大会", LeadershipTeam.Kind.CONGRESS), ("人大", LeadershipTeam.Kind.CONGRESS),
    ("政治协商", LeadershipTeam.Kind.CPPCC), ("政协", LeadershipTeam.Kind.CPPCC),
    ("人民政府", LeadershipTeam.Kind.GOVERNMENT), ("政府", LeadershipTeam.Kind.GOVERNMENT),
    ("办事处", LeadershipTeam.Kind.GOVERNMENT),
    ("委员会", LeadershipTeam.Kind.PARTY_COMMITTEE), ("党委", LeadershipTeam.Kind.PARTY_COMMITTEE),
    ("党工委", LeadershipTeam.Kind.PARTY_COMMITTEE),
    ("公司", LeadershipTeam.Kind.ENTERPRISE), ("集团", LeadershipTeam.Kind.ENTERPRISE),
    ("学校", LeadershipTeam.Kind.ENTERPRISE), ("医院", LeadershipTeam.Kind.ENTERPRISE),
    ("大学", LeadershipTeam.Kind.ENTERPRISE), ("中学", LeadershipTeam.Kind.ENTERPRISE),
]


def kind_of(unit_name: str) -> str:
    for word, kind in KIND_WORDS:
        if word in unit_name:
            return kind
    return LeadershipTeam.Kind.DEPARTMENT


def _title_order(title: str, rank: str) -> tuple:
    chief = 0 if ranks.is_chief(rank) else 1
    deputy = 1 if title.startswith("副") or "副" in title[:3] else 0
    return (ranks.level_of(rank) or 9, chief, deputy, title)


def current_leader_posts(path: str = ""):
    qs = CadrePost.objects.unrestricted().filter(end_on__isnull=True, unit__isnull=False,
                                                 rank__in=ranks.POST_RANKS)
    return qs.filter(unit__org_path__subtree=path) if path else qs


@transaction.atomic
def build_from_posts(path: str = "", today: dt.date | None = None, log=print) -> dict:
    today = today or timezone.localdate()
    posts = current_leader_posts(path)
    has_team = LeadershipTeam.objects.unrestricted().filter(unit=OuterRef("unit"))
    posts = posts.filter(~Exists(has_team))
    groups = list(posts.values("unit_id", "title").annotate(n=Count("pk"), rank=Min("rank"), since=Min("start_on"))
                  .order_by())
    if not groups:
        return {"teams": 0, "posts": 0, "members": 0}
    unit_ids = sorted({g["unit_id"] for g in groups})
    units = {}
    for start in range(0, len(unit_ids), BATCH):
        units.update({u.pk: u for u in Unit.objects.unrestricted().filter(pk__in=unit_ids[start:start + BATCH])})
    org_paths = sorted({u.org_path for u in units.values()})
    orgs = {}
    for start in range(0, len(org_paths), BATCH):
        orgs.update(dict(Organization.objects.unrestricted().filter(path__in=org_paths[start:start + BATCH])
                         .values_list("path", "pk")))
    by_unit: dict[int, list[dict]] = {}
    for g in groups:
        by_unit.setdefault(g["unit_id"], []).append(g)
    teams = []
    for unit_id, rows in by_unit.items():
        unit = units[unit_id]
        if unit.org_path not in orgs:
            continue
        level = min(ranks.level_of(r["rank"]) or 4 for r in rows)
        teams.append(LeadershipTeam(unit_id=unit_id, organization_id=orgs[unit.org_path], org_path=unit.org_path,
                                    name=f"{unit.name}领导班子"[:100], level=min(level, 4), kind=kind_of(unit.name)))
    LeadershipTeam.objects.bulk_create(teams, batch_size=BATCH)
    team_of = {t.unit_id: t for t in teams}
    team_posts = []
    for unit_id, rows in by_unit.items():
        team = team_of.get(unit_id)
        if team is None:
            continue
        for order, r in enumerate(sorted(rows, key=lambda r: _title_order(r["title"], r["rank"])), start=1):
            team_posts.append(TeamPost(team_id=team.pk, org_path=team.org_path, title=r["title"][:100],
                                       rank=r["rank"], quota=r["n"], order=order, vacant_since=r["since"]))
    TeamPost.objects.bulk_create(team_posts, batch_size=BATCH)
    n_members = link_current_posts(path, only_units=set(team_of))
    with audit.acting_as(name=audit.TEAMS_BUILD_ACTOR):
        root = Organization.objects.unrestricted().filter(path=path).first() if path else None
        if root is not None:
            with audit.operation(root, "import", note=f"由干部现任职务生成领导班子 {len(teams)} 个、"
                                                       f"职位 {len(team_posts)} 个、班子成员 {n_members} 名"):
                pass  # the rows were written in bulk above (a province's tens of thousands): one entry
    analyze()
    log(f"teams: {len(teams):,} teams, {len(team_posts):,} posts, {n_members:,} members")
    return {"teams": len(teams), "posts": len(team_posts), "members": n_members}


def analyze() -> None:
    """Refresh the planner statistics of the bulk-written tables (PostgreSQL otherwise plans for empty ones)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (LeadershipTeam, TeamPost, TeamMember):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def link_current_posts(path: str = "", only_units: set | None = None) -> int:
    """Create the missing TeamMember links of current leadership posts (same unit, same title)."""
    posts = current_leader_posts(path).filter(~Exists(TeamMember.objects.unrestricted().filter(post=OuterRef("pk"))))
    team_posts = {}
    tp = TeamPost.objects.unrestricted().select_related(None).values_list("pk", "team_id", "team__unit_id", "title",
                                                                           "org_path")
    if path:
        tp = tp.filter(org_path__subtree=path)
    for pk, team_id, unit_id, title, org_path in tp.iterator(chunk_size=BATCH):
        if only_units is None or unit_id in only_units:
            team_posts[(unit_id, title)] = (pk, team_id, org_path)
    rows = []
    created = 0
    for post_id, cadre_id, unit_id, title in posts.values_list("pk", "cadre_id", "unit_id", "title").iterator(
            chunk_size=BATCH):
        found = team_posts.get((unit_id, title))
        if found is None:
            continue
        rows.append(TeamMember(team_post_id=found[0], team_id=found[1], org_path=found[2], post_id=post_id,
                               cadre_id=cadre_id))
        if len(rows) >= BATCH:
            TeamMember.objects.bulk_create(rows, batch_size=BATCH)
            created += len(rows)
            rows = []
    if rows:
        TeamMember.objects.bulk_create(rows, batch_size=BATCH)
        created += len(rows)
    return created
