"""List pages: a filter panel, a sortable paginated table with the count, and an export of what is filtered."""

from django.shortcuts import render
from django_tables2 import RequestConfig

from . import excel


def list_page(request, *, queryset, filterset_class, table_class, template, title, export_name, extra=None):
    """Render a scoped queryset as a filtered table; `?export=xlsx` exports every filtered row instead."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    table = table_class(qs)
    if request.GET.get("export") == "xlsx":
        RequestConfig(request, paginate=False).configure(table)
        if qs.count() > excel.EXPORT_LIMIT:
            from django.contrib import messages

            messages.error(request, f"一次最多导出 {excel.EXPORT_LIMIT:,} 行，请先缩小筛选范围")
        else:
            return excel.export_table(table, f"{export_name}.xlsx")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    context = {"filter": filterset, "table": table, "title": title, **(extra or {})}
    return render(request, template, context)
