"""The API's query and path parameters: checked before they reach the database (issue 12, finding 9).

A value the database cannot hold (a year 0, an id of twenty digits, 2024.5 for an integer) used to reach the
query and answer 500. Here every parameter is checked first, once for every resource:

- `FilterBackend` (used by every viewset instead of django-filter's `DjangoFilterBackend`) validates the
  filterset's form as django-filter does, then bounds each number by the column it filters: integers and ids
  to the range every supported database holds (`BaseDatabaseOperations.integer_field_ranges`), years to
  1–9999, months to 1–12, days to 1–31; a number with a fraction where an integer is meant, and a boolean that
  is neither true nor false, are refused too. These answer 400 as `{"参数名": ["查询参数 参数名（标签）：原因"]}`;
  a filter method's own error (an organization code out of scope, a malformed ID number) is keyed by its
  parameter in the same way.
- `Pagination`: `page` must be a positive integer (400 naming it); a page past the last answers 404.
- `lookup_in_range(model, value)`: a path id the database cannot hold is simply not found (404), see
  `zugong.core.api.ScopedViewSetMixin.get_object`.

The OpenAPI schema says the same: `zugong.core.api_schema` declares these parameters as bounded integers and
booleans, so a client (and schemathesis, tests/api/test_fuzz.py) knows the valid values.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.encoding import force_str
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

# The ranges every supported database holds (PostgreSQL's, the strictest; SQLite holds 64 bits everywhere).
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
DATE_PART_RANGES = {"year": (1, 9999), "iso_year": (1, 9999), "month": (1, 12), "day": (1, 31),
                    "week": (1, 53), "week_day": (1, 7), "iso_week_day": (1, 7), "quarter": (1, 4)}
BOOLEAN_WORDS = {"true", "false", "1", "0"}


def describe(name: str, label=None) -> str:
    """How an error names a query parameter: `查询参数 year（选举年份）`."""
    label = force_str(label or "").split("：")[0].strip()
    return f"查询参数 {name}（{label}）" if label and label != name else f"查询参数 {name}"


def integer_range(field: models.Field) -> tuple[int, int] | None:
    """The range of an integer column (a foreign key: its target's), or None when it is no integer."""
    while isinstance(field, models.ForeignKey):
        field = field.target_field
    return INTEGER_RANGES.get(field.get_internal_type())


def model_field(model, path: str) -> models.Field | None:
    """The model field at the end of a lookup path (`entry__identification_list__year`, `cadre_id`)."""
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model if field.is_relation else None
    return field if isinstance(field, models.Field) else None


def filter_bounds(filterset_class, name: str, flt) -> tuple[int, int] | None:
    """The integer range a number filter accepts, or None when it filters no integer."""
    if not isinstance(flt, django_filters.NumberFilter):
        return None
    lookup = flt.lookup_expr or "exact"
    parts = (flt.field_name or name).split("__")
    if parts[-1] in DATE_PART_RANGES:  # held_on__year
        lookup = parts.pop()
    if lookup in DATE_PART_RANGES:
        return DATE_PART_RANGES[lookup]
    model = filterset_class._meta.model
    field = model_field(model, "__".join(parts)) if model is not None else None
    return integer_range(field) if field is not None else None


def lookup_in_range(model, value) -> bool:
    """Whether a path id fits the model's primary key (text of digits within its integer range)."""
    bounds = integer_range(model._meta.pk)
    if bounds is None:
        return True
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        return False
    return bounds[0] <= int(text) <= bounds[1]


def id_in_range(model, text: str) -> int | None:
    """An id typed in a text parameter (`?unit=17`): the number when it can be one of `model`'s ids."""
    text = text.strip()
    return int(text) if lookup_in_range(model, text) else None


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend that refuses, with 400 naming the parameter, every value the database could not
    take. Every API viewset lists it in `filter_backends` (tests/api/test_params.py checks that they do)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors: dict[str, list[str]] = {}
        if not filterset.is_valid():
            for name, messages in filterset.errors.items():
                errors[name] = [f"{self._named(filterset, name)}：{m}" for m in messages]
        for name, message in self.check_values(filterset).items():
            errors.setdefault(name, []).append(f"{self._named(filterset, name)}：{message}")
        if errors:
            raise exceptions.ValidationError(errors)
        # A filter method's own 400 (an organization code out of scope, a malformed ID number) is already
        # keyed by its parameter and says what is wrong: it passes as it is.
        return filterset.qs

    def check_values(self, filterset) -> dict[str, str]:
        """What is wrong with the cleaned values that the form let through, by parameter name."""
        problems: dict[str, str] = {}
        cleaned = getattr(filterset.form, "cleaned_data", {})
        for name, flt in filterset.filters.items():
            raw = filterset.data.get(name)
            value = cleaned.get(name)
            if isinstance(flt, django_filters.BooleanFilter):
                if raw not in (None, "") and str(raw).strip().lower() not in BOOLEAN_WORDS:
                    problems[name] = "应为 true 或 false"
                continue
            bounds = filter_bounds(type(filterset), name, flt)
            if bounds is None or value is None:
                continue
            try:
                number = Decimal(value)
                integral = number == number.to_integral_value()
            except (InvalidOperation, TypeError, ValueError):
                integral = False
            low, high = bounds
            if not integral or not (low <= number <= high):
                problems[name] = f"应为 {low} 至 {high} 之间的整数"
        return problems

    @staticmethod
    def _named(filterset, name: str) -> str:
        flt = filterset.filters.get(name)
        return describe(name, getattr(flt, "label", None))


class Pagination(PageNumberPagination):
    """DRF's page numbers, `?page=` checked: not a positive integer → 400 naming it; past the last page → 404."""

    invalid_page_message = "查询参数 page（页码）：第 {page_number} 页不存在"

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "") and raw not in self.last_page_strings:
            text = raw.strip()
            if not (text.isascii() and text.isdigit()) or len(text) > 18 or int(text) < 1:
                raise exceptions.ValidationError(
                    {self.page_query_param: [f"{describe(self.page_query_param, '页码')}：应为正整数"]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
                param["description"] = "页码（从 1 开始，空为第 1 页）；超过最后一页时返回 404"
                param["allowEmptyValue"] = True
        return params


__all__ = ["FilterBackend", "Pagination", "describe", "filter_bounds", "id_in_range", "lookup_in_range"]
