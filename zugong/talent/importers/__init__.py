"""The talent importers, one module per area."""

from . import applications, review  # noqa: F401
