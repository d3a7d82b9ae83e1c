"""Models of sanctions (处分、问责、组织处理) and investigations per person, and the bars they put on an annual grade."""

from django.db import models  # noqa: F401

__all__: list[str] = []
