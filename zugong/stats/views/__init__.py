"""The statistics pages, one module per area; the URL conf reads them from here."""

from .reports import home  # noqa: F401
from .completeness import completeness, missing_list  # noqa: F401
