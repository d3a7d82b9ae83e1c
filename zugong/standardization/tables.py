import django_tables2 as tables

from .models import BranchScore


class ScoreTable(tables.Table):
    rank = tables.Column("名次")
    organization = tables.Column("党支部", accessor="organization__name",
                                 linkify=("standardization:detail", {"pk": tables.A("pk")}))
    code = tables.Column("组织代码", accessor="organization__code")
    year = tables.Column("年度")
    total = tables.Column("总分")
    grade = tables.Column("等次")
    data_points = tables.Column("数据计分")
    inspector_points = tables.Column("考评计分")
    inspector_pending = tables.Column("待考评项")
    computed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="计算时间")

    class Meta:
        model = BranchScore
        fields = ("rank", "organization", "code", "year", "total", "grade", "data_points", "inspector_points",
                  "inspector_pending", "computed_at")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped", "id": "scores"}
        empty_text = "没有得分记录；组织部门或党组织管理员可以“计算得分”"
