"""The walk's findings on the step pages and the expert pool's pages."""

import pytest
from django.urls import reverse

from zugong.talent.models import Application

from .applications_fixtures import *  # noqa: F403
from .test_applications_pages import post

pytestmark = pytest.mark.django_db


def test_recommending_on_the_page_stores_the_precheck(application, users, login):
    """The recommend step refreshes the pre-check inside a request: it must not 500 on the scope guard."""
    client = login(users.taiyuan)
    r = post(client, application, {"step": "recommend", "on": "2026-03-20", "opinion": "同意推荐"})
    assert r.status_code == 302
    case = Application.objects.unrestricted().get(pk=application.pk)
    assert case.status == "recommended" and case.precheck_at is not None and case.precheck
    page = client.get(reverse("talent:detail", args=[case.pk])).content.decode()
    assert "近三年年度考核均为合格（称职）以上等次" in page


def test_the_expert_pool_filter_offers_all_in_and_out(users, login):
    page = login(users.admin).get(reverse("talent:experts")).content.decode()
    select = page.split('name="active"', 1)[1].split("</select>", 1)[0]
    assert "全部" in select and "已出库" in select and "未知" not in select


def test_an_expert_can_be_linked_to_a_person_of_zugong(tree, users, login):
    from zugong.talent.models import Expert

    client = login(users.admin)
    assert 'name="person"' in client.get(reverse("talent:expert_new")).content.decode()
    r = client.post(reverse("talent:expert_new"), {"name": tree.people.zhangsan.name, "person": tree.people.zhangsan.pk,
                                                   "unit_name": "太原理工大学", "field": "材料科学", "active": "on"})
    assert r.status_code == 302
    assert Expert.objects.unrestricted().get(name=tree.people.zhangsan.name).person == tree.people.zhangsan
