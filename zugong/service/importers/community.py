"""Import registrations with communities from .xlsx (`zugong import community-registrations FILE.xlsx`,
在职党员到社区报到导入).

One row per member: 公民身份号码, 姓名, 报到社区组织代码, 报到日期, 居住小区. The members are those the user may
change (the branch registers its members); the community is any community party organization (by its code,
wherever it lies: `community_services.community_problem` says what counts). Every bad row is named (row, column,
reason) and nothing is written while one is bad; the rows are written in one transaction and one audited
operation (待社区确认, as on the page)."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.core.pii import mask_id
from zugong.members.models import Membership
from zugong.orgs.models import Organization
from zugong.people import idnumber

from .. import community_services as services
from ..models import CommunityRegistration


_id = idnumber.from_cell  # the 公民身份号码 column


def _day(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"报到日期 {day:%Y-%m-%d} 晚于今天")
    return day


def _code(value):
    return excel.cell_text(value).replace(" ", "")


def _residence(value):
    text = excel.cell_text(value)
    if len(text) > 100:
        raise ValueError(f"居住小区最多 100 个字，现为 {len(text)} 个字")
    return text


@imports.register
class CommunityRegistrationImporter(imports.Importer):
    kind = "community-registrations"
    title = "在职党员到社区报到"
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码", "公民身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column("报到社区组织代码", "community", True, _code, aliases=("社区组织代码", "报到社区党组织代码"),
                     example="140105002001", width=18, hint="党员居住地所在社区党委（党总支、党支部）的组织代码"),
        excel.Column("报到日期", "registered_on", True, _day, aliases=("日期",), example="2026-03-02", width=12),
        excel.Column("居住小区", "residence", False, _residence, aliases=("居住小区（网格）", "小区", "网格"),
                     example="双塔小区3号楼", width=20),
    ]

    def validate(self, sheet, user, progress):
        rows = sheet.rows
        numbers = {v["id_number"] for _n, v, _r in rows if v.get("id_number")}
        members = {m.person.id_number: m for m in Membership.objects.visible_to(user, "change")
                   .filter(person__id_number__in=numbers).select_related("person", "organization")}
        codes = {v["community"] for _n, v, _r in rows if v.get("community")}
        orgs = {o.code: o for o in Organization.objects.unrestricted().filter(code__in=codes)}
        problems = {code: services.community_problem(org) for code, org in orgs.items()}
        live = {r.membership_id: r for r in CommunityRegistration.objects.unrestricted()
                .filter(membership__in=[m.pk for m in members.values()], status__in=services.LIVE)
                .select_related("community")}
        first_row: dict[int, int] = {}
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            number = v.get("id_number")
            member = members.get(number) if number else None
            if number and member is None:
                sheet.fail(no, "公民身份号码", f"{mask_id(number)} 不是您管辖范围内（可登记报到）的党员")
            if member is not None:
                name = (v.get("name") or "").replace(" ", "")
                if name and name != member.person.name:
                    sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{member.person.name}”不一致")
                if member.transferred_out_on or member.status not in Membership.ACTIVE_STATUSES:
                    sheet.fail(no, "公民身份号码", f"{member.person.name}（{member.get_status_display()}）不是现有党员")
                elif member.pk in live:
                    r = live[member.pk]
                    sheet.fail(no, "公民身份号码", f"{member.person.name}已于 {r.registered_on:%Y-%m-%d} 向"
                                                   f"“{r.community.name}”报到，同一时间只能在一个社区报到")
                elif member.pk in first_row:
                    sheet.fail(no, "公民身份号码", f"与第{first_row[member.pk]}行重复")
                else:
                    first_row[member.pk] = no
                v["membership"] = member
            code = v.get("community")
            if code:
                org = orgs.get(code)
                if org is None:
                    sheet.fail(no, "报到社区组织代码", f"没有组织代码为“{code}”的党组织")
                elif problems[code]:
                    sheet.fail(no, "报到社区组织代码", problems[code])
                else:
                    v["community_org"] = org

    def write(self, sheet, rows, user, note):
        made = []
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                made.append(services.register(user, v["membership"], v["community_org"], v["registered_on"],
                                              v.get("residence") or ""))
        return len(made)
