"""Tables of the member pages; their columns are also the columns of the Excel exports."""

from __future__ import annotations

import django_tables2 as tables

from zugong.core import pii
from zugong.core.tables import SequenceMixin
from zugong.people import services as people_services

from . import dues
from .models import Membership, TransferRequest


class RosterTable(SequenceMixin, tables.Table):
    """党员花名册 in the usual columns."""

    seq = tables.Column("序号", empty_values=())
    name = tables.Column("姓名", accessor="person__name", linkify=("members:detail", {"pk": tables.A("pk")}))
    sex = tables.Column("性别", accessor="person__sex")
    ethnicity = tables.Column("民族", accessor="person__ethnicity")
    birth_date = tables.DateColumn(format="Y-m-d", verbose_name="出生日期", accessor="person__birth_date")
    education = tables.Column("学历", accessor="person__education")
    joined_on = tables.DateColumn(format="Y-m-d", verbose_name="入党时间")
    converted_on = tables.DateColumn(format="Y-m-d", verbose_name="转正时间")
    category = tables.Column("党员类别")
    organization = tables.Column("所在党支部", accessor="organization__name")
    phone = tables.Column("联系电话", accessor="person__phone")

    def render_phone(self, value):
        return pii.mask_phone(value)

    def value_phone(self, record, value):
        request = getattr(self, "request", None)
        full = request is not None and people_services.exports_full(request.user, record.org_path)
        return value if full else pii.mask_phone(value)

    class Meta:
        model = Membership
        fields = (
            "seq",
            "name",
            "sex",
            "ethnicity",
            "birth_date",
            "education",
            "joined_on",
            "converted_on",
            "category",
            "organization",
            "phone",
        )
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "roster"}
        empty_text = "没有符合条件的党员"


class RosterOnTable(RosterTable):
    """The roster of a past day (截至某日): the branch and the status the member held that day."""

    organization = tables.Column("所在党支部（当日）", accessor="branch_name_then")
    status_then = tables.Column("党籍状态（当日）", empty_values=())

    def render_status_then(self, record):
        return dict(Membership.Status.choices).get(record.status_then, "")

    value_status_then = render_status_then

    class Meta(RosterTable.Meta):
        fields = (*RosterTable.Meta.fields, "status_then")
        sequence = (*RosterTable.Meta.fields[:-2], "status_then", "organization", "phone")


class TransferTable(tables.Table):
    name = tables.Column("姓名", linkify=("members:transfer_detail", {"pk": tables.A("pk")}))
    kind = tables.Column("转接类型")
    from_side = tables.Column("转出党组织", empty_values=(), accessor="from_side")
    to_side = tables.Column("接收党组织", empty_values=(), accessor="to_side")
    letter_no = tables.Column("介绍信编号")
    status = tables.Column("状态")
    requested_on = tables.DateColumn(format="Y-m-d", verbose_name="申请日期")
    sent_on = tables.DateColumn(format="Y-m-d", verbose_name="开具日期")
    received_on = tables.DateColumn(format="Y-m-d", verbose_name="接收日期")

    class Meta:
        model = TransferRequest
        fields = (
            "name",
            "kind",
            "from_side",
            "to_side",
            "letter_no",
            "status",
            "requested_on",
            "sent_on",
            "received_on",
        )
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "transfers"}
        empty_text = "没有符合条件的组织关系转接"


class ArrearsTable(SequenceMixin, tables.Table):
    """Members with unpaid months, as of today (annotated by dues.with_arrears)."""

    seq = tables.Column("序号", empty_values=())
    name = tables.Column("姓名", accessor="person__name", linkify=("members:detail", {"pk": tables.A("pk")}))
    organization = tables.Column("所在党支部", accessor="organization__name")
    category = tables.Column("党员类别")
    last_paid = tables.Column("最近缴纳月份", empty_values=())
    unpaid_months = tables.Column("连续未交（月）")
    monthly = tables.Column("月应交（元）", empty_values=())
    owed = tables.Column("欠交金额（元）", empty_values=())

    class Meta:
        model = Membership
        fields = ("seq", "name", "organization", "category", "last_paid", "unpaid_months", "monthly", "owed")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "arrears"}
        empty_text = "没有欠交党费的党员"

    def render_last_paid(self, record):
        return dues.month_label(record.last_paid) or "无记录"

    def render_monthly(self, record):
        amount = dues.dues_of(record)
        return amount if amount is not None else "未填基数"

    def render_owed(self, record):
        amount = dues.dues_of(record)
        return amount * record.unpaid_months if amount is not None else "—"

    value_last_paid = render_last_paid
    value_monthly = render_monthly
    value_owed = render_owed
