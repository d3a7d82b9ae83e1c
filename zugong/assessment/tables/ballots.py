"""Tables (and their filters) of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes."""

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.utils.html import format_html

from ..models import BallotRound, Mode, TeamAssessment, TeamGrade


class TeamGradeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="班子名称", method="filter_q")
    year = django_filters.NumberFilter(label="年度")
    mode = django_filters.ChoiceFilter(label="考核方式", choices=Mode.choices)
    grade = django_filters.ChoiceFilter(label="等次", choices=TeamGrade.choices)

    class Meta:
        model = TeamAssessment
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(team__name__contains=value) | Q(team__unit__name__contains=value))


class TeamGradeTable(tables.Table):
    team = tables.Column("领导班子", accessor="team__name", linkify=("assessment:ballots_team", {"pk": tables.A("pk")}))
    year = tables.Column("年度")
    mode = tables.Column("考核方式")
    period = tables.Column("期间")
    grade = tables.Column("等次")
    bars = tables.Column("不得评为优秀的情形", orderable=False)
    leaders = tables.Column("领导干部等次", accessor="leader_count", orderable=False,
                            attrs={"td": {"class": "text-end"}})
    assessed_on = tables.DateColumn(format="Y-m-d", verbose_name="评定日期")

    class Meta:
        model = TeamAssessment
        fields = ("team", "year", "mode", "period", "grade", "bars", "leaders", "assessed_on")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "team-grades"}
        empty_text = "还没有领导班子考核等次"

    def render_bars(self, value):
        return "、".join(b.get("text", "") for b in value) if value else "—"

    def value_bars(self, value):
        return self.render_bars(value)


class RoundFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="测评名称", field_name="title", lookup_expr="contains")
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(label="状态", choices=BallotRound.Status.choices)

    class Meta:
        model = BallotRound
        fields = []


class RoundTable(tables.Table):
    title = tables.Column("测评名称", linkify=("assessment:ballots_round", {"pk": tables.A("pk")}))
    organization = tables.Column("组织单位", accessor="organization__name")
    year = tables.Column("年度")
    mode = tables.Column("考核方式")
    opens_on = tables.DateColumn(format="Y-m-d", verbose_name="开始日期")
    closes_on = tables.DateColumn(format="Y-m-d", verbose_name="截止日期")
    subject_count = tables.Column("测评对象", attrs={"td": {"class": "text-end"}})
    status = tables.Column("状态")
    flagged_count = tables.Column("需关注", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = BallotRound
        fields = ("title", "organization", "year", "mode", "opens_on", "closes_on", "subject_count", "status",
                  "flagged_count")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "rounds"}
        empty_text = "还没有民主测评"

    def render_status(self, record, value):
        css = {"setup": "bg-secondary-lt", "open": "bg-green-lt", "closed": "bg-blue-lt"}[record.status]
        return format_html('<span class="badge {}">{}</span>', css, value)

    def value_status(self, record, value):
        return value

    def render_flagged_count(self, value):
        return format_html('<span class="text-danger fw-bold">{}</span>', value) if value else "0"

    def value_flagged_count(self, value):
        return value
