"""Storing the pre-check: `refresh(user, applications)` evaluates `eligibility.precheck` and writes each
application's `precheck` (a list of `Check.as_dict()`), `precheck_passed` (every condition met; None when one is
unknown) and `precheck_at`, as one audited operation for the batch: bulk updates in chunks, and one entry per
edition touched (“资格预审 N 份：符合 a，不符合 b，待人工审查 c”), or, for a single application, one entry on
it with each condition's result. `check_one(application)` evaluates one application for a page (nothing
written)."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from django.utils import timezone

from zugong.core import audit

from . import eligibility
from .models import Application, Edition

CHUNK = 1000
OUTCOME = {True: "符合", False: "不符合", None: "待人工审查"}


def check_one(application) -> list[eligibility.Check]:
    """The pre-check of one application as it would be now (not stored)."""
    return eligibility.precheck([application]).get(application.pk, [])


def _rows(applications) -> list[Application]:
    from django.db.models import QuerySet

    if isinstance(applications, QuerySet):
        return list(applications.order_by().only("pk", "edition_id", "tier_id", "person_id", "applied_on",
                                                 "org_path"))
    return list(applications)


def refresh(user, applications) -> int:
    """Re-evaluates and stores the pre-check of the applications; returns how many were written. `user` acts
    (the audit names them); the caller has checked they may see the applications."""
    rows = [a for a in _rows(applications) if a.pk is not None]
    if not rows:
        return 0
    results = eligibility.precheck(rows)
    now = timezone.now()
    for app in rows:
        checks = results.get(app.pk, [])
        app.precheck = [c.as_dict() for c in checks]
        app.precheck_passed = eligibility.passed(checks)
        app.precheck_at = now
    acting = audit.acting_as(user) if user is not None and audit.current_actor()[0] is None else nullcontext()
    with acting, _operation(rows) as op:
        for i in range(0, len(rows), CHUNK):
            Application.objects.unrestricted().bulk_update(rows[i:i + CHUNK],
                                                           ["precheck", "precheck_passed", "precheck_at"])
        if len(rows) == 1:
            app = rows[0]
            for c in results.get(app.pk, []):
                op.fact(c.condition, f"{OUTCOME[c.met]}（{c.evidence}）", field="precheck")
        else:
            by_edition: dict[int, Counter] = {}
            for app in rows:
                by_edition.setdefault(app.edition_id, Counter())[app.precheck_passed] += 1
            editions = Edition.objects.unrestricted().in_bulk(list(by_edition))
            for pk, counts in by_edition.items():
                text = f"{sum(counts.values())} 份：" + "，".join(
                    f"{OUTCOME[k]} {counts[k]}" for k in (True, False, None) if counts[k])
                op.fact("资格预审", text, field="precheck", on=editions[pk])
    return len(rows)


def _operation(rows):
    if len(rows) == 1:
        return audit.operation(rows[0], "资格预审", note="按申报截止日的系统记录自动核对申报条件")
    return audit.operation(None, "资格预审", note="按申报截止日的系统记录自动核对申报条件")
