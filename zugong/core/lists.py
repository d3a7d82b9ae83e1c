"""List pages: a filter panel, a sortable paginated table with the count, and an export of what is filtered."""

from django.shortcuts import render
from django_tables2 import RequestConfig

from . import exports


def list_page(request, *, queryset, filterset_class, table_class, template, title, export_name, extra=None,
              unfiltered=None, rows=None):
    """Render a scoped queryset as a filtered table; `?export=xlsx` exports every filtered row instead
    (`core.exports`: at once when small, else a background job). `unfiltered`: the rows shown while the
    filter is empty or invalid (default: `queryset`). `rows`: turns the filtered queryset into the table's data
    when a page reads its rows another way (a `TableData` or a sequence with len and slices: the arrears page)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    valid = filterset.is_bound and filterset.is_valid()
    qs = filterset.qs if valid else (queryset if unfiltered is None else unfiltered)
    table = table_class(rows(qs) if rows else qs)
    if request.GET.get("export") == "xlsx":
        RequestConfig(request, paginate=False).configure(table)
        filters = exports.describe_filters(filterset.form) if valid else ""
        return exports.respond(request, exports.table_export(table, export_name, filters))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {"filter": filterset, "table": table, "title": title, **(extra or {})}
    return render(request, template, context)
