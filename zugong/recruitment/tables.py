import django_tables2 as tables
from django.utils import timezone

from zugong.core import pii
from zugong.people import services as people_services

from . import deadlines
from .models import Case


class CaseTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("recruitment:detail", {"pk": tables.A("pk")}))
    id_number = tables.Column("公民身份号码", accessor="person__id_number")
    organization = tables.Column("所在党支部", accessor="organization__name")
    target_group = tables.Column("重点群体")
    stage = tables.Column("阶段")
    status = tables.Column("状态")
    applied_on = tables.DateColumn(format="Y-m-d", verbose_name="递交申请")
    activist_on = tables.DateColumn(format="Y-m-d", verbose_name="确定积极分子")
    candidate_on = tables.DateColumn(format="Y-m-d", verbose_name="确定发展对象")
    branch_meeting_on = tables.DateColumn(format="Y-m-d", verbose_name="入党时间")
    converted_on = tables.DateColumn(format="Y-m-d", verbose_name="转正时间")

    class Meta:
        model = Case
        fields = ("name", "id_number", "organization", "target_group", "stage", "status", "applied_on",
                  "activist_on", "candidate_on", "branch_meeting_on", "converted_on")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped"}
        empty_text = "没有符合条件的发展党员纪实"

    def render_id_number(self, value):
        return pii.mask_id(value)

    def value_id_number(self, record, value):
        request = getattr(self, "request", None)
        full = request is not None and people_services.exports_full(request.user, record.org_path)
        return value if full else pii.mask_id(value)


class DeadlineTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("recruitment:detail", {"pk": tables.A("pk")}))
    organization = tables.Column("所在党支部", accessor="organization__name")
    stage = tables.Column("阶段")
    due_what = tables.Column("到期事项", empty_values=(), accessor="pk")
    next_due = tables.DateColumn(format="Y-m-d", verbose_name="期限")
    days_left = tables.Column("剩余", empty_values=(), accessor="next_due")

    class Meta:
        model = Case
        fields = ("name", "organization", "stage", "due_what", "next_due", "days_left")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "deadlines"}
        empty_text = "没有即将到期的事项"

    def render_due_what(self, record):
        return deadlines.label_of(record)[0]

    def value_due_what(self, record):
        return deadlines.label_of(record)[0]

    def render_days_left(self, value):
        days = (value - timezone.localdate()).days
        return f"已逾期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"{days} 天")

    value_days_left = render_days_left
