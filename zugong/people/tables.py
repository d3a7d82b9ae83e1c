import django_tables2 as tables

from .models import Person


class PersonTable(tables.Table):
    name = tables.Column("姓名", linkify=("people:detail", {"pk": tables.A("pk")}))
    sex = tables.Column("性别")
    ethnicity = tables.Column("民族")
    birth_date = tables.DateColumn(format="Y-m-d", verbose_name="出生日期")
    education = tables.Column("学历")
    id_number = tables.Column("公民身份号码")
    organization = tables.Column("所在党组织", accessor="organization__name")
    phone = tables.Column("联系电话")

    class Meta:
        model = Person
        fields = ("name", "sex", "ethnicity", "birth_date", "education", "id_number", "organization", "phone")
        orderable = False
        attrs = {"class": "table table-vcenter card-table table-striped text-nowrap"}
        empty_text = "没有符合条件的人员"
