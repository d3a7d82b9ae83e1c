"""How other apps refer to an organization: a form picker and an API code field, both scoped to the user.

    from zugong.orgs.fields import OrganizationPicker, OrganizationCodeField, resolve_org_code
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from zugong.core.api import NOT_IN_SCOPE
from zugong.core.forms import ScopedPicker

from .models import Organization

# ---------------------------------------------------------------- filters


def subtree_filter(request, qs, code: str):
    """Rows of the subtree of the organization with `code`, looked up among those the user may see."""
    path = Organization.objects.visible_to(request.user).filter(code=code).values_list("path", flat=True).first()
    return qs.subtree(path) if path else qs.none()


# ---------------------------------------------------------------- forms


class OrganizationPicker(ScopedPicker):
    """Choose an active organization among those the user may act on (`action`), searched by name or code."""

    model, url_name = Organization, "orgs:picker"
    invalid_choice = "所选组织不存在或不在您的管辖范围内"

    def visible(self, user):
        return super().visible(user).active()

    def picker_url(self) -> str:
        return super().picker_url() + f"?action={self.action}"

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


# ---------------------------------------------------------------- REST API


@extend_schema_field(OpenApiTypes.STR)
class OrganizationCodeField(serializers.RelatedField):
    """An organization given by its code, resolved only among the organizations the user may see."""

    default_error_messages = {
        "not_found": NOT_IN_SCOPE,
        "invalid": "请填写组织代码（文本）",
    }

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return Organization.objects.visible_to(user, "view")

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)  # a code sent as a JSON number
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        code = data.strip()
        org = self.get_queryset().filter(code=code).first()
        if org is None:
            self.fail("not_found", code=code)
        return org

    def to_representation(self, value):
        return value.code

    def get_choices(self, cutoff=None):
        # The browsable API's select: the visible organizations, by code (cut like DRF's own pickers).
        qs = self.get_queryset().only("code", "name")
        if cutoff is not None:
            qs = qs[:cutoff]
        return {org.code: f"{org.code} {org.name}" for org in qs}


def resolve_org_code(request, code: str, field: str):
    """Look an organization code up among those the user may see; 400 on `field` otherwise."""
    org = Organization.objects.visible_to(request.user, "view").filter(code=code.strip()).first()
    if org is None:
        raise exceptions.ValidationError({field: [NOT_IN_SCOPE.format(code=code.strip())]})
    return org


class SubtreeFilter(django_filters.CharFilter):
    """`?organization=代码` in an API: the rows of that organization's subtree; the code is looked up among the
    organizations the user may see (400 naming the parameter otherwise)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.subtree(resolve_org_code(self.parent.request, value, self.field_name).path)
