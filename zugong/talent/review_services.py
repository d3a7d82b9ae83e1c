"""Expert review's operations: the expert pool, rounds, conflict detection (`conflicts.py`), assignment
(`assignment.py`), scores, closing and publishing a round (which records the 专家评审 step of each application
through `applications_services.record_review`).

Who may run a round: the managers (党组织管理员 and above) of the organization that issued the programme. A
reviewer acts only on their own assignments (an Expert whose `user` is them).

Scores: a reviewer's total is the weighted score on a hundred-point scale, Σ(得分÷满分×权重)÷Σ权重×100. An
application's score is the mean of its reviewers' totals after dropping the edition's `trim_high` highest and
`trim_low` lowest — only when at least two totals remain after dropping (otherwise the plain mean of all).
Ranks are within the tier (equal scores share a rank). Results stay pending (待发布) until published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from zugong.core import audit, scope
from zugong.core.casework.services import StepRecord

from . import applications_services
from .assignment import Assigned, assign
from .conflicts import ConflictFound, detect, round_applications
from .models import Application, Assignment, Conflict, ConflictKind, Criterion, Expert, ReviewRound, Score

S = ReviewRound.Status
CENT = Decimal("0.01")
TRIM_RULE = "去掉最高分、最低分（个数按批次设置）后取平均；去掉后不足两个分数的，取全部分数的平均"


def require_manager(user, rnd: ReviewRound) -> None:
    if not scope.can(user, "manage", rnd.issuing_path()):
        raise PermissionDenied("只有人才项目主办单位的管理员可以组织专家评审")


def _require_status(rnd: ReviewRound, *allowed: str, doing: str) -> None:
    if rnd.status not in allowed:
        names = "、".join(str(S(s).label) for s in allowed)
        raise ValidationError(f"评审轮次“{rnd.name}”当前为“{rnd.get_status_display()}”，只有“{names}”时可以{doing}")


def round_experts(user, rnd: ReviewRound):
    """The experts a round may use: the active experts of the pools the manager sees."""
    return list(Expert.objects.visible_to(user).filter(active=True).order_by("pk")
                .only("id", "org_path", "person_id", "user_id", "name", "unit_id", "unit_name", "field"))


# ---------------------------------------------------------------- conflicts


def detect_conflicts(user, rnd: ReviewRound) -> list[ConflictFound]:
    """Find the conflicts between the round's applications and the experts, and store them: new ones are
    added, detected ones that no longer hold are removed (declared ones are kept). One audited operation."""
    require_manager(user, rnd)
    return _store_conflicts(rnd, round_experts(user, rnd))


def _store_conflicts(rnd, experts, applications=None) -> list[ConflictFound]:
    applications = list(round_applications(rnd)) if applications is None else applications
    found = detect(applications, experts)
    today = timezone.localdate()
    app_ids = [a.pk for a in applications]
    existing = {(c.expert_id, c.application_id, c.kind): c for c in
                Conflict.objects.unrestricted().filter(application_id__in=app_ids, declared=False)}
    wanted = {(f.expert_id, f.application_id, f.kind): f for f in found if not f.declared}
    with audit.operation(rnd, "conflicts", note="回避关系排查") as op:
        stale = [c.pk for key, c in existing.items() if key not in wanted]
        if stale:
            Conflict.objects.unrestricted().filter(pk__in=stale).delete()
        new = [Conflict(expert_id=f.expert_id, application_id=f.application_id, kind=f.kind, evidence=f.evidence,
                        declared=False, found_on=today) for key, f in wanted.items() if key not in existing]
        Conflict.objects.bulk_create(new, batch_size=2000)
        op.fact("回避关系排查", "、".join(f"{ConflictKind(k).label}{n}条" for k, n in _by_kind(found).items()) or "无")
        op.fact("回避关系", f"{len(found)}条（新增{len(new)}条，撤销{len(stale)}条）")
    return found


def _by_kind(found) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in found:
        out[f.kind] = out.get(f.kind, 0) + 1
    return out


# ---------------------------------------------------------------- assignment


def _labelled(applications):
    for a in applications:
        a.label = f"{getattr(a, 'person_name', None) or a.person.name}（{a.tier.name}）"
    return applications


def assign_round(user, rnd: ReviewRound) -> Assigned:
    """Detect the conflicts, then give each application of the round its reviewers (balanced, never a
    conflicted one) and write the assignments. Only a round in preparation (准备中). Returns the pairs and
    the applications left short (`Assigned.short`, Chinese messages)."""
    require_manager(user, rnd)
    _require_status(rnd, S.DRAFT, doing="分配评审专家")
    experts = round_experts(user, rnd)
    if not experts:
        raise ValidationError("专家库中没有在库的专家，请先添加专家")
    with audit.operation(rnd, "assign", note="分配评审专家") as op:
        applications = _labelled(list(round_applications(rnd)))
        found = _store_conflicts(rnd, experts, applications)
        if not applications:
            raise ValidationError("本轮次没有资格审查通过的申报，无需分配")
        pairs = assign(applications, experts, {(f.expert_id, f.application_id) for f in found},
                       rnd.reviewers_per_application)
        write_assignments(rnd, pairs, timezone.localdate())
        rnd.status = S.ASSIGNED
        rnd.save()
        op.fact("分配", f"{len(applications)}份申报，{len(pairs)}人次")
        if pairs.short:
            op.fact("未分配满", f"{len(pairs.short)}份")
    return pairs


def write_assignments(rnd, pairs, on) -> int:
    """The assignments of a round in bulk (COPY on PostgreSQL): audited once by the caller's operation."""
    from zugong.core.bulk import insert_rows

    return insert_rows(Assignment._meta.db_table, ("round_id", "application_id", "expert_id", "assigned_on", "comment"),
                       ((rnd.pk, a, e, on, "") for a, e in pairs))


