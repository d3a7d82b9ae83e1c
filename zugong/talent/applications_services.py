"""The application chain's operations (申报 to 认定), one function per step, each through
`casework.record_step` (one audited operation) and registered for the step page in `actions.ACTIONS`."""

from __future__ import annotations

from zugong.core.casework import services as casework

from .steps import WORKFLOW


def record_review(user, case, record, *, score, rank=None):
    """The 专家评审 step of one application: its published score (and rank in its round). Called for every
    application of a round by `review_services.publish`."""
    values = {"reviewed_on": record.on, "review_score": score, "review_rank": rank, "status": "reviewed"}
    return casework.record_step(WORKFLOW, user, case, "review", record, values)
