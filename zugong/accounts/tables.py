import django_filters
import django_tables2 as tables

from .models import User


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="用户名或姓名", method="filter_q")

    class Meta:
        model = User
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(username__contains=value) | qs.filter(display_name__contains=value)


class UserTable(tables.Table):
    username = tables.Column("用户名", linkify=("accounts:user", {"pk": tables.A("pk")}))
    display_name = tables.Column("姓名")
    grants = tables.Column("系统职责或角色与管辖范围", empty_values=(), accessor="pk")
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")
    must_change_password = tables.BooleanColumn(verbose_name="须修改密码", yesno="是,否")
    last_login = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="上次登录")

    class Meta:
        model = User
        fields = ("username", "display_name", "grants", "is_active", "must_change_password", "last_login")
        orderable = False
        attrs = {"class": "table table-vcenter card-table"}
        empty_text = "没有账号"

    def render_grants(self, record):
        if record.duty:
            return record.get_duty_display()
        return "；".join(f"{g.organization.display_name}·{g.get_role_display()}" for g in record.grants.all())

    def value_grants(self, record):
        return self.render_grants(record)
