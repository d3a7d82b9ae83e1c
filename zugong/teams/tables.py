import django_tables2 as tables

from .models import LeadershipTeam


class TeamTable(tables.Table):
    name = tables.Column("班子名称", linkify=("teams:detail", {"pk": tables.A("pk")}))
    unit = tables.Column("单位", accessor="unit__name")
    organization = tables.Column("所属党组织", accessor="organization__name")
    level = tables.Column("层级")
    kind = tables.Column("类别")
    quota_total = tables.Column("职数", attrs={"td": {"class": "text-end"}})
    holders_total = tables.Column("在任", attrs={"td": {"class": "text-end"}})
    vacancies_total = tables.Column("空缺", attrs={"td": {"class": "text-end"}})

    class Meta:
        model = LeadershipTeam
        fields = ("name", "unit", "organization", "level", "kind", "quota_total", "holders_total", "vacancies_total")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "teams"}
        empty_text = "没有符合条件的领导班子"

    def render_vacancies_total(self, value):
        from django.utils.html import format_html

        return format_html('<span class="text-danger fw-bold">{}</span>', value) if value else "0"

    def value_vacancies_total(self, value):
        return value
