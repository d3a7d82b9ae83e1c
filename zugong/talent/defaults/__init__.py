"""The talent default configuration (each module registers its `config.installer`)."""

from . import programmes  # noqa: F401
