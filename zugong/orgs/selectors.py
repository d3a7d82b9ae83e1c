"""What other apps read of the organization tree."""

from __future__ import annotations

from .models import Organization


def example_organization(user) -> Organization | None:
    """An organization an import template's example row may name for this user: the first active branch they
    manage (people and members belong to branches), else the first organization they manage."""
    managed = Organization.objects.visible_to(user, "manage").filter(status=Organization.Status.ACTIVE)
    return (managed.filter(kind=Organization.Kind.BRANCH).order_by("path").first()
            or managed.order_by("path").first())


def chosen_or_own(user, code: str | None) -> Organization:
    """The organization a page is about (`?org=CODE`): the one with `code` among those the user sees, else the
    top of the user's scope; `Http404` with a Chinese message when neither exists (a code outside the scope is
    not found, never shown)."""
    from django.http import Http404

    from zugong.core import scope

    orgs = Organization.objects.visible_to(user)
    code = (code or "").strip()
    if code:
        org = orgs.filter(code=code).first() if len(code) <= 64 and "\x00" not in code else None
        if org is None:
            raise Http404("组织代码不存在或不在您的管辖范围内")
        return org
    org = orgs.filter(path__in=scope.scope_paths(user)).order_by("path").first()
    if org is None:
        raise Http404("您没有管辖范围")
    return org
