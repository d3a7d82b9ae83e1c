"""The REST API's shared pieces: scoped permission and viewset mixin, ordering.

Every API view is scoped by the same mechanism as the pages (`zugong.core.scope`): querysets go through
`Model.objects.visible_to(user, action)`, so a record outside the user's subtrees is simply not found (404),
and organization codes given in input are resolved only among the organizations the user may see
(`zugong.orgs.fields.OrganizationCodeField`, `resolve_org_code`).

This module is named in the REST_FRAMEWORK settings (DEFAULT_PERMISSION_CLASSES), which DRF resolves while
`rest_framework.views` itself is being imported: it must not import `rest_framework.views`, `generics`,
`viewsets` or anything that does (the token view therefore lives in `zugong.api_urls`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import scope, versions

NOT_IN_SCOPE = "组织代码 {code} 不存在或不在您的管辖范围内"


# ---------------------------------------------------------------- permissions


def required_action(request, view) -> str:
    """The scope action a request needs: view for reading, the view's write action (≥ change) otherwise."""
    if request.method in SAFE_METHODS:
        return "view"
    action = getattr(view, "scope_write_action", "change")
    return action if scope.ACTION_RANK.get(action, 0) >= scope.ACTION_RANK["change"] else "change"


def object_path(obj) -> str | None:
    """The organization path that scopes a record (its `scope_field`), or None when it has none."""
    field = getattr(obj, "scope_field", None)
    path = getattr(obj, field, None) if field else getattr(obj, "org_path", None)
    return path or None


class ScopedPermission(BasePermission):
    """Authenticated users only; reading needs a grant of any role, writing at least `change`.

    Object level: the user's role over the record's organization path must allow the action (fail closed:
    a record without a path is refused).
    """

    message = "您无权执行此操作"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(scope.scope_paths(user, required_action(request, view)))

    def has_object_permission(self, request, view, obj) -> bool:
        path = object_path(obj)
        return path is not None and scope.can(request.user, required_action(request, view), path)


# ---------------------------------------------------------------- personal numbers


class MaskedField(serializers.CharField):
    """An ID or phone number as the API shows it: masked (`core.pii.mask_id`, `mask_phone`); the full value only
    through an audited request of its own (`GET /api/people/{id}/full/`)."""

    def __init__(self, *, mask, **kwargs):
        self.mask = mask
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.mask(super().to_representation(value))


# ---------------------------------------------------------------- errors


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A Django ValidationError (model clean, services) as DRF's: messages per field, others under
    `non_field_errors`."""
    return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))


# ---------------------------------------------------------------- versions (no lost updates)


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = versions.STALE
    default_code = "precondition_failed"

    def __init__(self, body: dict):
        super().__init__()
        self.detail = body  # as it is: the conflicts' values keep their JSON types (null stays null)


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = ("修改须在请求头 If-Match 中带上读取该记录时得到的 ETag（记录版本），"
                      "以免覆盖他人在此期间的修改。请先 GET 该记录。")
    default_code = "precondition_required"


def if_match(request) -> list[str]:
    """The versions an If-Match header names (quotes and W/ removed); `*` names none."""
    header = request.headers.get("If-Match", "")
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return [t.removeprefix("W/").strip('"') for t in tags if t != "*"]


def etag(record) -> str:
    return f'"{versions.token(record)}"'


IF_MATCH_PARAMETER = {
    "name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
    "description": "读取该记录时响应头 ETag 的值（记录版本）。缺少时返回 428；记录在此之后已被修改时返回 412，不作任何修改。",
}


ETAG_HEADER = {"ETag": {"description": "记录版本；修改（PATCH）时放在请求头 If-Match 中发回", "schema": {"type": "string"}}}
VERSION_RESPONSES = {
    "412": {"description": "记录在读取之后已被他人修改（If-Match 不是当前版本），未作任何修改；conflicts 列出各项的现值、"
                           "修改人、修改时间和提交值，current_etag 为当前版本"},
    "428": {"description": "缺少请求头 If-Match（读取该记录时得到的 ETag）"},
}


def versions_schema_hook(result, generator, request, public):
    """drf-spectacular postprocessing hook: every detail GET answers an ETag; every PATCH/PUT takes If-Match and
    may answer 412 and 428 (`VersionedMixin`)."""
    for path, operations in result.get("paths", {}).items():
        if "{" not in path:
            continue
        for method, operation in operations.items():
            if method == "get":
                for code, response in operation.get("responses", {}).items():
                    if code.startswith("2"):
                        response.setdefault("headers", {}).update(ETAG_HEADER)
            elif method in ("patch", "put"):
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-Match" for p in params):
                    params.append(dict(IF_MATCH_PARAMETER))
                operation.setdefault("responses", {}).update(
                    {code: dict(body) for code, body in VERSION_RESPONSES.items()})
                for code, response in operation["responses"].items():
                    if code.startswith("2"):
                        response.setdefault("headers", {}).update(ETAG_HEADER)
    return result


class VersionedMixin:
    """No lost updates for a viewset (`zugong.core.versions`): a detail response carries the record's version as
    its `ETag`; PATCH and PUT must send it back in `If-Match`. Missing → 428 (the issue asks every PATCH to carry
    the version it was read at: accepting a blind PATCH would be the lost update again); a version the record no
    longer has → 412 with, for each field changed since, the value now stored, who set it and when, and the value
    submitted; nothing is written. Checked before the input is validated, and again with the row locked inside
    the update's transaction. Part of `ScopedViewSetMixin`, so every viewset has it."""

    def _version_check(self, record, lock: bool = False) -> None:
        sent = if_match(self.request)
        if not sent:
            raise PreconditionRequired()
        stored = versions.current(record, lock=lock)
        if stored is None:
            raise Http404
        now = versions.token(stored)
        if now in sent:
            return
        read = versions.parse(sent[0], type(record))
        data = self.request.data if hasattr(self.request.data, "get") else {}
        names = {f.name for f in versions.tracked_fields(type(record))}
        submitted = {k: data.get(k) for k in data if k in names}
        found = versions.conflicts(stored, read, submitted)
        raise PreconditionFailed({"detail": versions.STALE, "conflicts": [c.as_dict() for c in found],
                                  "messages": [c.text() for c in found], "current_etag": etag(stored)})

    def perform_update(self, serializer):
        with transaction.atomic():
            self._version_check(serializer.instance, lock=True)
            serializer.save()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_versioned_record", None)
        if record is not None and 200 <= response.status_code < 300 and getattr(self, "detail", False):
            stored = versions.current(record) if request.method not in SAFE_METHODS else record
            if stored is not None:
                response["ETag"] = etag(stored)
        return response


