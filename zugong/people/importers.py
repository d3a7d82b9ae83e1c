"""Import people from .xlsx (人员导入)."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import F

from zugong.core import audit, excel, imports, refdata, scope
from zugong.orgs.models import Organization
from zugong.orgs.selectors import example_organization

from . import idnumber, services
from .models import Person

_PHONE = re.compile(r"^[0-9+\-（）() ]{7,20}$")


def _choice(choices, label):
    def parse(value):
        code = refdata.lookup(choices, value)
        if code is None:
            raise ValueError(f"“{excel.cell_text(value)}”不是有效的{label}")
        return code

    return parse


def _sex(value):
    code = refdata.lookup(refdata.SEXES, value)
    if code is None:
        raise ValueError(f"性别应为“男”或“女”，实为“{excel.cell_text(value)}”")
    return code


def _phone(value):
    text = excel.cell_text(value)
    if not _PHONE.match(text):
        raise ValueError(f"联系电话“{text}”格式不正确")
    return text


def _id(value):
    try:
        return idnumber.parse_id_number(excel.cell_text(value))
    except idnumber.IdNumberError as exc:
        raise ValueError(str(exc)) from None


def _name(value):
    text = excel.cell_text(value).replace(" ", "")
    if len(text) > 50:
        raise ValueError("姓名过长（最多50个字）")
    return text


def owner_label(person: Person) -> str:
    return f"{person.name}（{person.organization.name}）"


@imports.register
class PeopleImporter(imports.Importer):
    kind = "people"
    title = "人员"
    columns = [
        excel.Column("姓名", "name", True, _name, example="张三", width=10, hint="文字，最多 50 个字"),
        excel.Column("公民身份号码", "id", True, _id, aliases=("身份证号", "身份证号码", "公民身份证号码"),
                     example="140105199003070012", width=22,
                     hint="18 位公民身份号码（末位校验码须正确，X 大小写均可）；同一号码只能登记一次"),
        excel.Column("性别", "sex", False, _sex, example="男", width=6, choices=refdata.labels(refdata.SEXES),
                     hint="从下拉列表中选择；不填时按公民身份号码判断"),
        excel.Column("民族", "ethnicity", False, _choice(refdata.ETHNICITIES, "民族"), example="汉族", width=8,
                     choices=refdata.labels(refdata.ETHNICITIES), hint="从下拉列表中选择；不填时为汉族"),
        excel.Column("出生日期", "birth_date", False, excel.parse_date, example="1990-03-07", width=12,
                     hint="日期，如 1990-03-07；须与公民身份号码一致，可不填"),
        excel.Column("所在党组织代码", "org_code", True, excel.cell_text, aliases=("组织代码", "党组织代码"),
                     example="14010501", width=18,
                     hint="您管辖范围内的党组织代码（见组织体系页面的“组织代码”），组织须未撤销"),
        excel.Column("籍贯", "native_place", False, excel.cell_text, example="山西太原", width=12),
        excel.Column("出生地", "birthplace", False, excel.cell_text, example="山西太原", width=12),
        excel.Column("学历", "education", False, _choice(refdata.EDUCATION, "学历"), example="大学本科", width=10,
                     choices=refdata.labels(refdata.EDUCATION)),
        excel.Column("联系电话", "phone", False, _phone, example="13800000000", width=14,
                     hint="手机或固定电话，7 至 20 位数字（可含 +、-、括号）"),
    ]

    def examples(self, user):
        org = example_organization(user)
        return {"org_code": org.code} if org is not None else {}

    def validate(self, sheet, user, progress):
        codes = {v["org_code"] for _n, v, _r in sheet.rows if v.get("org_code")}
        orgs = {
            o.code: o
            for o in Organization.objects.visible_to(user, "manage").filter(code__in=codes)
        }
        ids = [v["id"].number for _n, v, _r in sheet.rows if v.get("id")]
        existing = {
            p.id_number: p
            for p in Person.objects.unrestricted().select_related("organization").filter(id_number__in=ids)
        }
        first_row: dict[str, int] = {}
        gate = services.Gate(user)
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            info = v.get("id")
            if v.get("org_code"):
                org = orgs.get(v["org_code"])
                if org is None:
                    sheet.fail(no, "所在党组织代码", f"组织代码 {v['org_code']} 不存在或不在您的管辖范围内")
                elif not org.is_active:
                    sheet.fail(no, "所在党组织代码", f"“{org.name}”已撤销，不能接收人员")
                v["org"] = org
            if not info:
                continue
            for msg in idnumber.check_consistency(
                info, v.get("birth_date"), dict(refdata.SEXES).get(v.get("sex")) if v.get("sex") else None
            ):
                sheet.fail(no, "出生日期" if "出生日期" in msg else "性别", msg)
            if info.number in first_row:
                sheet.fail(no, "公民身份号码", f"与第{first_row[info.number]}行的公民身份号码重复")
            else:
                first_row[info.number] = no
            other = existing.get(info.number)
            refused = gate.refusal()
            if refused:
                sheet.fail(no, "公民身份号码", refused)
            elif other is not None:
                if scope.can(user, "view", other.org_path):
                    sheet.fail(no, "公民身份号码", f"公民身份号码已登记：{owner_label(other)}")
                else:  # not where (and rate-limited): the answers must not tell who is registered
                    sheet.fail(no, "公民身份号码", gate.registered_elsewhere())

    def write(self, sheet, rows, user, note):
        people = []
        for _no, v, _raw in rows:
            info = v["id"]
            p = Person(
                organization=v["org"],
                name=v["name"],
                sex=v.get("sex") or ("1" if info.sex == "男" else "2"),
                ethnicity=v.get("ethnicity") or "01",
                birth_date=info.birth_date,
                id_number=info.number,
                native_place=v.get("native_place") or "",
                birthplace=v.get("birthplace") or "",
                education=v.get("education") or "",
                phone=v.get("phone") or "",
            )
            p.refresh_derived()
            people.append(p)
        with audit.operation(None, "import", note=note) as op:
            Person.objects.bulk_create(people, batch_size=1000)
            for org_id, n in Counter(p.organization_id for p in people).items():
                Organization.objects.unrestricted().filter(pk=org_id).update(direct_people=F("direct_people") + n)
            op.created(people)
        return len(people)
