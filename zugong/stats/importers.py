"""The imports of the data the statistics tables need (`zugong import KIND FILE.xlsx`, the 数据导入 page):

- `people-statistics` (人员统计信息): a person's occupation class (党内统计分类), 新的社会阶层, 生产工作第一线,
  专业技术职务等级, student level and year, 台湾省籍 — by 公民身份号码; a blank cell keeps what is recorded;
- `member-exits` (出党和死亡): each row through `members.exits.record_exit` (status and dated history);
- `awards` (党内表彰): each row through `members.exits.record_award`;
- `unit-statistics` (单位统计信息): a unit's 法人单位类型, coverage, joint branch, staff counts and the yes/no items —
  by 统一社会信用代码, or by 单位名称 with the code of the organization it is attached to.

Every import is all or nothing: any bad row (named with its column and the reason, in Chinese) and nothing is
written."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

from zugong.core import audit, excel, imports, refdata
from zugong.members import exits
from zugong.members.models import Award, Exit, Membership
from zugong.orgs import entity_types
from zugong.orgs.models import Organization, Unit
from zugong.people import classifications as cls
from zugong.people import idnumber
from zugong.people.models import Person

YES = {"是", "有", "y", "yes", "1", "√", "true", "是的"}
NO = {"否", "无", "n", "no", "0", "×", "false", "不是"}


def _id(value):
    try:
        return idnumber.parse_id_number(excel.cell_text(value)).number
    except idnumber.IdNumberError as exc:
        raise ValueError(str(exc)) from None


def _norm(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def _choice(choices, label):
    by_label = {_norm(lab): code for code, lab in choices}

    def parse(value):
        code = refdata.lookup(choices, value) or by_label.get(_norm(excel.cell_text(value)))
        if code is None:
            raise ValueError(f"“{excel.cell_text(value)}”不是有效的{label}")
        return code

    return parse


def _yes_no(value):
    text = excel.cell_text(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"应填“是”或“否”，实为“{excel.cell_text(value)}”")


def _count(value):
    text = excel.cell_text(value).replace(",", "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"“{excel.cell_text(value)}”不是非负整数")
    return int(text)


def _text(value):
    return excel.cell_text(value).strip()


def _labels(choices) -> tuple[str, ...]:
    return tuple(label for _c, label in choices)


def _message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


ID_COLUMN = excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                         example="140105199003070012", width=22)
NAME_COLUMN = excel.Column("姓名", "name", False, _text, example="张三", width=10)


def _members_or_people(sheet, user, model):
    numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
    if model is Person:
        return {p.id_number: p for p in Person.objects.visible_to(user, "change").filter(id_number__in=numbers)}
    return {m.person.id_number: m for m in Membership.objects.visible_to(user, "change")
            .select_related("person", "organization").filter(person__id_number__in=numbers)}


def _check_person(sheet, no, v, found, what):
    number = v.get("id_number")
    if not number:
        return None
    record = found.get(number)
    if record is None:
        sheet.fail(no, "公民身份号码", f"{number} 不是您管辖范围内的{what}")
        return None
    person = record if isinstance(record, Person) else record.person
    name = (v.get("name") or "").replace(" ", "")
    if name and name != person.name:
        sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
    return record


def _duplicates(sheet, no, key, first_row, column, what):
    if key in first_row:
        sheet.fail(no, column, f"与第{first_row[key]}行重复（{what}）")
    else:
        first_row[key] = no


# ---------------------------------------------------------------- people-statistics

PERSON_FIELDS = (
    ("职业（党内统计分类）", "occupation_class", cls.OCCUPATION, ("职业", "职业分类")),
    ("新的社会阶层", "social_stratum", cls.STRATUM, ()),
    ("生产工作第一线", "front_line", cls.FRONT_LINE, ("生产、工作第一线",)),
    ("专业技术职务等级", "tech_title_level", cls.TECH_TITLE, ("专业技术职务",)),
    ("学生类别", "student_level", cls.STUDENT_LEVEL, ()),
    ("学生年级", "student_year", cls.STUDENT_YEAR, ()),
)


@imports.register
class PeopleStatisticsImporter(imports.Importer):
    kind = "people-statistics"
    title = "人员统计信息"
    columns = [ID_COLUMN, NAME_COLUMN] + [
        excel.Column(header, key, False, _choice(choices, header.split("（")[0]), aliases=aliases,
                     choices=_labels(choices), example=choices[0][1], width=20)
        for header, key, choices, aliases in PERSON_FIELDS
    ] + [excel.Column("台湾省籍", "taiwan_origin", False, _yes_no, choices=("是", "否"), example="否", width=10)]

    def validate(self, sheet, user, progress):
        people = _members_or_people(sheet, user, Person)
        first: dict = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            person = _check_person(sheet, no, v, people, "人员")
            if person is not None:
                v["person"] = person
                _duplicates(sheet, no, person.pk, first, "公民身份号码", "同一人员")

    def write(self, sheet, rows, user, note):
        keys = [key for _h, key, _c, _a in PERSON_FIELDS] + ["taiwan_origin"]
        written = 0
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                person = v["person"]
                changed = [k for k in keys if k in v and v[k] is not None and getattr(person, k) != v[k]]
                for k in changed:
                    setattr(person, k, v[k])
                if changed:
                    person.save(update_fields=changed)
                written += 1
        return written


# ---------------------------------------------------------------- member-exits


@imports.register
class MemberExitsImporter(imports.Importer):
    kind = "member-exits"
    title = "出党和死亡"
    columns = [
        ID_COLUMN, NAME_COLUMN,
        excel.Column("出党方式", "kind", True, _choice(Exit.Kind.choices, "出党方式"),
                     choices=_labels(Exit.Kind.choices), example="退党除名", width=20),
        excel.Column("出党日期", "decided_on", True, excel.parse_date, aliases=("死亡日期",),
                     example="2026-03-01", width=12),
        excel.Column("批准机关", "approved_by", False, _text, width=24),
        excel.Column("文号", "document_no", False, _text, width=16),
        excel.Column("违纪行为", "misconduct", False, _choice(Exit.MISCONDUCT, "违纪行为"),
                     choices=_labels(Exit.MISCONDUCT), width=18),
        excel.Column("具体表现", "manifestation", False, _choice(Exit.MANIFESTATIONS, "具体表现"),
                     choices=_labels(Exit.MANIFESTATIONS), width=16),
        excel.Column("出党时职级", "rank_level", False, _choice(Exit.RANKS, "出党时职级"),
                     choices=_labels(Exit.RANKS), width=12),
    ]

    def validate(self, sheet, user, progress):
        members = _members_or_people(sheet, user, Membership)
        first: dict = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            member = _check_person(sheet, no, v, members, "党员")
            if member is None:
                continue
            v["membership"] = member
            _duplicates(sheet, no, member.pk, first, "公民身份号码", "同一党员只能登记一次出党或死亡")
            if not v.get("kind") or not v.get("decided_on"):
                continue
            try:
                exits.check_exit(member, v["kind"], v["decided_on"])
            except ValidationError as exc:
                column = {"kind": "出党方式", "decided_on": "出党日期"}.get(
                    next(iter(getattr(exc, "error_dict", {}) or {}), ""), "公民身份号码")
                sheet.fail(no, column, _message(exc))

    def write(self, sheet, rows, user, note):
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                exits.record_exit(user, v["membership"], kind=v["kind"], decided_on=v["decided_on"],
                                  approved_by=v.get("approved_by") or "", document_no=v.get("document_no") or "",
                                  misconduct=v.get("misconduct") or "", manifestation=v.get("manifestation") or "",
                                  rank_level=v.get("rank_level") or "")
        return len(rows)


# ---------------------------------------------------------------- awards


def _org_code(value):
    return excel.cell_text(value).strip()


@imports.register
class AwardsImporter(imports.Importer):
    kind = "awards"
    title = "党内表彰"
    columns = [
        excel.Column("表彰类别", "kind", True, _choice(Award.Kind.choices, "表彰类别"),
                     choices=_labels(Award.Kind.choices), example="优秀共产党员", width=16),
        excel.Column("表彰层级", "level", True, _choice(Award.Level.choices, "表彰层级"),
                     choices=_labels(Award.Level.choices), example="县（市、区、旗）一级表彰", width=24),
        excel.Column("党组织代码", "org_code", False, _org_code, aliases=("组织代码",), width=14,
                     hint="先进基层党组织必填；党员的表彰可不填（按其所在党支部）"),
        excel.Column("公民身份号码", "id_number", False, _id, aliases=("身份证号",), width=22,
                     hint="先进基层党组织的表彰不填"),
        excel.Column("表彰日期", "awarded_on", True, excel.parse_date, example="2026-07-01", width=12),
        excel.Column("表彰机关", "conferred_by", False, _text, width=24),
        excel.Column("文号", "document_no", False, _text, width=16),
    ]

    def validate(self, sheet, user, progress):
        members = _members_or_people(sheet, user, Membership)
        codes = {v["org_code"] for _n, v, _r in sheet.rows if v.get("org_code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            kind, code = v.get("kind"), v.get("org_code")
            org = orgs.get(code) if code else None
            if code and org is None:
                sheet.fail(no, "党组织代码", f"组织代码 {code} 不存在或不在您的管辖范围内")
            v["organization"] = org
            if kind == Award.Kind.ORGANIZATION:
                if v.get("id_number"):
                    sheet.fail(no, "公民身份号码", "先进基层党组织的表彰不填公民身份号码")
                elif not code:
                    sheet.fail(no, "党组织代码", "先进基层党组织的表彰请填写党组织代码")
            elif kind:
                if not v.get("id_number"):
                    sheet.fail(no, "公民身份号码", f"{Award.Kind(kind).label}的表彰请填写公民身份号码")
                    continue
                member = _check_person(sheet, no, v, members, "党员")
                if member is None:
                    continue
                v["membership"] = member
                if org is not None and org.pk != member.organization_id:
                    sheet.fail(no, "党组织代码", f"{member.person.name}不在组织代码 {code} 的党组织")
                if member.status not in Membership.ACTIVE_STATUSES:
                    sheet.fail(no, "公民身份号码",
                               f"{member.person.name}的党籍状态为“{member.get_status_display()}”，不能表彰")

    def write(self, sheet, rows, user, note):
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                exits.record_award(user, kind=v["kind"], level=v["level"], organization=v.get("organization"),
                                   membership=v.get("membership"), awarded_on=v["awarded_on"],
                                   conferred_by=v.get("conferred_by") or "", document_no=v.get("document_no") or "")
        return len(rows)


# ---------------------------------------------------------------- unit-statistics

UNIT_FLAGS = (
    ("大中型", "large"),
    ("法定代表人是党员", "legal_rep_member"),
    ("法定代表人兼任党组织书记", "legal_rep_secretary"),
    ("有党建工作指导员联系", "liaison"),
    ("配备专职党务工作人员", "full_time_worker"),
)
UNIT_COUNTS = (("在岗职工数", "employees"), ("党员数", "employee_members"), ("专业技术人员数", "tech_staff"))


@imports.register
class UnitStatisticsImporter(imports.Importer):
    kind = "unit-statistics"
    title = "单位统计信息"
    columns = [
        excel.Column("统一社会信用代码", "credit_code", False, _text, width=22,
                     hint="填写后按此查找单位；不填时按单位名称和党组织代码查找"),
        excel.Column("单位名称", "unit_name", False, _text, width=28),
        excel.Column("党组织代码", "org_code", False, _org_code, aliases=("组织代码",), width=14,
                     hint="单位所在（挂靠）的党组织"),
        excel.Column("法人单位类型", "entity_type", False, _choice(entity_types.ENTITY_TYPE_CHOICES, "法人单位类型"),
                     choices=_labels(entity_types.ENTITY_TYPE_CHOICES), width=24),
        excel.Column("未建立党组织的情况", "coverage", False, _choice(entity_types.COVERAGE, "未建立党组织的情况"),
                     choices=_labels(entity_types.COVERAGE), width=20),
        excel.Column("联合党支部代码", "joint_code", False, _org_code, width=16),
    ] + [excel.Column(h, k, False, _count, aliases=(h.removesuffix("数"),), width=12) for h, k in UNIT_COUNTS] + [
        excel.Column(h, k, False, _yes_no, choices=("是", "否"), width=14) for h, k in UNIT_FLAGS
    ]

    def validate(self, sheet, user, progress):
        units = Unit.objects.visible_to(user, "change")
        credits = {v["credit_code"] for _n, v, _r in sheet.rows if v.get("credit_code")}
        by_credit: dict[str, list[Unit]] = {}
        for u in units.filter(credit_code__in=credits):
            by_credit.setdefault(u.credit_code, []).append(u)
        codes = {v[k] for _n, v, _r in sheet.rows for k in ("org_code", "joint_code") if v.get(k)}
        orgs = {o.code: o for o in Organization.objects.visible_to(user).filter(code__in=codes)}
        names = {v["unit_name"] for _n, v, _r in sheet.rows if v.get("unit_name")}
        by_name = {(u.org_path, u.name): u for u in units.filter(name__in=names)}
        first: dict = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            unit = None
            if v.get("credit_code"):
                found = by_credit.get(v["credit_code"], [])
                if len(found) != 1:
                    sheet.fail(no, "统一社会信用代码", f"{v['credit_code']} "
                               + ("对应多个单位，请改用单位名称和党组织代码" if found
                                  else "不是您管辖范围内已登记的单位"))
                    continue
                unit = found[0]
            else:
                name, code = v.get("unit_name"), v.get("org_code")
                if not name or not code:
                    sheet.fail(no, "统一社会信用代码", "请填写统一社会信用代码，或填写单位名称和党组织代码")
                    continue
                org = orgs.get(code)
                if org is None:
                    sheet.fail(no, "党组织代码", f"组织代码 {code} 不存在或不在您的管辖范围内")
                    continue
                unit = by_name.get((org.path, name))
                if unit is None and org.unit_id:
                    unit = units.filter(pk=org.unit_id, name=name).first()
                if unit is None:
                    sheet.fail(no, "单位名称", f"“{name}”不是组织代码 {code} 的党组织登记的单位")
                    continue
            v["unit"] = unit
            _duplicates(sheet, no, unit.pk, first, "单位名称", "同一单位")
            if v.get("joint_code"):
                joint = orgs.get(v["joint_code"])
                if joint is None:
                    sheet.fail(no, "联合党支部代码", f"组织代码 {v['joint_code']} 不存在或不在您的管辖范围内")
                elif not joint.is_joint:
                    sheet.fail(no, "联合党支部代码", f"“{joint.name}”不是联合党支部")
                else:
                    v["joint_organization"] = joint
            emp, mem = v.get("employees"), v.get("employee_members")
            if emp is not None and mem is not None and mem > emp:
                sheet.fail(no, "党员数", f"在岗职工中党员数 {mem} 大于在岗职工数 {emp}")
            tech = v.get("tech_staff")
            if emp is not None and tech is not None and tech > emp:
                sheet.fail(no, "专业技术人员数", f"专业技术人员数 {tech} 大于在岗职工数 {emp}")

    def write(self, sheet, rows, user, note):
        keys = ["entity_type", "coverage", "joint_organization"] + [k for _h, k in UNIT_COUNTS] + [
            k for _h, k in UNIT_FLAGS]
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                unit = v["unit"]
                for k in keys:
                    if v.get(k) is not None and v.get(k) != "":
                        setattr(unit, k, v[k])
                unit.full_clean(validate_unique=False)
                unit.save()
        return len(rows)
