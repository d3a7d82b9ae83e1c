"""Talent imports: applications — `zugong import talent-applications FILE.xlsx --program CODE` for units that
collect applications on paper: 公民身份号码, 姓名, 单位代码, 层次, 专业领域, 申报日期, into the programme's open
edition. 单位代码 is an organization code (组织代码) the user may change (the recommending organization) or a
unit's 统一社会信用代码 (the work unit; its organization recommends). The person is found by ID number among the
people the user sees and the name must match. Every bad row is named (row, column, reason) and nothing is written
while one is bad; the applications are written in bulk, each with its 申报 step, in one audited operation (a
fixed number of queries for any number of rows)."""

from __future__ import annotations

from zugong.core import audit, excel, imports
from zugong.orgs.models import Organization, Unit
from zugong.people import idnumber
from zugong.people.models import Person

from ..applications_services import edition_open_problem
from ..models import Application, ApplicationStep, Edition, Program, Tier
from ..models.applications import Status


_id = idnumber.optional_from_cell  # the 公民身份号码 column (may be empty)


def _field(value):
    text = excel.cell_text(value)
    if len(text) > 60:
        raise ValueError("专业领域不超过 60 个字")
    return text


@imports.register
class ApplicationImporter(imports.Importer):
    kind = "talent-applications"
    title = "人才项目申报"
    options = {"program": "人才项目代码（导入该项目申报中的批次），如 SJYC；不指定时取文件的“人才项目代码”列"}
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                     example="140105198005170011", width=22, hint="须为已登记的人员"),
        excel.Column("姓名", "name", True, excel.cell_text, example="张三", width=10),
        excel.Column("单位代码", "unit_code", True, excel.cell_text, aliases=("组织代码", "统一社会信用代码"),
                     example="14010501", width=20, hint="推荐单位的组织代码，或工作单位的统一社会信用代码"),
        excel.Column("层次", "tier", True, excel.cell_text, aliases=("申报层次",), example="拔尖骨干", width=12,
                     hint="本批次层次的名称或代码"),
        excel.Column("专业领域", "field", True, _field, example="材料科学", width=16),
        excel.Column("申报日期", "applied_on", True, excel.parse_date, example="2026-03-10", width=12),
        excel.Column("人才项目代码", "program", False, excel.cell_text, aliases=("项目代码",), example="SJYC", width=14,
                     hint="导入哪个人才项目申报中的批次（每行相同）；命令行导入也可用 --program 指定"),
    ]

    def edition(self, sheet, user):
        """The programme's open edition (the option --program), or None after naming the problem."""
        code = (sheet.options.get("program") or "").strip()
        if not code:  # the 数据导入 page gives no options: the file names the programme
            given = {(v.get("program") or "").strip() for _no, v, _raw in sheet.rows} - {""}
            if len(given) > 1:
                sheet.fail(0, "人才项目代码", f"一次只能导入一个人才项目的申报，文件中有 {'、'.join(sorted(given))}")
                return None
            code = given.pop() if given else ""
        if not code:
            sheet.fail(0, "人才项目代码", "请在“人才项目代码”列填写人才项目代码（命令行导入也可用 --program 指定）")
            return None
        program = Program.objects.visible_to(user).filter(code=code).first()
        if program is None:
            sheet.fail(0, "人才项目代码", f"{code} 不是您可见的人才项目")
            return None
        edition = Edition.objects.visible_to(user).filter(program=program, status=Edition.Status.OPEN) \
            .order_by("-year").first()
        if edition is None:
            sheet.fail(0, "人才项目代码", f"“{program.name}”没有申报中的批次")
        return edition

    def validate(self, sheet, user, progress):
        edition = self.edition(sheet, user)
        sheet.edition = edition
        rows = sheet.rows
        codes = {v["unit_code"] for _n, v, _r in rows if v.get("unit_code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        units = {}
        for unit in Unit.objects.visible_to(user).filter(credit_code__in=codes - set(orgs)):
            units.setdefault(unit.credit_code, unit)
        unit_orgs = {o.path: o for o in Organization.objects.visible_to(user, "change").filter(
            path__in={u.org_path for u in units.values()})}
        numbers = {v["id_number"] for _n, v, _r in rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user).filter(id_number__in=numbers)}
        tiers = list(Tier.objects.visible_to(user).filter(edition=edition)) if edition else []
        applied = set(Application.objects.unrestricted().filter(  # one application per person and edition
            edition=edition, person__in=people.values()).values_list("person_id", flat=True)) if edition else set()
        seen: dict[int, int] = {}
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            code = v.get("unit_code") or ""
            v["organization"], v["unit"] = orgs.get(code), None
            if code and v["organization"] is None:
                unit = units.get(code)
                if unit is not None and unit.org_path in unit_orgs:
                    v["unit"], v["organization"] = unit, unit_orgs[unit.org_path]
                else:
                    sheet.fail(no, "单位代码", f"{code} 不是您管辖范围内的组织代码或单位的统一社会信用代码")
            number = v.get("id_number")
            person = people.get(number) if number else None
            v["person"] = person
            if number and person is None:
                sheet.fail(no, "公民身份号码", f"{number[:6]}…{number[-4:]} 不是您管辖范围内已登记的人员")
            elif person is not None:
                if v.get("name") and v["name"].replace(" ", "") != person.name:
                    sheet.fail(no, "姓名", f"“{v['name']}”与该公民身份号码登记的姓名“{person.name}”不一致")
                if person.pk in applied:
                    sheet.fail(no, "公民身份号码", f"{person.name}已申报“{edition.title}”，不能重复申报")
                elif person.pk in seen:
                    sheet.fail(no, "公民身份号码", f"与第{seen[person.pk]}行重复")
                seen.setdefault(person.pk, no)
            name = (v.get("tier") or "").replace(" ", "")
            if name and edition:
                v["tier_row"] = next((t for t in tiers if name in (t.name, t.code)), None)
                if v["tier_row"] is None:
                    sheet.fail(no, "层次", f"“{name}”不是本批次的层次（{'、'.join(t.name for t in tiers)}）")
            if v.get("applied_on") and edition:
                problem = edition_open_problem(edition, v["applied_on"])
                if problem:
                    sheet.fail(no, "申报日期", problem)

    def write(self, sheet, rows, user, note):
        edition = sheet.edition
        with audit.operation(None, "import", note=note) as op:
            apps = [Application(edition=edition, tier=v["tier_row"], person=v["person"],
                                organization=v["organization"], org_path=v["organization"].path, unit=v["unit"],
                                unit_name=v["unit"].name if v["unit"] else "", field=v["field"],
                                applied_on=v["applied_on"], status=Status.APPLIED, stage=1)
                    for _no, v, _raw in rows]
            Application.objects.bulk_create(apps, batch_size=1000)
            ApplicationStep.objects.bulk_create([ApplicationStep(case=a, kind="apply", on=a.applied_on,
                                                                 recorded_by=user, note="批量导入")
                                                 for a in apps], batch_size=1000)
            op.created(apps)
        return len(apps)
