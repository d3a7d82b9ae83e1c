import django_tables2 as tables

from .models import Dispatch, DispatchReport, Evaluation, Rotation, WorkTeam

ATTRS = {"class": "table table-vcenter card-table table-striped text-nowrap"}


class DispatchTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("dispatch:detail", {"pk": tables.A("pk")}))
    sex = tables.Column("性别", accessor="person__get_sex_display")
    birth = tables.DateColumn(format="Y-m", verbose_name="出生年月", accessor="person__birth_date")
    program = tables.Column("选派项目", accessor="program__name")
    target_group = tables.Column("对象类别")
    sending = tables.Column("派出单位", empty_values=(), accessor="sending_unit_name")
    host_name = tables.Column("驻在村或接收单位")
    host_title = tables.Column("挂任（驻村）职务")
    start_on = tables.DateColumn(format="Y-m-d", verbose_name="开始日期")
    end_on = tables.DateColumn(format="Y-m-d", verbose_name="期满日期")
    status = tables.Column("状态")
    mentor = tables.Column("导师", empty_values=(), accessor="mentor_name")

    class Meta:
        model = Dispatch
        fields = ("name", "sex", "birth", "program", "target_group", "sending", "host_name", "host_title",
                  "start_on", "end_on", "status", "mentor")
        orderable = False
        attrs = {**ATTRS, "id": "dispatches"}
        empty_text = "没有符合条件的选派记录"

    def render_sending(self, record):
        return record.sending_unit_name or record.organization.name

    value_sending = render_sending

    def render_mentor(self, record):
        return record.mentor_label or "—"

    def value_mentor(self, record):
        return record.mentor_label


class ReportTable(tables.Table):
    name = tables.Column("姓名", accessor="dispatch__person__name",
                         linkify=("dispatch:detail", {"pk": tables.A("dispatch_id")}))
    program = tables.Column("选派项目", accessor="dispatch__program__name")
    host = tables.Column("驻在村或接收单位", accessor="dispatch__host_name")
    period_start = tables.DateColumn(format="Y-m", verbose_name="报告期")
    period_end = tables.DateColumn(format="Y-m-d", verbose_name="报告期止")
    days_in_village = tables.Column("在村天数")
    workdays = tables.Column("工作日数")
    work_log = tables.Column("工作纪实")
    submitted_on = tables.DateColumn(format="Y-m-d", verbose_name="报送日期")

    class Meta:
        model = DispatchReport
        fields = ("name", "program", "host", "period_start", "period_end", "days_in_village", "workdays",
                  "work_log", "submitted_on")
        orderable = False
        attrs = {**ATTRS, "id": "reports"}
        empty_text = "没有符合条件的工作报告"

    def render_work_log(self, value):
        return value if len(value) <= 30 else value[:30] + "…"

    def value_work_log(self, value):
        return value


class EvaluationTable(tables.Table):
    name = tables.Column("姓名", accessor="dispatch__person__name",
                         linkify=("dispatch:detail", {"pk": tables.A("dispatch_id")}))
    program = tables.Column("选派项目", accessor="dispatch__program__name")
    host = tables.Column("驻在村或接收单位", accessor="dispatch__host_name")
    kind = tables.Column("考核类别")
    year = tables.Column("年度")
    grade = tables.Column("等次")
    comments = tables.Column("评语")
    evaluated_on = tables.DateColumn(format="Y-m-d", verbose_name="考核日期")
    evaluator = tables.Column("考核单位")

    class Meta:
        model = Evaluation
        fields = ("name", "program", "host", "kind", "year", "grade", "comments", "evaluated_on", "evaluator")
        orderable = False
        attrs = {**ATTRS, "id": "evaluations"}
        empty_text = "没有符合条件的考核记录"

    def render_comments(self, value):
        return value if len(value) <= 30 else value[:30] + "…"

    def value_comments(self, value):
        return value


class TeamTable(tables.Table):
    name = tables.Column("工作队", linkify=("dispatch:team", {"pk": tables.A("pk")}))
    program = tables.Column("选派项目", accessor="program__name")
    sending = tables.Column("派驻单位", empty_values=(), accessor="sending_unit_name")
    host_name = tables.Column("驻在村")
    members_now = tables.Column("在岗队员")
    start_on = tables.DateColumn(format="Y-m-d", verbose_name="派驻日期")
    end_on = tables.DateColumn(format="Y-m-d", verbose_name="期满日期")
    status = tables.Column("状态")

    class Meta:
        model = WorkTeam
        fields = ("name", "program", "sending", "host_name", "members_now", "start_on", "end_on", "status")
        orderable = False
        attrs = {**ATTRS, "id": "teams"}
        empty_text = "没有驻村工作队"

    def render_sending(self, record):
        return record.sending_unit_name or record.organization.name

    value_sending = render_sending


class RotationTable(tables.Table):
    name = tables.Column("姓名", accessor="person__name", linkify=("dispatch:rotation", {"pk": tables.A("pk")}))
    kind = tables.Column("交流类型")
    reason = tables.Column("交流原因")
    from_level = tables.Column("原层级")
    from_unit_name = tables.Column("原单位")
    from_title = tables.Column("原职务")
    to_level = tables.Column("交流后层级")
    to_unit_name = tables.Column("交流单位")
    to_title = tables.Column("交流后职务")
    on = tables.DateColumn(format="Y-m-d", verbose_name="交流日期")
    document_no = tables.Column("文件文号")
    planned_end_on = tables.DateColumn(format="Y-m-d", verbose_name="约定期满")
    returned_on = tables.DateColumn(format="Y-m-d", verbose_name="返回或结束")

    class Meta:
        model = Rotation
        fields = ("name", "kind", "reason", "from_level", "from_unit_name", "from_title", "to_level",
                  "to_unit_name", "to_title", "on", "document_no", "planned_end_on", "returned_on")
        orderable = False
        attrs = {**ATTRS, "id": "rotations"}
        empty_text = "没有符合条件的交流记录"
