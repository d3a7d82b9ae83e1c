"""Dues: the 2008 brackets at every boundary (Python and SQL alike), months, arrears, payments, the Excel
import, and the dues pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tests.members.conftest import make_member
from zugong.core.dates import add_months
from zugong.core.models import AuditEntry, Job
from zugong.members import dues, services
from zugong.members.models import DuesExemption, DuesKind, DuesPayment, Membership
from tests.workbooks import xlsx

D = Decimal
SALARY, PENSION, FARMER, MINIMUM = DuesKind.SALARY, DuesKind.PENSION, DuesKind.FARMER, DuesKind.MINIMUM

BOUNDARIES = [
    # (base, kind, monthly dues): 一、第二条 — each upper bound belongs to the lower band.
    ("0", SALARY, "0.00"),
    ("2999.99", SALARY, "15.00"),
    ("3000.00", SALARY, "15.00"),
    ("3000.01", SALARY, "30.00"),
    ("4999.99", SALARY, "50.00"),
    ("5000", SALARY, "50.00"),
    ("5000.01", SALARY, "75.00"),
    ("9999.99", SALARY, "150.00"),
    ("10000", SALARY, "150.00"),
    ("10000.01", SALARY, "200.00"),
    ("12345.67", SALARY, "246.91"),
    # 一、第五条: pensions.
    ("3000", PENSION, "15.00"),
    ("5000", PENSION, "25.00"),
    ("5000.01", PENSION, "50.00"),
    ("8000", PENSION, "80.00"),
    # 一、第六条: fixed amounts whatever the base.
    ("9000", FARMER, "0.20"),
    (None, FARMER, "0.20"),
    ("9000", MINIMUM, "0.20"),
    (None, MINIMUM, "0.20"),
]


@pytest.mark.parametrize("base,kind,expected", BOUNDARIES)
def test_monthly_dues_at_every_boundary(base, kind, expected):
    assert dues.monthly_dues(D(base) if base is not None else None, kind) == D(expected)


def test_rounding_is_half_up_to_the_fen():
    assert dues.monthly_dues(D("2001"), SALARY) == D("10.01")  # 10.005
    assert dues.monthly_dues(D("1234.5"), SALARY) == D("6.17")  # 6.1725


def test_monthly_dues_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="缺少党费计算基数"):
        dues.monthly_dues(None, SALARY)
    with pytest.raises(ValueError, match="不能为负数"):
        dues.monthly_dues(D("-1"), PENSION)
    with pytest.raises(ValueError, match="未知的党费计算方式"):
        dues.monthly_dues(D("1000"), "bonus")


def test_farmer_amount_is_configurable_within_the_range(settings):
    settings.ZUGONG_FARMER_DUES = "0.50"
    assert dues.monthly_dues(None, FARMER) == D("0.50")
    settings.ZUGONG_FARMER_DUES = "1.5"
    with pytest.raises(ImproperlyConfigured, match="0.20 至 1.00"):
        dues.monthly_dues(None, FARMER)


def test_dues_kind_follows_the_category_unless_recorded():
    m = Membership(category=Membership.Category.RETIRED)
    assert m.effective_dues_kind == PENSION
    for category, kind in [
        ("employed", SALARY),
        ("student", MINIMUM),
        ("unemployed", MINIMUM),
        ("farmer", FARMER),
        ("mobile", SALARY),
        ("other", SALARY),
    ]:
        assert Membership(category=category).effective_dues_kind == kind
    assert Membership(category="employed", dues_kind=MINIMUM).effective_dues_kind == MINIMUM  # e.g. 低保


@pytest.mark.parametrize(
    "text",
    ["2026-03", "2026/3", "2026.03", "2026年3月", "2026 年 3 月", "202603", "2026-03-15", "2026年3月15日"],
)
def test_parse_month_accepts_the_usual_spellings(text):
    assert dues.parse_month(text) == dt.date(2026, 3, 1)


def test_parse_month_dates_and_errors():
    assert dues.parse_month(dt.datetime(2026, 3, 31, 8, 0)) == dt.date(2026, 3, 1)
    assert dues.parse_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    with pytest.raises(ValueError, match="月份“2026-13”不存在"):
        dues.parse_month("2026-13")
    with pytest.raises(ValueError, match="无法识别的月份“三月”"):
        dues.parse_month("三月")


def test_month_arithmetic():
    assert dues.last_due_month(dt.date(2026, 3, 1)) == dt.date(2026, 2, 1)
    assert dues.last_due_month(dt.date(2026, 1, 31)) == dt.date(2025, 12, 1)
    assert dues.months(dt.date(2025, 11, 1), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert dues.month_of_index(dues.month_index(dt.date(2025, 12, 1)) + 1) == dt.date(2026, 1, 1)


# ---------------------------------------------------------------- SQL


@pytest.mark.django_db
def test_sql_dues_agree_with_the_python_brackets(tree):
    """The rules compute dues in SQL from the same bracket table: equal at every boundary, on both DBs."""
    kinds = {SALARY: "employed", PENSION: "retired", FARMER: "farmer", MINIMUM: "student"}
    expected = {}
    for i, (base, kind, amount) in enumerate(BOUNDARIES):
        m = make_member(
            tree.b2,
            f"基数{i}",
            400 + 2 * i,
            category=kinds[kind],
            dues_base=D(base) if base is not None else None,
        )
        expected[m.pk] = D(amount)
    rows = Membership.objects.unrestricted().filter(pk__in=expected).annotate(due=dues.due_sql())
    assert {m.pk: dues.money(m.due) for m in rows} == expected
    missing = make_member(tree.b2, "无基数", 480, dues_base=None)
    assert Membership.objects.unrestricted().annotate(due=dues.due_sql()).get(pk=missing.pk).due is None


def _paid(member, *months, amount="40.00"):
    for month in months:
        DuesPayment.objects.create(
            membership=member,
            organization=member.organization,
            org_path=member.org_path,
            month=month,
            amount=D(amount),
            paid_on=month + dt.timedelta(days=5),
        )


def _arrears(member, as_of):
    qs = dues.with_arrears(Membership.objects.unrestricted().filter(pk=member.pk), as_of)
    return qs.values_list("unpaid_months", flat=True).get()


@pytest.mark.django_db
def test_arrears_count_consecutive_unpaid_months_to_the_last_month_owed(tree):
    m = make_member(tree.b1, "欠费", 501, joined_on=dt.date(2025, 1, 10))
    _paid(m, *dues.months(dt.date(2025, 1, 1), dt.date(2025, 8, 1)))
    assert _arrears(m, dt.date(2025, 9, 30)) == 0  # September is paid within September
    assert _arrears(m, dt.date(2026, 2, 28)) == 5  # September–January
    assert _arrears(m, dt.date(2026, 3, 1)) == 6  # September–February
    DuesExemption.objects.create(
        membership=m,
        organization=m.organization,
        org_path=m.org_path,
        month_from=dt.date(2025, 11, 1),
        month_to=dt.date(2025, 12, 1),
        reason="住院",
    )
    assert _arrears(m, dt.date(2026, 3, 1)) == 2  # January–February, after the excused months
    DuesExemption.objects.create(
        membership=m,
        organization=m.organization,
        org_path=m.org_path,
        month_from=dt.date(2026, 1, 1),
        month_to=None,
        reason="生活困难，经批准免交",
    )
    assert _arrears(m, dt.date(2026, 3, 1)) == 0


@pytest.mark.django_db
def test_arrears_start_with_the_dues_record_or_the_month_joined(tree):
    new = make_member(
        tree.b1, "新党员", 503, status=Membership.Status.PROBATIONARY, joined_on=dt.date(2026, 1, 31)
    )
    assert _arrears(new, dt.date(2026, 2, 1)) == 1  # January (dues start on admission: 一、第八条)
    assert _arrears(new, dt.date(2026, 1, 31)) == 0
    old = make_member(tree.b1, "老党员", 505, joined_on=dt.date(1990, 7, 1), dues_from=dt.date(2026, 1, 1))
    assert _arrears(old, dt.date(2026, 4, 15)) == 3  # January–March, not since 1990


# ---------------------------------------------------------------- payments


@pytest.mark.django_db
def test_record_payments_for_several_months_is_audited(tree, users, members):
    m = members.zhangsan
    payments = services.record_payments(
        users.secretary,
        m,
        first_month=dt.date(2026, 1, 15),
        last_month=dt.date(2026, 3, 1),
        amount=D("40.00"),
        paid_on=dt.date(2026, 3, 20),
        note="按季度交纳",
    )
    assert [p.month for p in payments] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert all(p.organization == tree.b1 and p.recorded_by == users.secretary for p in payments)
    entries = AuditEntry.objects.unrestricted().filter(model="members.duespayment", action="create")
    assert entries.count() == 3 and {e.org_path for e in entries} == {tree.b1.path}
    assert "张三 2026年1月党费 40.00 元" in {e.object_repr for e in entries}


@pytest.mark.django_db
def test_record_payments_refusals_name_the_field(tree, users, members):
    m = members.zhangsan
    services.record_payments(
        users.secretary, m, first_month=dt.date(2026, 3, 1), amount=D("40"), paid_on=dt.date(2026, 3, 5)
    )
    cases = [
        (
            {"first_month": dt.date(2026, 2, 1), "last_month": dt.date(2026, 4, 1)},
            "first_month",
            "已登记过党费的月份：2026年3月",
        ),
        ({"first_month": dt.date(2005, 6, 1)}, "first_month", "缴费月份早于入党时间 2005-07-01"),
        (
            {"first_month": dt.date(2026, 5, 1), "last_month": dt.date(2026, 4, 1)},
            "last_month",
            "截止月份不能早于起始月份",
        ),
        ({"first_month": dt.date(2026, 5, 1), "amount": D("0")}, "amount", "金额应大于 0"),
        (
            {"first_month": dt.date(2026, 5, 1), "paid_on": timezone.localdate() + dt.timedelta(days=1)},
            "paid_on",
            "缴费日期不能晚于今天",
        ),
    ]
    for overrides, field, message in cases:
        kwargs = {"amount": D("40"), "paid_on": dt.date(2026, 5, 5), **overrides}
        with pytest.raises(ValidationError) as exc:
            services.record_payments(users.secretary, m, **kwargs)
        assert message in exc.value.message_dict[field][0], overrides
    with pytest.raises(PermissionDenied):
        services.record_payments(
            users.datong, m, first_month=dt.date(2026, 6, 1), amount=D("40"), paid_on=dt.date(2026, 6, 5)
        )
    with pytest.raises(PermissionDenied):
        services.record_payments(
            users.reader, m, first_month=dt.date(2026, 6, 1), amount=D("40"), paid_on=dt.date(2026, 6, 5)
        )
    assert DuesPayment.objects.unrestricted().count() == 1


@pytest.mark.django_db
def test_pay_page_defaults_to_the_next_month_and_the_bracket_amount(login, tree, users, members):
    client = login(users.secretary)
    m = members.zhangsan  # base 4000.00 → 1 %
    _paid(m, dt.date(2026, 4, 1))
    page = client.get(f"/members/{m.pk}/dues/pay/").content.decode()
    assert (
        'value="2026-05"' in page
        and 'value="40.00"' in page
        and "按税后月工资收入 4000.00 元 × 1%（一、第二条）" in page
    )
    r = client.post(
        f"/members/{m.pk}/dues/pay/",
        {"first_month": "2026-05", "last_month": "2026年6月", "amount": "40.00", "paid_on": "2026-06-30"},
    )
    assert r.status_code == 302
    assert list(
        DuesPayment.objects.unrestricted()
        .filter(membership=m)
        .order_by("month")
        .values_list("month", flat=True)
    ) == [dt.date(2026, m_, 1) for m_ in (4, 5, 6)]
    r = client.post(
        f"/members/{m.pk}/dues/pay/", {"first_month": "2026-13", "amount": "40", "paid_on": "2026-06-30"}
    )
    assert "月份“2026-13”不存在" in r.content.decode()


@pytest.mark.django_db
def test_undo_a_payment_is_audited_and_scoped(login, tree, users, members):
    m = members.zhangsan
    (payment,) = services.record_payments(
        users.secretary, m, first_month=dt.date(2026, 3, 1), amount=D("40"), paid_on=dt.date(2026, 3, 5)
    )
    assert login(users.datong).get(f"/members/dues/payments/{payment.pk}/delete/").status_code == 404
    client = login(users.secretary)
    assert (
        "确认撤销“张三 2026年3月党费 40.00 元”"
        in client.get(f"/members/dues/payments/{payment.pk}/delete/").content.decode()
    )
    assert client.post(f"/members/dues/payments/{payment.pk}/delete/").status_code == 302
    assert not DuesPayment.objects.unrestricted().exists()
    assert AuditEntry.objects.unrestricted().filter(model="members.duespayment", action="delete").exists()


@pytest.mark.django_db
def test_exemption_page_records_the_reason(login, tree, users, members):
    client = login(users.secretary)
    m = members.zhangsan
    r = client.post(
        f"/members/{m.pk}/dues/exempt/", {"month_from": "2026-02", "month_to": "2026-01", "reason": "病休"}
    )
    assert "截止月份不能早于起始月份" in r.content.decode()
    r = client.post(
        f"/members/{m.pk}/dues/exempt/",
        {"month_from": "2026-01", "month_to": "", "reason": "生活困难", "approval": "某党委〔2026〕3号"},
    )
    assert r.status_code == 302
    e = DuesExemption.objects.unrestricted().get()
    assert (e.month_from, e.month_to, e.reason, e.approval) == (
        dt.date(2026, 1, 1),
        None,
        "生活困难",
        "某党委〔2026〕3号",
    )
    assert AuditEntry.objects.unrestricted().filter(model="members.duesexemption", action="create").exists()


# ---------------------------------------------------------------- import


def upload(client, content: bytes, mode="all"):
    r = client.post(
        "/core/imports/", {"importer": "dues", "mode": mode, "file": SimpleUploadedFile("党费.xlsx", content)}
    )
    assert r.status_code == 302, r.content.decode()[:1000]
    job = Job.objects.unrestricted().get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    from zugong.core import jobs  # the request only queued it: run it as the worker would

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def dues_file(tree, members):
    zs, ls, zl = (m.person.id_number for m in (members.zhangsan, members.lisi, members.zhaoliu))
    bad = zs[:-1] + ("1" if zs[-1] != "1" else "2")
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%Y-%m-%d")
    _paid(members.zhangsan, dt.date(2025, 12, 1))
    return [
        ["序号", "公民身份号码", "姓名", "缴费月份", "金额", "缴费日期"],
        [1, zs, "张三", "2026-01", 40, "2026-01-08"],  # row 2: fine
        [2, ls, "李四", "2026年1月", "26.00", dt.datetime(2026, 1, 9)],  # row 3: fine
        [3, bad, "张三", "2026-02", 40, "2026-02-08"],  # row 4: checksum
        [4, zl, "赵六", "2026-01", "0.2", "2026-01-08"],  # row 5: outside the 太原 scope
        [5, ls, "李三", "2026-02", 26, "2026-02-08"],  # row 6: name differs
        [6, zs, "张三", "2026-01", 40, "2026-01-09"],  # row 7: same member and month as row 2
        [7, zs, "", "2025-12", 40, "2025-12-08"],  # row 8: already recorded
        [8, zs, "", "2026-13", "四十", future],  # row 9: month, amount, date
        [9, zs, "", "2005-06", "40.005", "2005-06-30"],  # row 10: before joining; three decimals
    ]


EXPECTED_ERRORS = [
    "第4行“公民身份号码”列：公民身份号码校验码错误",
    "第5行“公民身份号码”列：{zl} 不是您管辖范围内的党员",
    "第6行“姓名”列：姓名“李三”与该公民身份号码登记的姓名“李四”不一致",
    "第7行“缴费月份”列：与第2行重复（同一党员同一月份）",
    "第8行“缴费月份”列：张三2025年12月的党费已登记（2025-12-06 交纳 40.00 元）",
    "第9行“缴费月份”列：月份“2026-13”不存在",
    "第9行“金额”列：金额“四十”不是数字",
    "第9行“缴费日期”列：缴费日期 {future} 晚于今天",
    "第10行“金额”列：金额“40.005”最多保留两位小数（到分）",
    "第10行“缴费月份”列：2005年6月早于入党时间 2005-07-01",
]


@pytest.mark.django_db
def test_dues_import_reports_every_error_and_writes_nothing(login, users, members, dues_file):
    before = DuesPayment.objects.unrestricted().count()
    job = upload(login(users.taiyuan), xlsx(dues_file))
    assert job.status == Job.Status.FAILED and "未导入任何数据" in job.message
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%Y-%m-%d")
    expected = [e.format(zl=members.zhaoliu.person.id_number, future=future) for e in EXPECTED_ERRORS]
    errors = job.result["errors"]
    assert len(errors) == len(expected)
    for line in expected:
        assert any(e.startswith(line) for e in errors), (line, errors)
    assert DuesPayment.objects.unrestricted().count() == before


@pytest.mark.django_db
def test_dues_import_of_the_valid_rows(login, users, members, dues_file):
    job = upload(login(users.taiyuan), xlsx(dues_file), mode="valid")
    assert job.status == Job.Status.DONE, job.message
    assert job.result["written"] == 2 and job.result["rejected"] == 7
    rows = set(
        DuesPayment.objects.unrestricted()
        .filter(month=dt.date(2026, 1, 1))
        .values_list("membership__person__name", "amount", "paid_on", "recorded_by__username")
    )
    assert rows == {
        ("张三", D("40.00"), dt.date(2026, 1, 8), "ty_admin"),
        ("李四", D("26.00"), dt.date(2026, 1, 9), "ty_admin"),
    }
    entries = AuditEntry.objects.unrestricted().filter(
        model="members.duespayment", action="create", actor_name="ty_admin"
    )
    assert entries.count() == 2 and all("Excel 导入" in e.note for e in entries)
    for m in Membership.objects.unrestricted().filter(pk__in=[members.zhangsan.pk, members.lisi.pk]):
        assert (m.dues_settled_through, m.dues_settled_from) == dues.settled(m)  # stored by the import
    assert Membership.objects.unrestricted().get(pk=members.lisi.pk).dues_settled_through == dt.date(2026, 1, 1)


@pytest.mark.django_db
def test_dues_import_template(login, users):
    r = login(users.taiyuan).get("/core/imports/template/dues.xlsx")
    rows = load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
    assert next(rows) == ("序号", "公民身份号码*", "姓名", "缴费月份*", "金额*", "缴费日期*")
    assert next(rows)[0] == "示例"  # the example row, which the importer skips


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_dues_grid_shows_paid_excused_and_unpaid_months(login, tree, users, members):
    today = timezone.localdate()
    m = members.zhangsan
    first = dt.date(today.year, 1, 1)
    _paid(m, first)
    if today.month >= 3:
        DuesExemption.objects.create(
            membership=m,
            organization=m.organization,
            org_path=m.org_path,
            month_from=dt.date(today.year, 2, 1),
            month_to=dt.date(today.year, 2, 1),
            reason="住院治疗",
        )
    page = login(users.secretary).get(f"/members/dues/?org=14010501&year={today.year}").content.decode()
    row = page[page.index(f"/members/{m.pk}/?tab=dues") :]
    row = row[: row.index("</tr>")]
    assert ">40.00<" in row
    if today.month >= 3:
        assert 'title="住院治疗">免<' in row
    if today.month >= 4:
        assert "未交" in row and f"{today.month - 3} 个月" in row
    assert "李四" in page and "王五" not in page  # one branch only


@pytest.mark.django_db
def test_dues_grid_of_an_outside_organization_shows_nothing(login, tree, users, members):
    page = login(users.datong).get("/members/dues/?org=14010501").content.decode()
    assert "组织代码 14010501 不存在或不在您的管辖范围内" in page
    assert "张三" not in page and "红星" not in page


@pytest.mark.django_db
def test_arrears_list_and_export(login, tree, users, members):
    today = timezone.localdate()
    last_due = dues.last_due_month(today)
    for m in (members.zhangsan, members.lisi, members.wangwu):
        m.dues_from = add_months(last_due, -2)
        m.save()
    _paid(members.wangwu, *dues.months(add_months(last_due, -2), last_due))  # up to date
    client = login(users.taiyuan)
    page = client.get("/members/dues/arrears/").content.decode()
    assert "张三" in page and "李四" in page and "王五" not in page
    r = client.get("/members/dues/arrears/?export=xlsx&org=14010501")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "姓名",
        "所在党支部",
        "党员类别",
        "最近缴纳月份",
        "连续未交（月）",
        "月应交（元）",
        "欠交金额（元）",
    )
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["张三"][4:] == ("无记录", 3, 40, 120)  # numbers stay numbers in Excel
    assert by_name["李四"][3:] == ("离退休", "无记录", 3, 52, 156)  # pension 5200 × 1 %
    assert login(users.datong).get("/members/dues/arrears/?export=xlsx").content.count(b"\xe5\xbc\xa0") == 0
