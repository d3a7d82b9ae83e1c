"""The talent rules, one module per area."""

from . import applications, pool  # noqa: F401
