"""Import meeting records from .xlsx (组织生活记录导入): one row per meeting, counts only.

An imported row has the expected and present counts but not who was absent, so it is stored with
`absences_recorded = False`: the meeting counts for the frequency rules; per-member rules (six months
absent, 32 学时) treat its members as present.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.orgs.models import Organization
from zugong.orgs.selectors import example_organization

from .models import Meeting

KINDS = {label: value for value, label in Meeting.Kind.choices} | {
    "党员大会": Meeting.Kind.GENERAL, "支委会": Meeting.Kind.COMMITTEE, "支部委员会": Meeting.Kind.COMMITTEE,
    "小组会": Meeting.Kind.GROUP, "组织生活": Meeting.Kind.LIFE_MEETING, "民主评议": Meeting.Kind.APPRAISAL,
    "谈心谈话会": Meeting.Kind.TALK,
}


def _kind(value):
    text = excel.cell_text(value).replace(" ", "")
    if text not in KINDS:
        raise ValueError(f"会议类型“{text}”不是{'、'.join(Meeting.Kind.labels)}之一")
    return KINDS[text]


def _count(value):
    text = excel.cell_text(value)
    if not text.isdigit():
        raise ValueError(f"“{text}”不是人数（应为 0 或正整数）")
    if int(text) > 10000:
        raise ValueError(f"人数 {text} 过大")
    return int(text)


def _day(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"日期 {day:%Y-%m-%d} 晚于今天（尚未召开的会议不能登记）")
    return day


def _hours(value):
    text = excel.cell_text(value)
    if not text:
        return Decimal(0)
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"学时“{text}”不是数字") from None
    if hours < 0 or hours > 99:
        raise ValueError("学时应在 0 到 99 之间")
    return hours.quantize(Decimal("0.1"))


@imports.register
class MeetingImporter(imports.Importer):
    kind = "meetings"
    title = "组织生活记录"
    columns = [
        excel.Column("党组织代码", "code", True, excel.cell_text, aliases=("组织代码",), example="14010501", width=16),
        excel.Column("会议类型", "kind", True, _kind, aliases=("类型",), example="主题党日", width=14,
                     choices=tuple(Meeting.Kind.labels)),
        excel.Column("日期", "held_on", True, _day, aliases=("会议日期", "召开日期"), example="2026-03-15", width=12),
        excel.Column("应到人数", "expected", True, _count, aliases=("应到",), example="25", width=10),
        excel.Column("实到人数", "present", True, _count, aliases=("实到",), example="23", width=10),
        excel.Column("主持人", "host", False, excel.cell_text, aliases=("讲课人",), example="张三", width=10),
        excel.Column("主题", "topic", True, excel.cell_text, aliases=("会议主题", "内容"), example="重温入党誓词",
                     width=30),
        excel.Column("地点", "place", False, excel.cell_text, example="党员活动室", width=16),
        excel.Column("记录人", "recorder", False, excel.cell_text, example="李四", width=10),
        excel.Column("计入学时", "credit_hours", False, _hours, aliases=("学时",), example="3", width=10),
        excel.Column("会议记录", "minutes", False, excel.cell_text, aliases=("会议纪要",), example="", width=30),
    ]


    def examples(self, user):
        org = example_organization(user)
        return {"code": org.code} if org is not None else {}

    def validate(self, sheet, user, progress):
        codes = {v["code"] for _n, v, _r in sheet.rows if v.get("code")}
        orgs = {o.code: o for o in Organization.objects.visible_to(user, "change").filter(code__in=codes)}
        days = {v["held_on"] for _n, v, _r in sheet.rows if v.get("held_on")}
        existing = set(
            Meeting.objects.unrestricted().filter(organization__in=list(orgs.values()), held_on__in=days)
            .values_list("organization_id", "kind", "held_on", "topic")
        )
        first_row: dict[tuple, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            code = v.get("code")
            org = orgs.get(code) if code else None
            if code and org is None:
                sheet.fail(no, "党组织代码", f"{code} 不是您管辖范围内的党组织")
            if org is not None:
                v["organization"] = org
                if not org.is_active:
                    sheet.fail(no, "党组织代码", f"“{org.name}”已撤销，不能登记组织生活")
                kind = v.get("kind")
                if kind == Meeting.Kind.GROUP and org.kind != Organization.Kind.PARTY_GROUP:
                    sheet.fail(no, "会议类型", "党小组会请填写党小组的组织代码")
                elif kind and kind != Meeting.Kind.GROUP and org.kind == Organization.Kind.PARTY_GROUP:
                    sheet.fail(no, "会议类型", f"“{org.name}”是党小组，只能登记党小组会")
            expected, present = v.get("expected"), v.get("present")
            if expected is not None and present is not None:
                if present > expected:
                    sheet.fail(no, "实到人数", f"实到人数（{present}）多于应到人数（{expected}）")
                elif v.get("kind") == Meeting.Kind.COMMITTEE and expected and present * 2 < expected:  # 半数以上
                    sheet.fail(no, "实到人数", f"支部委员会会议应到委员 {expected} 人，实到 {present} 人，不足半数"
                                             "（《中国共产党支部工作条例（试行）》第十二条）")
            if org is None or not v.get("kind") or not v.get("held_on"):
                continue
            key = (org.pk, v["kind"], v["held_on"], v.get("topic", ""))
            if key in first_row:
                sheet.fail(no, "日期", f"与第{first_row[key]}行重复（同一党组织、同一天、同类型、同主题）")
            else:
                first_row[key] = no
            if key in existing:
                sheet.fail(no, "日期", f"“{org.name}”{v['held_on']:%Y-%m-%d}的这次{Meeting.Kind(v['kind']).label}已登记")

    def write(self, sheet, rows, user, note):
        meetings = [
            Meeting(
                organization=v["organization"], org_path=v["organization"].path, kind=v["kind"],
                held_on=v["held_on"], expected=v["expected"], present=v["present"], host=v.get("host", "")[:50],
                topic=v["topic"][:200], place=v.get("place", "")[:100], recorder=v.get("recorder", "")[:50],
                credit_hours=v.get("credit_hours") or Decimal(0), minutes=v.get("minutes", ""),
                absences_recorded=False, recorded_by=user,
            )
            for _no, v, _raw in rows
        ]
        with audit.operation(None, "import", note=note) as op:
            Meeting.objects.bulk_create(meetings, batch_size=1000)
            op.created(meetings)
        return len(meetings)
