"""The cadre roster (干部名册) table; its columns are also the columns of the Excel export."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables

from zugong.core.tables import SequenceMixin

from .models import Cadre


NOWRAP = {"td": {"class": "text-nowrap"}}


class RosterTable(SequenceMixin, tables.Table):
    # chooses cadres for the batch export of 任免审批表 (adform); the boxes belong to the roster page's form
    ids = tables.CheckBoxColumn(accessor="pk", exclude_from_export=True,
                                attrs={"input": {"form": "adform-batch", "class": "form-check-input",
                                                 "aria-label": "选择"},
                                       "th__input": {"class": "form-check-input", "aria-label": "全选",
                                                     "data-select-all": "ids"}})
    seq = tables.Column("序号", empty_values=())
    name = tables.Column("姓名", linkify=("cadres:detail", {"pk": tables.A("pk")}), attrs=NOWRAP)
    sex = tables.Column("性别", attrs=NOWRAP)
    birth_date = tables.Column("出生年月（年龄）", empty_values=(), attrs=NOWRAP)
    ethnicity = tables.Column("民族", attrs=NOWRAP)
    party_status = tables.Column("政治面貌", attrs=NOWRAP)
    education = tables.Column("学历", attrs=NOWRAP)
    current_title = tables.Column("现任职务")
    rank = tables.Column("职级/级别", attrs=NOWRAP)
    rank_since = tables.DateColumn(format="Y-m-d", verbose_name="任现职级时间")
    post_started_on = tables.DateColumn(format="Y-m-d", verbose_name="任现职务时间")
    work_started_on = tables.DateColumn(format="Y-m-d", verbose_name="参加工作时间")

    class Meta:
        model = Cadre
        fields = ("ids", "seq", "name", "sex", "birth_date", "ethnicity", "party_status", "education", "current_title",
                  "rank", "rank_since", "post_started_on", "work_started_on")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "cadre-roster"}
        empty_text = "没有符合条件的干部"

    def render_birth_date(self, record):
        if not record.birth_date:
            return "—"
        return f"{record.birth_date:%Y.%m}（{record.age_on(dt.date.today())}岁）"

    def value_birth_date(self, record):
        return record.birth_date

    def render_current_title(self, value):
        return value or "—"
