"""Operations of routine (平时) and annual (年度) assessment: rounds, proposals, pools, the confirming step, exceptions
and quota approvals. Each is authorized, transactional and audited.

The confirming step is a service, not casework: a round confirms thousands of proposals at once, judged set-based
(`annual_check.judge`), while `core.casework` writes one case's dated step at a time. A proposal is proposed by
the unit (change on the unit), confirmed by the assessing organization (manage on the round's organization).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone

from zugong.core import audit, scope

from . import annual_check, quotas
from .models import (
    AnnualGrade,
    AnnualProposal,
    AnnualRound,
    Pool,
    PoolMember,
    QuotaApproval,
    QuotaRule,
    QuotaSnapshot,
    RoutineGrade,
    RoutineGradeValue,
    RoutineRound,
)
from .models.individual import percent

CHUNK = 2000
ROUTINE_LABELS = dict(RoutineGradeValue.choices)


def _require(user, path: str, action: str, message: str) -> None:
    if user is not None and not scope.can(user, action, path):
        raise PermissionDenied(message)


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------- pools


def leaders_among(person_ids: Iterable[int]) -> set[int]:
    """The people who hold a leadership post now (a current post of a 领导职务 rank on their cadre record)."""
    from zugong.cadres.models import CadrePost
    from zugong.cadres.ranks import POST_RANKS

    ids = list(person_ids)
    out: set[int] = set()
    for part in _chunks(ids):
        out.update(CadrePost.objects.unrestricted().filter(
            end_on__isnull=True, rank__in=POST_RANKS, cadre__person_id__in=part).values_list("cadre__person_id",
                                                                                           flat=True))
    return out


def resolve_pools(assessor, people: list[tuple[int, object]]) -> dict[int, Pool]:
    """The pool of each (person id, unit) for an assessing organization: the active pool of that organization the
    person was placed in by hand, else the default pool of the unit (leaders and non-leaders apart), created when
    missing."""
    ids = [p for p, _u in people]
    explicit: dict[int, Pool] = {}
    for part in _chunks(ids):
        for m in PoolMember.objects.unrestricted().filter(
                person_id__in=part, pool__organization=assessor, pool__active=True).select_related("pool"):
            explicit[m.person_id] = m.pool
    leaders = leaders_among(p for p, _u in people if p not in explicit)
    defaults = {(p.unit_id, p.leaders): p for p in Pool.objects.unrestricted().filter(
        organization=assessor, is_default=True)}
    out = {}
    for person_id, unit in people:
        if person_id in explicit:
            out[person_id] = explicit[person_id]
            continue
        key = (unit.pk, person_id in leaders)
        pool = defaults.get(key)
        if pool is None:
            pool = Pool(organization=assessor, unit=unit, leaders=key[1], is_default=True,
                        name=f"{unit.name}·{'领导干部' if key[1] else '其他人员'}", kind=Pool.Kind.DEPARTMENT)
            pool.save()
            defaults[key] = pool
        out[person_id] = pool
    return out


@transaction.atomic
def place_in_pool(user, pool: Pool, person) -> PoolMember:
    _require(user, pool.org_path, "manage", "只有考核机关的管理员可以调整考核组")
    PoolMember.objects.unrestricted().filter(person=person, pool__organization_id=pool.organization_id).exclude(
        pool=pool).delete()
    member, _ = PoolMember.objects.unrestricted().get_or_create(pool=pool, person=person,
                                                                defaults={"org_path": pool.org_path})
    return member


# ---------------------------------------------------------------- quota approvals


@transaction.atomic
def record_approval(user, pool: Pool, year: int, share, *, approved_by: str, document_no: str, approved_on,
                    kind: str = QuotaRule.Kind.ANNUAL) -> QuotaApproval:
    """The approval that raises a pool's share for a year; refused above the rule's ceiling."""
    _require(user, pool.org_path, "manage", "只有考核机关的管理员可以登记批准提高比例的记录")
    grade = AnnualGrade.EXCELLENT if kind == QuotaRule.Kind.ANNUAL else RoutineGradeValue.GOOD
    rule = quotas.rule_for(quotas.rules_for(kind, grade), pool.org_path, pool.kind)
    share = Decimal(str(share))
    if rule is None or not rule.ceiling_share:
        raise ValidationError({"share": "该考核组适用的比例设定不允许经批准提高比例"})
    if share > rule.ceiling_share or share <= 0:
        raise ValidationError({"share": f"批准比例 {percent(share)} 应大于 0 且不超过可提高到的上限 "
                                        f"{percent(rule.ceiling_share)}（{rule.title}）"})
    if not (approved_by.strip() and document_no.strip()):
        raise ValidationError({"document_no": "请填写批准机关和批准文号"})
    approval = QuotaApproval.objects.unrestricted().filter(pool=pool, kind=kind, year=year).first() or QuotaApproval(
        pool=pool, kind=kind, year=year)
    approval.share, approval.approved_by, approval.document_no = share, approved_by.strip(), document_no.strip()
    approval.approved_on, approval.recorded_by = approved_on, user
    approval.full_clean(exclude=["org_path", "pool", "recorded_by"])
    approval.save()
    return approval


# ---------------------------------------------------------------- annual rounds and proposals


def annual_round_for(user, unit, year: int) -> AnnualRound:
    """The round a unit's proposals of `year` belong to: the nearest round of the unit or an organization above it;
    without one, a new round of the organization the user manages that holds the unit."""
    above = ["", *(unit.path[:i] for i in range(scope.STEPLEN, len(unit.path) + 1, scope.STEPLEN))]
    found = (AnnualRound.objects.unrestricted().filter(year=year, org_path__in=above)
             .order_by("-org_path").select_related("organization").first())
    if found is not None:
        return found
    from zugong.orgs.models import Organization

    paths = [p for p in scope.scope_paths(user, "manage") if unit.path.startswith(p)] if user else [unit.path]
    if not paths:
        raise PermissionDenied(f"您无权组织“{unit.name}”的年度考核")
    org = Organization.objects.get(path=max(paths, key=len))
    return open_annual_round(user, org, year)


@transaction.atomic
def open_annual_round(user, organization, year: int) -> AnnualRound:
    _require(user, organization.path, "manage", f"您无权组织“{organization.name}”的年度考核")
    existing = AnnualRound.objects.unrestricted().filter(organization=organization, year=year).first()
    if existing:
        return existing
    rnd = AnnualRound(organization=organization, year=year)
    rnd.save()
    return rnd


def taken_elsewhere(person_ids: list[int], year: int, round_id: int | None = None) -> dict[int, str]:
    """People who already have a proposal of `year` in another round: person id → that round's organization."""
    out = {}
    for part in _chunks(person_ids):
        qs = AnnualProposal.objects.unrestricted().filter(person_id__in=part, year=year)
        if round_id:
            qs = qs.exclude(round_id=round_id)
        out.update(dict(qs.values_list("person_id", "round__organization__name")))
    return out


