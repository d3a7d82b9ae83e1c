import django_tables2 as tables
from django.utils import timezone

from .models import Observation, SelectionCase


def days_text(value) -> str:
    if value is None:
        return ""
    days = (value - timezone.localdate()).days
    return f"已过 {-days} 天" if days < 0 else ("今天" if days == 0 else f"还有 {days} 天")


class CaseTable(tables.Table):
    name = tables.Column("姓名", accessor="cadre__name", linkify=("appointments:detail", {"pk": tables.A("pk")}),
                         attrs={"td": {"class": "text-nowrap"}})
    from_title = tables.Column("原职务")
    target = tables.Column("拟任职务", accessor="title", empty_values=())
    rank = tables.Column("拟任职务层次")
    organization = tables.Column("办理党委", accessor="organization__name")
    stage = tables.Column("阶段", attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column("状态")
    proposed_on = tables.DateColumn(format="Y-m-d", verbose_name="动议")
    decided_on = tables.DateColumn(format="Y-m-d", verbose_name="讨论决定")
    appointed_on = tables.DateColumn(format="Y-m-d", verbose_name="任职")
    next_due = tables.DateColumn(format="Y-m-d", verbose_name="期限")
    days_left = tables.Column("剩余", empty_values=(), accessor="next_due", attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = SelectionCase
        fields = ("name", "from_title", "target", "rank", "organization", "stage", "status", "proposed_on",
                  "decided_on", "appointed_on", "next_due", "days_left")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "cases"}
        empty_text = "没有符合条件的选拔任用纪实"

    def render_target(self, record):
        return f"{record.unit_name}{record.title}"

    value_target = render_target

    def render_days_left(self, value):
        return days_text(value)

    value_days_left = render_days_left


class PublicNoticeTable(tables.Table):
    name = tables.Column("姓名", accessor="cadre__name", linkify=("appointments:detail", {"pk": tables.A("pk")}),
                         attrs={"td": {"class": "text-nowrap"}})
    sex = tables.Column("性别", accessor="cadre__sex")
    birth = tables.DateColumn(format="Y-m", verbose_name="出生年月", accessor="cadre__birth_date")
    from_title = tables.Column("现任职务")
    target = tables.Column("拟任职务", accessor="title", empty_values=())
    public_notice_start = tables.DateColumn(format="Y-m-d", verbose_name="公示开始")
    public_notice_end = tables.DateColumn(format="Y-m-d", verbose_name="公示结束")
    public_notice_workdays = tables.Column("工作日")
    days_left = tables.Column("状态", empty_values=(), accessor="public_notice_end")

    class Meta:
        model = SelectionCase
        fields = ("name", "sex", "birth", "from_title", "target", "public_notice_start", "public_notice_end",
                  "public_notice_workdays", "days_left")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "notices"}
        empty_text = "没有正在公示的人选"

    def render_target(self, record):
        return f"{record.unit_name}{record.title}"

    value_target = render_target

    def render_days_left(self, value):
        days = (value - timezone.localdate()).days
        return "公示期满，可办理任职" if days < 0 else ("今天期满" if days == 0 else f"公示中，还有 {days} 天")

    value_days_left = render_days_left


class ObservationTable(tables.Table):
    name = tables.Column("姓名", accessor="cadre__name", linkify=("appointments:observation", {"pk": tables.A("pk")}),
                         attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column("现任职务", accessor="cadre__current_title")
    observed_on = tables.DateColumn(format="Y-m-d", verbose_name="考察日期")
    task_kind = tables.Column("任务类别")
    task = tables.Column("重大任务")
    rating = tables.Column("表现评价")
    observer = tables.Column("考察人")

    class Meta:
        model = Observation
        fields = ("name", "title", "observed_on", "task_kind", "task", "rating", "observer")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "observations"}
        empty_text = "没有一线考察识别记录"
