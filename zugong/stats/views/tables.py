"""The statistics pages: the start page (organization, reporting date, the edition's tables), a table in its
official layout, the drill-down behind a cell (the named rows the user may see, the rest counted), a cell
entered by hand, and the workbook export. The organization is looked up among the committees in the user's
scope: any other code is not found (404)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from zugong.core import exports, scope
from zugong.core.forms import apply_errors

from .. import definitions, engine, export as table_export, figures as figures_mod, manual_services, selection
from ..layout import layout, plain
from ..models import Report
from ..populations import Ctx


class Selection:
    """The organization, date and edition a page is about (from the query string)."""

    def __init__(self, request, *, require_org=True):
        self.error = ""
        try:
            self.day = selection.parse_day(request.GET.get("date"))
        except selection.BadDate as exc:
            self.error, self.day = str(exc), selection.default_day()
        asked = (request.GET.get("edition") or "").strip()
        self.edition = selection.edition(asked)
        if self.edition is None:
            if asked or require_org:
                raise Http404("没有该版本的统计报表" if asked else "尚未安装党内统计报表表式")
            # the start page says that no table set is installed (and where to install it)
            self.edition = figures_mod.DEFAULT_EDITION
        code = request.GET.get("organization", "")
        self.organization = selection.organization(request.user, code)
        if code.strip() and self.organization is None:
            raise Http404("组织不存在或不在您的管辖范围内")
        if require_org and self.organization is None:
            raise Http404("请选择您管辖范围内的党委")

    @property
    def query(self) -> str:
        q = {"organization": self.organization.code if self.organization else "", "date": self.day.isoformat()}
        if self.edition != figures_mod.DEFAULT_EDITION:
            q["edition"] = self.edition
        return urlencode(q)

    def report(self) -> Report | None:
        return figures_mod.report_for(self.organization, self.day, self.edition)


def _table(sel: Selection, number: int) -> definitions.Table:
    table = definitions.load_table(sel.edition, number)
    if table is None:
        raise Http404("没有这张统计表")
    return table


def _error_page(request, sel):
    return render(request, "stats/tables/error.html", {"message": sel.error}, status=400)


@login_required
def home(request):
    sel = Selection(request, require_org=False)
    tables = definitions.load(sel.edition)
    report = sel.report() if sel.organization else None
    context = {"sel": sel, "tables": tables, "report": report,
               "committees": selection.committees(request.user)[:500], "error": sel.error}
    return render(request, "stats/tables/home.html", context, status=400 if sel.error else 200)


@login_required
def table(request, number: int):
    sel = Selection(request)
    if sel.error:
        return _error_page(request, sel)
    tbl = _table(sel, number)
    report = sel.report()
    grid = figures_mod.figures(sel.organization, sel.day, [tbl], report=report)[tbl.number]
    can_enter = (report is None or not report.frozen) and scope.can(request.user, "change", sel.organization.path)
    lay = layout(tbl)
    specs = tbl.specs()
    for row in lay.rows:
        r = row.index
        for c in range(len(tbl.columns)):
            source, value = grid.sources[r][c], plain(grid.values[r][c])
            spec = specs[r][c]
            cell = {"value": value, "source": source, "link": "", "enter": ""}
            if source == "computed" and not spec.expr and value:
                cell["link"] = f"{reverse('stats:cell', args=[tbl.number, r, c])}?{sel.query}"
            if can_enter and not spec.expr and spec.source in ("none", "manual"):
                cell["enter"] = f"{reverse('stats:manual', args=[tbl.number, r, c])}?{sel.query}"
            row.cells.append(cell)
    context = {"sel": sel, "table": tbl, "layout": lay, "report": report,
               "numbers": range(1, len(tbl.columns) + 1)}
    return render(request, "stats/tables/table.html", context)


def _choices(model, lookup: str) -> dict | None:
    """The display names of a lookup's choices (性别 1 → 男), if its field has choices."""
    field = None
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return {str(k): v for k, v in field.flatchoices} if field is not None and getattr(field, "choices", None) else None


def _shown_row(row, choices):
    return [choices[i].get(str(v), v) if choices[i] and v is not None else ("" if v is None else v)
            for i, v in enumerate(row)]


