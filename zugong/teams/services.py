"""Leadership-team operations: set up teams and their posts, put a cadre in a post and take them out.

Holding a post is the cadre's post record (`cadres.CadrePost`) linked to the team post, so `assign` goes
through `zugong.cadres.services.appoint` (the cadre's 现任职务, rank and résumé follow) and `release` through
`end_post`. Each operation is authorized (managing a team needs "manage" on its organization, filling posts
"change"), transactional, and audited (the models are AuditedModel). `assign` refuses a third consecutive
appointment to the same post (《党政领导干部职务任期暂行规定》第六条) unless an authorized user records an
exception with a reason.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.cadres import services as cadre_services
from zugong.cadres.models import Cadre, CadrePost
from zugong.core import rules, scope

from . import queries
from .models import LeadershipTeam, TeamMember, TeamPost

ASSIGN_RULES = ("teams.third_term",)
TEAM_FIELDS = ("name", "level", "kind", "term_started_on", "order", "note")
POST_FIELDS = ("title", "rank", "quota", "order", "vacant_since")


def _require(user, action: str, path: str, message: str) -> None:
    if not scope.can(user, action, path):
        raise PermissionDenied(message)


def _clean(obj, exclude=("org_path",)) -> None:
    obj.full_clean(exclude=list(exclude))


@transaction.atomic
def create_team(user, *, unit, organization, **fields) -> LeadershipTeam:
    """Set up the leadership team of a unit, belonging to `organization` (the unit's party organization)."""
    _require(user, "manage", organization.path, f"您无权在“{organization.name}”设立领导班子")
    if not scope.can(user, "view", unit.org_path):
        raise PermissionDenied(f"您无权选择单位“{unit.name}”")
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    team = LeadershipTeam(unit=unit, organization=organization, org_path=organization.path, **fields)
    if LeadershipTeam.objects.unrestricted().filter(unit=unit, name=team.name).exists():
        raise ValidationError({"name": f"“{unit.name}”已有名为“{team.name}”的领导班子"})
    _clean(team)
    team.save()
    return team


@transaction.atomic
def update_team(user, team: LeadershipTeam, **fields) -> LeadershipTeam:
    _require(user, "manage", team.org_path, f"您无权修改“{team.name}”")
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    for k, v in fields.items():
        setattr(team, k, v)
    _clean(team)
    team.save()
    return team


@transaction.atomic
def add_post(user, team: LeadershipTeam, *, title: str, quota: int = 1, rank: str = "", order: int | None = None,
             vacant_since: dt.date | None = None) -> TeamPost:
    """Add a post with its quota; it is vacant from `vacant_since` (default today) until a holder is linked."""
    _require(user, "manage", team.org_path, f"您无权修改“{team.name}”的职位设置")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写职务名称"})
    with scope.bypass():
        if TeamPost.objects.unrestricted().filter(team=team, title=title).exists():
            raise ValidationError({"title": f"“{team.name}”已有职位“{title}”"})
        if order is None:
            order = TeamPost.objects.unrestricted().filter(team=team).count() + 1
    post = TeamPost(team=team, org_path=team.org_path, title=title, quota=quota, rank=rank, order=order,
                    vacant_since=vacant_since or timezone.localdate())
    _clean(post)
    if post.quota < 1:
        raise ValidationError({"quota": "职数应至少为 1"})
    post.save()
    return post


@transaction.atomic
def update_post(user, post: TeamPost, **fields) -> TeamPost:
    """Change a post's title, rank, quota (职数), order or recorded vacancy start."""
    _require(user, "manage", post.org_path, f"您无权修改“{post.team.name}”的职位设置")
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    for k, v in fields.items():
        setattr(post, k, v)
    if post.quota is None or post.quota < 1:
        raise ValidationError({"quota": "职数应至少为 1"})
    _clean(post, exclude=("org_path", "team"))
    post.save()
    return post


def holders(team_post: TeamPost, as_of: dt.date | None = None) -> int:
    as_of = as_of or timezone.localdate()
    return queries.seats(as_of).filter(team_post=team_post).count()


def _check_free(team_post: TeamPost, cadre: Cadre, start_on: dt.date) -> None:
    with scope.bypass():
        held = queries.seats(start_on).filter(team_post=team_post)
        if held.filter(cadre=cadre).exists():
            raise ValidationError(f"{cadre.name}已任“{team_post.title}”")
        n = held.count()
    if n >= team_post.quota:
        raise ValidationError(f"“{team_post.title}”职数 {team_post.quota} 名，{start_on:%Y-%m-%d} 已有 {n} 人任职，"
                              "没有空缺；请先免去现任职务或调整职数")


@transaction.atomic
def assign(user, team_post: TeamPost, cadre: Cadre, *, start_on: dt.date, document_no: str = "",
           appointment_method: str = CadrePost.Method.APPOINTED, replaces: CadrePost | None = None,
           end_current: bool = False, exception_reason: str = "") -> TeamMember:
    """Appoint a cadre to a team post (任职): a new CadrePost through cadres.services.appoint, linked to the post.

    Refused when the post has no vacancy on `start_on`, and (as a rule violation, which an authorized user may
    except with a reason) when it would be the cadre's third consecutive appointment to the same post."""
    team = team_post.team
    _require(user, "change", team.org_path, f"您无权调整“{team.name}”的班子成员")
    if not scope.can(user, "view", cadre.org_path):
        raise PermissionDenied("所选干部不在您的管辖范围内")
    if start_on is None:
        raise ValidationError({"start_on": "请填写任职时间"})
    _check_free(team_post, cadre, start_on)
    post = cadre_services.appoint(
        cadre, user=user, title=team_post.title, start_on=start_on, unit=team.unit, rank=team_post.rank,
        appointment_method=appointment_method, document_no=document_no, replaces=replaces, end_current=end_current,
    )
    with scope.bypass():
        member = TeamMember(team_post=team_post, post=post)
        member.save()
        rules.enforce(ASSIGN_RULES, member, user=user, as_of=start_on, exception_reason=exception_reason)
    return member


@transaction.atomic
def link(user, team_post: TeamPost, post: CadrePost) -> TeamMember:
    """Link an existing post record of a cadre (appointed elsewhere, or imported) to a team post."""
    team = team_post.team
    _require(user, "change", team.org_path, f"您无权调整“{team.name}”的班子成员")
    if not scope.can(user, "view", post.org_path):
        raise PermissionDenied("所选任职记录不在您的管辖范围内")
    with scope.bypass():
        if TeamMember.objects.unrestricted().filter(post=post).exists():
            raise ValidationError("该任职记录已关联到班子职位")
        if post.end_on is None:
            _check_free(team_post, post.cadre, post.start_on)
        member = TeamMember(team_post=team_post, post=post)
        member.save()
    return member


@transaction.atomic
def release(user, member: TeamMember, *, end_on: dt.date, document_no: str = "") -> TeamMember:
    """Remove the holder from the post (免职) through cadres.services.end_post; the post is vacant from then."""
    _require(user, "change", member.org_path, f"您无权调整“{member.team.name}”的班子成员")
    cadre_services.end_post(member.post, end_on, user, document_no=document_no)
    return member


def create_standard(user, row):
    """Set a new composition or vacancy standard for an organization's subtree (one of each kind and level per
    organization: its code says which). Local-rule codes are unique nationwide, so the check reads every row,
    whoever asks (it answers yes or no, never the row). Audited as created by the model."""
    from zugong.core.models import LocalRule

    from . import standards

    suffix = f"level{row.params['level']}" if row.template == standards.COMPOSITION else "vacancy"
    row.code = f"teams.local.{row.organization.code}.{suffix}"
    if LocalRule.objects.unrestricted().filter(code=row.code).exists():
        raise ValidationError(f"“{row.organization.name}”已设定该项要求，请在列表中修改")
    row.save()
    return row