def reset_assignments(user, rnd: ReviewRound) -> int:
    """Undo a round's assignment (before it opens) so that it can be assigned again."""
    require_manager(user, rnd)
    _require_status(rnd, S.ASSIGNED, doing="重新分配")
    with audit.operation(rnd, "reset", note="撤销分配，重新分配") as op:
        qs = Assignment.objects.unrestricted().filter(round=rnd)
        n = qs.count()
        for a in qs:
            a.delete()
        rnd.status = S.DRAFT
        rnd.save()
        op.fact("撤销分配", f"{n}人次")
    return n


def _conflicts_of(expert_id: int, application_id: int) -> list[str]:
    return [f"{ConflictKind(c.kind).label}：{c.evidence}" for c in
            Conflict.objects.unrestricted().filter(expert_id=expert_id, application_id=application_id)]


def swap_reviewer(user, assignment: Assignment, expert: Expert) -> Assignment:
    """Replace one reviewer of an application by another expert (not yet submitted; never a conflicted
    expert: refused with the conflict's evidence, after checking the records afresh)."""
    rnd = assignment.round
    require_manager(user, rnd)
    _require_status(rnd, S.ASSIGNED, S.OPEN, doing="调整评审专家")
    if assignment.submitted_at:
        raise ValidationError("该专家已提交评分，不能更换")
    if expert.pk == assignment.expert_id:
        raise ValidationError({"expert": "新专家与原专家相同"})
    if Assignment.objects.unrestricted().filter(round=rnd, application_id=assignment.application_id,
                                                expert=expert).exists():
        raise ValidationError({"expert": f"{expert.name}已是该申报的评审专家"})
    app = Application.objects.unrestricted().select_related("person", "unit", "tier").get(pk=assignment.application_id)
    with audit.operation(rnd, "swap", note="更换评审专家") as op:
        found = [f for f in detect([app], [expert])]
        _save_found(found)
        reasons = [f"{ConflictKind(f.kind).label}：{f.evidence}" for f in found] or \
            _conflicts_of(expert.pk, app.pk)
        if reasons:
            raise ValidationError({"expert": f"{expert.name}与该申报存在回避关系，不能分配：" + "；".join(reasons)})
        old = assignment.expert
        Score.objects.unrestricted().filter(assignment=assignment).delete()
        assignment.expert = expert
        assignment.assigned_on = timezone.localdate()
        assignment.save()
        op.fact("更换评审专家", expert.name, old=old.name)
    return assignment


