"""The reports: the start page; one organization's report (status, cover, checks with their explanations,
上报, 退回 for the level above, history); the subordinates' reports for a committee (已上报 / 未上报 / 已退回 and
the sum of the submitted figures); the named list behind a check. Every page takes
`?organization=CODE&date=YYYY-MM-DD` (default: the user's own organization, the last year-end)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from zugong.core import record_tabs
from zugong.orgs.models import Organization

from .. import checks, definitions, figures, selection
from .. import reports_services as services
from ..models import FrozenTable, Report

LIST_LIMIT = 500


def _organization(request) -> Organization:
    """The reporting committee (`selection.organization`: one the user sees; none given → the user's own)."""
    code = request.GET.get("organization") or request.POST.get("organization")
    org = selection.organization(request.user, code)
    if org is None:
        raise Http404("没有该党委，或不在您的管辖范围内")
    return org


def _day(request) -> dt.date:
    try:
        return selection.parse_day(request.GET.get("date") or request.POST.get("date"))
    except selection.BadDate as exc:
        raise Http404(str(exc)) from None


def _edition(request) -> str:
    return request.GET.get("edition") or request.POST.get("edition") or figures.DEFAULT_EDITION


def _query(org, day, **extra) -> str:
    from urllib.parse import urlencode

    return urlencode({"organization": org.code, "date": day.isoformat(), **extra})


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for ms in exc.message_dict.values() for m in ms)
        return "；".join(exc.messages)
    return str(exc) or "您无权进行该操作"


def _act(request, org, day, edition, report):
    action = request.POST.get("action", "")
    user = request.user
    if action == "return":
        if report is None:
            raise Http404
        services.return_report(user, report, request.POST.get("reason", ""))
        return "已退回该年报"
    report = report or services.open_report(user, org, day, edition)
    if action == "cover":
        services.save_cover(user, report, responsible=request.POST.get("responsible", ""),
                            preparer=request.POST.get("preparer", ""), phone=request.POST.get("phone", ""))
        return "已保存封面"
    if action == "explain":
        def index(name):
            raw = request.POST.get(name, "")
            return int(raw) if raw.strip().isdigit() else None
        number = index("number")
        if number is None:
            raise ValidationError("表号不正确")
        services.explain(user, report, request.POST.get("code", ""), number, index("row"), index("col"),
                         request.POST.get("text", ""))
        return "已保存说明"
    if action == "submit":
        services.submit(user, report)
        return "已上报，各表数据已冻结"
    raise Http404


@login_required
def report(request):
    org, day, edition = _organization(request), _day(request), _edition(request)
    rep = (Report.objects.visible_to(request.user).select_related("organization", "edition", "submitted_by",
                                                                  "returned_by")
           .filter(organization=org, as_of=day, edition__code=edition).first())
    here = f"{reverse('stats:report')}?{_query(org, day)}"
    if request.method == "POST":
        try:
            messages.success(request, _act(request, org, day, edition, rep))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect(here)
    tables = definitions.load(edition)
    grids = figures.figures(org, day, tables, report=rep) if tables else {}
    found = checks.run(rep, org, day, tables, grids)
    may_fill = services.may_fill(request.user, org)
    context = {
        "organization": org, "day": day, "edition": edition, "report": rep, "tables": tables,
        "findings": found, "blocking": sum(1 for f in found if f.blocking),
        "counts": dict(zip(("error", "explain", "note"),
                           (sum(1 for f in found if f.severity == s) for s in checks.SEVERITIES))),
        "may_fill": may_fill and (rep is None or not rep.frozen),
        "may_return": rep is not None and rep.frozen and services.may_return(request.user, rep),
        "query": _query(org, day), "is_committee": org.kind == Organization.Kind.COMMITTEE,
        "log": record_tabs.log(request, rep) if rep is not None else None,
    }
    return render(request, "stats/reports/report.html", context)


def _sum(grids: list[list[list]]) -> list[list]:
    """Cell by cell; a cell none of the grids holds stays None."""
    if not grids:
        return []
    out = [[None] * len(row) for row in grids[0]]
    for g in grids:
        for r, row in enumerate(g[:len(out)]):
            for c, v in enumerate(row[:len(out[r])]):
                if v is not None:
                    out[r][c] = (out[r][c] or 0) + v
    return out


@login_required
def subordinates(request):
    org, day, edition = _organization(request), _day(request), _edition(request)
    subs = list(Organization.objects.visible_to(request.user)
                .filter(path__startswith=org.path, depth=org.depth + 1, kind=Organization.Kind.COMMITTEE)
                .order_by("path"))
    reports = {r.organization_id: r for r in Report.objects.visible_to(request.user)
               .filter(organization__in=subs, as_of=day, edition__code=edition)
               .select_related("submitted_by")}
    rows = [{"organization": s, "report": reports.get(s.pk),
             "status": reports[s.pk].get_status_display() if s.pk in reports else "未上报",
             "query": _query(s, day)} for s in subs]
    submitted = [r for r in reports.values() if r.frozen]
    tables = definitions.load(edition)
    number = request.GET.get("table", "")
    table = next((t for t in tables if str(t.number) == number), tables[0] if tables else None)
    total, per_org = [], []
    if table is not None and submitted:
        frozen = {f.report_id: f.values for f in FrozenTable.objects.visible_to(request.user)
                  .filter(report__in=submitted, number=table.number)}
        total = _sum(list(frozen.values()))
        by_pk = {s.pk: s for s in subs}
        per_org = [{"organization": by_pk[r.organization_id], "values": frozen[r.pk][0] if frozen[r.pk] else [],
                    "query": _query(by_pk[r.organization_id], day)}
                   for r in sorted(submitted, key=lambda r: r.org_path) if r.pk in frozen]
    context = {
        "organization": org, "day": day, "rows": rows, "tables": tables, "table": table,
        "total_rows": [{"label": table.rows[i].label, "values": v} for i, v in enumerate(total)] if total else [],
        "per_org": per_org, "submitted": len(submitted),
        "missing": [r for r in rows if not (r["report"] and r["report"].frozen)],
        "query": _query(org, day),
    }
    return render(request, "stats/reports/subordinates.html", context)


@login_required
def check_list(request):
    """The named list behind a check: `number` and `check` (a population entry of the table's checks) or
    `row` and `col` (a cell), for the organization and date; only the rows the user may see by name."""
    org, day, edition = _organization(request), _day(request), _edition(request)

    def index(name):
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() else None

    number = index("number")
    table = definitions.load_table(edition, number) if number is not None else None
    if table is None:
        raise Http404("没有该表")
    found = checks.check_list(table, org, day, check=index("check"), row=index("row"), col=index("col"))
    if found is None:
        raise Http404("该项没有名单")
    pop, rows = found
    total = rows.count()
    shown = pop.visible(rows, request.user) if pop.visible else rows.none()
    visible_n = shown.count()
    lookups = [lookup for _, lookup in pop.listing] or ["pk"]
    items = list(shown.order_by("pk").values_list(*lookups)[:LIST_LIMIT])
    check = index("check")
    title = (table.checks[check].get("text") if check is not None
             else f"{table.rows[index('row')].label} · {table.columns[index('col')].label}")
    context = {
        "organization": org, "day": day, "table": table, "title": title, "population": pop,
        "headers": [label for label, _ in pop.listing] or ["编号"], "items": items, "total": total,
        "hidden": total - visible_n, "limited": visible_n > LIST_LIMIT, "limit": LIST_LIMIT,
        "query": _query(org, day),
    }
    return render(request, "stats/reports/check_list.html", context)

