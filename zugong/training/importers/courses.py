"""Import course study records from .xlsx (`zugong import course-study FILE.xlsx`, 课程学习记录导入).

One row per person and course studied: 课程代码 or 课程名称, 公民身份号码, 姓名, 学习日期, 学习时长（分钟）, 考试通过
(是/否), optionally 学习方式 (自学/集中学习). Every bad row is named (row, column, reason) and nothing is written
while one is bad. The rows are written through `courses_services.record_study` (one course and day at a time),
in one transaction and one audited operation, and each is credited to the hours ledger as on the page."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.core.pii import mask_id
from zugong.people import idnumber
from zugong.people.models import Person

from .. import courses_services as services
from ..models import Course, StudyLog

YES = {"是", "通过", "合格", "Y", "YES", "TRUE", "1", "√"}
NO = {"否", "未通过", "不通过", "不合格", "N", "NO", "FALSE", "0", ""}
METHODS = {label: value for value, label in StudyLog.Method.choices} | {"个人自学": "self", "集体学习": "group"}


_id = idnumber.from_cell  # the 公民身份号码 column


def _day(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"学习日期 {day:%Y-%m-%d} 晚于今天")
    return day


def _minutes(value):
    text = excel.cell_text(value).replace("分钟", "").strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{text}”不是分钟数") from None
    if number != int(number):
        raise ValueError(f"学习时长应为整分钟，现为 {text}")
    if number <= 0:
        raise ValueError("学习时长应大于 0 分钟")
    if number > 24 * 60:
        raise ValueError(f"学习时长 {int(number)} 分钟超过一天（1440 分钟）")
    return int(number)


def _passed(value):
    text = excel.cell_text(value).strip().upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{excel.cell_text(value)}”应为“是”或“否”")


def _method(value):
    text = excel.cell_text(value).replace(" ", "")
    if not text:
        return StudyLog.Method.SELF
    if text not in METHODS:
        raise ValueError(f"学习方式“{text}”应为自学或集中学习")
    return METHODS[text]


@imports.register
class CourseStudyImporter(imports.Importer):
    kind = "course-study"
    title = "课程学习记录"
    columns = [
        excel.Column("课程代码", "code", False, excel.cell_text, aliases=("课程编号",), example="TY-DS-2026-01",
                     width=16, hint="课程代码和课程名称至少填一项；都填时以课程代码为准"),
        excel.Column("课程名称", "title", False, excel.cell_text, aliases=("课程",), example="太行精神的时代内涵",
                     width=28),
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码", "公民身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column("学习日期", "studied_on", True, _day, aliases=("完成日期", "日期"), example="2026-03-05",
                     width=12),
        excel.Column("学习时长（分钟）", "minutes", True, _minutes, aliases=("学习时长", "时长（分钟）", "学习时长(分钟)"),
                     example="45", width=14),
        excel.Column("考试通过", "passed_test", False, _passed, aliases=("是否通过考试", "考试是否通过"), example="是",
                     width=10, choices=("是", "否"), hint="课程有课后测试时填写；不填为否"),
        excel.Column("学习方式", "method", False, _method, example="自学", width=10,
                     choices=tuple(StudyLog.Method.labels), hint="不填为自学"),
    ]

    def examples(self, user) -> dict:
        course = Course.objects.visible_to(user).filter(active=True).order_by("-pk").first()
        return {"code": course.code, "title": course.title} if course else {}

    def validate(self, sheet, user, progress):
        rows = sheet.rows
        numbers = {v["id_number"] for _n, v, _r in rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user, "change").filter(id_number__in=numbers)}
        codes = {v["code"].strip() for _n, v, _r in rows if (v.get("code") or "").strip()}
        titles = {v["title"].strip() for _n, v, _r in rows if (v.get("title") or "").strip() and not v.get("code")}
        courses = Course.objects.visible_to(user).filter(Q(code__in=codes) | Q(title__in=titles))
        by_code = {c.code: c for c in courses}
        by_title: dict[str, list[Course]] = defaultdict(list)
        for c in by_code.values():
            by_title[c.title].append(c)
        keys = set()
        first_row: dict[tuple, int] = {}
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            course = self._course(sheet, no, v, by_code, by_title)
            number = v.get("id_number")
            person = people.get(number) if number else None
            if number and person is None:
                sheet.fail(no, "公民身份号码", f"{mask_id(number)} 不是您管辖范围内（可登记学习）的人员")
            if person is not None:
                v["person"] = person
                name = (v.get("name") or "").replace(" ", "")
                if name and name != person.name:
                    sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
            if course is None:
                continue
            v["course"] = course
            if v.get("passed_test") and not course.has_test:
                sheet.fail(no, "考试通过", f"课程“{course.title}”没有课后测试，不能登记考试通过")
            day = v.get("studied_on")
            if person is None or day is None:
                continue
            key = (course.pk, person.pk, day)
            if key in first_row:
                sheet.fail(no, "学习日期", f"与第{first_row[key]}行重复（同一人员、同一课程、同一天）")
            else:
                first_row[key] = no
                keys.add(key)
        if keys:
            taken = StudyLog.objects.unrestricted().filter(
                course_id__in={k[0] for k in keys}, person_id__in={k[1] for k in keys},
                studied_on__in={k[2] for k in keys}).values_list("course_id", "person_id", "studied_on")
            for key in set(taken) & keys:
                no = first_row[key]
                values = next(v for n, v, _r in rows if n == no)
                sheet.fail(no, "学习日期", f"{values['person'].name}在 {key[2]:%Y-%m-%d} 已有课程"
                                       f"“{values['course'].title}”的学习记录，不能重复登记")

    def _course(self, sheet, no, v, by_code, by_title):
        code, title = (v.get("code") or "").strip(), (v.get("title") or "").strip()
        if code:
            course = by_code.get(code)
            if course is None:
                sheet.fail(no, "课程代码", f"没有您可以看到的课程代码为“{code}”的课程")
                return None
        elif title:
            found = by_title.get(title, [])
            if not found:
                sheet.fail(no, "课程名称", f"没有您可以看到的名为“{title}”的课程")
                return None
            if len(found) > 1:
                sheet.fail(no, "课程名称", f"有 {len(found)} 门名为“{title}”的课程（"
                                       f"{'、'.join(c.code for c in found)}），请填写课程代码")
                return None
            course = found[0]
        else:
            sheet.fail(no, "课程代码", "课程代码和课程名称至少填一项")
            return None
        if not course.active:
            sheet.fail(no, "课程代码" if code else "课程名称", f"课程“{course.title}”已停用，不能登记学习")
            return None
        return course

    def write(self, sheet, rows, user, note):
        groups: dict[tuple, list[Person]] = defaultdict(list)
        for _no, v, _raw in rows:
            key = (v["course"].pk, v["studied_on"], v["minutes"], bool(v.get("passed_test")),
                   v.get("method") or StudyLog.Method.SELF)
            groups[key].append(v["person"])
        courses = {v["course"].pk: v["course"] for _no, v, _raw in rows}
        written = 0
        with audit.operation(None, "import", note=note):
            for (course_id, day, minutes, passed, method), people in groups.items():
                written += len(services.record_study(user, courses[course_id], people, studied_on=day,
                                                     minutes=minutes, passed_test=passed, method=method))
        return written