def _save_found(found) -> None:
    today = timezone.localdate()
    for f in found:
        Conflict.objects.unrestricted().get_or_create(
            expert_id=f.expert_id, application_id=f.application_id, kind=f.kind,
            defaults={"evidence": f.evidence, "declared": f.declared, "found_on": today})


def open_round(user, rnd: ReviewRound) -> ReviewRound:
    require_manager(user, rnd)
    _require_status(rnd, S.ASSIGNED, doing="开始评审")
    with audit.operation(rnd, "open", note="开始评审"):
        rnd.status = S.OPEN
        if not rnd.opens_on:
            rnd.opens_on = timezone.localdate()
        rnd.save()
    return rnd


# ---------------------------------------------------------------- the reviewer


def reviewer_assignments(user):
    """The assignments of the user's own expert records (the reviewer's pages; no org scope: only theirs)."""
    return (Assignment.objects.unrestricted().filter(expert__user=user, expert__user__isnull=False)
            .exclude(round__status=S.DRAFT)
            .select_related("round", "application__person", "application__tier", "application__edition", "expert"))


def criteria_for(application) -> list[Criterion]:
    return list(Criterion.objects.unrestricted().filter(edition_id=application.edition_id)
                .filter(Q(tier=None) | Q(tier_id=application.tier_id)).order_by("order", "pk"))


def weighted_total(criteria, scores: dict) -> Decimal:
    weight = sum((c.weight for c in criteria), Decimal(0))
    if not weight:
        raise ValidationError("评审指标的权重合计为零，无法计算加权得分")
    total = sum((Decimal(scores[c.pk]) / c.max_score * c.weight for c in criteria), Decimal(0))
    return (total / weight * 100).quantize(CENT, ROUND_HALF_UP)


def _require_reviewer(user, assignment: Assignment) -> None:
    if assignment.expert.user_id is None or assignment.expert.user_id != user.pk:
        raise PermissionDenied("只有分配的评审专家本人可以评分")


def submit_scores(user, assignment: Assignment, scores: dict, comment: str = "") -> Assignment:
    """The reviewer's scores: {criterion id: (score, comment)} for every criterion of the application's
    rubric (0 to its 满分), and an overall comment; the weighted total is computed. Only while the round is
    open (评审中); a reviewer may correct their scores until the round closes."""
    _require_reviewer(user, assignment)
    return _save_scores(assignment, scores, comment, note="提交评分")


def record_paper_scores(user, assignment: Assignment, scores: dict, comment: str = "") -> Assignment:
    """The round's staff enter the paper score sheet of an expert who has no reviewer account (会议评审、纸质
    评分表代录); an expert with an account scores on their own pages. Same checks as `submit_scores`."""
    require_manager(user, assignment.round)
    if assignment.expert.user_id is not None:
        raise PermissionDenied(f"专家“{assignment.expert.name}”有评审账号，应由本人登录评分")
    return _save_scores(assignment, scores, comment, note=f"代录专家“{assignment.expert.name}”的纸质评分表")


def _save_scores(assignment: Assignment, scores: dict, comment: str, *, note: str) -> Assignment:
    _require_status(assignment.round, S.OPEN, doing="评分")
    criteria = criteria_for(assignment.application)
    errors, values = {}, {}
    for c in criteria:
        raw = scores.get(c.pk)
        value, note = (raw if isinstance(raw, tuple) else (raw, ""))
        if value is None or value == "":
            errors[f"score_{c.pk}"] = f"请填写“{c.name}”的得分"
            continue
        try:
            value = Decimal(str(value))
        except Exception:
            errors[f"score_{c.pk}"] = f"“{c.name}”的得分应为数字"
            continue
        if value < 0 or value > c.max_score:
            errors[f"score_{c.pk}"] = f"“{c.name}”的得分应在0至{c.max_score}之间"
            continue
        values[c.pk] = (value, (note or "")[:500])
    if errors:
        raise ValidationError(errors)
    total = weighted_total(criteria, {k: v for k, (v, _) in values.items()})
    with audit.operation(assignment, "score", note=note):
        existing = {s.criterion_id: s for s in Score.objects.unrestricted().filter(assignment=assignment)}
        for c in criteria:
            value, note = values[c.pk]
            row = existing.get(c.pk) or Score(assignment=assignment, criterion=c)
            row.score, row.comment = value, note
            row.save()
        assignment.total = total
        assignment.comment = comment
        assignment.submitted_at = timezone.now()
        assignment.save()
    return assignment


