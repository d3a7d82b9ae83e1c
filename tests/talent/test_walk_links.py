"""The walk's findings between the applications and the pool: a recognised application links to its talent's
record, and the application page's first button is the next step (not one already recorded)."""

import re

import pytest
from django.urls import reverse

from .pool_fixtures import *  # noqa: F403
from .test_applications_pages import post

pytestmark = pytest.mark.django_db


def _buttons(page):
    block = page.split('id="application-actions"', 1)[1].split("</div>", 1)[0]
    return re.findall(r">([^<>]+)</a>", block)


def test_a_recognised_application_links_to_its_talent(pool, users, login):
    client = login(users.admin)
    app = pool.wangwu.application
    page = client.get(reverse("talent:detail", args=[app.pk])).content.decode()
    assert reverse("talent:talent", args=[pool.wangwu.pk]) in page and "人才库档案" in page
    assert _buttons(page)[0] == "津贴发放"
    assert "单位推荐" not in _buttons(page) and "认定" not in _buttons(page)


def test_the_first_button_is_the_next_step(program, tree, users, login):
    from .applications_fixtures import apply

    case = apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    client = login(users.taiyuan)
    assert _buttons(client.get(reverse("talent:detail", args=[case.pk])).content.decode())[0] == "单位推荐"
    assert post(client, case, {"step": "recommend", "on": "2026-03-20"}).status_code == 302
    buttons = _buttons(client.get(reverse("talent:detail", args=[case.pk])).content.decode())
    assert buttons[0] == "资格审查" and "单位推荐" not in buttons
