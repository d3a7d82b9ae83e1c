"""The OpenAPI schema says what the API answers (issue 12, finding 9): `AutoSchema` (settings
`REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`) and the filter extension below, on top of drf-spectacular.

- **Responses hold what the rows hold.** A read-only choice field over a column that may be blank (试用期结果
  not yet known, 队内职务, 委员会职务) answers "" and the schema allows it; a column that may be null allows
  null. DRF drops `allow_blank` from read-only fields, so drf-spectacular alone declared an enum without "".
- **One component per serializer.** Two serializers of the same class name in two apps (the recruitment and
  the appointment `CaseSerializer`, the cadre and the team `PostSerializer`) used to share one component, so
  one resource was validated against the other's fields; colliding names get their app's name in front
  (`RecruitmentCase`, `AppointmentsCase`).
- **Every answer is documented**: 401 and 403 on every operation that needs a login, 400 on every operation
  that takes query parameters or a body (`{"参数名": ["…"]}`), 404 on every operation with a path id and on
  paginated lists (a page past the last).
- **Query parameters as they are checked** (`zugong.core.api_params.FilterBackend`): number filters are
  integers with the bounds the backend enforces; every filter may be sent empty (`?year=`: no filter, as the
  pages' 全部), said with `allowEmptyValue`.

tests/api/test_fuzz.py (schemathesis) checks every response against this schema; tests/api/test_schema.py
the pieces.
"""

from __future__ import annotations

import copy
import functools

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from .api_params import filter_bounds, model_field

ERROR = {
    "type": "object",
    "description": "错误说明（中文）",
    "properties": {"detail": {"type": "string", "description": "原因"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "按查询参数名或字段名列出的错误（中文）；不属于某个字段的错误列在 non_field_errors 下",
    "additionalProperties": {},
}


@functools.cache
def _colliding_names() -> frozenset[str]:
    """Class names shared by two or more of the project's serializers (computed once all apps are loaded)."""
    seen: dict[str, set[str]] = {}
    todo = [serializers.BaseSerializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("zugong."):
            seen.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    return frozenset(name for name, classes in seen.items() if len(classes) > 1)


def _app_prefix(module: str) -> str:
    """`zugong.recruitment.api` → `Recruitment`."""
    parts = module.split(".")
    return parts[1].capitalize() if len(parts) > 1 else ""


def _source_field(field):
    """The model field a serializer field reads (its `source`, dotted through relations), or None."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*":
        return None
    return model_field(model, source.replace(".", "__"))


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction):
        cls = serializer.__class__
        name = cls.__name__
        if name in _colliding_names():
            return _app_prefix(cls.__module__) + name
        return name

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if direction == "response" and (field.read_only or isinstance(field, serializers.ChoiceField)):
            column = _source_field(field)
            if column is not None:
                blank = isinstance(field, serializers.ChoiceField) and column.blank and not field.allow_blank
                null = column.null and not field.allow_null
                if blank or null:
                    field = copy.copy(field)
                    if blank:
                        field.allow_blank = True
                    if null:
                        field.allow_null = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    # ------------------------------------------------------------ error responses

    def _error_ref(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _error(self, description: str, *, validation: bool = False) -> dict:
        ref = (self._error_ref("ValidationError", VALIDATION_ERROR) if validation
               else self._error_ref("Error", ERROR))
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    def _takes_query(self) -> bool:
        return self.method == "GET" and (bool(self._get_filter_parameters())
                                         or bool(self._get_pagination_parameters()))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {}
        if self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = self._error("数据不合法：按字段列出原因", validation=True)
        elif self._takes_query():
            errors["400"] = self._error("查询参数不合法：按参数名列出原因", validation=True)
        if self.get_auth():
            errors["401"] = self._error("未登录，或令牌无效、已过期")
            errors["403"] = self._error("无权执行此操作")
        if "{" in self.path:
            errors["404"] = self._error("不存在或不在管辖范围内")
        elif self.method == "GET" and self._get_pagination_parameters():
            errors["404"] = self._error("页码超过最后一页")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = response
            elif "content" not in responses[code]:
                responses[code] = {**response, "description": responses[code].get("description") or
                                   response["description"]}
        return responses


class FilterBackendExtension(DjangoFilterExtension):
    """The query parameters of `zugong.core.api_params.FilterBackend`, typed as it checks them."""

    target_class = "zugong.core.api_params.FilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        params = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        bounds = filter_bounds(filterset_class, field_name, filter_field)
        for param in params:
            if bounds is not None:
                param["schema"] = {"type": "integer", "minimum": bounds[0], "maximum": bounds[1]}
            param["allowEmptyValue"] = True  # `?year=` is no filter (the empty choice, 全部)
        return params


__all__ = ["AutoSchema", "FilterBackendExtension"]
