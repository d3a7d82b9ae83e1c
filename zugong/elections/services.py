"""Election operations: record an election, approve its secretary and deputy (which starts the new term),
record an approved postponement or advance. Authorized, transactional, audited; the validity rules refuse an
invalid election with the article unless an authorized user records an exception with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, rules, scope
from zugong.orgs import services as org_services
from zugong.orgs.models import Organization

from .models import Election, ElectionCandidate, TermAdjustment
from .rules import VALIDITY_RULES, majority


@dataclass
class CandidateVotes:
    name: str
    yes_votes: int
    person: object = None


def _require(user, action: str, path: str, what: str) -> None:
    if not scope.can(user, action, path):
        raise PermissionDenied(what)


def higher_path(org: Organization) -> str:
    """The path of the organization that approves (the parent; the root approves itself)."""
    return org.path[:-Organization.steplen] if org.depth > 1 else org.path


def decide_elected(candidates: list[CandidateVotes], seats: int, expected_voters: int) -> list[bool]:
    """Who is elected: yes votes more than half of the expected voters, the most votes first, up to the seats.
    A tie at the last seat cannot be decided by the count (another ballot is needed)."""
    qualified = sorted((c.yes_votes for c in candidates if majority(expected_voters, c.yes_votes)), reverse=True)
    if len(qualified) > seats and qualified[seats - 1] == qualified[seats]:
        raise ValidationError({"candidate_lines": f"得票超过半数的候选人在第 {seats} 名处票数相同"
                                                  f"（{qualified[seats]} 票），应对票数相同的候选人再次投票"})
    cut = qualified[seats - 1] if len(qualified) >= seats else (qualified[-1] if qualified else None)
    elected, taken = [], 0
    for c in candidates:
        ok = cut is not None and majority(expected_voters, c.yes_votes) and c.yes_votes >= cut and taken < seats
        taken += ok
        elected.append(ok)
    return elected


@transaction.atomic
def record_election(user, organization: Organization, *, held_on: dt.date, seats: int, expected_voters: int,
                    voters_present: int, candidates: list[CandidateVotes], kind: str = Election.Kind.TERM,
                    secretary_name: str = "", deputy_secretary_name: str = "", note: str = "",
                    exception_reason: str = "") -> Election:
    """Record an election with its count; refused (rolled back) when it breaks a validity rule."""
    _require(user, "change", organization.path, f"您无权记录“{organization.name}”的选举")
    if not organization.is_active:
        raise ValidationError(f"“{organization.name}”已撤销，不能记录选举")
    if organization.kind == Organization.Kind.PARTY_GROUP:
        raise ValidationError("党小组不选举委员会，不能记录换届选举")
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "选举日期不能晚于今天"
    if seats < 1:
        errors["seats"] = "应选人数至少为 1"
    if voters_present > expected_voters:
        errors["voters_present"] = f"实到会人数（{voters_present}）不能多于应到会人数（{expected_voters}）"
    if not candidates:
        errors["candidate_lines"] = "请逐行填写候选人姓名和赞成票数"
    elif len(candidates) < seats:
        errors["candidate_lines"] = f"候选人 {len(candidates)} 人，少于应选人数 {seats} 人"
    else:
        over = [c.name for c in candidates if c.yes_votes > voters_present]
        if over:
            errors["candidate_lines"] = f"{'、'.join(over)}的赞成票多于实到会人数（{voters_present}）"
    if errors:
        raise ValidationError(errors)
    elected = decide_elected(candidates, seats, expected_voters)
    election = Election.objects.create(
        organization=organization, org_path=organization.path, kind=kind, held_on=held_on, seats=seats,
        candidates=len(candidates), expected_voters=expected_voters, voters_present=voters_present,
        secretary_name=secretary_name, deputy_secretary_name=deputy_secretary_name, note=note,
    )
    for i, (c, ok) in enumerate(zip(candidates, elected, strict=True), start=1):
        ElectionCandidate.objects.create(election=election, org_path=organization.path, person=c.person,
                                         name=c.name, yes_votes=c.yes_votes, elected=ok, order=i)
    rules.enforce(VALIDITY_RULES, election, user=user, as_of=held_on, exception_reason=exception_reason)
    election.valid = True
    election.exception_reason = exception_reason.strip()
    election.save(update_fields=["valid", "exception_reason", "updated_at"])
    return election


@transaction.atomic
def approve(user, election: Election, *, approved_on: dt.date, approval_document: str = "",
            secretary_name: str = "", deputy_secretary_name: str = "") -> Election:
    """The higher organization approves the secretary and deputy secretary; a term election then starts the
    organization's new term from the election day (audited on the organization)."""
    org = Organization.objects.unrestricted().select_for_update().get(pk=election.organization_id)
    _require(user, "manage", higher_path(org), "只有上级党组织（组织部门或上级党组织管理员）可以批准选举结果")
    if election.approved_by_higher:
        raise ValidationError("该选举结果已经批准")
    if not election.valid:
        raise ValidationError("选举无效，不能批准")
    if approved_on < election.held_on:
        raise ValidationError({"approved_on": "批准日期不能早于选举日期"})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "批准日期不能晚于今天"})
    elected = set(election.elected_names())
    for field, name in (("secretary_name", secretary_name), ("deputy_secretary_name", deputy_secretary_name)):
        if name and name not in elected:
            raise ValidationError({field: f"{name}不在当选的委员中"})
    if not secretary_name and not election.secretary_name:
        raise ValidationError({"secretary_name": "请填写书记姓名"})
    election.approved_by_higher, election.approved_on = True, approved_on
    election.approval_document = approval_document
    election.secretary_name = secretary_name or election.secretary_name
    election.deputy_secretary_name = deputy_secretary_name or election.deputy_secretary_name
    newer = org.term_started_on is None or election.held_on > org.term_started_on
    if election.kind == Election.Kind.TERM and newer:
        with scope.bypass():
            org_services.update(user, org, term_started_on=election.held_on)
        election.term_started = True
    election.save()
    if election.kind == Election.Kind.BY_ELECTION or newer:
        _seat_committee(user, org, election)
    return election