@transaction.atomic
def propose_annual(user, rnd: AnnualRound, entries: list[dict], note: str = "") -> list[AnnualProposal]:
    """Create or change proposals: each entry {person, unit, category, proposed}. A changed proposal goes back to
    待确认 (a confirmed one may not be changed here)."""
    for e in entries:
        _require(user, e["unit"].path, "change", f"您无权为“{e['unit'].name}”拟定考核等次")
        if not e["unit"].path.startswith(rnd.org_path):
            raise ValidationError({"unit": f"“{e['unit'].name}”不在{rnd.organization.name}的考核范围内"})
    pools = resolve_pools(rnd.organization, [(e["person"].pk, e["unit"]) for e in entries])
    existing = {p.person_id: p for p in AnnualProposal.objects.unrestricted().filter(
        round=rnd, person_id__in=[e["person"].pk for e in entries])}
    clash = taken_elsewhere([e["person"].pk for e in entries], rnd.year, rnd.pk)
    out, new = [], []
    with audit.operation(rnd, "update", note=note) as op:
        for e in entries:
            person = e["person"]
            if person.pk in clash:
                raise ValidationError({"person": f"{person.name}已在“{clash[person.pk]}”参加{rnd.year}年度考核"})
            row = existing.get(person.pk)
            if row is not None and row.status == AnnualProposal.Status.CONFIRMED:
                raise ValidationError({"proposed": f"{person.name}的{rnd.year}年度考核等次已确认，不能再修改拟定等次"})
            values = {"organization": e["unit"], "org_path": e["unit"].path, "pool": pools[person.pk],
                      "category": e["category"], "proposed": e["proposed"]}
            if row is None:
                new.append(AnnualProposal(round=rnd, person=person, year=rnd.year, **values))
                continue
            for k, v in values.items():
                setattr(row, k, v)
            row.status, row.grade, row.reasons = AnnualProposal.Status.PROPOSED, "", []
            row.save()
            out.append(row)
        if new:
            created = AnnualProposal.objects.bulk_create(new, batch_size=CHUNK)
            op.created(created)
            out.extend(created)
        op.fact("拟定等次", f"{len(entries)} 人")
    return out


