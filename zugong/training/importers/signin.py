"""Import sign-in sheets from .xlsx (`zugong import training-signin FILE.xlsx`, 培训签到导入): one row per trainee
and session, columns 班次代码, 课次日期, 公民身份号码, 姓名, 签到时间.

A row names a class (by its code, within the user's scope), a session of it by date (when the class has several
sessions that day, the 签到时间 picks the one it falls in), and a trainee of the class by ID number; the name must
agree. Every bad row is named (row, column, reason) and nothing is written while one is bad. The rows are
written through `signin_services.record_imported` in one transaction and one audited operation: each is a
sign-in event (method 表格导入); a trainee already present is stored as a refused 已签到 event.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zugong.core import audit, excel, imports, scope
from zugong.people import idnumber

from .. import signin_services as services
from ..models import Enrolment, Session, TrainingClass


_id = idnumber.from_cell  # the 公民身份号码 column


def _time(value):
    """A time of day (10:05, 10:05:30, an Excel time or date-time), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time stored as a fraction of a day
        seconds = round(value * 86400)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    text = excel.cell_text(value).replace("：", ":")
    if " " in text:  # 2026-11-27 09:05
        text = text.rsplit(" ", 1)[1]
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError(f"无法识别的签到时间“{text}”，请写作 09:05")


@imports.register
class SignInImporter(imports.Importer):
    kind = "training-signin"
    title = "培训签到"
    columns = [
        excel.Column("班次代码", "class_code", True, excel.cell_text, aliases=("班次编号",), example="PX2026-001",
                     width=14),
        excel.Column("课次日期", "on", True, excel.parse_date, aliases=("日期", "上课日期"), example="2026-11-27",
                     width=12),
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码", "公民身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", True, excel.cell_text, example="张三", width=10),
        excel.Column("签到时间", "time", False, _time, aliases=("时间",), example="08:55", width=10,
                     hint="时:分，如 08:55；不填按课次开始时间；同一天有多个课次时必填"),
    ]

    def validate(self, sheet, user, progress):
        codes = {v["class_code"] for _n, v, _r in sheet.rows if v.get("class_code")}
        classes = {c.code: c for c in TrainingClass.objects.visible_to(user).filter(code__in=codes)}
        sessions: dict[tuple[int, dt.date], list[Session]] = {}
        for s in Session.objects.unrestricted().filter(training_class__in=list(classes.values())).order_by(
                "on", "starts_at", "pk"):
            sessions.setdefault((s.training_class_id, s.on), []).append(s)
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        enrolments = {(e.training_class_id, e.person.id_number): e for e in Enrolment.objects.unrestricted()
                      .select_related("person").filter(training_class__in=list(classes.values()),
                                                       person__id_number__in=numbers)}
        today = timezone.localdate()
        seen: dict[tuple[int, int], int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code, day, number = v.get("class_code"), v.get("on"), v.get("id_number")
            if not code or not day:
                continue
            klass = classes.get(code)
            if klass is None:
                sheet.fail(no, "班次代码", f"班次“{code}”不存在或不在您的管辖范围内")
                continue
            if not scope.can(user, "change", klass.org_path):
                sheet.fail(no, "班次代码", f"您无权为班次“{code}”登记签到")
                continue
            if day > today:
                sheet.fail(no, "课次日期", f"课次日期 {day:%Y-%m-%d} 晚于今天")
                continue
            found = sessions.get((klass.pk, day), [])
            if not found:
                sheet.fail(no, "课次日期", f"班次“{code}”在 {day:%Y-%m-%d} 没有课次")
                continue
            session = self._pick(found, v.get("time"))
            if session is None:
                sheet.fail(no, "签到时间", f"班次“{code}”在 {day:%Y-%m-%d} 有 {len(found)} 个课次，"
                                       f"{'请填写签到时间以区分' if not v.get('time') else '签到时间不在任何课次的时间内'}")
                continue
            if not number:
                continue
            enrolment = enrolments.get((klass.pk, number))
            if enrolment is None:
                sheet.fail(no, "公民身份号码", f"{number[:6]}********{number[-4:]} 不在班次“{code}”的学员名单中")
                continue
            name = (v.get("name") or "").replace(" ", "")
            if name != enrolment.person.name:
                sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{enrolment.person.name}”不一致")
                continue
            if enrolment.status == Enrolment.Status.WITHDRAWN and enrolment.withdrawn_on and enrolment.withdrawn_on <= day:
                sheet.fail(no, "公民身份号码", f"{enrolment.person.name}已于 {enrolment.withdrawn_on:%Y-%m-%d} 退学")
                continue
            key = (session.pk, enrolment.pk)
            if key in seen:
                sheet.fail(no, "公民身份号码", f"与第{seen[key]}行重复（同一学员、同一课次）")
                continue
            seen[key] = no
            v["session"], v["enrolment"] = session, enrolment

    @staticmethod
    def _pick(found: list[Session], at: dt.time | None) -> Session | None:
        if len(found) == 1:
            return found[0]
        if at is None:
            return None
        inside = [s for s in found if s.starts_at and s.ends_at and s.starts_at <= at <= s.ends_at]
        if len(inside) == 1:
            return inside[0]
        before = [s for s in found if s.starts_at and s.starts_at > at]  # signed in before a session began
        return before[0] if before and not inside else None

    def write(self, sheet, rows, user, note):
        tz = timezone.get_current_timezone()
        written = 0
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                session = v["session"]
                at_time = v.get("time") or session.starts_at or dt.time(0, 0)
                at = dt.datetime.combine(session.on, at_time, tzinfo=tz)
                written += services.record_imported(user, session, v["enrolment"], at)
        return written