# ---------------------------------------------------------------- viewsets


class ScopedViewSetMixin(VersionedMixin):
    """Scopes a (model) viewset: the queryset is `visible_to(user, action)`.

    Reading uses the `view` scope; writing uses `scope_write_action` ("change", or "manage" for organization
    operations). A record the user cannot see answers 404; one the user can see but not write answers 403.
    Django ValidationErrors raised while saving (model `clean()`, services) answer 400 per field.
    """

    scope_write_action = "change"
    permission_classes = [ScopedPermission]
    # Any path segment reaches the view, which answers a JSON 404 for an id that is no number or does not fit
    # the column (`api_params.lookup_in_range`) instead of letting the database fail on it.
    lookup_value_regex = r"[^/]+"

    def scope_action(self) -> str:
        return required_action(self.request, self)

    def get_queryset(self):
        qs = super().get_queryset().visible_to(self.request.user, self.scope_action())
        return scope.scope_prefetches(qs, self.request.user)

    def get_object(self):
        from .api_params import lookup_in_range  # imports django-filter's DRF backend: not at DRF's settings load

        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if self.lookup_field in ("pk", "id") and not lookup_in_range(self.get_queryset().model, lookup):
            raise Http404
        try:
            record = self._versioned_record = super().get_object()
        except Http404:
            action = self.scope_action()
            if action != "view":
                # Visible but not writable: say so instead of pretending the record does not exist.
                lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
                qs = super().get_queryset().visible_to(self.request.user, "view")
                if lookup is not None and qs.filter(**{self.lookup_field: lookup}).exists():
                    raise exceptions.PermissionDenied("您对该记录只有查看权限，不能修改")
            raise
        if self.request.method in ("PUT", "PATCH"):
            self._version_check(record)  # before the input is validated: a stale edit is refused as such
        return record

    def get_authenticate_header(self, request):
        # Unauthenticated API calls answer 401 with `WWW-Authenticate: Token` (session is tried first, and
        # has no header of its own, which would make DRF answer 403).
        return super().get_authenticate_header(request) or "Token"

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = validation_error(exc)
        return super().handle_exception(exc)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()



# ---------------------------------------------------------------- ordering


class MappedOrderingFilter(OrderingFilter):
    """`?ordering=` takes named orders from the view's `ordering_map` (name → columns), e.g. `stroke`
    (姓氏笔画), `pinyin`, `-id`; several may be given, comma-separated. An unknown name answers 400.
    The view's `ordering` (a list of names) is the default."""

    ordering_description = "排序方式"

    def get_map(self, view) -> dict[str, tuple[str, ...]]:
        return getattr(view, "ordering_map", {})

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in self.get_map(view)]

    def _columns(self, names, view) -> list[str]:
        mapping = self.get_map(view)
        columns: list[str] = []
        for name in names:
            desc = name.startswith("-")
            key = name[1:] if desc else name
            if key not in mapping:
                choices = "、".join(mapping)
                raise exceptions.ValidationError({self.ordering_param: [f"不支持的排序方式“{name}”，可选：{choices}"]})
            for col in mapping[key]:
                col_desc = col.startswith("-") != desc
                bare = col.lstrip("-")
                if not any(c.lstrip("-") == bare for c in columns):
                    columns.append(("-" if col_desc else "") + bare)
        return columns

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            names = [term.strip() for term in params.split(",") if term.strip()]
            if names:
                return self._columns(names, view)
        default = getattr(view, "ordering", None)
        if isinstance(default, str):
            default = [default]
        return self._columns(default, view) if default else None

    def get_schema_operation_parameters(self, view):
        mapping = self.get_map(view)
        labels = getattr(view, "ordering_labels", {})
        values = [v for name in mapping for v in (name, f"-{name}")]
        lines = "\n".join(f"* `{name}` {labels.get(name, '')}".rstrip() for name in mapping)
        default = getattr(view, "ordering", None) or []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"排序方式，前加 `-` 为倒序，可用逗号组合多个；默认 `{','.join(default)}`。\n\n{lines}"
                ),
                "schema": {"type": "string", "enum": values},
                "allowEmptyValue": True,  # `?ordering=`: the default order
            }
        ]


__all__ = [
    "IF_MATCH_PARAMETER",
    "MappedOrderingFilter",
    "PreconditionFailed",
    "PreconditionRequired",
    "VersionedMixin",
    "ScopedPermission",
    "ScopedViewSetMixin",
    "validation_error",
]
