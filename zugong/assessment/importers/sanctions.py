"""Import sanctions from .xlsx (`zugong import sanctions FILE.xlsx`, 处分、问责和组织处理导入): one row per measure.

Every bad row is named (row, column, reason) and nothing is written while one is bad. The rows are written through
the same service as the form (`sanctions_services.record_sanction`), in one transaction and one audited operation,
so a 留党察看 or 开除党籍 of a party member changes the member's history exactly as when typed in."""

from __future__ import annotations

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.members.models import DisciplineSpan
from zugong.people import idnumber
from zugong.people.models import Person

from .. import sanctions_services as services
from ..models import KIND_FAMILIES, PROBATION_KINDS, Family, Sanction, SanctionKind

K = SanctionKind
KINDS = {label: value for value, label in SanctionKind.choices} | {
    "警告": K.PARTY_WARNING, "严重警告": K.PARTY_SERIOUS_WARNING, "记过": K.GOV_DEMERIT, "记大过": K.GOV_MAJOR_DEMERIT,
    "政务降级": K.GOV_DEMOTION, "政务撤职": K.GOV_REMOVAL, "留党察看1年": K.PROBATION_1, "留党察看2年": K.PROBATION_2,
    "留党察看(一年)": K.PROBATION_1, "留党察看(二年)": K.PROBATION_2, "通报批评": K.CIRCULAR,
}
FAMILIES = {label: value for value, label in Family.choices} | {"党纪": Family.PARTY, "政务": Family.GOVERNMENT}


def _norm(value) -> str:
    return excel.cell_text(value).replace(" ", "").replace("（", "(").replace("）", ")")


_id = idnumber.from_cell  # the 公民身份号码 column


def _kind(value):
    text = _norm(value)
    if text not in KINDS:
        raise ValueError(f"处分类别“{text}”不是{'、'.join(SanctionKind.labels)}之一")
    return KINDS[text]


def _family(value):
    text = _norm(value)
    if not text:
        return ""
    if text not in FAMILIES:
        raise ValueError(f"处分性质“{text}”不是{'、'.join(Family.labels)}之一")
    return FAMILIES[text]


def _day(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"日期 {day:%Y-%m-%d} 晚于今天")
    return day


@imports.register
class SanctionImporter(imports.Importer):
    kind = "sanctions"
    title = "处分、问责和组织处理"
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码", "公民身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column("处分类别", "kind", True, _kind, aliases=("类别", "处分种类", "处理方式"), example="党内警告",
                     width=14, choices=tuple(SanctionKind.labels)),
        excel.Column("处分性质", "family", False, _family, aliases=("性质",), example="党纪处分", width=12,
                     choices=tuple(Family.labels), hint="不填则按处分类别；作为问责方式作出的填“问责”"),
        excel.Column("决定日期", "decided_on", True, _day, aliases=("处分日期", "处理日期"), example="2026-03-05",
                     width=12),
        excel.Column("影响期至", "effective_until", False, excel.parse_date, aliases=("期限至", "处分期至", "期限"),
                     example="", width=12, hint="影响期的最后一天；留党察看按一年或二年自动计算，不填"),
        excel.Column("决定机关", "deciding_body", False, excel.cell_text, example="中共某某县纪律检查委员会",
                     width=24),
        excel.Column("文号", "document_no", False, excel.cell_text, aliases=("决定文号",), example="某纪发〔2026〕3号",
                     width=18),
        excel.Column("说明", "note", False, excel.cell_text, aliases=("事由",), example="", width=30),
    ]

    def validate(self, sheet, user, progress):
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        people = {p.id_number: p for p in Person.objects.visible_to(user, "change").filter(id_number__in=numbers)}
        existing = set(Sanction.objects.unrestricted().filter(person__in=list(people.values()))
                       .values_list("person_id", "kind", "decided_on"))
        first_row: dict[tuple, int] = {}
        probation_rows: dict[int, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            number = v.get("id_number")
            if not number:
                continue
            person = people.get(number)
            if person is None:
                sheet.fail(no, "公民身份号码", f"{number} 不是您管辖范围内的人员")
                continue
            v["person"] = person
            name = (v.get("name") or "").replace(" ", "")
            if name and name != person.name:
                sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
            kind, day, family = v.get("kind"), v.get("decided_on"), v.get("family")
            if not kind or not day:
                continue
            if family and family not in KIND_FAMILIES[kind]:
                sheet.fail(no, "处分性质", f"“{SanctionKind(kind).label}”不能作为{Family(family).label}登记，应为"
                                       f"{'或'.join(Family(f).label for f in KIND_FAMILIES[kind])}")
            until = v.get("effective_until")
            if until and kind in PROBATION_KINDS:
                sheet.fail(no, "影响期至", "留党察看的察看期自决定之日起按一年或二年计算，不填")
            elif until and until < day:
                sheet.fail(no, "影响期至", f"影响期至 {until:%Y-%m-%d} 早于决定日期 {day:%Y-%m-%d}")
            key = (person.pk, kind, day)
            if key in first_row:
                sheet.fail(no, "决定日期", f"与第{first_row[key]}行重复（同一人员、同一天、同一处分类别）")
            else:
                first_row[key] = no
            if key in existing:
                sheet.fail(no, "决定日期", f"{person.name}{day:%Y-%m-%d}的{SanctionKind(kind).label}已登记")
            if kind in PROBATION_KINDS:
                if person.pk in probation_rows:
                    sheet.fail(no, "处分类别", f"与第{probation_rows[person.pk]}行同为该人员的留党察看，请分两次导入")
                probation_rows[person.pk] = no
                member = services.membership_of(person)
                if member is not None and DisciplineSpan.objects.unrestricted().filter(
                        membership=member, ended_on__isnull=True).exists():
                    sheet.fail(no, "处分类别", f"{person.name}的留党察看尚未结束，请先登记恢复党员权利")
                elif member is not None and member.status not in member.ACTIVE_STATUSES:
                    sheet.fail(no, "处分类别", f"{person.name}的党籍状态为{member.get_status_display()}，不能登记留党察看")

    def write(self, sheet, rows, user, note):
        fields = ("kind", "family", "decided_on", "effective_until", "deciding_body", "document_no", "note")
        with audit.operation(None, "import", note=note):
            for _no, v, _raw in rows:
                services.record_sanction(user, v["person"], **{f: v.get(f) or ("" if f != "effective_until" else None)
                                                               for f in fields if f != "decided_on"},
                                         decided_on=v["decided_on"])
        return len(rows)
