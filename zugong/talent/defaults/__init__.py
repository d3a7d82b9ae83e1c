"""The talent default configuration (each module registers its `config.installer`)."""

from . import pool, programmes  # noqa: F401
