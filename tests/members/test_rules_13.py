"""The dues and members rules added by issue 13: back-payment, exemptions approved, voluntary payments handed
up (党费规定 2008); search, 自行脱党 after 2 years stopped, abroad, contact every 6 months, 限期改正
(党员教育管理工作条例 2019). Each broken and just met."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.members.conftest import make_member
from zugong.core import rules
from zugong.members import services
from zugong.members.models import CorrectionPeriod, DuesExemption, DuesPayment, MemberContact, Membership

pytestmark = pytest.mark.django_db
D = dt.date


def broken(code, obj, as_of) -> list[str]:
    return [rules.RULES[code].describe(row) for _rule, row in rules.check_record([code], obj, as_of)]


def pay(m, month, amount="40.00", paid_on=None):
    return DuesPayment.objects.create(
        membership=m, organization=m.organization, org_path=m.org_path, month=month, amount=Decimal(amount),
        paid_on=paid_on or month + dt.timedelta(days=3),
    )


def contact(m, day, kind=MemberContact.Kind.CONTACT, reached=True):
    return MemberContact.objects.create(membership=m, kind=kind, contacted_on=day, reached=reached)


# ---------------------------------------------------------------- dues


def test_back_payment_at_most_six_months(tree):
    m = make_member(tree.b1, "补交", 1501)
    pay(m, D(2026, 3, 1), paid_on=D(2026, 9, 30))  # six months after March: allowed
    assert broken("members.dues_back_payment_over_six_months", m, D(2026, 11, 27)) == []
    pay(m, D(2026, 2, 1), paid_on=D(2026, 9, 1))  # seven months
    pay(m, D(2026, 1, 1), paid_on=D(2026, 9, 1))
    assert broken("members.dues_back_payment_over_six_months", m, D(2026, 11, 27)) == [
        "2026年9月1日补交2026年2月党费，超过 6 个月（共 2 个月的党费补交超过 6 个月）"
    ]
    assert rules.RULES["members.dues_back_payment_over_six_months"].severity == rules.ERROR


def test_exemption_needs_the_next_level_approval(tree):
    m = make_member(tree.b1, "困难", 1503)
    e = DuesExemption.objects.create(
        membership=m, organization=m.organization, org_path=m.org_path, month_from=D(2026, 5, 1),
        reason="生活困难",
    )
    assert broken("members.dues_exemption_unapproved", e, D(2026, 11, 27)) == [
        "2026年5月起少交或免交党费（生活困难），未登记上一级党委批准情况"
    ]
    e.approval = "经中共太原市委组织部批准（并组字〔2026〕3号）"
    e.save()
    assert broken("members.dues_exemption_unapproved", e, D(2026, 11, 27)) == []


def test_a_large_voluntary_payment_is_flagged_for_the_centre(tree):
    m = make_member(tree.b1, "多交", 1505, dues_base=Decimal("4000.00"))  # 40.00 a month
    small = pay(m, D(2026, 9, 1), "1039.99")
    large = pay(m, D(2026, 10, 1), "1040.00", paid_on=D(2026, 10, 8))
    assert broken("members.dues_voluntary_to_centre", small, D(2026, 11, 27)) == []
    assert broken("members.dues_voluntary_to_centre", large, D(2026, 11, 27)) == [
        "2026年10月8日交纳2026年10月党费 1040.00 元，其中自愿多交 1000.00 元，应全额上缴中央"
    ]


# ---------------------------------------------------------------- members


def test_lost_contact_searched_without_news_is_to_be_stopped(tree):
    m = make_member(tree.b1, "查找", 1507, lost_contact_since=D(2025, 8, 31))
    contact(m, D(2026, 3, 10), MemberContact.Kind.SEARCH, reached=False)
    assert broken("members.lost_contact", m, D(2026, 4, 1)) == [
        "失去联系 7 个月（2025年8月31日起），2026年3月10日查找仍无音讯，应当停止其党籍"
    ]
    contact(m, D(2026, 3, 20), reached=True)  # found
    assert broken("members.lost_contact", m, D(2026, 4, 1)) == []


def test_two_years_after_the_stop_struck_off(tree):
    m = make_member(tree.b1, "脱党", 1509, lost_contact_since=D(2023, 6, 1), status=Membership.Status.STOPPED)
    contact(m, D(2024, 1, 15), MemberContact.Kind.SEARCH, reached=False)  # stopped after this search
    assert broken("members.lost_contact_struck_off", m, D(2026, 1, 14)) == []
    assert broken("members.lost_contact_struck_off", m, D(2026, 1, 15)) == [
        "2023年6月1日起失去联系（2 年 7 个月），停止党籍已满 2 年仍无法取得联系，应按自行脱党予以除名"
    ]
    unsearched = make_member(tree.b1, "未查", 1511, lost_contact_since=D(2023, 6, 1),
                             status=Membership.Status.STOPPED)
    assert broken("members.lost_contact_struck_off", unsearched, D(2025, 11, 30)) == []
    assert len(broken("members.lost_contact_struck_off", unsearched, D(2025, 12, 1))) == 1
    contact(unsearched, D(2025, 11, 1))  # contact regained
    assert broken("members.lost_contact_struck_off", unsearched, D(2026, 11, 27)) == []


def test_abroad(tree):
    settled = make_member(tree.b1, "定居", 1513, abroad="settled", abroad_since=D(2026, 5, 1))
    assert broken("members.abroad_settled", settled, D(2026, 11, 27)) == ["2026年5月1日出国（境）定居，一般应当停止其党籍"]
    settled.status = Membership.Status.STOPPED
    settled.save()
    assert broken("members.abroad_settled", settled, D(2026, 11, 27)) == []
    study = make_member(tree.b1, "留学", 1515, abroad="study", abroad_since=D(2021, 9, 1))
    assert broken("members.abroad_study_over_five_years", study, D(2026, 9, 1)) == []  # exactly five years
    assert broken("members.abroad_study_over_five_years", study, D(2026, 9, 2)) == [
        "出国（境）学习研究 5 年（2021年9月1日出国），超过 5 年仍未返回，一般应当停止其党籍"
    ]


def test_members_studying_abroad_contacted_every_six_months(tree):
    m = make_member(tree.b1, "联系", 1517, abroad="study", abroad_since=D(2025, 9, 1))
    assert broken("members.abroad_study_contact", m, D(2026, 2, 28)) == []  # not yet six months abroad
    assert broken("members.abroad_study_contact", m, D(2026, 3, 1)) == [
        "出国（境）学习研究（2025年9月1日出国），未登记联系情况，应当至少每 6 个月联系一次"
    ]
    contact(m, D(2026, 2, 10))
    assert broken("members.abroad_study_contact", m, D(2026, 8, 9)) == []
    assert broken("members.abroad_study_contact", m, D(2026, 8, 10)) == [
        "出国（境）学习研究（2025年9月1日出国），最近一次取得联系为2026年2月10日，应当至少每 6 个月联系一次"
    ]
    contact(m, D(2026, 8, 1), reached=False)  # an attempt without contact does not count
    assert len(broken("members.abroad_study_contact", m, D(2026, 8, 10))) == 1


def test_correction_at_most_one_year_and_its_outcome_recorded(tree, users):
    m = make_member(tree.b1, "改正", 1519)
    ok = CorrectionPeriod.objects.create(membership=m, started_on=D(2025, 3, 1), deadline=D(2026, 3, 1), reason="不按时参加组织生活")
    long = CorrectionPeriod.objects.create(membership=m, started_on=D(2025, 3, 1), deadline=D(2026, 3, 2), reason="同上")
    assert broken("members.correction_too_long", ok, D(2026, 11, 27)) == []
    assert broken("members.correction_too_long", long, D(2026, 11, 27)) == [
        "限期改正自2025年3月1日至2026年3月2日，约 1 年，超过 1 年"
    ]
    assert broken("members.correction_outcome_missing", ok, D(2026, 3, 1)) == []
    assert broken("members.correction_outcome_missing", ok, D(2026, 3, 2)) == ["限期改正已于2026年3月1日期满，未登记改正结果"]
    services.record_correction_outcome(users.secretary, ok, outcome="corrected", outcome_on=D(2026, 3, 5))
    assert broken("members.correction_outcome_missing", ok, D(2026, 3, 10)) == []
    with pytest.raises(ValidationError) as exc:
        services.record_correction(users.secretary, m, started_on=D(2026, 1, 1), deadline=D(2027, 1, 2), reason="x")
    assert "第三十条" in exc.value.message_dict["deadline"][0]


def test_the_member_page_records_contacts_and_corrections(tree, users, client):
    m = make_member(tree.b1, "页面", 1521, lost_contact_since=D(2026, 1, 1))
    client.force_login(users.secretary, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/members/{m.pk}/?tab=contacts").content.decode()
    assert 'id="add-contact"' in page and 'id="member-corrections"' in page
    r = client.post(f"/members/{m.pk}/contacts/add/",
                    {"kind": "search", "contacted_on": "2026-07-10", "reached": "", "note": "走访原单位"})
    assert r.status_code == 302
    r = client.post(f"/members/{m.pk}/corrections/add/",
                    {"started_on": "2026-06-01", "deadline": "2026-12-01", "reason": "不按时交纳党费"})
    assert r.status_code == 302
    correction = CorrectionPeriod.objects.unrestricted().get(membership=m)
    r = client.post(f"/members/corrections/{correction.pk}/outcome/",
                    {"outcome": "corrected", "outcome_on": "2026-11-20", "outcome_note": ""})
    assert r.status_code == 302
    page = client.get(f"/members/{m.pk}/?tab=contacts").content.decode()
    assert "走访原单位" in page and "已改正" in page and "未取得联系" in page
    edit = client.get(f"/members/{m.pk}/edit/").content.decode()  # the abroad fields are on the member form
    assert "出国（境）时间" in edit and "新计算基数适用起始月份" in edit
