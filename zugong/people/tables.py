import django_tables2 as tables

from zugong.core import pii

from . import services
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

    # On the page the numbers are masked for everyone; an export gives the full numbers of the rows where the
    # user holds the “manage” right (`services.exports_full`), masked elsewhere.
    def render_id_number(self, value):
        return pii.mask_id(value)

    def render_phone(self, value):
        return pii.mask_phone(value)

    def _full(self, record) -> bool:
        request = getattr(self, "request", None)
        return request is not None and services.exports_full(request.user, record.org_path)

    def value_id_number(self, record, value):
        return value if self._full(record) else pii.mask_id(value)

    def value_phone(self, record, value):
        return value if self._full(record) else pii.mask_phone(value)
