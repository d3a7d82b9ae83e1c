"""The talent importers, one module per area."""

from . import applications, pool, review  # noqa: F401
