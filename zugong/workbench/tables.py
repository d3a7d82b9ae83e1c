"""The findings list's table (with a selection box for bulk acknowledgement; exported without it)."""

import django_tables2 as tables
from django.utils.html import format_html

from zugong.core.models import Finding
from zugong.core.rule_views import record_url

BADGES = {"error": "bg-red-lt", "warning": "bg-orange-lt", "reminder": "bg-blue-lt"}


def state_of(f: Finding) -> str:
    if f.resolved_at:
        return f"已消除（{f.resolved_at:%Y-%m-%d}）"
    if f.excepted_at:
        return "例外办理"
    if f.acknowledged_at:
        return "已确认知悉"
    return "待处理"


def _min(width: str) -> dict:
    """A column that wraps but never narrower than `width` (on a phone the table scrolls instead)."""
    return {"td": {"style": f"min-width: {width}"}}


class FindingTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "ids", "form": "bulk-ack"},
                                                         "th__input": {"id": "select-all", "aria-label": "全选", "data-select-all": "ids"}},
                                   exclude_from_export=True)
    severity = tables.Column("程度", attrs={"td": {"class": "text-nowrap"}})
    rule = tables.Column("规则", attrs=_min("8em"))
    detail = tables.Column("问题", accessor="detail", attrs=_min("12em"))
    person = tables.Column("人员", accessor="person__name", visible=False)
    organization = tables.Column("党组织", accessor="organization__name", attrs=_min("9em"))
    citation = tables.Column("依据", accessor="regulation", orderable=False, attrs=_min("10em"))
    opened_at = tables.DateColumn(format="Y-m-d", verbose_name="发现时间", attrs={"td": {"class": "text-nowrap"}})
    state = tables.Column("状态", accessor="pk", orderable=False)
    acknowledgement = tables.Column("知悉说明（整改安排）", attrs=_min("8em"))

    class Meta:
        model = Finding
        fields = ()
        sequence = ("select", "severity", "rule", "detail", "person", "organization", "citation", "opened_at",
                    "state", "acknowledgement")
        attrs = {"class": "table table-vcenter card-table", "id": "findings"}
        empty_text = "没有符合条件的问题预警"

    def __init__(self, *args, rule_titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_titles = rule_titles or {}

    def render_severity(self, record):
        return format_html('<span class="badge {}">{}</span>', BADGES.get(record.severity, ""),
                           record.get_severity_display())

    def value_severity(self, record):
        return record.get_severity_display()

    def render_rule(self, value):
        return self.rule_titles.get(value, value)

    def value_rule(self, value):
        return self.rule_titles.get(value, value)

    def render_detail(self, record):
        who = format_html("<strong>{}</strong>：", record.person.name) if record.person_id else ""
        url = record_url(record.model, record.object_id)
        text = format_html('<a href="{}">{}</a>', url, record.detail) if url else record.detail
        return format_html("{}{}", who, text)

    def value_detail(self, record):
        return record.detail  # the person has a column of their own in the export

    def render_citation(self, record):
        return format_html('<span class="small">{}</span>', record.citation)

    def value_citation(self, record):
        return record.citation

    def render_state(self, record):
        text = state_of(record)
        css = "text-danger" if text == "待处理" else "text-success" if text == "已确认知悉" else "text-secondary"
        return format_html('<span class="{} text-nowrap">{}</span>', css, text)

    def value_state(self, record):
        return state_of(record)
