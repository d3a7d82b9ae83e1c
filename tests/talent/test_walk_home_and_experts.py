"""The end-to-end walk's findings: the start page's counts, and linking an expert to a login."""

import pytest

from .review_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_start_page_counts_each_area(login, users, review, program):
    page = login(users.admin).get("/talent/").content.decode()
    for card in ("home-programmes", "home-applications", "home-review", "home-pool"):
        assert f'id="{card}"' in page
    # 1 programme, 1 open edition; 2 applications in the chain; 7 experts, 1 round not published
    import re

    def figures(card):
        body = page.split(f'id="{card}"', 1)[1].split('class="text-secondary mt-2', 1)[0]
        return [int(n) for n in re.findall(r'class="h2 m-0[^"]*">(?:<a [^>]*>)?(\d+)', body)]

    assert figures("home-programmes") == [1, 1, 0]
    assert figures("home-applications") == [2, 0, 0]
    assert figures("home-review") == [7, 1, 0]
    assert figures("home-pool") == [0, 0, 0]


def test_start_page_counts_are_scoped(login, users, review):
    page = login(users.datong).get("/talent/").content.decode()
    body = page.split('id="home-applications"', 1)[1]
    assert '<div class="h2 m-0">0</div>' in body  # 大同 sees none of 太原's applications


def test_staff_link_an_expert_to_a_login(login, users, review, tree):
    from tests.conftest import make_user
    from zugong.talent.models import Expert

    expert = review.experts[3]  # 专家丁, no account
    account = make_user("zhuanjia_ding", tree.b1, "readonly")
    client = login(users.admin)
    form = client.get(f"/talent/experts/{expert.pk}/").content.decode()
    assert 'name="account"' in form
    data = {"name": expert.name, "unit_name": expert.unit_name, "field": expert.field, "title": "",
            "phone": "", "email": "", "active": "on"}
    r = client.post(f"/talent/experts/{expert.pk}/", {**data, "account": "nobody"})
    assert "没有登录名为“nobody”的有效账号" in r.content.decode()
    r = client.post(f"/talent/experts/{expert.pk}/", {**data, "account": "expert_a"})
    assert "专家甲" in r.content.decode()  # already another expert's account in this pool
    r = client.post(f"/talent/experts/{expert.pk}/", {**data, "account": "zhuanjia_ding"})
    assert r.status_code == 302
    assert Expert.objects.unrestricted().get(pk=expert.pk).user == account
    r = client.post(f"/talent/experts/{expert.pk}/", {**data, "account": ""})
    assert Expert.objects.unrestricted().get(pk=expert.pk).user is None
