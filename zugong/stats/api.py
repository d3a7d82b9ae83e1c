"""The statistics API: `/api/statistics/tables/` (the installed editions and their tables) and
`/api/statistics/tables/<number>/?organization=CODE&date=YYYY-MM-DD[&edition=2017]` → one table's figures for a
committee in the caller's scope on a reporting date, in the table's row and column order:

    {"table": 2, "title": "党员基本情况", "organization": "14", "date": "2025-12-31", "edition": "2017",
     "columns": ["总数", …], "rows": [{"label": "总计", "group": "", "cells": [3, 1, …]}, …]}

Figures as the pages show them (`figures.figures`: frozen once the report is submitted); a cell without data
(无数据来源, not entered) is null. An organization outside the caller's scope is not found (404); a date that
cannot be read is refused (400, in Chinese)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from zugong.core.api import ScopedPermission

from . import definitions, figures as figures_mod, selection
from .layout import plain
from .models import Edition, TableDef


class TableItemSerializer(serializers.Serializer):
    number = serializers.IntegerField(label="表号")
    title = serializers.CharField(label="表名")


class EditionSerializer(serializers.Serializer):
    edition = serializers.CharField(label="版本代码", help_text="如 2017")
    name = serializers.CharField(label="版本名称")
    tables = TableItemSerializer(many=True, label="统计表")


class TableRowSerializer(serializers.Serializer):
    label = serializers.CharField(label="行名称（项目）")
    group = serializers.CharField(label="所属分组", help_text="如“公有制单位”；不分组的行为空")
    cells = serializers.ListField(child=serializers.FloatField(allow_null=True), label="各栏数值",
                                  help_text="按栏次顺序；无数据来源且未填报的为 null")


class TableFiguresSerializer(serializers.Serializer):
    table = serializers.IntegerField(label="表号")
    title = serializers.CharField(label="表名")
    organization = serializers.CharField(label="填报单位组织代码")
    date = serializers.DateField(label="统计截止日期")
    edition = serializers.CharField(label="报表版本")
    columns = serializers.ListField(child=serializers.CharField(), label="各栏名称", help_text="按栏次顺序")
    rows = TableRowSerializer(many=True, label="各行")


ERROR_BODY = OpenApiResponse(response=OpenApiTypes.OBJECT, description="查询参数不合法：按参数名列出原因（中文）")
QUERY = [
    OpenApiParameter("organization", OpenApiTypes.STR, description="填报单位（党委）的组织代码；缺省为本人所在的党委",
                     required=False),
    OpenApiParameter("date", OpenApiTypes.DATE, description="统计截止日期 YYYY-MM-DD；缺省为今天之前最近的 12 月 31 日",
                     required=False),
    OpenApiParameter("edition", OpenApiTypes.STR, description="报表版本代码，缺省为 2017", required=False),
]


@extend_schema(tags=["党内统计"])
class StatisticsTableViewSet(viewsets.ViewSet):
    permission_classes = [ScopedPermission]
    queryset = TableDef.objects.none()  # names the resource on /api/
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    filter_backends: list = []  # the parameters are checked by the view itself (400/404 naming them)
    http_method_names = ["get", "head", "options"]

    def get_authenticate_header(self, request):
        return super().get_authenticate_header(request) or "Token"

    @extend_schema(summary="党内统计报表的版本和各表", responses={200: EditionSerializer(many=True)})
    def list(self, request):
        tables: dict[int, list] = {}
        for t in TableDef.objects.order_by("edition_id", "number").values("edition_id", "number", "title"):
            tables.setdefault(t["edition_id"], []).append({"number": t["number"], "title": t["title"]})
        return Response([{"edition": e.code, "name": e.name, "tables": tables.get(e.pk, [])}
                         for e in Edition.objects.order_by("-code")])

    @extend_schema(
        summary="一张统计表的数据",
        description=("按填报单位（`organization`，须在您的管辖范围内）和统计截止日期（`date`）给出一张表各行各栏的数值，"
                     "行、栏按表式的顺序。已上报的年报给出上报时冻结的数值。不在管辖范围内或不存在的组织、表号答 404；"
                     "日期不合法答 400。"),
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="表号"), *QUERY],
        responses={200: TableFiguresSerializer, 400: ERROR_BODY,
                   404: OpenApiResponse(response=OpenApiTypes.OBJECT, description="表号、版本或组织不存在，或组织不在管辖范围内")},
    )
    def retrieve(self, request, number=None):
        text = str(number or "")
        if not (text.isascii() and text.isdigit()) or len(text) > 4:
            raise exceptions.NotFound("没有这张统计表")
        params = request.query_params
        edition = selection.edition(params.get("edition"))
        if edition is None:
            raise exceptions.NotFound(f"没有版本 {str(params.get('edition'))[:20]} 的统计报表")
        table = definitions.load_table(edition, int(text))
        if table is None:
            raise exceptions.NotFound(f"没有表{int(text)}")
        try:
            day = selection.parse_day(params.get("date"))
        except selection.BadDate as exc:
            raise exceptions.ValidationError({"date": [str(exc)]}) from None
        code = params.get("organization", "")
        organization = selection.organization(request.user, code)
        if organization is None:
            if not code.strip():
                raise exceptions.ValidationError({"organization": ["请给出填报单位（党委）的组织代码"]})
            raise exceptions.NotFound(f"组织代码 {code.strip()[:64]} 不存在、不是党委或不在您的管辖范围内")
        report = figures_mod.report_for(organization, day, edition)
        grid = figures_mod.figures(organization, day, [table], report=report)[table.number]
        return Response({
            "table": table.number, "title": table.title, "organization": organization.code,
            "date": day.isoformat(), "edition": edition,
            "columns": [c.label for c in table.columns],
            "rows": [{"label": row.label, "group": row.group, "cells": [plain(v) for v in grid.values[r]]}
                     for r, row in enumerate(table.rows)],
        })


def register(router) -> None:
    router.register("statistics/tables", StatisticsTableViewSet, basename="statistics-table")