@transaction.atomic
def record_exception(user, proposal: AnnualProposal, reason: str) -> AnnualProposal:
    """例外办理: an authorized administrator sets aside the refusal of one proposal with a reason (audited, shown on
    the result). The proposal is confirmed at the next confirming step."""
    rnd = proposal.round
    if not scope.can(user, "admin", rnd.org_path):
        raise PermissionDenied("只有考核机关的组织部门管理员可以作为例外办理")
    if not reason.strip():
        raise ValidationError({"exception_reason": "请填写例外办理的理由"})
    if proposal.status == AnnualProposal.Status.CONFIRMED:
        raise ValidationError({"exception_reason": "该等次已确认，无需例外办理"})
    with audit.operation(proposal, "exception", note=reason.strip()) as op:
        proposal.exception_reason = reason.strip()
        proposal.exception_by, proposal.exception_at = user, timezone.now()
        proposal.save()
        op.fact("例外办理", "；".join(r["text"] for r in proposal.reasons) or "拟定等次")
    return proposal


@transaction.atomic
def confirm_annual(user, rnd: AnnualRound, proposals=None, *, cadre_records: bool = True) -> dict[str, int]:
    """The confirming step: check the round's open proposals (or the given queryset of them) against the bars, the
    prerequisite and the quotas, set-based; confirm those that pass, refuse the others with the reasons, hold those
    under investigation. Confirmed grades flow into the cadre records. Returns the counts."""
    _require(user, rnd.org_path, "manage", f"只有{rnd.organization.name}的管理员可以确认年度考核等次")
    open_statuses = [AnnualProposal.Status.PROPOSED, AnnualProposal.Status.REFUSED, AnnualProposal.Status.PENDING]
    qs = (proposals if proposals is not None else AnnualProposal.objects.unrestricted()).filter(
        round=rnd, status__in=open_statuses)
    verdicts, pool_quota = annual_check.judge(qs)
    now = timezone.now()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for v in verdicts:
        groups[(v.status, v.grade, v.probation, json.dumps(v.reasons, ensure_ascii=False, sort_keys=True))].append(
            v.pk)
    counts = {s: 0 for s in AnnualProposal.Status.values}
    with audit.operation(rnd, "确认年度考核等次") as op:
        for (status, grade, probation, reasons), pks in groups.items():
            confirmed = status == AnnualProposal.Status.CONFIRMED
            values = {"status": status, "grade": grade, "reasons": json.loads(reasons), "checked_at": now,
                      "probation": probation,
                      "confirmed_by": user if confirmed else None, "confirmed_at": now if confirmed else None}
            for part in _chunks(pks):
                AnnualProposal.objects.unrestricted().filter(pk__in=part).update(**values)
            counts[status] += len(pks)
        _snapshots(pool_quota, annual_round=rnd)
        labels = dict(AnnualProposal.Status.choices)
        for status, n in counts.items():
            if n:
                op.fact(labels[status], f"{n} 人", field=status)
        waived = sum(1 for v in verdicts if v.waived)
        if waived:
            op.fact("例外办理", f"{waived} 人")
        if cadre_records:
            counts["cadres"] = flow_into_cadres(rnd, now)
    return counts