def _seat_committee(user, org: Organization, election: Election) -> None:
    """The elected take their posts from the election day (PostSpan, through members.services.set_committee):
    书记 and 副书记 as approved, the others keep the 委员 post they held (组织、宣传、纪检委员) or become 委员.
    A term election replaces the committee; a by-election adds to it. Done only when every elected candidate
    is a member of the organization (matched by person, else by a name unique in the branch); otherwise the
    posts are kept by hand on the members' pages."""
    from zugong.members import services as member_services
    from zugong.members.models import Membership

    members = list(Membership.objects.unrestricted().active().filter(organization=org).select_related("person"))
    by_person = {m.person_id: m for m in members}
    names: dict[str, list] = {}
    for m in members:
        names.setdefault(m.person.name, []).append(m)
    P = Membership.CommitteePost
    posts = {}
    for c in election.candidate_list():
        if not c.elected:
            continue
        m = by_person.get(c.person_id) if c.person_id else None
        if m is None and len(names.get(c.name, ())) == 1:
            m = names[c.name][0]
        if m is None:
            return
        if c.name == election.secretary_name:
            posts[m.pk] = P.SECRETARY
        elif c.name == election.deputy_secretary_name:
            posts[m.pk] = P.DEPUTY_SECRETARY
        elif m.committee_post in (P.ORGANIZATION, P.PROPAGANDA, P.DISCIPLINE):
            posts[m.pk] = m.committee_post
        else:
            posts[m.pk] = P.MEMBER
    if posts and election.kind == Election.Kind.BY_ELECTION:
        # a 补选 of the secretary (or deputy): the one holding that post until then stays a 委员
        filled = {p for p in posts.values() if p in (P.SECRETARY, P.DEPUTY_SECRETARY)}
        for m in members:
            if m.committee_post in filled and m.pk not in posts:
                posts[m.pk] = P.MEMBER
    if posts:
        with scope.bypass():
            member_services.set_committee(user, org, election.held_on, posts, election=election,
                                         replace=election.kind == Election.Kind.TERM)


@transaction.atomic
def adjust_term(user, organization: Organization, *, kind: str, months: int, approved_by: str,
                approved_on: dt.date, reason: str, document_no: str = "", exception_reason: str = "") -> TermAdjustment:
    """Record the higher organization's approval to postpone or advance the election (≤ 1 year)."""
    _require(user, "manage", higher_path(organization), "只有上级党组织可以批准延期或提前换届")
    if organization.term_ends_on is None:
        raise ValidationError(f"“{organization.name}”没有记录本届任期，不能调整换届时间")
    if not reason.strip():
        raise ValidationError({"reason": "请填写延期或提前换届的理由"})
    with audit.operation(organization, "update") as op:
        adjustment = TermAdjustment.objects.create(
            organization=organization, org_path=organization.path, kind=kind, term_ends_on=organization.term_ends_on,
            months=months, approved_by=approved_by, approved_on=approved_on, document_no=document_no, reason=reason,
        )
        rules.enforce(["elections.adjustment_limit"], adjustment, user=user, exception_reason=exception_reason)
        document = f"（{document_no}）" if document_no else ""
        op.note = f"{adjustment.get_kind_display()} {months} 个月，{approved_by}批准{document}"
        op.fact("换届期限", adjustment.due_on, old=adjustment.term_ends_on, field="election_due")
    return adjustment
