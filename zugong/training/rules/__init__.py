"""The training rules, one module per area."""

from . import classes, courses, ledger, requirements, signin  # noqa: F401
