"""The service importers, one module per area."""

from . import community, tasks  # noqa: F401
