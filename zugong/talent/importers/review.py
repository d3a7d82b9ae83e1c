"""Talent imports: the expert pool — `zugong import talent-experts FILE.xlsx` (评审专家): 姓名, 工作单位, 专业领域,
职称职务, 联系电话, 公民身份号码 (optional: links the expert to the person of zugong, who must be one the user may
see, with the same name). The experts join the pool of the first organization the user manages. Every bad row
is named (row, column, reason) and nothing is written while one is bad; one audited operation."""

from __future__ import annotations

from zugong.core import audit, excel, imports, scope
from zugong.core.pii import mask_id
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people.models import Person

from ..models import Expert


_id = idnumber.optional_from_cell  # the 公民身份号码 column (may be empty)


def _text(limit):
    def parse(value):
        text = excel.cell_text(value)
        if len(text) > limit:
            raise ValueError(f"最多 {limit} 个字，现为 {len(text)} 个字")
        return text
    return parse


@imports.register
class ExpertImporter(imports.Importer):
    kind = "talent-experts"
    title = "评审专家"
    columns = [
        excel.Column("姓名", "name", True, _text(50), example="王教授", width=10),
        excel.Column("工作单位", "unit_name", True, _text(100), example="太原理工大学", width=22),
        excel.Column("专业领域", "field", True, _text(60), example="材料科学", width=14),
        excel.Column("职称职务", "title", False, _text(60), example="教授", width=12),
        excel.Column("联系电话", "phone", False, _text(20), example="13800000000", width=14),
        excel.Column("公民身份号码", "id_number", False, _id, aliases=("身份证号", "身份证号码"), width=22,
                     hint="系统内人员填写，用于回避关系排查"),
    ]

    def validate(self, sheet, user, progress):
        paths = scope.scope_paths(user, "manage")
        self.org = Organization.objects.visible_to(user).filter(path__in=paths).order_by("path").first()
        if self.org is None:
            sheet.fail(1, "姓名", "只有党组织管理员可以导入评审专家")
            return
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user).filter(id_number__in=numbers)} \
            if numbers else {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            number = v.get("id_number")
            if number:
                person = people.get(number)
                if person is None:
                    sheet.fail(no, "公民身份号码", f"{mask_id(number)} 不是您管辖范围内的人员")
                elif v.get("name") and person.name != v["name"]:
                    sheet.fail(no, "姓名", f"姓名“{v['name']}”与该公民身份号码登记的姓名“{person.name}”不一致")
                else:
                    v["person"] = person

    def write(self, sheet, rows, user, note):
        made = [Expert(organization=self.org, name=v["name"], unit_name=v["unit_name"], field=v["field"],
                       title=v.get("title") or "", phone=v.get("phone") or "", person=v.get("person"))
                for _no, v, _raw in rows]
        with audit.operation(None, "import", note=note):
            for e in made:
                e.save()
        return len(made)
