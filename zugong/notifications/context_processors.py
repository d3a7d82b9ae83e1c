"""The bell in the top bar: the user's unread reminders, counted only when a page shows the bell."""

from functools import cache

from . import services


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return services.unread_count(user)

    return {"notifications_unread": count}  # a callable: the template calls it, once
