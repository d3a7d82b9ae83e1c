"""The findings tab and the log tab of a record page: one helper for the views, three includes for the pages.

A detail view calls `tabs(request, obj, tab=tab)` (or, for a page that always shows its log, `log(request, obj)`)
and adds the result to its context; the template shows

    {% include "includes/record_tab_links.html" %}      the two tab links (问题预警 with the open count, 操作日志)
    {% include "includes/findings.html" %}              the findings table (open first; 确认知悉 on open ones)
    {% include "includes/audit_log.html" %}             the log table, 50 entries a page

A page that gathers several records (a team with its posts and members, a cadre with the rows of its sections)
passes them all: `tabs(request, team, posts, members, tab=tab)` — each argument is a record, or a queryset or
list of records of one model. "Open" is `Finding.is_open` (not resolved, not excepted), the same everywhere.
"""

from __future__ import annotations

from typing import Iterable

from django.core.paginator import Page, Paginator

from . import scope
from .models import AuditEntry, Finding

LOG_PAGE_SIZE = 50


def findings(user, *records, whole_record: bool = False) -> list[Finding]:
    """Every finding on the records (open ones first) that the user may see. With `whole_record`, every finding
    on them wherever it sits: for a record the view has shown the user may see, whose findings sit on another
    organization's side (a dispatch seen by its host side)."""
    qs = Finding.objects.all() if whole_record else Finding.objects.visible_to(user)
    qs = qs.of_records(*records).select_related("person", "organization")
    return list(qs.open_first())


def open_count(rows: Iterable[Finding]) -> int:
    return sum(1 for f in rows if f.is_open)


def may_read_log(user, record) -> bool:
    """A record's own log tab is for those who may change the record (its editors answer for its history); a
    read-only user does not get it, and the global log is the security auditor's (三员分立)."""
    first = record[0] if isinstance(record, (list, tuple)) and record else record
    first = first.first() if hasattr(first, "first") and not hasattr(first, "pk") else first
    if first is None:
        return False
    return any(scope.can(user, "change", p) for p in scope.side_paths(first) if p)


def log(request, *records) -> Page | None:
    """A page of the records' audit entries, newest first; None for a user who may not change the (first)
    record (`may_read_log`): the page then says the log is not shown."""
    if not records or not may_read_log(request.user, records[0]):
        return None
    qs = AuditEntry.objects.of_records(*records).order_by("-id")
    return Paginator(qs, LOG_PAGE_SIZE).get_page(request.GET.get("page"))


def tabs(request, *records, tab: str | None = None, whole_record: bool = False,
         findings_of: list[Finding] | None = None) -> dict:
    """The context of a record page's two tabs: `findings`, `open_findings` (how many are open) and, when the
    log tab is shown (`tab == "log"`, or `tab=None` for a page showing both), `log`. `findings_of` gives the
    findings when they are not those of the records (a person's, on any of their records)."""
    rows = findings(request.user, *records, whole_record=whole_record) if findings_of is None else findings_of
    context = {"findings": rows, "open_findings": open_count(rows)}
    if tab in (None, "log"):
        context["log"] = log(request, *records)
    return context
