"""Excel import of online learning (网络培训学时): `zugong import online-learning FILE.xlsx --source NAME`.

Columns: 公民身份号码, 姓名, 课程名称, 学习时长（分钟）, 完成日期, 考试通过 (是/否), and optionally 学习平台 (the
source per row; `--source` gives it for the whole file, e.g. the provincial cadre online college). Every row is
checked — the person registered in the user's scope under that name, a completion date that exists and is not in
the future, minutes between 1 and a day, the course not twice in the file nor already imported (same person,
course, date and source) — and every bad row is named in Chinese (row, column, reason). Nothing is written on
error (mode `all`); the rows are posted to the ledger (`ledger.post`, source `training.online`), each credited by
the online rule that applies to the person.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.people import idnumber
from zugong.people.models import Person

from .. import ledger
from ..models import Credit, CreditKind, CreditUnit

SOURCE = "training.online"
YES, NO = ("是", "通过", "Y", "y", "1", "true", "TRUE"), ("否", "未通过", "N", "n", "0", "false", "FALSE", "")
MAX_MINUTES = 24 * 60


_id = idnumber.from_cell  # the 公民身份号码 column


def _minutes(value):
    text = excel.cell_text(value)
    try:
        minutes = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"学习时长应为分钟数，如 45，现为“{text}”") from None
    if not minutes.is_finite() or minutes <= 0 or minutes > MAX_MINUTES:
        raise ValueError(f"学习时长应在 1 至 {MAX_MINUTES} 分钟之间，现为“{text}”")
    return minutes.quantize(Decimal("0.01"))


def _passed(value):
    text = excel.cell_text(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"考试通过应填“是”或“否”，现为“{text}”")


def _date(value):
    day = excel.parse_date(value)
    if day is not None and day.year < 1990:
        raise ValueError(f"完成日期“{day:%Y-%m-%d}”不可能是网络培训的日期")
    return day


@imports.register
class OnlineLearningImporter(imports.Importer):
    kind = "online-learning"
    title = "网络培训学时"
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", True, excel.cell_text, example="张三", width=10),
        excel.Column("课程名称", "course", True, excel.cell_text, aliases=("课程",), example="学习贯彻党的二十届三中全会精神",
                     width=36),
        excel.Column("学习时长（分钟）", "minutes", True, _minutes, aliases=("学习时长", "时长（分钟）", "学习分钟数"),
                     example="45", width=14, hint="分钟数；满 30 分钟计 1 学时，15 至 30 分钟计 0.5 学时，不足 15 分钟计 0.25 学时"
                                                  "（以适用的学时认定规则为准）"),
        excel.Column("完成日期", "on", True, _date, aliases=("完成时间", "学习日期"), example="2026-03-15", width=14,
                     hint="不能晚于导入当天"),
        excel.Column("考试通过", "passed", False, _passed, aliases=("考试是否通过", "是否通过考试"), example="是", width=10,
                     choices=("是", "否"), hint="通过的另计学时；空白视为否"),
        excel.Column("学习平台", "source", False, excel.cell_text, aliases=("来源", "网络学院", "平台"),
                     example="山西干部在线学院", width=20, hint="空白时用导入时指明的来源（--source）"),
    ]
    options = {"source": "网络培训的来源（学习平台），如 山西干部在线学院；文件中“学习平台”列空白的行用它"}

    def validate(self, sheet, user, progress):
        today = timezone.localdate()
        given = str(sheet.options.get("source") or "").strip()
        numbers = list({v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")})
        persons: dict[str, Person] = {}
        for i in range(0, len(numbers), 2000):
            for p in Person.objects.visible_to(user, "change").filter(id_number__in=numbers[i:i + 2000]):
                persons[p.id_number] = p
        seen: dict[tuple, int] = {}
        keyed = []
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            number = v.get("id_number")
            person = persons.get(number) if number else None
            if number and person is None:
                sheet.fail(no, "公民身份号码", f"{number} 不是您管辖范围内登记的人员")
            name = (v.get("name") or "").replace(" ", "")
            if person is not None and name and name != person.name.replace(" ", ""):
                sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
                person = None
            on = v.get("on")
            if on is not None and on > today:
                sheet.fail(no, "完成日期", f"完成日期 {on:%Y-%m-%d} 晚于今天，不能计入学时")
                on = None
            source = (v.get("source") or "").strip() or given
            if not source:
                sheet.fail(no, "学习平台", "未指明学习平台：请填写“学习平台”列，或导入时用 --source 指明")
            v["person"], v["provider"] = person, source[:100]
            course = (v.get("course") or "").strip()
            if person is not None and on is not None and course and source:
                key = (person.pk, course, on, source)
                if key in seen:
                    sheet.fail(no, "课程名称", f"与第{seen[key]}行重复（同一人员、课程、完成日期和学习平台）")
                    continue
                seen[key] = no
                keyed.append((no, key))
        if not keyed:
            return
        done = set()
        people = list({k[0] for _no, k in keyed})
        for i in range(0, len(people), 2000):
            done.update(Credit.objects.unrestricted().filter(
                source=SOURCE, carried=False, person_id__in=people[i:i + 2000]).values_list(
                "person_id", "source_label", "on", "provider"))
        for no, key in keyed:
            if key in done:
                sheet.fail(no, "课程名称", f"该课程已于此前导入（{key[2]:%Y-%m-%d}，{key[3]}），不能重复计入学时")

    def write(self, sheet, rows, user, note):
        lines = [ledger.Line(person_id=v["person"].pk, on=v["on"], kind=CreditKind.ONLINE, quantity=v["minutes"],
                             unit=CreditUnit.MINUTE, label=v["course"], passed_test=bool(v.get("passed")),
                             provider=v["provider"]) for _no, v, _raw in rows]
        with audit.operation(None, "import", note=note) as op:
            created = ledger.post(op, SOURCE, lines, user=user)
        return len(created)
