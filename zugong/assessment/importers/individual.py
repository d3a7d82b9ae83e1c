"""Excel import of annual proposals: `zugong import annual-grades FILE.xlsx --year YYYY`.

Columns (fixed): 公民身份号码, 姓名, 考核单位代码, 人员类别, 拟定等次. Every row is checked as the confirming step
checks it — the person and the unit in the user's scope, the category's scale, one row per person, no result of
that year elsewhere, and then the bars, the probation, the prerequisite and the 优秀 quota of each pool (the
proposals are written in a savepoint, judged by `annual_check.judge` and rolled back) — and every bad row is
named in Chinese (row, column, reason with its citation). Nothing is written on error (mode `all`); the rows are
written as proposals (待确认) of the year's round, which the assessing organization confirms.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.people import idnumber
from zugong.people.models import Person

from .. import annual_check
from .. import individual_services as services
from ..models import SCALES, AnnualGrade, AnnualProposal, Category

CATEGORY_BY_LABEL = {label: value for value, label in Category.choices} | {
    "参照公务员法管理": Category.REFERENCE, "参照公务员法管理人员": Category.REFERENCE, "事业单位人员": Category.INSTITUTION,
    "事业编制": Category.INSTITUTION}
GRADE_BY_LABEL = {label: value for value, label in AnnualGrade.choices}
GRADE_LABELS = dict(AnnualGrade.choices)
OPEN = [AnnualProposal.Status.PROPOSED, AnnualProposal.Status.REFUSED, AnnualProposal.Status.PENDING]


_id = idnumber.from_cell  # the 公民身份号码 column


def _category(value):
    text = excel.cell_text(value).replace(" ", "")
    if text not in CATEGORY_BY_LABEL:
        raise ValueError(f"“{text}”不是人员类别，应为 公务员、参公 或 事业单位")
    return CATEGORY_BY_LABEL[text]


def _grade(value):
    text = excel.cell_text(value).replace(" ", "")
    if text not in GRADE_BY_LABEL:
        raise ValueError(f"“{text}”不是年度考核等次")
    return GRADE_BY_LABEL[text]


class _Rollback(Exception):
    pass


@imports.register
class AnnualGradesImporter(imports.Importer):
    kind = "annual-grades"
    title = "年度考核拟定等次"
    columns = [
        excel.Column("公民身份号码", "id_number", True, _id, aliases=("身份证号", "身份证号码"),
                     example="140105199003070012", width=22),
        excel.Column("姓名", "name", True, excel.cell_text, example="张三", width=10),
        excel.Column("考核单位代码", "unit_code", True, excel.cell_text, aliases=("单位代码",), example="14010503",
                     width=16, hint="组织代码：该人员所在的考核单位（部门）"),
        excel.Column("人员类别", "category", True, _category, choices=tuple(label for _v, label in Category.choices),
                     example="公务员", width=12),
        excel.Column("拟定等次", "proposed", True, _grade, example="称职", width=12,
                     choices=("优秀", "称职", "基本称职", "不称职", "合格", "基本合格", "不合格", "不定等次"),
                     hint="公务员、参公：优秀、称职、基本称职、不称职；事业单位：优秀、合格、基本合格、不合格；"
                          "试用期等只写评语的填“不定等次”"),
    ]

    def examples(self, user) -> dict:
        from zugong.orgs import selectors

        org = selectors.example_organization(user)
        return {"unit_code": org.code} if org is not None else {}

    options = {"year": "考核年度，如 2025（默认上一年度）"}

    @staticmethod
    def year(sheet) -> int:
        """The year of the run (`--year`, or the round's when uploaded on its page); last year by default."""
        given = str(sheet.options.get("year") or "").strip()
        return int(given) if given.isdigit() else timezone.localdate().year - 1

    def validate(self, sheet, user, progress):
        from zugong.orgs.models import Organization

        given = str(sheet.options.get("year") or "").strip()
        if given and not (given.isdigit() and len(given) == 4):
            sheet.fail(1, "考核年度", f"考核年度应为四位年份，如 2025，现为“{given}”")
            return
        year = self.year(sheet)
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        persons = {}
        for part in _parts(list(numbers)):
            for p in Person.objects.visible_to(user, "change").filter(id_number__in=part):
                persons[p.id_number] = p
        codes = {v["unit_code"] for _n, v, _r in sheet.rows if v.get("unit_code")}
        units = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        seen: dict[str, int] = {}
        good = []
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            number, code = v.get("id_number"), v.get("unit_code")
            person = persons.get(number) if number else None
            if number and person is None:
                sheet.fail(no, "公民身份号码", f"{number} 不是您管辖范围内登记的人员")
            elif number in seen:
                sheet.fail(no, "公民身份号码", f"与第{seen[number]}行重复（同一人员一年只有一个年度考核等次）")
            if number:
                seen.setdefault(number, no)
            name = (v.get("name") or "").replace(" ", "")
            if person is not None and name and name != person.name:
                sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{person.name}”不一致")
            unit = units.get(code) if code else None
            if code and unit is None:
                sheet.fail(no, "考核单位代码", f"{code} 不是您管辖范围内的组织代码")
            category, proposed = v.get("category"), v.get("proposed")
            if category and proposed and proposed != AnnualGrade.UNGRADED and proposed not in SCALES[category]:
                scale = "、".join(GRADE_LABELS[g] for g in SCALES[category])
                sheet.fail(no, "拟定等次", f"{dict(Category.choices)[category]}的年度考核等次为{scale}（或不定等次），"
                                       f"不能填“{GRADE_LABELS[proposed]}”")
            v["person"], v["unit"] = person, unit
            if person is not None and unit is not None and category and proposed:
                good.append((no, v))
        if sheet.errors or not good:
            return
        # The same check as the confirming step, on the proposals as they would stand (rolled back).
        try:
            with transaction.atomic():
                by_person, round_ids = self._propose(user, year, [v for _no, v in good], sheet=sheet, rows=good)
                if sheet.errors:
                    raise _Rollback
                qs = AnnualProposal.objects.unrestricted().filter(round_id__in=round_ids, status__in=OPEN)
                verdicts, _quota = annual_check.judge(qs)
                row_of = {by_person[v["person"].pk].pk: no for no, v in good}
                for verdict in verdicts:
                    if verdict.status == AnnualProposal.Status.REFUSED and verdict.pk in row_of:
                        for r in verdict.reasons:
                            if r["blocking"]:
                                sheet.fail(row_of[verdict.pk], "拟定等次", f"{r['text']}（{r['citation']}）")
                raise _Rollback
        except _Rollback:
            pass

    def _propose(self, user, year, values, sheet=None, rows=None):
        """Write the proposals (the round of each unit), return ({person id: proposal}, round ids)."""
        by_round: dict[int, tuple] = {}
        rounds = {}
        for v in values:
            unit = v["unit"]
            if unit.pk not in rounds:
                rounds[unit.pk] = services.annual_round_for(user, unit, year)
            rnd = rounds[unit.pk]
            by_round.setdefault(rnd.pk, (rnd, []))[1].append(
                {"person": v["person"], "unit": unit, "category": v["category"], "proposed": v["proposed"]})
        if sheet is not None:
            ids = [v["person"].pk for v in values]
            clash = services.taken_elsewhere(ids, year)
            confirmed = set()
            for part in _parts(ids):
                confirmed.update(AnnualProposal.objects.unrestricted().filter(
                    person_id__in=part, year=year, status=AnnualProposal.Status.CONFIRMED).values_list("person_id",
                                                                                                     flat=True))
            for no, v in rows:
                pid = v["person"].pk
                rnd = rounds[v["unit"].pk]
                if pid in confirmed:
                    sheet.fail(no, "公民身份号码", f"{v['person'].name}的{year}年度考核等次已确认，不能再导入拟定等次")
                elif pid in clash and clash[pid] != rnd.organization.name:
                    sheet.fail(no, "公民身份号码", f"{v['person'].name}已在“{clash[pid]}”参加{year}年度考核")
            if sheet.errors:
                return {}, []
        out = {}
        for rnd, entries in by_round.values():
            for p in services.propose_annual(user, rnd, entries, note="Excel 导入"):
                out[p.person_id] = p
        return out, list(by_round)

    def write(self, sheet, rows, user, note):
        with audit.operation(None, "import", note=note):
            written, _rounds = self._propose(user, self.year(sheet), [v for _no, v, _raw in rows])
        return len(written)


def _parts(items: list, size: int = 2000):
    for i in range(0, len(items), size):
        yield items[i:i + size]
