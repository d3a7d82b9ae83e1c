"""The walk's finding: the applications list said 待审查 both for an application not yet pre-checked and for one
whose pre-check needs a person's judgement (a recognised talent's application read as pending)."""

import pytest
from django.urls import reverse

from .applications_fixtures import *  # noqa: F403
from .applications_fixtures import apply
from .test_applications_pages import post

pytestmark = pytest.mark.django_db


def _cell(page):
    row = page.split('id="applications"', 1)[1].split("</tbody>", 1)[0]
    return [w for w in ("未预审", "待人工审查", "不符合", "符合") if f">{w}<" in row]


def test_the_list_says_not_prechecked_then_the_outcome(program, tree, users, login):
    case = apply(users.taiyuan, program, tree.people.zhangsan, tree.b1)
    client = login(users.taiyuan)
    assert _cell(client.get(reverse("talent:list")).content.decode()) == ["未预审"]
    post(client, case, {"step": "recommend", "on": "2026-03-20"})
    words = _cell(client.get(reverse("talent:list")).content.decode())
    assert len(words) == 1 and words[0] != "未预审"
