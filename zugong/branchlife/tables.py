import django_tables2 as tables

from .models import Meeting


class MeetingTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="日期",
                                linkify=("branchlife:detail", {"pk": tables.A("pk")}))
    kind = tables.Column("会议类型")
    topic = tables.Column("主题", linkify=("branchlife:detail", {"pk": tables.A("pk")}))
    organization = tables.Column("党组织", accessor="organization__name")
    host = tables.Column("主持人")
    expected = tables.Column("应到")
    present = tables.Column("实到")

    class Meta:
        model = Meeting
        fields = ("held_on", "kind", "topic", "organization", "host", "expected", "present")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "meetings"}
        empty_text = "没有符合条件的组织生活记录"
