"""Import dues payments from .xlsx (党费缴纳导入)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zugong.core import audit, excel, imports
from zugong.people import idnumber

from . import dues
from .models import DuesPayment, Membership


def _id(value):
    try:
        return idnumber.parse_id_number(excel.cell_text(value)).number
    except idnumber.IdNumberError as exc:
        raise ValueError(str(exc)) from None


def _amount(value):
    text = excel.cell_text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"金额“{excel.cell_text(value)}”不是数字") from None
    if amount <= 0:
        raise ValueError("金额应大于 0")
    if amount != amount.quantize(dues.CENT):
        raise ValueError(f"金额“{text}”最多保留两位小数（到分）")
    return amount.quantize(dues.CENT)


def _paid_on(value):
    day = excel.parse_date(value)
    if day and day > timezone.localdate():
        raise ValueError(f"缴费日期 {day:%Y-%m-%d} 晚于今天")
    return day


@imports.register
class DuesPaymentImporter(imports.Importer):
    kind = "dues"
    title = "党费缴纳"
    columns = [
        excel.Column(
            "公民身份号码",
            "id_number",
            True,
            _id,
            aliases=("身份证号", "身份证号码", "公民身份证号码"),
            example="140105199003070012",
            width=22,
        ),
        excel.Column("姓名", "name", False, excel.cell_text, example="张三", width=10),
        excel.Column(
            "缴费月份",
            "month",
            True,
            dues.parse_month,
            aliases=("月份", "党费月份"),
            example="2026-03",
            width=12,
        ),
        excel.Column(
            "金额",
            "amount",
            True,
            _amount,
            aliases=("金额(元)", "缴纳金额", "党费金额"),
            example="45.00",
            width=10,
        ),
        excel.Column(
            "缴费日期", "paid_on", True, _paid_on, aliases=("交纳日期",), example="2026-03-10", width=12
        ),
    ]

    def validate(self, sheet, user, progress):
        numbers = {v["id_number"] for _n, v, _r in sheet.rows if v.get("id_number")}
        members = {
            m.person.id_number: m
            for m in Membership.objects.visible_to(user, "change")
            .select_related("person", "organization")
            .filter(person__id_number__in=numbers)
        }
        months = {v["month"] for _n, v, _r in sheet.rows if v.get("month")}
        taken = {
            (member_id, month): (paid_on, amount)
            for member_id, month, paid_on, amount in DuesPayment.objects.unrestricted()
            .filter(membership__in=list(members.values()), month__in=months)
            .values_list("membership_id", "month", "paid_on", "amount")
        }
        first_row: dict[tuple, int] = {}
        for i, (no, v, _raw) in enumerate(sheet.rows, start=1):
            progress.step(i)
            number, month = v.get("id_number"), v.get("month")
            if not number:
                continue
            member = members.get(number)
            if member is None:
                sheet.fail(no, "公民身份号码", f"{number} 不是您管辖范围内的党员")
                continue
            v["membership"] = member
            if not member.is_present:
                sheet.fail(no, "公民身份号码", f"{member.person.name}的组织关系已转出本省，不能登记党费")
            name = (v.get("name") or "").replace(" ", "")
            if name and name != member.person.name:
                sheet.fail(no, "姓名", f"姓名“{name}”与该公民身份号码登记的姓名“{member.person.name}”不一致")
            if not month:
                continue
            if month < dues.first_of_month(member.joined_on):
                sheet.fail(
                    no, "缴费月份", f"{dues.month_label(month)}早于入党时间 {member.joined_on:%Y-%m-%d}"
                )
            key = (member.pk, month)
            if key in first_row:
                sheet.fail(no, "缴费月份", f"与第{first_row[key]}行重复（同一党员同一月份）")
            else:
                first_row[key] = no
            if key in taken:
                paid_on, amount = taken[key]
                sheet.fail(
                    no,
                    "缴费月份",
                    f"{member.person.name}{dues.month_label(month)}的党费已登记"
                    f"（{paid_on:%Y-%m-%d} 交纳 {amount} 元）",
                )

    def write(self, sheet, rows, user, note):
        payments = [
            DuesPayment(
                membership=v["membership"],
                organization=v["membership"].organization,
                org_path=v["membership"].org_path,
                month=v["month"],
                amount=v["amount"],
                paid_on=v["paid_on"],
                recorded_by=user,
            )
            for _no, v, _raw in rows
        ]
        with audit.operation(None, "import", note=note) as op:
            DuesPayment.objects.bulk_create(payments, batch_size=1000)
            op.created(payments)
            dues.settle({p.membership_id for p in payments})
        return len(payments)
