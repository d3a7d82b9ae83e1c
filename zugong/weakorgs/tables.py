import django_tables2 as tables
from django.utils import timezone

from .models import Flag, IdentificationList, Rectification


class ListTable(tables.Table):
    organization = tables.Column("审定党组织", accessor="organization__name",
                                 linkify=("weakorgs:list_detail", {"pk": tables.A("pk")}))
    year = tables.Column("年度")
    status = tables.Column("状态")
    entries = tables.Column("列入数", accessor="entry_count")
    as_of = tables.DateColumn(format="Y-m-d", verbose_name="排查基准日")
    approved_on = tables.DateColumn(format="Y-m-d", verbose_name="审定日期")
    decision = tables.Column("审定依据")

    class Meta:
        model = IdentificationList
        fields = ("organization", "year", "status", "entries", "as_of", "approved_on", "decision")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "lists"}
        empty_text = "没有认定名单"


class CaseTable(tables.Table):
    organization = tables.Column("党组织", accessor="organization__name",
                                 linkify=("weakorgs:case_detail", {"pk": tables.A("pk")}))
    year = tables.Column("认定年度", accessor="entry__identification_list__year")
    reasons = tables.Column("认定情形", accessor="entry__reason_codes")
    status = tables.Column("状态")
    responsible_leader = tables.Column("责任领导")
    first_secretary = tables.Column("第一书记")
    started_on = tables.DateColumn(format="Y-m-d", verbose_name="开始整顿")
    deadline = tables.DateColumn(format="Y-m-d", verbose_name="整顿期限")
    overdue = tables.Column("超期", empty_values=(), accessor="deadline")
    accepted_on = tables.DateColumn(format="Y-m-d", verbose_name="销号日期")
    followup_until = tables.DateColumn(format="Y-m-d", verbose_name="跟踪至")

    class Meta:
        model = Rectification
        fields = ("organization", "year", "reasons", "status", "responsible_leader", "first_secretary",
                  "started_on", "deadline", "overdue", "accepted_on", "followup_until")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "cases"}
        empty_text = "没有整顿台账"

    def render_overdue(self, record):
        if record.is_open and record.deadline < timezone.localdate():
            return f"超期 {(timezone.localdate() - record.deadline).days} 天"
        return ""

    value_overdue = render_overdue


class FlagTable(tables.Table):
    organization = tables.Column("党组织", accessor="organization__name")
    indicator = tables.Column("情形", accessor="indicator__code")
    indicator_text = tables.Column("情形内容", accessor="indicator__text")
    year = tables.Column("年度")
    note = tables.Column("具体情况")
    reported_on = tables.DateColumn(format="Y-m-d", verbose_name="发现日期")
    reported_by = tables.Column("标记人")
    withdrawn = tables.BooleanColumn(verbose_name="已撤销", yesno="是,否")

    class Meta:
        model = Flag
        fields = ("organization", "indicator", "indicator_text", "year", "note", "reported_on", "reported_by",
                  "withdrawn")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "flags"}
        empty_text = "没有人工标记的情形"
