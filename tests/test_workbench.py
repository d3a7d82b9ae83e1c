"""The workbench (zugong/workbench): home, global search and the findings list keep their addresses and names,
and the findings list takes an organization code among those the user may see."""

import datetime as dt

import pytest
from django.urls import reverse

from zugong.core import rules
from zugong.people.models import Person


@pytest.fixture
def phone_rule():
    rule = rules.register(rules.Rule(
        code="test.wb_no_phone", title="人员应登记联系电话", severity=rules.ERROR, model="people.Person",
        editions=(rules.Edition("《某工作规定》", "第九条", "2026年修订", dt.date(2026, 5, 11)),),
        check=lambda qs, as_of: qs.filter(phone=""), describe=lambda row: "未登记联系电话", person_field="pk",
    ))
    yield rule
    rules.RULES.pop(rule.code)


def test_addresses_and_names_are_kept():
    assert reverse("home") == "/" and reverse("search") == "/search/"
    assert reverse("workbench:findings") == "/core/findings/"
    assert reverse("workbench:rules_scan") == "/core/rules/scan/"
    assert reverse("core:rules") == "/core/rules/" and reverse("core:rule", args=["x"]) == "/core/rules/x/"


@pytest.mark.django_db
def test_home_and_findings_list_by_organization_code(login, tree, users, phone_rule):
    Person.objects.unrestricted().update(phone="")
    rules.scan("", dt.date(2026, 11, 27), [phone_rule])
    client = login(users.taiyuan)
    home = client.get("/")
    assert home.status_code == 200 and tree.taiyuan.name in home.content.decode()
    everything = client.get("/core/findings/").content.decode()
    assert "张三" in everything and "李四" in everything and "赵六" not in everything  # 赵六 is in 大同
    b1_only = client.get("/core/findings/", {"org": tree.b1.code}, follow=True).content.decode()
    direct = set(Person.objects.unrestricted().filter(organization=tree.b1).values_list("name", flat=True))
    others = set(Person.objects.unrestricted().filter(org_path__startswith=tree.taiyuan.path)
                 .exclude(organization=tree.b1).values_list("name", flat=True))
    assert direct and all(n in b1_only for n in direct) and not any(n in b1_only for n in others)
    outside = client.get("/core/findings/", {"org": tree.datong.code}, follow=True).content.decode()
    assert "张三" not in outside and "赵六" not in outside  # a code outside the user's scope finds nothing
