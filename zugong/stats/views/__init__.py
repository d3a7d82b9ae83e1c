"""The statistics pages, one module per area; the URL conf reads them from here."""

from .tables import cell, export, home, manual, table  # noqa: F401
