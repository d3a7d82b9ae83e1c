"""The service default configuration, one module per area (each registers its `config.installer`)."""

from . import community, satisfaction, tasks  # noqa: F401
