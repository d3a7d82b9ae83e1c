"""Storing the pre-check: `refresh(user, applications)` evaluates `eligibility.precheck` and writes each
application's `precheck` (a list of `Check.as_dict()`), `precheck_passed` (every condition met; None when one is
unknown) and `precheck_at`, as one audited operation for the batch."""

from __future__ import annotations


def refresh(user, applications) -> int:
    """Re-evaluates and stores the pre-check of the applications; returns how many were written."""
    raise NotImplementedError  # the programmes area builds it
