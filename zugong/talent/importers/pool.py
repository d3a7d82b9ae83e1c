"""Import talents recognised before zugong (`zugong import talents FILE.xlsx`, 人才库导入).

One row per talent: 公民身份号码, 姓名, 人才项目代码, 层次, 专业领域, 认定日期, 支持期满日期, 单位代码 (the party
organization of the talent's unit, its code). The person is one the user may change; the programme one the user
sees; the tier is matched by name among the programme's editions (the latest edition of the year recognised or
before; a tier not configured keeps its name only); the organization one the user may change. Every bad row is
named (row, column, reason) and nothing is written while one is bad; the rows are written in one transaction and
one audited operation."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.core.pii import mask_id
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people.models import Person

from .. import pool_services as services
from ..models import Program, Talent, Tier


_id = idnumber.from_cell  # the 公民身份号码 column


def _code(value):
    return excel.cell_text(value).replace(" ", "")


def _text(limit: int, label: str):
    def parse(value):
        text = excel.cell_text(value)
        if len(text) > limit:
            raise ValueError(f"{label}最多 {limit} 个字，现为 {len(text)} 个字")
        return text
    return parse


def _past(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"认定日期 {day:%Y-%m-%d} 晚于今天")
    return day


@imports.register
class TalentImporter(imports.Importer):
    kind = "talents"
    title = "人才库（已认定人才）"
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column("人才项目代码", "program", True, _code, aliases=("项目代码",), example="SJYC", width=14),
        excel.Column("层次", "tier", True, _text(40, "层次"), aliases=("人才层次",), example="青年优秀", width=12),
        excel.Column("专业领域", "field", True, _text(60, "专业领域"), aliases=("领域",), example="新材料", width=14),
        excel.Column("认定日期", "since", True, _past, example="2024-06-28", width=12),
        excel.Column("支持期满日期", "until", True, excel.parse_date, aliases=("期满日期",), example="2027-06-28",
                     width=14),
        excel.Column("单位代码", "organization", True, _code, aliases=("党组织代码", "组织代码"), example="14010502",
                     width=14, hint="人才所在单位党组织的组织代码"),
    ]

    def validate(self, sheet, user, progress):
        rows = sheet.rows
        numbers = {v["id_number"] for _n, v, _r in rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user, "change").filter(id_number__in=numbers)}
        programs = {p.code: p for p in Program.objects.visible_to(user).filter(
            code__in={v["program"] for _n, v, _r in rows if v.get("program")})}
        tiers: dict[tuple[int, str], list[Tier]] = {}
        for tier in Tier.objects.visible_to(user).filter(edition__program__in=list(programs.values())) \
                .select_related("edition").order_by("-edition__year"):
            tiers.setdefault((tier.edition.program_id, tier.name), []).append(tier)
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(
            code__in={v["organization"] for _n, v, _r in rows if v.get("organization")})}
        present = set(Talent.objects.unrestricted().filter(person__in=[p.pk for p in people.values()])
                      .exclude(status=Talent.Status.EXITED).values_list("person_id", "program_id"))
        seen: dict[tuple, int] = {}
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            number = v.get("id_number")
            person = people.get(number) if number else None
            if number and person is None:
                sheet.fail(no, "公民身份号码", f"{mask_id(number)} 不是您管辖范围内的人员")
            if person is not None:
                name = (v.get("name") or "").replace(" ", "")
                if name and name != person.name:
                    sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
                v["person_obj"] = person
            program = programs.get(v.get("program")) if v.get("program") else None
            if v.get("program") and program is None:
                sheet.fail(no, "人才项目代码", f"没有项目代码为“{v['program']}”的人才项目（或您无权查看）")
            v["program_obj"] = program
            if v.get("organization"):
                org = orgs.get(v["organization"])
                if org is None:
                    sheet.fail(no, "单位代码", f"没有组织代码为“{v['organization']}”的党组织，或不在您的管辖范围内")
                v["org_obj"] = org
            if v.get("since") and v.get("until") and v["until"] <= v["since"]:
                sheet.fail(no, "支持期满日期", "支持期满日期应晚于认定日期")
            if person is not None and program is not None:
                key = (person.pk, program.pk)
                if key in present:
                    sheet.fail(no, "公民身份号码", f"{person.name}已在人才库中（{program.name}）")
                elif key in seen:
                    sheet.fail(no, "公民身份号码", f"与第{seen[key]}行重复")
                else:
                    seen[key] = no
            if program is not None and v.get("tier") and v.get("since"):
                found = [t for t in tiers.get((program.pk, v["tier"]), []) if t.edition.year <= v["since"].year]
                v["tier_obj"] = found[0] if found else None

    def write(self, sheet, rows, user, note):
        made = 0
        with audit.operation(None, "import", note=note) as op:
            for _no, v, _raw in rows:
                tier = v.get("tier_obj")
                services.import_talent(op, person=v["person_obj"], program=v["program_obj"],
                                       organization=v["org_obj"], tier=tier, tier_name=v["tier"], field=v["field"],
                                       since=v["since"], until=v["until"], edition=tier.edition if tier else None)
                made += 1
        return made
