"""Quotas per pool (等次比例): which rule governs a pool, the number a share allows, the counts per pool in SQL.

`allowed(n, share, rounding, minimum)` is exact decimal arithmetic (10 × 0.2 is 2, never 2.0000000000000004):
down (向下取整, the default), half up (四舍五入) or up (向上取整), then at least `minimum` (never more than n).
A rule's `ceiling_share` applies only with a `QuotaApproval` for the pool and year (the approval's share,
capped at the ceiling).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from zugong.core import rules

from .models import AssessmentPolicy, Pool, QuotaApproval, QuotaRule, Rounding

_MODES = {Rounding.DOWN: ROUND_FLOOR, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.UP: ROUND_CEILING}


def allowed(n: int, share, rounding: str = Rounding.DOWN, minimum: int = 0) -> int:
    """How many of `n` may get the grade at `share`."""
    if n <= 0:
        return 0
    raw = Decimal(n) * Decimal(str(share))
    number = int(raw.quantize(Decimal(1), rounding=_MODES[rounding]))
    return min(n, max(number, minimum))


@dataclass(frozen=True)
class Quota:
    """The quota of one pool: what the page and the refusal say."""

    pool_id: int
    n: int
    share: Decimal
    rounding: str
    minimum: int
    allowed: int
    rule: QuotaRule | None
    approval: QuotaApproval | None

    @property
    def text(self) -> str:
        from .models.individual import quota_text

        return quota_text(self.n, self.share, self.rounding, self.minimum, self.allowed)

    @property
    def citation(self) -> str:
        return (self.rule.document if self.rule and self.rule.document else "") or rules.UNVERIFIED_ARTICLE


def _depth_key(row) -> tuple:
    return (len(row.org_path), bool(getattr(row, "pool_kind", "")))


def rules_for(kind: str, grade: str) -> list[QuotaRule]:
    """Every active quota rule of a kind and grade (few rows), most specific first (deepest issuer, then a rule
    for one kind of pool)."""
    rows = list(QuotaRule.objects.unrestricted().filter(kind=kind, grade=grade, active=True))
    return sorted(rows, key=_depth_key, reverse=True)


def rule_for(candidates: list[QuotaRule], path: str, pool_kind: str) -> QuotaRule | None:
    """The rule that governs a pool at `path` of `pool_kind`: the deepest issuer above (or at) the pool, a rule
    for its kind of pool before a general one."""
    for row in candidates:
        if path.startswith(row.org_path) and row.pool_kind in ("", pool_kind):
            return row
    return None


def policy_for(path: str) -> AssessmentPolicy | None:
    """The assessment settings that govern the organization at `path` (the deepest issuer)."""
    rows = AssessmentPolicy.objects.unrestricted().filter(active=True).applying_to(path)
    return max(rows, key=lambda r: len(r.org_path), default=None)


def quotas(kind: str, grade: str, year: int, counts: dict[int, int]) -> dict[int, Quota]:
    """The quota of every pool in `counts` (pool id → n): one query for the pools, one for the approvals."""
    candidates = rules_for(kind, grade)
    pools = dict(Pool.objects.unrestricted().filter(pk__in=list(counts)).values_list("pk", "org_path"))
    kinds = dict(Pool.objects.unrestricted().filter(pk__in=list(counts)).values_list("pk", "kind"))
    approvals = {a.pool_id: a for a in QuotaApproval.objects.unrestricted().filter(
        pool_id__in=list(counts), kind=kind, year=year)}
    out = {}
    for pool_id, n in counts.items():
        rule = rule_for(candidates, pools.get(pool_id, ""), kinds.get(pool_id, ""))
        if rule is None:
            continue  # no rule: no quota
        approval = approvals.get(pool_id) if rule.ceiling_share else None
        share = min(approval.share, rule.ceiling_share) if approval else rule.share
        out[pool_id] = Quota(pool_id, n, share, rule.rounding, rule.minimum,
                             allowed(n, share, rule.rounding, rule.minimum), rule, approval)
    return out


def counts_per_pool(qs, grade_field: str, grade: str, counted: Q | None = None) -> dict[int, tuple[int, int]]:
    """pool id → (n, how many hold `grade` in `grade_field`) over `qs`, in one GROUP BY."""
    hits = Q(**{grade_field: grade}) & (counted if counted is not None else Q())
    rows = qs.order_by().values("pool_id").annotate(n=Count("pk"), hits=Count("pk", filter=hits))
    return {r["pool_id"]: (r["n"], r["hits"]) for r in rows}


def refusal(quota: Quota, grade_label: str, taken: int) -> str:
    """The Chinese reason a proposal over the quota is refused."""
    approval = f"（经批准：{quota.approval.approved_by}{quota.approval.document_no}）" if quota.approval else ""
    return (f"超出“{grade_label}”名额：{quota.text}{approval}，本组已确认或拟定{grade_label} {taken} 人")


def describe_pools(pool_ids: Iterable[int]) -> dict[int, str]:
    return dict(Pool.objects.unrestricted().filter(pk__in=list(pool_ids)).values_list("pk", "name"))
