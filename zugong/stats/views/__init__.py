"""The statistics pages, one module per area; the URL conf reads them from here."""

from .reports import check_list, home, report, subordinates  # noqa: F401