def _snapshots(pool_quota: dict, *, annual_round=None, routine_round=None) -> None:
    """Keep each pool's quota as checked (shown on every result)."""
    if not pool_quota:
        return
    key = {"annual_round": annual_round} if annual_round else {"routine_round": routine_round}
    pools = [pool for (_r, pool) in pool_quota] if annual_round else list(pool_quota)
    for part in _chunks(pools):
        QuotaSnapshot.objects.unrestricted().filter(pool_id__in=part, **key).delete()
    paths = {}
    for part in _chunks(pools):
        paths.update(Pool.objects.unrestricted().filter(pk__in=part).values_list("pk", "org_path"))
    rows = [QuotaSnapshot(pool_id=q.pool_id, org_path=paths.get(q.pool_id, ""), rule=q.rule, approval=q.approval,
                          n=q.n, share=q.share, rounding=q.rounding, minimum=q.minimum, allowed=q.allowed, **key)
            for q in pool_quota.values()]
    QuotaSnapshot.objects.bulk_create(rows, batch_size=CHUNK)


def flow_into_cadres(rnd: AnnualRound, since) -> int:
    """The grades confirmed at `since` of people with a cadre record → their 年度考核 (cadres.services)."""
    from zugong.cadres import services as cadre_services
    from zugong.cadres.models import Cadre

    confirmed = AnnualProposal.objects.unrestricted().filter(round=rnd, status=AnnualProposal.Status.CONFIRMED,
                                                             confirmed_at=since)
    with_record = Cadre.objects.unrestricted().filter(person_id__in=Subquery(confirmed.values("person_id")))
    rows = confirmed.filter(person_id__in=Subquery(with_record.values("person_id"))).values_list(
        "person_id", "year", "grade", "exception_reason")
    return cadre_services.record_annual_grades(
        (p, y, g, "例外办理" if exc else "") for p, y, g, exc in rows)


# ---------------------------------------------------------------- routine rounds


@transaction.atomic
def open_routine_round(user, organization, year: int, period: int) -> RoutineRound:
    _require(user, organization.path, "manage", f"您无权组织“{organization.name}”的平时考核")
    policy = quotas.policy_for(organization.path)
    periods = policy.routine_periods if policy else 4
    if not 1 <= period <= periods:
        raise ValidationError({"period": f"期次应在 1 至 {periods} 之间"})
    rnd, _ = RoutineRound.objects.unrestricted().get_or_create(
        organization=organization, year=year, period=period, defaults={"periods": periods,
                                                                        "org_path": organization.path})
    return rnd


@transaction.atomic
def propose_routine(user, rnd: RoutineRound, unit, grades: dict) -> int:
    """The unit's proposals for a period: {person: grade value}; a changed proposal goes back to 待确认."""
    _require(user, unit.path, "change", f"您无权为“{unit.name}”拟定平时考核等次")
    if rnd.closed:
        raise ValidationError(f"{rnd}已结束")
    people = list(grades)
    pools = resolve_pools(rnd.organization, [(p.pk, unit) for p in people])
    existing = {g.person_id: g for g in RoutineGrade.objects.unrestricted().filter(round=rnd, person__in=people)}
    new = []
    with audit.operation(rnd, "update") as op:
        for person in people:
            value = grades[person]
            if value not in ROUTINE_LABELS:
                raise ValidationError({"grade": f"{person.name}：等次应为 好、较好、一般 或 较差"})
            row = existing.get(person.pk)
            if row is None:
                new.append(RoutineGrade(round=rnd, person=person, organization=unit, org_path=unit.path,
                                        pool=pools[person.pk], year=rnd.year, period=rnd.period, proposed=value))
            elif row.proposed != value and row.status != AnnualProposal.Status.CONFIRMED:
                row.proposed, row.status, row.grade, row.reasons = value, AnnualProposal.Status.PROPOSED, "", []
                row.save()
        if new:
            op.created(RoutineGrade.objects.bulk_create(new))
    return len(people)


