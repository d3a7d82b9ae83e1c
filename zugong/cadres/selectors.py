"""What other apps read of cadres (public, read-only): the adform batch export uses the roster's filters."""

from __future__ import annotations

from .filtersets import RosterFilterSet


def filter_roster(request, qs, data):
    """The cadres of `qs` that the roster page shows for the filter parameters `data` (all of them when there
    are none or they are invalid), as `zugong.core.lists.list_page` filters the roster."""
    filterset = RosterFilterSet(data or None, queryset=qs, request=request)
    return filterset.qs if filterset.is_bound and filterset.is_valid() else qs
