"""The training default configuration, one module per area (each registers its `config.installer`)."""

from . import classes, courses, ledger, requirements, signin  # noqa: F401