def declare_conflict(user, assignment: Assignment, reason: str) -> Assignment | None:
    """A reviewer declares a conflict (回避) instead of scoring: the declared conflict is recorded, the
    assignment removed and a replacement assigned (the least-loaded eligible expert). Returns the new
    assignment, or None when no eligible expert is left (the staff see the application short)."""
    _require_reviewer(user, assignment)
    rnd = assignment.round
    _require_status(rnd, S.ASSIGNED, S.OPEN, doing="申明回避")
    if assignment.submitted_at:
        raise ValidationError("已提交评分，不能再申明回避")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明回避理由"})
    app = assignment.application
    with audit.operation(rnd, "declare", note=f"{assignment.expert.name}申明回避") as op:
        Conflict.objects.unrestricted().get_or_create(
            expert_id=assignment.expert_id, application=app, kind=ConflictKind.DECLARED,
            defaults={"evidence": reason[:300], "declared": True, "found_on": timezone.localdate()})
        assignment.delete()
        new = _replace(rnd, app, op)
    return new


def _replace(rnd, app, op) -> Assignment | None:
    experts = list(Expert.objects.unrestricted().filter(active=True).filter(
        Q(org_path="") | Q(org_path__in=_above(rnd.issuing_path())) | Q(org_path__startswith=rnd.issuing_path()))
        .order_by("pk"))
    app = Application.objects.unrestricted().select_related("person", "unit", "tier").get(pk=app.pk)
    found = detect([app], experts)
    _save_found([f for f in found if not f.declared])
    barred = {(f.expert_id, app.pk) for f in found}
    barred |= {(c.expert_id, app.pk) for c in Conflict.objects.unrestricted().filter(application=app)}
    barred |= {(e, app.pk) for e in Assignment.objects.unrestricted().filter(round=rnd, application=app)
               .values_list("expert_id", flat=True)}
    load = dict(Assignment.objects.unrestricted().filter(round=rnd).values_list("expert_id")
                .annotate(n=Count("pk")).values_list("expert_id", "n"))
    pairs = assign(_labelled([app]), experts, barred, 1, load)
    if not pairs:
        op.fact("补充分配", "无可分配的专家")
        return None
    new = Assignment.objects.create(round=rnd, application=app, expert_id=pairs[0][1],
                                    assigned_on=timezone.localdate())
    op.fact("补充分配", new.expert.name)
    return new


def _above(path: str) -> list[str]:
    return [path[:i] for i in range(scope.STEPLEN, len(path) + 1, scope.STEPLEN)]


# ---------------------------------------------------------------- results


@dataclass
class Result:
    application: Application
    totals: list[Decimal]
    kept: list[Decimal]
    score: Decimal | None
    rank: int | None
    assigned: int
    submitted: int
    trimmed: bool


def trimmed_mean(totals, trim_high: int, trim_low: int) -> tuple[Decimal | None, list, bool]:
    """The mean after dropping `trim_high` highest and `trim_low` lowest, when at least two remain; else the
    plain mean. Returns (mean, the totals kept, whether trimmed)."""
    values = sorted(Decimal(t) for t in totals)
    if not values:
        return None, [], False
    trimmed = len(values) - trim_high - trim_low >= 2 and (trim_high or trim_low)
    kept = values[trim_low:len(values) - trim_high] if trimmed else values
    mean = (sum(kept, Decimal(0)) / len(kept)).quantize(CENT, ROUND_HALF_UP)
    return mean, kept, bool(trimmed)


