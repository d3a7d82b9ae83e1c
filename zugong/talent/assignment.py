"""Balanced reviewer assignment (a pure function: no database).

Each application gets `per_application` reviewers, never one it conflicts with; among the experts with the
least load the ones whose field matches the application's are preferred; the load is balanced greedily with a
heap (always the least-loaded eligible experts), so without conflicts the loads differ by at most one. The
applications with the fewest eligible experts are served first. An application that cannot get enough
eligible reviewers keeps those it got and is reported (`Assigned.short`) — a conflicted expert is never used.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from .conflicts import normalise

__all__ = ["Assigned", "assign", "field_matches"]


class Assigned(list):
    """The pairs (application id, expert id) assigned; `short`: {application id: Chinese message} for the
    applications left without enough reviewers."""

    def __init__(self, pairs=(), short=None):
        super().__init__(pairs)
        self.short: dict[int, str] = short or {}


def field_matches(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    return bool(a and b) and (a == b or a in b or b in a)


def _id(obj):
    return obj if isinstance(obj, int) else obj.pk


def assign(applications, experts, conflicts, per_application, existing_load=None) -> Assigned:
    """`applications`: rows with `pk` and `field` (and optionally `label` for messages); `experts`: rows with
    `pk` and `field`; `conflicts`: pairs (expert id, application id) never to assign (conflicts, and reviewers
    the application already has); `per_application`: an int, or {application id: how many more};
    `existing_load`: {expert id: assignments already held}. Returns `Assigned`."""
    existing_load = existing_load or {}
    experts = list(experts)
    barred: dict[int, set[int]] = defaultdict(set)
    for expert_id, app_id in conflicts:
        barred[app_id].add(expert_id)
    need = (lambda a: per_application.get(a.pk, 0)) if isinstance(per_application, dict) \
        else (lambda a: per_application)
    expert_ids = {e.pk for e in experts}
    fields = {e.pk: normalise(e.field) for e in experts}
    cache: dict[tuple[str, str], bool] = {}

    def matches(app_field: str, pk: int) -> bool:
        key = (app_field, fields[pk])
        hit = cache.get(key)
        if hit is None:
            a, b = key
            hit = cache[key] = bool(a and b) and (a == b or a in b or b in a)
        return hit

    order = sorted(applications, key=lambda a: (-len(barred[a.pk] & expert_ids), a.pk))
    load = {e.pk: existing_load.get(e.pk, 0) for e in experts}
    heap = [(load[e.pk], e.pk) for e in experts]
    heapq.heapify(heap)
    out = Assigned()
    for app in order:
        k = need(app)
        if k <= 0:
            continue
        bar = barred[app.pk]
        app_field = normalise(app.field)
        popped, eligible = [], []
        chosen_load = None
        # Take the least-loaded experts off the heap: k eligible ones, then the rest of the last one's load
        # level (among equally loaded experts, those of the application's field come first).
        n_match = 0
        while heap:
            if chosen_load is not None and (heap[0][0] > chosen_load or n_match >= k):
                break
            item = heapq.heappop(heap)
            popped.append(item)
            if item[1] in bar:
                continue
            eligible.append(item)
            if matches(app_field, item[1]):
                n_match += 1
            if chosen_load is None and len(eligible) >= k:
                chosen_load = item[0]
        eligible.sort(key=lambda it: (it[0], not matches(app_field, it[1]), it[1]))
        picked = {pk for _, pk in eligible[:k]}
        for _, pk in eligible[:k]:
            out.append((app.pk, pk))
            load[pk] += 1
        for lo, pk in popped:
            heapq.heappush(heap, (load[pk] if pk in picked else lo, pk))
        if len(picked) < k:
            label = getattr(app, "label", None) or f"申报{app.pk}"
            out.short[app.pk] = (f"{label}：需要评审专家{k}人，无回避关系的专家只有{len(picked)}人，"
                                 f"未分配满（不分配有回避关系的专家），请补充专家后重新分配")
    return out
