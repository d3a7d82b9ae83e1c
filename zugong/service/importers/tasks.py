"""Service imports: tasks — `zugong import service-tasks FILE.xlsx` (办实事事项): 事项名称, 类别, 来源,
责任组织代码, 责任人公民身份号码, 紧急程度, 受理日期, 办结时限（工作日）. An empty 办结时限 takes the urgency class's
default; the deadline is the N-th working day after the day received (`clock.Calendar`, loaded once). Every bad
row is named (row, column, reason) and nothing is written while one is bad; the items are written in bulk, each
with its 受理 step, in one audited operation."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import audit, excel, imports, workdays
from zugong.orgs.models import Organization
from zugong.people import idnumber
from zugong.people.models import Person

from .. import clock
from ..models import ServiceTask, Source, TaskCategory, TaskStep, UrgencyClass
from ..models.tasks import Status
from ..tasks_services import number_for

SOURCES = {label: code for code, label in Source.choices} | {code: code for code, _ in Source.choices} | {
    "走访": Source.VISIT, "热线": Source.HOTLINE, "12345": Source.HOTLINE}


_id = idnumber.optional_from_cell  # the 公民身份号码 column (may be empty)


def _limit(value):
    text = excel.cell_text(value)
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise ValueError(f"“{text}”应为 1 至 3650 之间的整数（工作日）")
    return int(text)


def _title(value):
    text = excel.cell_text(value)
    if len(text) > 200:
        raise ValueError("事项名称不超过 200 个字")
    return text


@imports.register
class ServiceTaskImporter(imports.Importer):
    kind = "service-tasks"
    title = "办实事事项"
    columns = [
        excel.Column("事项名称", "title", True, _title, aliases=("名称",), example="修缮红星小区路灯", width=30),
        excel.Column("类别", "category", False, excel.cell_text, aliases=("事项类别",), example="民生服务", width=12,
                     hint="事项类别的名称，如 民生服务、基层治理、乡村振兴"),
        excel.Column("来源", "source", False, excel.cell_text, example="12345热线", width=12,
                     choices=tuple(label for _c, label in Source.choices), hint="不填为“走访收集”"),
        excel.Column("责任组织代码", "org_code", True, excel.cell_text, aliases=("组织代码",), example="14010501",
                     width=14),
        excel.Column("责任人公民身份号码", "owner_id", False, _id, aliases=("责任人身份证号",),
                     example="140105198005170011", width=22, hint="须为已登记的人员；可不填"),
        excel.Column("紧急程度", "urgency", True, excel.cell_text, example="限期办", width=10,
                     hint="紧急程度的名称，如 立刻办、限期办、分期办"),
        excel.Column("受理日期", "received_on", True, excel.parse_date, example="2026-03-02", width=12),
        excel.Column("办结时限（工作日）", "limit", False, _limit, aliases=("办结时限",), example="20", width=12,
                     hint="不填按紧急程度的默认时限；受理当日不计入，节假日不计，调休上班日计入"),
    ]

    def examples(self, user) -> dict:
        from zugong.orgs.selectors import example_organization

        org = example_organization(user)
        return {"org_code": org.code} if org else {}

    def validate(self, sheet, user, progress):
        rows = sheet.rows
        codes = {v["org_code"] for _n, v, _r in rows if v.get("org_code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        numbers = {v["owner_id"] for _n, v, _r in rows if v.get("owner_id")}
        people = {p.id_number: p for p in Person.objects.visible_to(user).filter(id_number__in=numbers)}
        # The nearest issuer first: a department's own class or category before the national one.
        classes = sorted(UrgencyClass.objects.visible_to(user).filter(active=True), key=lambda u: -len(u.org_path))
        categories = sorted(TaskCategory.objects.visible_to(user).filter(active=True), key=lambda c: -len(c.org_path))
        calendar = None
        today = timezone.localdate()
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            org = orgs.get(v.get("org_code") or "")
            if v.get("org_code") and org is None:
                sheet.fail(no, "责任组织代码", f"{v['org_code']} 不是您管辖范围内的组织")
            v["organization"] = org
            path = org.path if org else ""
            if v.get("owner_id"):
                v["owner"] = people.get(v["owner_id"])
                if v["owner"] is None:
                    sheet.fail(no, "责任人公民身份号码", f"{v['owner_id']} 不是您管辖范围内已登记的人员")
            name = (v.get("urgency") or "").replace(" ", "")
            if name:
                v["urgency_class"] = next((u for u in classes if name in (u.name, u.code)
                                           and path.startswith(u.org_path)), None)
                if v["urgency_class"] is None:
                    sheet.fail(no, "紧急程度", f"“{name}”不是适用的紧急程度（"
                                             f"{'、'.join(dict.fromkeys(u.name for u in classes))}）")
            category = (v.get("category") or "").replace(" ", "")
            v["category_row"] = None
            if category:
                v["category_row"] = next((c for c in categories if category in (c.name, c.code)
                                          and path.startswith(c.org_path)), None)
                if v["category_row"] is None:
                    sheet.fail(no, "类别", f"“{category}”不是适用的事项类别")
            source = (v.get("source") or "").replace(" ", "")
            v["source_code"] = SOURCES.get(source) if source else Source.VISIT
            if v["source_code"] is None:
                sheet.fail(no, "来源", f"“{source}”应为{'、'.join(label for _c, label in Source.choices)}之一")
            received = v.get("received_on")
            if received and received > today:
                sheet.fail(no, "受理日期", f"受理日期 {received:%Y-%m-%d} 晚于今天")
            elif received and v.get("urgency_class"):
                v["limit_workdays"] = v.get("limit") or v["urgency_class"].limit_workdays
                try:
                    calendar = calendar or clock.Calendar()
                    v["deadline"] = calendar.after(received, v["limit_workdays"])
                except workdays.CalendarMissing as exc:
                    sheet.fail(no, "受理日期", str(exc))

    def write(self, sheet, rows, user, note):
        with audit.operation(None, "import", note=note) as op:
            tasks = [ServiceTask(
                organization=v["organization"], org_path=v["organization"].path, title=v["title"],
                category=v["category_row"], source=v["source_code"], owner=v.get("owner"),
                urgency=v["urgency_class"], limit_workdays=v["limit_workdays"], received_on=v["received_on"],
                clock_from=v["received_on"], deadline=v["deadline"], status=Status.PENDING, stage=1)
                for _no, v, _raw in rows]
            ServiceTask.objects.bulk_create(tasks, batch_size=1000)
            for task in tasks:
                task.number = number_for(task)
            ServiceTask.objects.bulk_update(tasks, ["number"], batch_size=1000)
            TaskStep.objects.bulk_create([TaskStep(case=t, kind="receive", on=t.received_on, recorded_by=user,
                                                   note="批量导入") for t in tasks], batch_size=1000)
            op.created(tasks)
        return len(tasks)
