import django_tables2 as tables
from django.utils import timezone

from zugong.core.dates import months_days

from .models import Election, TermAdjustment


def term_state(record, today=None, window_end=None) -> str:
    """已逾期 N 个月 / N 个月后届满 / 正常, from the annotated `election_due`."""
    today = today or timezone.localdate()
    due = record.election_due
    if due is None:
        return "—"
    if due < today:
        return f"已逾期 {months_days(due, today)}"
    if window_end is None or due <= window_end:
        return f"{months_days(today, due)}后届满" if due > today else "今天届满"
    return "正常"


class TermTable(tables.Table):
    name = tables.Column("党组织", linkify=("orgs:detail", {"pk": tables.A("pk")}))
    code = tables.Column("组织代码")
    kind = tables.Column("类别")
    sector = tables.Column("领域")
    term_started_on = tables.DateColumn(format="Y-m-d", verbose_name="本届任期开始")
    term_years = tables.Column("任期（年）")
    term_ends_on = tables.DateColumn(format="Y-m-d", verbose_name="任期届满")
    election_due = tables.DateColumn(format="Y-m-d", verbose_name="换届期限")
    state = tables.Column("状态", empty_values=(), accessor="pk")
    actions = tables.TemplateColumn(
        '<a href="{% url \'elections:create\' %}?org={{ record.pk }}">记录选举</a>', verbose_name="", orderable=False)

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "terms"}
        orderable = False
        empty_text = "没有符合条件的党组织"

    def __init__(self, *args, window_end=None, **kwargs):
        self.window_end = window_end
        super().__init__(*args, **kwargs)

    def render_state(self, record):
        text = term_state(record, window_end=self.window_end)
        css = "bg-red-lt" if text.startswith("已逾期") else ("bg-orange-lt" if text.endswith("届满") else "bg-green-lt")
        from django.utils.html import format_html

        return format_html('<span class="badge {}">{}</span>', css, text)

    def value_state(self, record):
        return term_state(record, window_end=self.window_end)


class ElectionTable(tables.Table):
    organization = tables.Column("党组织", accessor="organization__name",
                                 linkify=("elections:detail", {"pk": tables.A("pk")}))
    kind = tables.Column("选举类别")
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="选举日期")
    seats = tables.Column("应选")
    candidates = tables.Column("候选人")
    expected_voters = tables.Column("应到会")
    voters_present = tables.Column("实到会")
    valid = tables.BooleanColumn(verbose_name="有效", yesno="有效,无效")
    secretary_name = tables.Column("书记")
    approved_by_higher = tables.BooleanColumn(verbose_name="上级批准", yesno="已批准,未批准")
    approved_on = tables.DateColumn(format="Y-m-d", verbose_name="批准日期")

    class Meta:
        model = Election
        fields = ("organization", "kind", "held_on", "seats", "candidates", "expected_voters", "voters_present",
                  "valid", "secretary_name", "approved_by_higher", "approved_on")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "elections"}
        empty_text = "没有选举记录"


class AdjustmentTable(tables.Table):
    organization = tables.Column("党组织", accessor="organization__name",
                                 linkify=("orgs:detail", {"pk": tables.A("organization_id")}))
    kind = tables.Column("类别")
    months = tables.Column("月数")
    term_ends_on = tables.DateColumn(format="Y-m-d", verbose_name="原任期届满")
    due_on = tables.DateColumn(format="Y-m-d", verbose_name="调整后换届期限")
    approved_by = tables.Column("批准机关")
    approved_on = tables.DateColumn(format="Y-m-d", verbose_name="批准日期")
    document_no = tables.Column("批复文号")
    reason = tables.Column("理由")

    class Meta:
        model = TermAdjustment
        fields = ("organization", "kind", "months", "term_ends_on", "due_on", "approved_by", "approved_on",
                  "document_no", "reason")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "adjustments"}
        empty_text = "没有延期或提前换届的记录"
