"""One definition of an open finding (not resolved, not excepted; acknowledged still open), the same count on
every page, list, export and API answer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zugong.core.models import Finding
from zugong.members.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_findings(tree, users):
    """On 张三's membership: one open, one acknowledged (open), one excepted (closed), one resolved (closed)."""
    member = Membership.objects.create(person=tree.people.zhangsan, organization=tree.b1,
                                       joined_on=dt.date(2005, 7, 1), converted_on=dt.date(2006, 7, 1),
                                       dues_base=Decimal("4000.00"))
    now = timezone.now()
    base = {"severity": "error", "model": "members.membership", "object_id": member.pk,
            "person": tree.people.zhangsan, "organization": tree.b1, "org_path": tree.b1.path,
            "regulation": "《某规定》", "opened_at": now}
    Finding.objects.create(rule="test.open", detail="未消除的问题", **base)
    Finding.objects.create(rule="test.ack", detail="已知悉的问题", acknowledged_by=users.taiyuan,
                           acknowledged_at=now, acknowledgement="下月整改", **base)
    Finding.objects.create(rule="test.excepted", detail="例外办理的问题", excepted_by=users.taiyuan, excepted_at=now,
                           exception_reason="特殊情况", **base)
    Finding.objects.create(rule="test.resolved", detail="已消除的问题", resolved_at=now, **base)
    return member


def test_the_definition(four_findings):
    findings = Finding.objects.unrestricted()
    assert set(findings.open().values_list("rule", flat=True)) == {"test.open", "test.ack"}
    assert set(findings.closed().values_list("rule", flat=True)) == {"test.excepted", "test.resolved"}
    assert {f.rule for f in Finding.objects.unrestricted() if f.is_open} == {"test.open", "test.ack"}


def test_every_page_and_the_api_count_the_same(login, tree, users, four_findings):
    client = login(users.taiyuan)
    member = client.get(f"/members/{four_findings.pk}/?tab=findings")
    assert member.context["open_findings"] == 2
    page = member.content.decode()
    assert "例外办理的问题" in page and "已消除的问题" in page  # the tab lists every finding, open ones first
    assert page.index("未消除的问题") < page.index("例外办理的问题") < page.index("已消除的问题")
    person = client.get(f"/people/{tree.people.zhangsan.pk}/?tab=findings")
    assert person.context["open_findings"] == 2
    org = client.get(f"/orgs/{tree.xiaodian.pk}/")
    assert org.context["finding_counts"]["error"] == 2
    assert client.get("/core/findings/").context["counts"]["error"] == 2
    assert client.get("/api/findings/", {"open": "true"}).json()["count"] == 2
    assert client.get("/api/findings/", {"open": "false"}).json()["count"] == 2
