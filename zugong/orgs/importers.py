"""Import organizations from .xlsx (党组织导入). Parents come from the database or from earlier rows."""

from __future__ import annotations

import re

from zugong.core import excel, imports, scope
from zugong.core import refdata

from .models import Organization, Unit

_CODE = re.compile(r"^[0-9A-Za-z\-]{1,32}$")
_DIVISION = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
KIND_ALIASES = {"党委": "committee", "基层党委": "committee", "党总支": "general_branch", "总支": "general_branch",
                "党支部": "branch", "支部": "branch", "联合党支部": "branch", "临时党支部": "branch",
                "党小组": "party_group"}


def _code(value):
    text = excel.cell_text(value)
    if not _CODE.match(text):
        raise ValueError(f"组织代码“{text}”只能由字母、数字和“-”组成，最长32位")
    return text


def _kind(value):
    text = excel.cell_text(value)
    if text not in KIND_ALIASES:
        raise ValueError(f"组织类别应为党委、党总支、党支部或党小组，实为“{text}”")
    return text


def _sector(value):
    code = refdata.lookup(refdata.SECTORS, value)
    if code is None:
        raise ValueError(f"“{excel.cell_text(value)}”不是有效的领域")
    return code


def _division(value):
    text = excel.cell_text(value)
    if not _DIVISION.match(text):
        raise ValueError(f"行政区划代码“{text}”应为6、9或12位数字")
    return text


@imports.register
class OrganizationImporter(imports.Importer):
    kind = "orgs"
    title = "党组织"
    columns = [
        excel.Column("组织名称", "name", True, excel.cell_text, aliases=("党组织名称", "名称"),
                     example="中共太原市小店区坞城街道某社区支部委员会", width=36),
        excel.Column("简称", "short_name", False, excel.cell_text, example="某社区党支部", width=16),
        excel.Column("组织代码", "code", True, _code, aliases=("党组织代码",), example="14010500001", width=16),
        excel.Column("上级组织代码", "parent_code", True, _code, aliases=("上级党组织代码",), example="140105", width=16),
        excel.Column("组织类别", "kind", True, _kind, aliases=("类别",), example="党支部", width=10,
                     choices=("党委", "党总支", "党支部", "联合党支部", "临时党支部", "党小组")),
        excel.Column("领域", "sector", False, _sector, example="社区", width=10,
                     choices=refdata.labels(refdata.SECTORS)),
        excel.Column("所在单位", "unit", False, excel.cell_text, example="坞城街道某社区居委会", width=24),
        excel.Column("行政区划代码", "division_code", False, _division, example="140105", width=14),
        excel.Column("成立日期", "founded_on", False, excel.parse_date, example="2015-07-01", width=12),
        excel.Column("本届任期开始日期", "term_started_on", False, excel.parse_date, aliases=("换届日期",),
                     example="2024-06-28", width=16),
    ]


    def examples(self, user):
        parent = (Organization.objects.visible_to(user, "manage").filter(status=Organization.Status.ACTIVE)
                  .exclude(kind__in=[Organization.Kind.BRANCH, Organization.Kind.PARTY_GROUP]).order_by("path").first())
        return {"parent_code": parent.code, "code": f"{parent.code}99"} if parent is not None else {}

    def validate(self, sheet, user, progress):
        codes = {v["code"] for _n, v, _r in sheet.rows if v.get("code")}
        parents = {v["parent_code"] for _n, v, _r in sheet.rows if v.get("parent_code")}
        existing = {o.code: o for o in Organization.objects.unrestricted().filter(code__in=codes | parents)}
        in_file: dict[str, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code = v.get("code")
            if code:
                if code in in_file:
                    sheet.fail(no, "组织代码", f"与第{in_file[code]}行的组织代码重复")
                elif code in existing:
                    other = existing[code]
                    owner = f"“{other.name}”" if scope.can(user, "view", other.path) else "您管辖范围以外的组织"
                    sheet.fail(no, "组织代码", f"组织代码 {code} 已被{owner}使用")
                else:
                    in_file[code] = no
            parent_code = v.get("parent_code")
            if not parent_code:
                continue
            if parent_code in in_file and in_file[parent_code] < no:
                continue
            parent = existing.get(parent_code)
            if parent is None or not scope.can(user, "manage", parent.path):
                where = "（上级组织须在本行之前）" if parent_code in codes else ""
                sheet.fail(no, "上级组织代码", f"上级组织代码 {parent_code} 不存在或不在您的管辖范围内{where}")
            elif not parent.is_active:
                sheet.fail(no, "上级组织代码", f"上级组织“{parent.name}”已撤销")
            elif parent.kind == Organization.Kind.PARTY_GROUP:
                sheet.fail(no, "上级组织代码", "党小组下不能再设组织")
            v["parent"] = parent
        bad = {e.row for e in sheet.errors}
        for no, v, _raw in sheet.rows:  # in order, so a chain of rejected parents rejects its children
            parent_row = in_file.get(v.get("parent_code") or "")
            if parent_row and parent_row in bad and no not in bad:
                sheet.fail(no, "上级组织代码", f"上级组织（第{parent_row}行）有错误，本行无法导入")
                bad.add(no)

    def write(self, sheet, rows, user, note):
        created: dict[str, Organization] = {}
        with scope.bypass():
            for _no, v, _raw in rows:
                parent = v.get("parent") or created[v["parent_code"]]
                parent.refresh_from_db()
                unit = None
                if v.get("unit"):
                    unit, _ = Unit.objects.unrestricted().get_or_create(
                        org_path=parent.path, name=v["unit"],
                        defaults={"sector": v.get("sector") or "", "division_code": v.get("division_code") or ""},
                    )
                org = Organization(
                    name=v["name"], short_name=v.get("short_name") or "", code=v["code"],
                    kind=KIND_ALIASES[v["kind"]], is_joint=v["kind"] == "联合党支部",
                    is_temporary=v["kind"] == "临时党支部", sector=v.get("sector") or parent.sector,
                    unit=unit, division_code=v.get("division_code") or "", founded_on=v.get("founded_on"),
                    term_started_on=v.get("term_started_on"),
                )
                created[org.code] = Organization.objects.add_child(parent, instance=org)
        return len(created)