def round_results(rnd: ReviewRound) -> list[Result]:
    """Each application's score and rank within its tier (computed from the submitted totals)."""
    edition = rnd.edition
    rows: dict[int, list] = {}
    counts: dict[int, list[int]] = {}
    for app_id, total, submitted in (Assignment.objects.unrestricted().filter(round=rnd)
                                     .values_list("application_id", "total", "submitted_at")):
        c = counts.setdefault(app_id, [0, 0])
        c[0] += 1
        if submitted is not None and total is not None:
            c[1] += 1
            rows.setdefault(app_id, []).append(total)
    apps = (Application.objects.unrestricted().filter(pk__in=list(counts))
            .select_related("person", "tier").order_by("tier__order", "pk"))
    results = []
    for app in apps:
        totals = rows.get(app.pk, [])
        score, kept, trimmed = trimmed_mean(totals, edition.trim_high, edition.trim_low)
        results.append(Result(app, totals, kept, score, None, counts[app.pk][0], counts[app.pk][1], trimmed))
    by_tier: dict[int, list[Result]] = {}
    for r in results:
        if r.score is not None:
            by_tier.setdefault(r.application.tier_id, []).append(r)
    for group in by_tier.values():
        group.sort(key=lambda r: -r.score)
        for i, r in enumerate(group):
            r.rank = group[i - 1].rank if i and group[i - 1].score == r.score else i + 1
    results.sort(key=lambda r: (r.application.tier.order, r.rank or 10 ** 9, r.application.pk))
    return results


def progress(rnd: ReviewRound) -> tuple[int, int]:
    qs = Assignment.objects.unrestricted().filter(round=rnd)
    return qs.exclude(submitted_at=None).count(), qs.count()


def close_round(user, rnd: ReviewRound) -> list[Result]:
    """End the review: every assignment must be submitted; the results are computed and held pending."""
    require_manager(user, rnd)
    _require_status(rnd, S.OPEN, doing="结束评审")
    done, total = progress(rnd)
    if done < total:
        raise ValidationError(f"尚有{total - done}份评审未提交评分，不能结束评审（可更换未评专家）")
    results = round_results(rnd)
    with audit.operation(rnd, "close", note="评审结束，结果待发布") as op:
        rnd.status = S.CLOSED
        if not rnd.closes_on:
            rnd.closes_on = timezone.localdate()
        rnd.save()
        op.fact("计分规则", TRIM_RULE)
        op.fact("评审结果", f"{len(results)}份申报")
    return results


def publish_round(user, rnd: ReviewRound, on: dt.date) -> list[Result]:
    """Publish the results: the 专家评审 step of each application (score and rank) and the round published."""
    require_manager(user, rnd)
    _require_status(rnd, S.CLOSED, doing="发布评审结果")
    if not on:
        raise ValidationError({"on": "请填写发布日期"})
    results = round_results(rnd)
    with audit.operation(rnd, "publish", note="发布评审结果") as op:
        for r in results:
            record = StepRecord(on=on, note=f"{rnd.name}：评审得分{r.score}，层次内第{r.rank}名（{TRIM_RULE}）")
            applications_services.record_review(user, r.application, record, score=r.score, rank=r.rank)
        rnd.status = S.PUBLISHED
        rnd.published_on = on
        rnd.save()
        op.fact("发布", f"{len(results)}份申报")
    return results


# ---------------------------------------------------------------- reads for the score sheets (system reads: the
# caller found the assignment as its reviewer or as the round's staff)


def scores_of(assignment) -> list:
    from .models import Score

    return list(Score.objects.unrestricted().filter(assignment=assignment))


def documents_of(application):
    """The application's documents a reviewer's sheet lists (the reviewer may not see the organization)."""
    from .models import ApplicationDocument

    return (ApplicationDocument.objects.unrestricted().filter(step__case=application)
            .select_related("step").order_by("step__on", "pk"))


def expert_with_account(organization_id, user, *, other_than=None):
    """The expert of the department's pool who already reviews with `user`'s account (a login is one expert's)."""
    from .models import Expert

    return (Expert.objects.unrestricted().filter(organization_id=organization_id, user=user)
            .exclude(pk=other_than).first())
