"""The service rules, one module per area."""

from . import community, satisfaction, tasks  # noqa: F401
