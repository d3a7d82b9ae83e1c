"""Expert review's operations: the expert pool, rounds, conflict detection (`conflicts.py`), assignment
(`assignment.py`), scores, closing and publishing a round (which records the 专家评审 step of each application
through `applications_services.record_review`)."""

from __future__ import annotations
