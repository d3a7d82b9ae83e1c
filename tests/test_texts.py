"""Texts a user reads: no raw values (True/False, codes, English, shell commands) on the pages, filters whose
empty choice reads 全部, the audit log's values as users read them, the /api/ index in Chinese."""

import pytest

pytestmark = [pytest.mark.django_db]


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("url, name", [("/weakorgs/flags/", "withdrawn"), ("/standardization/", "pending")])
def test_a_yes_no_filter_offers_all_yes_no_not_unknown(login, users, url, name):
    page = login(users.taiyuan).get(url).content.decode()
    select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>全部</option>' in select
    assert '<option value="true">是</option>' in select and '<option value="false">否</option>' in select
    assert "未知" not in page
    chosen = login(users.taiyuan).get(url, {name: "true"}).content.decode()
    assert '<option value="true" selected>是</option>' in chosen.split(f'name="{name}"', 1)[1]


def test_the_elections_filter_keeps_its_own_words(login, users):
    page = login(users.taiyuan).get("/elections/records/", {"approved": "false"}).content.decode()
    select = page.split('name="approved"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">全部</option>' in select and '<option value="false" selected>未批准</option>' in select


# ---------------------------------------------------------------- rules


def test_the_rules_catalogue_shows_titles_and_citations_not_codes(login, users):
    from zugong.core import rules

    page = login(users.taiyuan).get("/core/rules/").content.decode()
    rule = rules.RULES["recruitment.talk_within_month"]
    assert rule.title in page
    assert f">{rule.code}<" not in page  # the code only in the link's tooltip and on the rule's own page
    assert f'title="规则代码 {rule.code}"' in page