@login_required
def cell(request, number: int, r: int, c: int):
    sel = Selection(request)
    if sel.error:
        return _error_page(request, sel)
    tbl = _table(sel, number)
    if not (0 <= r < len(tbl.rows) and 0 <= c < len(tbl.columns)):
        raise Http404("没有这一栏")
    drilled = engine.drill(tbl, r, c, Ctx.of(sel.organization.path, sel.day))
    if drilled is None:
        raise Http404("这一栏不是按名单统计的（手工填报或由其他栏计算）")
    pop, qs = drilled
    total = qs.count()
    visible = pop.visible(qs, request.user) if pop.visible else qs.none()
    shown = visible.count() if total else 0
    labels = [label for label, _ in pop.listing]
    lookups = [lookup for _, lookup in pop.listing]
    choices = [_choices(qs.model, lookup) for lookup in lookups]
    rows = visible.order_by("pk").values_list(*lookups)
    title = f"表{tbl.number} {tbl.title}：{tbl.rows[r].label} · {tbl.columns[c].label}"
    if request.GET.get("export") == "xlsx":
        name = f"表{tbl.number}第{r + 1}行第{c + 1}栏名单"
        return exports.respond(request, exports.Export(
            name=name, headers=labels, count=shown,
            rows=lambda: (_shown_row(row, choices) for row in rows.iterator(chunk_size=exports.CHUNK)),
            filters=f"{sel.organization.name}；统计截止日期：{sel.day:%Y-%m-%d}；{title}"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    report = sel.report()
    context = {"sel": sel, "table": tbl, "r": r, "c": c, "title": title, "population": pop, "labels": labels,
               "page": page, "rows": [_shown_row(row, choices) for row in page.object_list],
               "total": total, "shown": shown, "hidden": total - shown, "frozen": report is not None and report.frozen,
               "frozen_value": plain(figures_mod.figures(sel.organization, sel.day, [tbl], report=report)[
                   tbl.number].values[r][c]) if report is not None and report.frozen else None}
    return render(request, "stats/tables/cell.html", context)


class ManualCellForm(forms.Form):
    value = forms.CharField(label="数值", required=False, max_length=20,
                            help_text="留空则清除已填的数值")
    note = forms.CharField(label="说明", required=False, max_length=200)

    def clean_value(self):
        text = self.cleaned_data["value"].strip().replace(",", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError("数值：应为数字") from None
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            raise ValidationError("数值：应为不小于 0 的数字")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError("数值：最多保留两位小数")
        return value


@login_required
def manual(request, number: int, r: int, c: int):
    sel = Selection(request)
    if sel.error:
        return _error_page(request, sel)
    tbl = _table(sel, number)
    if not manual_services.enterable(tbl, r, c):
        raise Http404("这一栏由系统计算，不能手工填报")
    report = sel.report()
    current = None
    if report is not None:
        current = report.manual_cells.model.objects.visible_to(request.user).filter(
            report=report, number=tbl.number, row=r, col=c).first()
    initial = {"value": plain(current.value) if current else "", "note": current.note if current else ""}
    form = ManualCellForm(request.POST or None, initial=initial)
    back = f"{reverse('stats:table', args=[tbl.number])}?{sel.query}"
    if request.method == "POST" and form.is_valid():
        try:
            manual_services.enter(request.user, sel.organization, sel.day, sel.edition, tbl, r, c,
                                  form.cleaned_data["value"], form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(back)
    context = {"sel": sel, "table": tbl, "r": r, "c": c, "form": form, "back": back, "report": report,
               "row_label": tbl.rows[r].label, "col_label": tbl.columns[c].label,
               "frozen": report is not None and report.frozen,
               "can_change": scope.can(request.user, "change", sel.organization.path)}
    return render(request, "stats/tables/manual.html", context)


@login_required
def export(request):
    sel = Selection(request)
    if sel.error:
        return _error_page(request, sel)
    number = request.GET.get("table", "").strip()
    if number:
        if not number.isdigit() or len(number) > 3:
            raise Http404("没有这张统计表")
        tables = [_table(sel, int(number))]
    else:
        tables = definitions.load(sel.edition)
        if not tables:
            raise Http404("该版本没有安装统计表")
    report = sel.report()
    grids = figures_mod.figures(sel.organization, sel.day, tables, report=report)
    content = table_export.workbook_bytes(tables, grids, sel.organization, sel.day)
    name = (f"{sel.organization.name}_{'表' + str(tables[0].number) if number else '党内统计年报'}"
            f"_{sel.day:%Y%m%d}")
    rows = sum(len(t.rows) for t in tables)
    return exports.recorded(request, name, content, rows=rows,
                            filters=f"{sel.organization.name}；统计截止日期：{sel.day:%Y-%m-%d}")
