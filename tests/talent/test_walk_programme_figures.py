"""The walk's finding: the programme and edition pages counted every application of an edition issued above,
while the applications list shows a city its own; the figures now agree and link to the list."""

import datetime as dt

import pytest
from django.urls import reverse

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import apply

pytestmark = pytest.mark.django_db


def test_a_city_sees_the_count_of_its_own_applications(tree, users, login):
    from zugong.talent.models import Edition, Program, Tier

    program = Program.objects.create(organization=tree.root, code="SHENG", name="省级人才计划（测试）",
                                     level=Program.Level.PROVINCE, document="省级办法")
    edition = Edition.objects.create(program=program, year=2026, title="2026年度省级人才计划",
                                     status=Edition.Status.OPEN, opens_on=dt.date(2026, 3, 1),
                                     closes_on=dt.date(2026, 4, 30))
    Tier.objects.create(edition=edition, code="top", name="拔尖骨干", order=0)
    holder = type("P", (), {"edition": edition, "tiers": {"top": edition.tiers.get()}})
    apply(users.admin, holder, tree.people.zhangsan, tree.b1)   # 太原
    apply(users.admin, holder, tree.people.zhaoliu, tree.b3)    # 大同
    client = login(users.taiyuan)
    listed = client.get(reverse("talent:list") + f"?edition={edition.pk}").content.decode()
    assert "共 1 条" in listed
    page = client.get(reverse("talent:edition", args=[edition.pk])).content.decode()
    assert f'?edition={edition.pk}" id="edition-applications">1 份' in page
    program_page = client.get(reverse("talent:program", args=[program.pk])).content.decode()
    row = program_page.split(edition.title, 1)[1].split("</tr>", 1)[0]
    assert ">1</td>" in row and ">2</td>" not in row
