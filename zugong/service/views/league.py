"""Service pages: league tables (办实事统计排名) of the user's organization and period, drilled down a child at a
time, sortable, with charts beside their tables and the .xlsx export; the public boards (公示屏): managed by
the organization's administrators, shown without login by their token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core import exports, scope
from zugong.orgs.models import Organization
from zugong.orgs.selectors import chosen_or_own

from .. import league, league_charts, league_selectors, league_services
from ..forms.league import BoardForm, PeriodForm
from ..models import PublicBoard

BOARD_REFRESH_SECONDS = 120


def _node(request) -> Organization:
    return chosen_or_own(request.user, request.GET.get("org"))


def _query_without(request, *names) -> str:
    q = request.GET.copy()
    for n in names:
        q.pop(n, None)
    return q.urlencode()


@login_required
def table_page(request):
    org = _node(request)
    form = PeriodForm(request.GET or None)
    period = form.get_period()
    rows = league.table(org, period.start, period.end)
    sort = request.GET.get("sort", "")
    rows = league_charts.sort_rows(rows, sort) if sort else rows
    title = f"{org.name}办实事统计（{period.label}）"
    if request.GET.get("export") == "xlsx":
        cells = [league_charts.export_values(r) for r in rows]
        return exports.respond(request, exports.Export(
            title, league_charts.export_headers(), lambda: cells, len(cells),
            f"组织：{org.name}；统计期：{period.start:%Y-%m-%d}至{period.end:%Y-%m-%d}"))
    chain = list(Organization.objects.visible_to(request.user)  # the ancestors the user may see, for the crumbs
                 .filter(path__in=[org.path[:i] for i in range(4, len(org.path), 4)]).order_by("depth"))
    return render(request, "service/league/table.html", {
        "title": "办实事统计排名", "org": org, "form": form, "period": period, "chain": chain,
        "headers": league_charts.headers(), "columns": league_charts.COLUMNS,
        "rows": [(r, league_charts.values(r)) for r in rows], "sort": sort,
        "base_query": _query_without(request, "sort", "export", "org"),
        "count_panel": _panel(rows, league_charts.COUNT_COLUMNS, league_charts.counts_chart(rows)),
        "rate_panel": _panel(rows, league_charts.RATE_COLUMNS, league_charts.rates_chart(rows)),
        "notes": league_charts.NOTES, "errors": form.errors if form.is_bound else None,
        "can_board": scope.can(request.user, "manage", org.path),
    })


def _panel(rows, columns, chart) -> dict:
    return {"headers": ["单位", *[c[1] for c in columns]], "chart": chart,
            "rows": [[r.name, *[league_charts.cell(r, c, short=True) for c in columns]] for r in rows]}


# ---------------------------------------------------------------- public boards (公示屏)


@login_required
def boards(request):
    form = BoardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            board = league_services.create_board(request.user, form.cleaned_data["organization"],
                                                 form.cleaned_data["title"])
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
        else:
            messages.success(request, f"已设置公示屏“{board.title}”")
            return redirect("service:league_boards")
    rows = (PublicBoard.objects.visible_to(request.user).select_related("organization")
            .order_by("-active", "org_path", "-created_at"))
    manage_paths = scope.scope_paths(request.user, "manage")
    listed = [(b, any(b.org_path.startswith(p) for p in manage_paths)) for b in rows[:200]]
    return render(request, "service/league/boards.html", {
        "title": "办实事公示屏", "form": form, "boards": listed, "can_create": bool(manage_paths)})


@require_POST
@login_required
def board_withdraw(request, token):
    board = get_object_or_404(PublicBoard.objects.visible_to(request.user).select_related("organization"),
                              token=token)
    try:
        league_services.withdraw_board(request.user, board, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤回公示屏“{board.title}”")
    return redirect("service:league_boards")


def _board_context(board) -> dict:
    today = timezone.localdate()
    period = league.period("year", today.year)
    rows = league.table(board.organization, period.start, period.end)
    return {"board": board, "period": period, "now": timezone.localtime(),
            "league_headers": league_charts.headers(),
            "league_rows": [league_charts.values(r) for r in rows],
            "items": league_selectors.items(board), "refresh": BOARD_REFRESH_SECONDS}


def board_public(request, token):
    """The public display page: no login, read-only, no personal data; the panel refreshes itself."""
    board = league_selectors.board_of(token)
    return render(request, "service/league/board.html", _board_context(board))


def board_panel(request, token):
    board = league_selectors.board_of(token)
    return render(request, "service/league/_board_panel.html", _board_context(board))


urlpatterns = [
    path("league/", table_page, name="league"),
    path("league/boards/", boards, name="league_boards"),
    path("league/boards/<str:token>/withdraw/", board_withdraw, name="league_board_withdraw"),
    path("board/<str:token>/", board_public, name="board"),
    path("board/<str:token>/panel/", board_panel, name="board_panel"),
]
