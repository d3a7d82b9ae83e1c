"""Training importers: classes.

- `zugong import training-classes FILE.xlsx` (培训班次): 班次代码, 班次名称, 主办单位代码, 培训类型, 是否脱产, 开始日期,
  结束日期, 总学时. A code already present updates that class (when the user may change it and it has not
  closed).
- `zugong import training-attendance FILE.xlsx` (班次出勤汇总): 班次代码, 公民身份号码, 姓名, 出勤学时, 请假学时 — one
  row per trainee and class, the class-level totals. They are kept on the enrolment (`Enrolment.hours_total`,
  `leave_total`), which then stands for the sessions' attendance (`classes_services.with_totals`); a person not
  yet on the class is enrolled. A trainee of a 脱产 class whose imported leave exceeds the limit (1/7) is
  withdrawn (退学) in the same operation, as when leave is typed in.

Every bad row is named (row, column, reason) and nothing is written while one is bad.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people.models import Person

from .. import classes_services as services
from ..models import Enrolment, TrainingClass

YES, NO = ("是", "脱产", "y", "Y", "yes", "1"), ("否", "不脱产", "n", "N", "no", "0")


def _hours(value):
    text = excel.cell_text(value)
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if hours < 0:
        raise ValueError("学时不能为负数")
    if hours != hours.quantize(Decimal("0.1")):
        raise ValueError(f"学时 {text} 最多保留一位小数")
    if hours >= Decimal("100000"):
        raise ValueError(f"学时 {text} 过大")
    return hours.quantize(Decimal("0.1"))


def _yes_no(value):
    text = excel.cell_text(value)
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{text}”应为“是”或“否”")


def _code(value):
    text = excel.cell_text(value).replace(" ", "")
    if len(text) > 40:
        raise ValueError("班次代码不超过 40 个字符")
    return text


_id = idnumber.from_cell  # the 公民身份号码 column


@imports.register
class TrainingClassImporter(imports.Importer):
    kind = "training-classes"
    title = "培训班次"
    columns = [
        excel.Column("班次代码", "code", True, _code, aliases=("班次编号", "代码"), example="TY-2026-03", width=14),
        excel.Column("班次名称", "name", True, excel.cell_text, aliases=("培训班名称", "名称"),
                     example="全市县处级干部集中轮训班（第三期）", width=32),
        excel.Column("主办单位代码", "org_code", True, excel.cell_text, aliases=("主办单位", "组织代码"), example="1401",
                     width=14),
        excel.Column("培训类型", "kind", True, excel.cell_text, aliases=("类型",), example="集中轮训", width=12,
                     hint="培训类型的名称或代码，如 专题培训、集中轮训、初任培训、任职培训、在职培训、网络培训、其他培训"),
        excel.Column("是否脱产", "off_job", False, _yes_no, aliases=("脱产",), example="是", width=10,
                     choices=("是", "否"), hint="不填按培训类型的默认"),
        excel.Column("开始日期", "starts_on", True, excel.parse_date, example="2026-03-02", width=12),
        excel.Column("结束日期", "ends_on", True, excel.parse_date, example="2026-03-08", width=12),
        excel.Column("总学时", "total_hours", True, _hours, aliases=("学时",), example="56", width=10),
    ]

    def examples(self, user) -> dict:
        from zugong.orgs.selectors import example_organization

        org = example_organization(user)
        return {"org_code": org.code} if org else {}

    def validate(self, sheet, user, progress):
        codes = {v["org_code"] for _n, v, _r in sheet.rows if v.get("org_code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        types = {}
        for t in services.class_types():
            types[t.code] = types[t.name] = t
            types[t.name.removesuffix("培训")] = t
        class_codes = {v["code"] for _n, v, _r in sheet.rows if v.get("code")}
        existing = {c.code: c for c in TrainingClass.objects.unrestricted().filter(code__in=class_codes)}
        changeable = set(TrainingClass.objects.visible_to(user, "change").filter(code__in=class_codes)
                         .values_list("code", flat=True))
        first: dict[str, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code = v.get("code")
            if code:
                if code in first:
                    sheet.fail(no, "班次代码", f"与第{first[code]}行的班次代码重复")
                first.setdefault(code, no)
                old = existing.get(code)
                if old is not None and code not in changeable:
                    sheet.fail(no, "班次代码", f"班次代码 {code} 已被其他单位的班次使用")
                elif old is not None and old.status == TrainingClass.Status.CLOSED:
                    sheet.fail(no, "班次代码", f"班次 {code} 已结业，不能通过导入修改")
                v["existing"] = old
            org_code = v.get("org_code")
            if org_code:
                v["organization"] = orgs.get(org_code)
                if v["organization"] is None:
                    sheet.fail(no, "主办单位代码", f"{org_code} 不是您管辖范围内的组织")
            kind = v.get("kind")
            if kind:
                v["type"] = types.get(kind.replace(" ", ""))
                if v["type"] is None:
                    sheet.fail(no, "培训类型", f"“{kind}”不是已启用的培训类型（"
                                            f"{'、'.join(t.name for t in services.class_types())}）")
            start, end = v.get("starts_on"), v.get("ends_on")
            if start and end and end < start:
                sheet.fail(no, "结束日期", f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}")
            if v.get("total_hours") is not None and v["total_hours"] <= 0:
                sheet.fail(no, "总学时", "总学时应大于 0")

    def write(self, sheet, rows, user, note):
        today = timezone.localdate()
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                cls = v.get("existing") or TrainingClass(code=v["code"])
                ctype = v["type"]
                cls.name, cls.organization, cls.kind = v["name"][:100], v["organization"], ctype.code
                cls.off_job = ctype.off_job if v.get("off_job") is None else v["off_job"]
                cls.starts_on, cls.ends_on, cls.total_hours = v["starts_on"], v["ends_on"], v["total_hours"]
                if cls.pk is None:
                    cls.status = (TrainingClass.Status.PLANNED if cls.starts_on > today
                                  else TrainingClass.Status.RUNNING)
                cls.save()
        return len(rows)


@imports.register
class TrainingAttendanceImporter(imports.Importer):
    kind = "training-attendance"
    title = "班次出勤汇总"
    columns = [
        excel.Column("班次代码", "code", True, _code, aliases=("班次编号",), example="TY-2026-03", width=14),
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column("出勤学时", "hours", True, _hours, example="48", width=10),
        excel.Column("请假学时", "leave", False, _hours, example="8", width=10, hint="不填为 0"),
    ]

    def validate(self, sheet, user, progress):
        codes = {v["code"] for _n, v, _r in sheet.rows if v.get("code")}
        classes = {c.code: c for c in TrainingClass.objects.visible_to(user, "change").filter(code__in=codes)}
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user).filter(id_number__in=numbers)}
        enrolled = {(e.training_class_id, e.person_id): e for e in Enrolment.objects.unrestricted().filter(
            training_class__in=list(classes.values()), person__in=list(people.values()))}
        first: dict[tuple, int] = {}
        adding: dict[int, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            cls = classes.get(v.get("code") or "")
            if v.get("code") and cls is None:
                sheet.fail(no, "班次代码", f"{v['code']} 不是您可以修改的培训班次")
            elif cls is not None and cls.status == TrainingClass.Status.CLOSED:
                sheet.fail(no, "班次代码", f"班次 {cls.code} 已结业，请先撤销结业")
            person = people.get(v.get("id_number") or "")
            if v.get("id_number") and person is None:
                sheet.fail(no, "公民身份号码", f"{v['id_number']} 不是您管辖范围内的人员")
            if person is not None:
                name = (v.get("name") or "").replace(" ", "")
                if name and name != person.name:
                    sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
            if cls is None or person is None:
                continue
            key = (cls.pk, person.pk)
            if key in first:
                sheet.fail(no, "公民身份号码", f"与第{first[key]}行重复（同一班次、同一人员）")
                continue
            first[key] = no
            hours, leave = v.get("hours"), v.get("leave") or Decimal(0)
            if hours is not None and hours + leave > cls.total_hours:
                sheet.fail(no, "出勤学时", f"出勤 {services.num(hours)} 学时与请假 {services.num(leave)} 学时之和超过"
                                      f"班次总学时 {services.num(cls.total_hours)}")
            v["cls"], v["person"], v["enrolment"] = cls, person, enrolled.get(key)
            if v["enrolment"] is None:
                adding[cls.pk] = adding.get(cls.pk, 0) + 1
                left = services.room(cls)
                if left is not None and adding[cls.pk] > left:
                    sheet.fail(no, "公民身份号码", f"{person.name}尚未报名，班次 {cls.code} 已无名额（计划 {cls.capacity} 人）")

    def write(self, sheet, rows, user, note):
        withdrawn = 0
        with audit.operation(None, "import", note=note) as op:
            for _no, v, _raw in rows:
                cls = v["cls"]
                e = v["enrolment"] or Enrolment(training_class=cls, person=v["person"], org_path=cls.org_path,
                                                confirmed=True)
                e.hours_total, e.leave_total = v["hours"], v.get("leave") or Decimal(0)
                e.save()
                if cls.off_job and e.status == Enrolment.Status.ENROLLED:
                    result = services.enforce_leave_limit(op, e, min(cls.ends_on, timezone.localdate()))
                    withdrawn += result.over
            if withdrawn:
                op.fact("请假超过规定退学", withdrawn)
        return len(rows)
