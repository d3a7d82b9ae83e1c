import django_tables2 as tables

from .models import Organization


class OrganizationTable(tables.Table):
    name = tables.Column("名称", linkify=("orgs:detail", {"pk": tables.A("pk")}))
    code = tables.Column("组织代码")
    kind = tables.Column("类别")
    sector = tables.Column("领域")
    direct_people = tables.Column("直属人数")
    term_ends_on = tables.DateColumn(format="Y-m-d", verbose_name="任期届满")
    status = tables.Column("状态")

    class Meta:
        model = Organization
        fields = ("name", "code", "kind", "sector", "direct_people", "term_ends_on", "status")
        order_by = ("path",)
        attrs = {"class": "table table-vcenter card-table table-striped text-nowrap"}
        empty_text = "没有符合条件的组织"