def routine_quotas(rnd: RoutineRound) -> dict[int, tuple[quotas.Quota | None, int, int]]:
    """pool id → (quota of 好, n, 好 proposed or confirmed) for a routine round: one GROUP BY."""
    qs = RoutineGrade.objects.unrestricted().filter(round=rnd)
    counts = quotas.counts_per_pool(qs, "proposed", RoutineGradeValue.GOOD)
    found = quotas.quotas(QuotaRule.Kind.ROUTINE, RoutineGradeValue.GOOD, rnd.year,
                          {pool: n for pool, (n, _hits) in counts.items()})
    return {pool: (found.get(pool), n, hits) for pool, (n, hits) in counts.items()}


@transaction.atomic
def confirm_routine(user, rnd: RoutineRound) -> dict[str, int]:
    """Confirm a period's proposals: a pool whose 好 exceed its quota has its 好 refused with the reason; the rest
    are confirmed."""
    _require(user, rnd.org_path, "manage", f"只有{rnd.organization.name}的管理员可以确认平时考核等次")
    per_pool = routine_quotas(rnd)
    now = timezone.now()
    open_rows = RoutineGrade.objects.unrestricted().filter(round=rnd).exclude(status=AnnualProposal.Status.CONFIRMED)
    over = {pool: (q, hits) for pool, (q, n, hits) in per_pool.items() if q is not None and hits > q.allowed}
    counts = {"confirmed": 0, "refused": 0}
    with audit.operation(rnd, "确认平时考核等次") as op:
        for pool, (q, hits) in over.items():
            text = quotas.refusal(q, "好", hits)
            counts["refused"] += open_rows.filter(pool_id=pool, proposed=RoutineGradeValue.GOOD).update(
                status=AnnualProposal.Status.REFUSED, grade="",
                reasons=[annual_check.reason("quota", text, q.citation)])
        refused = Q(pool_id__in=list(over), proposed=RoutineGradeValue.GOOD)
        counts["confirmed"] = open_rows.exclude(refused).update(
            status=AnnualProposal.Status.CONFIRMED, grade=F("proposed"), reasons=[], confirmed_by=user,
            confirmed_at=now)
        _snapshots({pool: q for pool, (q, _n, _h) in per_pool.items() if q is not None}, routine_round=rnd)
        op.fact("已确认", f"{counts['confirmed']} 人")
        if counts["refused"]:
            op.fact("未通过", f"{counts['refused']} 人")
    return counts


# ---------------------------------------------------------------- pools set up by hand


@transaction.atomic
def create_pool(user, organization, *, name: str, kind: str, leaders: bool = False, category: str = "") -> Pool:
    """A pool an assessing organization sets up by hand (small departments merged, the people of one leader in
    charge, a category); its people are placed with `place_people`."""
    _require(user, organization.path, "manage", "只有考核机关的管理员可以设立考核组")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写考核组名称"})
    if Pool.objects.unrestricted().filter(organization=organization, name=name, active=True).exists():
        raise ValidationError({"name": f"{organization.name}已有名为“{name}”的考核组"})
    pool = Pool(organization=organization, name=name, kind=kind, leaders=leaders, category=category)
    pool.save()
    return pool


@transaction.atomic
def place_people(user, pool: Pool, people) -> int:
    """Place people in a pool (each leaves the other pool of the same assessing organization it was in)."""
    count = 0
    for person in people:
        place_in_pool(user, pool, person)
        count += 1
    return count


@transaction.atomic
def remove_from_pool(user, pool: Pool, person_id: int) -> None:
    """The person goes back to the default pool of their department."""
    _require(user, pool.org_path, "manage", "只有考核机关的管理员可以调整考核组")
    for member in PoolMember.objects.unrestricted().filter(pool=pool, person_id=person_id):
        member.delete()
