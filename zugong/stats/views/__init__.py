"""The statistics pages, one module per area; the URL conf reads them from here."""

from .completeness import completeness, missing_list  # noqa: F401
from .reports import check_list, report, subordinates  # noqa: F401
from .tables import cell, export, home, manual, table  # noqa: F401
