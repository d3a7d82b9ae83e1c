"""Import existing cases from the recruitment ledger (发展党员台账, .xlsx): one row per case, an empty date
cell meaning the step is not done.

The people columns (姓名, 公民身份号码, 所在党组织代码) and their checks are those of the people import; people
new to the system are created by it. Dates must follow the order of the process. After writing, the imported
subtree is scanned with the recruitment rules, so the ledger's past violations show as findings.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from zugong.core import audit, excel, imports, scope
from zugong.members import history as member_history
from zugong.members.models import Membership, StatusSpan
from zugong.orgs.models import Organization
from zugong.orgs.selectors import example_organization
from zugong.people.importers import PeopleImporter, owner_label
from zugong.people import services as people_services
from zugong.people.models import Person

from . import steps
from .deadlines import probation_end
from .models import Case, CaseContact, Step, TargetGroup

_PEOPLE = {c.key: c for c in PeopleImporter.columns}
_GROUPS = {label: code for code, label in TargetGroup.choices} | {
    "工人": TargetGroup.INDUSTRIAL_WORKER, "农民": TargetGroup.YOUNG_FARMER, "学生": TargetGroup.STUDENT,
    "高校学生": TargetGroup.STUDENT, "两新组织": TargetGroup.NEW_SECTOR,
    "非公有制经济组织和社会组织从业人员": TargetGroup.NEW_SECTOR,
}
IMPORT_NOTE = "发展党员台账导入"


def _group(value):
    text = excel.cell_text(value)
    if text not in _GROUPS:
        raise ValueError(f"“{text}”不是有效的重点群体，应为{'、'.join(label for _c, label in TargetGroup.choices)}")
    return _GROUPS[text]


def _count(value):
    text = excel.cell_text(value)
    if not text.isdigit():
        raise ValueError(f"“{text}”应为不小于0的整数")
    return int(text)


def _hours(value):
    text = excel.cell_text(value)
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"学时“{text}”应为数字") from None
    if hours < 0 or hours >= 10000:
        raise ValueError(f"学时“{text}”超出范围")
    return hours.quantize(Decimal("0.1"))


def _date(header: str, key: str, required: bool = False, example: str = "") -> excel.Column:
    return excel.Column(header, key, required, excel.parse_date, example=example, width=14)


def _dates(value) -> list[dt.date]:
    """Several dates in one cell (2023-03-10、2023-09-10), or one real date."""
    if isinstance(value, dt.date):
        return [value.date() if isinstance(value, dt.datetime) else value]
    return [excel.parse_date(part) for part in re.split(r"[、,，;；\s]+", excel.cell_text(value)) if part]


def _contact(header: str, key: str) -> excel.Column:
    return excel.Column(header, key, False, _PEOPLE["id"].parse, width=22)


DATE_COLUMNS = [
    _date("递交入党申请书日期", "applied_on", True, "2022-03-01"),
    _date("谈话日期", "talked_on", example="2022-03-20"),
    _date("确定入党积极分子日期", "activist_on", example="2022-09-10"),
    _date("确定发展对象日期", "candidate_on", example="2023-10-12"),
    _date("政治审查结论日期", "review_concluded_on", example="2023-11-20"),
    _date("集中培训开始日期", "training_start", example="2023-11-06"),
    _date("集中培训结束日期", "training_end", example="2023-11-08"),
]
CONTACT_COLUMNS = [
    ("sponsor_1", "培养联系人1公民身份号码", CaseContact.Role.SPONSOR, 1),
    ("sponsor_2", "培养联系人2公民身份号码", CaseContact.Role.SPONSOR, 2),
    ("introducer_1", "入党介绍人1公民身份号码", CaseContact.Role.INTRODUCER, 1),
    ("introducer_2", "入党介绍人2公民身份号码", CaseContact.Role.INTRODUCER, 2),
]
VOTES = {"expected_voters": "应到会有表决权正式党员数", "present_voters": "实到会有表决权正式党员数",
         "yes_votes": "赞成票数"}
CONVERSION_VOTES = {"conversion_expected_voters": "转正支部大会应到会有表决权正式党员数",
                    "conversion_present_voters": "转正支部大会实到会有表决权正式党员数",
                    "conversion_yes_votes": "转正支部大会赞成票数"}
# (the meeting's date, its counts, whether a meeting needs them): the admission counts are ledger columns,
# the conversion counts optional ones.
VOTE_GROUPS = [("branch_meeting_on", VOTES, True), ("conversion_meeting_on", CONVERSION_VOTES, False)]
HEADERS = {c.key: c.header for c in DATE_COLUMNS} | {
    "committee_review_on": "支部委员会审查日期", "prereview_on": "上级党委预审日期",
    "branch_meeting_on": "支部大会讨论日期", "approved_on": "上级党委审批日期", "oath_on": "入党宣誓日期",
    "conversion_applied_on": "转正申请日期", "conversion_meeting_on": "转正支部大会日期",
    "conversion_approved_on": "转正审批日期",
} | VOTES | CONVERSION_VOTES
# Which step of the timeline each imported date is.
STEP_OF = {s.field: s.kind for s in steps.STEPS if s.field}
# Optional columns of steps that leave no date on the case (the rules read their timeline rows): key → the step,
# its header; the inspections may list several dates.
STEP_COLUMNS = {
    "activist_filing_on": ("activist_filing", "入党积极分子备案日期"),
    "inspections": ("inspection", "培养教育考察日期"),
    "candidate_filing_on": ("candidate_filing", "发展对象备案日期"),
    "approval_talk_on": ("approval_talk", "上级党委派人谈话日期"),
}


@imports.register
class RecruitmentImporter(imports.Importer):
    kind = "recruitment"
    title = "发展党员台账"
    columns = [
        _PEOPLE["name"], _PEOPLE["id"], _PEOPLE["org_code"],
        excel.Column("重点群体", "target_group", False, _group, aliases=("人员类别", "发展对象类别"),
                     example="产业工人", width=14, choices=tuple(TargetGroup.labels)),
        *DATE_COLUMNS,
        excel.Column("集中培训学时", "training_hours", False, _hours, example="24", width=10),
        _date("入党积极分子备案日期", "activist_filing_on", example="2022-09-12"),
        excel.Column("培养教育考察日期", "inspections", False, _dates, example="2023-03-10、2023-09-10", width=24),
        _date("发展对象备案日期", "candidate_filing_on", example="2023-10-15"),
        _date("支部委员会审查日期", "committee_review_on", example="2023-11-25"),
        _date("上级党委预审日期", "prereview_on", example="2023-12-01"),
        _date("支部大会讨论日期", "branch_meeting_on", example="2023-12-20"),
        excel.Column(VOTES["expected_voters"], "expected_voters", False, _count, example="12", width=10),
        excel.Column(VOTES["present_voters"], "present_voters", False, _count, example="11", width=10),
        excel.Column(VOTES["yes_votes"], "yes_votes", False, _count, example="11", width=10),
        _date("上级党委派人谈话日期", "approval_talk_on", example="2024-01-05"),
        _date("上级党委审批日期", "approved_on", example="2024-01-15"),
        _date("入党宣誓日期", "oath_on", example="2024-02-01"),
        _date("转正申请日期", "conversion_applied_on", example="2024-12-01"),
        _date("转正支部大会日期", "conversion_meeting_on", example="2024-12-20"),
        _date("转正审批日期", "conversion_approved_on", example="2025-01-10"),
        *[excel.Column(header, key, False, _count, width=10) for key, header in CONVERSION_VOTES.items()],
        *[_contact(header, key) for key, header, _role, _pos in CONTACT_COLUMNS],
    ]

    # ------------------------------------------------------------ validation


    def examples(self, user):
        org = example_organization(user)
        return {"org_code": org.code} if org is not None else {}

    def validate(self, sheet, user, progress):
        rows = sheet.rows
        codes = {v["org_code"] for _n, v, _r in rows if v.get("org_code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "manage").filter(code__in=codes)}
        ids = {v["id"].number for _n, v, _r in rows if v.get("id")}
        contact_ids = {v[key].number for _n, v, _r in rows for key, *_ in CONTACT_COLUMNS if v.get(key)}
        people = {p.id_number: p for p in Person.objects.unrestricted().select_related("organization")
                  .filter(id_number__in=ids | contact_ids)}
        open_cases = set(Case.objects.unrestricted().filter(person__id_number__in=ids, status=Case.Status.ACTIVE)
                         .values_list("person__id_number", flat=True))
        imported = set(Case.objects.unrestricted().filter(person__id_number__in=ids)
                       .values_list("person__id_number", "applied_on"))
        members = set(Membership.objects.unrestricted().filter(person__id_number__in=ids)
                      .values_list("person__id_number", flat=True))
        unreadable = {e.row for e in sheet.errors}  # rows with a cell that did not parse: order checks wait
        first_row: dict[str, int] = {}
        gate = people_services.Gate(user)
        for i, (no, v, _raw) in enumerate(rows, start=1):
            progress.step(i)
            self._check_org(sheet, no, v, orgs)
            self._check_person(sheet, no, v, gate, people, first_row, open_cases, imported, members)
            self._check_contacts(sheet, no, v, user, people)
            if no not in unreadable:
                self._check_dates_and_votes(sheet, no, v)

    def _check_org(self, sheet, no, v, orgs):
        code = v.get("org_code")
        if not code:
            return
        org = orgs.get(code)
        if org is None:
            sheet.fail(no, "所在党组织代码", f"组织代码 {code} 不存在或不在您的管辖范围内")
        elif not org.is_active:
            sheet.fail(no, "所在党组织代码", f"“{org.name}”已撤销，不能接收人员")
        elif org.kind != Organization.Kind.BRANCH:
            sheet.fail(no, "所在党组织代码", f"“{org.name}”不是党支部，发展党员应在党支部进行")
        v["org"] = org

    def _check_person(self, sheet, no, v, gate, people, first_row, open_cases, imported, members):
        info = v.get("id")
        if not info:
            return
        user = gate.user
        refused = gate.refusal()
        if refused:
            sheet.fail(no, "公民身份号码", refused)
            return
        if info.number in first_row:
            sheet.fail(no, "公民身份号码", f"与第{first_row[info.number]}行的公民身份号码重复")
            return
        first_row[info.number] = no
        person = people.get(info.number)
        if person is None:
            return
        if not scope.can(user, "view", person.org_path):
            sheet.fail(no, "公民身份号码", gate.registered_elsewhere())
            return
        if v.get("name") and person.name != v["name"]:
            sheet.fail(no, "姓名", f"姓名“{v['name']}”与已登记的{owner_label(person)}不一致")
        if (info.number, v.get("applied_on")) in imported:
            sheet.fail(no, "公民身份号码", f"{person.name}的这条发展党员记录已经导入过")
        elif info.number in open_cases:
            sheet.fail(no, "公民身份号码", f"{person.name}已有进行中的发展党员纪实")
        elif info.number in members and not v.get("approved_on"):
            sheet.fail(no, "公民身份号码", f"{person.name}已是党员，但台账中没有上级党委审批日期")
        v["person"] = person

    def _check_contacts(self, sheet, no, v, user, people):
        own = v["id"].number if v.get("id") else None
        seen: dict[str, str] = {}
        for key, header, role, _pos in CONTACT_COLUMNS:
            info = v.get(key)
            if not info:
                continue
            person = people.get(info.number)
            if person is None or not scope.can(user, "view", person.org_path):
                sheet.fail(no, header, f"公民身份号码 {info.number} 未登记或不在您的管辖范围内")
            elif info.number == own:
                sheet.fail(no, header, "本人不能担任自己的培养联系人或入党介绍人")
            elif seen.get(info.number) == role:
                sheet.fail(no, header, f"与同一行的另一名{CaseContact.Role(role).label}是同一人")
            seen[info.number] = role
            v[f"{key}_person"] = person

    def _check_dates_and_votes(self, sheet, no, v):
        for field, reason in steps.date_problems(v):
            sheet.fail(no, HEADERS[field], reason)
        today = dt.date.today()
        for key, (kind, header) in STEP_COLUMNS.items():
            days = v.get(key) or []
            after = steps.BY_KIND[kind].after
            for day in days if isinstance(days, list) else [days]:
                if day > today:
                    sheet.fail(no, header, f"{header} {day:%Y-%m-%d} 晚于今天")
                elif not v.get(after):
                    sheet.fail(no, header, f"填写了{header}，但缺少{HEADERS[after]}")
                elif day < v[after]:
                    sheet.fail(no, header, f"{header}（{day:%Y-%m-%d}）早于{HEADERS[after]}（{v[after]:%Y-%m-%d}）")
        for meeting, columns, needed in VOTE_GROUPS:
            expected, present, yes = (v.get(key) for key in columns)
            given = [key for key in columns if v.get(key) is not None]
            if given and not v.get(meeting):
                sheet.fail(no, columns[given[0]], f"填写了表决情况，但缺少{HEADERS[meeting]}")
                continue
            if v.get(meeting) and (needed or given):
                for key, header in columns.items():
                    if v.get(key) is None:
                        sheet.fail(no, header, f"填写了{HEADERS[meeting]}，应同时填写{header}")
            keys = list(columns)
            if expected is not None and present is not None and present > expected:
                sheet.fail(no, columns[keys[1]], f"实到会人数 {present} 多于应到会人数 {expected}")
            if present is not None and yes is not None and yes > present:
                sheet.fail(no, columns[keys[2]], f"赞成票数 {yes} 多于实到会人数 {present}")

    # ------------------------------------------------------------ writing

    def write(self, sheet, rows, user, note):
        with audit.operation(None, "import", note=note) as op:  # the people importer's operation joins this one
            new_people = [r for r in rows if not r[1].get("person")]
            if new_people:
                imports.IMPORTERS["people"].write(sheet, new_people, user, note)
                created = {p.id_number: p for p in Person.objects.unrestricted().filter(
                    id_number__in=[v["id"].number for _n, v, _r in new_people])}
                for _no, v, _raw in new_people:
                    v["person"] = created[v["id"].number]
            values = [v for _no, v, _raw in rows]
            cases = [self._case(v) for v in values]
            Case.objects.bulk_create(cases, batch_size=1000)
            pairs = list(zip(cases, values, strict=True))
            CaseContact.objects.bulk_create([c for case, v in pairs for c in self._contacts(case, v)],
                                            batch_size=2000)
            Step.objects.bulk_create([s for case, v in pairs for s in self._steps(case, v, user)], batch_size=2000)
            memberships = self._memberships(cases)
            Membership.objects.bulk_create(memberships, batch_size=1000)
            spans = StatusSpan.objects.bulk_create(member_history.initial_spans(memberships), batch_size=1000)
            op.created(cases)
            op.created(memberships)
            op.created(spans)
        return len(cases)  # the cases were judged when the operation ended (`rules.rejudge`)

    def _case(self, v) -> Case:
        case = Case(person=v["person"], organization=v["org"], org_path=v["org"].path,
                    target_group=v.get("target_group") or TargetGroup.OTHER,
                    training_hours=v.get("training_hours"), **{key: v.get(key) for key in HEADERS})
        if case.conversion_approved_on:
            case.status, case.converted_on = Case.Status.CONVERTED, probation_end(case)
        case.stage = case.current_stage()
        return case

    def _contacts(self, case, v) -> list[CaseContact]:
        sponsor_on = case.activist_on or case.applied_on
        introducer_on = case.candidate_on or case.branch_meeting_on or sponsor_on
        return [
            CaseContact(case=case, role=role, position=position, person=v[f"{key}_person"],
                        designated_on=sponsor_on if role == CaseContact.Role.SPONSOR else introducer_on)
            for key, _header, role, position in CONTACT_COLUMNS if v.get(f"{key}_person")
        ]

    def _steps(self, case, v, user) -> list[Step]:
        out = [Step(case=case, kind=kind, number=steps.BY_KIND[kind].number, on=getattr(case, field),
                    note=IMPORT_NOTE, recorded_by=user)
               for field, kind in STEP_OF.items() if getattr(case, field, None)]
        for kind, role, on in (("sponsors", CaseContact.Role.SPONSOR, case.activist_on or case.applied_on),
                               ("introducers", CaseContact.Role.INTRODUCER, case.candidate_on)):
            if on and any(v.get(f"{key}_person") for key, _h, r, _p in CONTACT_COLUMNS if r == role):
                out.append(Step(case=case, kind=kind, number=steps.BY_KIND[kind].number, on=on, note=IMPORT_NOTE,
                                recorded_by=user))
        for key, (kind, _header) in STEP_COLUMNS.items():
            days = v.get(key) or []
            for day in sorted(set(days if isinstance(days, list) else [days])):
                out.append(Step(case=case, kind=kind, number=steps.BY_KIND[kind].number, on=day, note=IMPORT_NOTE,
                                recorded_by=user))
        return out

    def _memberships(self, cases) -> list[Membership]:
        """Admitted people without a membership record get one (probationary, or full once converted)."""
        admitted = [c for c in cases if c.approved_on]
        have = set(Membership.objects.unrestricted().filter(person__in=[c.person for c in admitted])
                   .values_list("person_id", flat=True))
        return [
            Membership(person=c.person, organization=c.organization, org_path=c.org_path,
                       status=Membership.Status.FULL if c.converted_on else Membership.Status.PROBATIONARY,
                       joined_on=c.branch_meeting_on, converted_on=c.converted_on)
            for c in admitted if c.person_id not in have and c.branch_meeting_on
        ]
