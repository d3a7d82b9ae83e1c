"""What a statistics page, export or API call is about: the reporting organization (a 党委 in the user's scope,
looked up by code: one outside it is not found) and the reporting date (统计截止日期: by default the last
31 December before today; any date may be asked for)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zugong.orgs.models import Organization

from . import definitions
from .figures import DEFAULT_EDITION


class BadDate(ValueError):
    """A reporting date that cannot be read (the message says so in Chinese)."""


def default_day(today: dt.date | None = None) -> dt.date:
    """The last 31 December before today."""
    today = today or timezone.localdate()
    return dt.date(today.year - 1, 12, 31)


def parse_day(text: str | None) -> dt.date:
    """`YYYY-MM-DD` → the date; empty → `default_day()`; else `BadDate` with a Chinese message."""
    text = (text or "").strip()
    if not text:
        return default_day()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"统计截止日期“{text[:20]}”不是有效日期（应为 YYYY-MM-DD，如 2025-12-31）") from None
    if not 1949 <= day.year <= 2999:
        raise BadDate(f"统计截止日期“{text[:20]}”超出可统计的年份范围")
    return day


def committees(user):
    """The active 党委 the user may report for, in tree order."""
    return (Organization.objects.visible_to(user).active()
            .filter(kind=Organization.Kind.COMMITTEE).order_by("path"))


def organization(user, code: str | None) -> Organization | None:
    """The committee with `code` among those the user sees; no code → the user's own (the first granted
    committee). None when not found or not in scope."""
    code = (code or "").strip()
    qs = committees(user)
    if code:
        return qs.filter(code=code).first() if len(code) <= 64 and "\x00" not in code else None
    own = [g.organization_id for g in user.grants.select_related("organization")
           if g.organization.kind == Organization.Kind.COMMITTEE]
    return qs.filter(pk__in=own).first() if own else None


def edition(code: str | None) -> str | None:
    """An installed edition's code (default: the current one), or None when it is not installed."""
    from .models import Edition

    code = (code or "").strip() or DEFAULT_EDITION
    if len(code) > 16 or "\x00" in code:
        return None
    return code if Edition.objects.filter(code=code).exists() else None


def tables(edition_code: str) -> list[definitions.Table]:
    return definitions.load(edition_code)
