"""Training tables: requirements (the shortfalls list; its columns are the export's)."""

from __future__ import annotations

import django_tables2 as tables

from zugong.core.tables import SequenceMixin


class ShortfallTable(SequenceMixin, tables.Table):
    seq = tables.Column("序号", empty_values=(), orderable=False)
    name = tables.Column("姓名", linkify=("training:person", {"pk": tables.A("person_id")}))
    organization = tables.Column("所在组织")
    title = tables.Column("培训要求")
    period = tables.Column("期间")
    credited = tables.Column("已计学时（次）")
    required = tables.Column("应达学时（次）")
    shortfall = tables.Column("差额")
    detail = tables.Column("情况", orderable=False)
    citation = tables.Column("依据", orderable=False)

    class Meta:
        attrs = {"class": "table table-vcenter card-table", "id": "shortfalls"}
        order_by = ("organization", "name")

    def render_credited(self, value):
        return _num(value)

    def render_required(self, value):
        return _num(value)

    def render_shortfall(self, value):
        return _num(value)


def _num(value) -> str:
    from ..requirements_eval import num

    return num(value)
