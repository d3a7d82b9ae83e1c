"""Texts a user reads: no raw values (True/False, codes, English, shell commands) on the pages, filters whose
empty choice reads 全部, the audit log's values as users read them, the /api/ index in Chinese."""

import datetime as dt
import re

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


# ---------------------------------------------------------------- the audit log


def _write_raw(obj, changes, actor="zugong seed"):
    """An entry as older code wrote it (raw True, a choice code, a command's name as the actor)."""
    from zugong.core import audit

    with audit.acting_as(name=actor):
        item = audit._item(obj, "update", changes)
        audit._append(audit._new_entries([item]))


def test_booleans_choices_lists_and_mappings_are_logged_as_users_read_them(tree):
    from zugong.core import audit
    from zugong.core.models import AuditEntry
    from zugong.orgs.models import Organization

    org = tree.b2
    org.is_joint = True
    org.save()
    entry = AuditEntry.objects.unrestricted().filter(model="orgs.organization", object_id=str(org.pk)).first()
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changes["is_joint"] == ("否", "是")
    with audit.operation(org, "update") as op:
        op.fact("挂牌督办", True, old=False)
        op.fact("状态", Organization.Status.ACTIVE)
        op.fact("对象类别", [Organization.Kind.BRANCH, "其他"])
        op.fact("参数", {"直接认定": True, "天数": 5})
    facts = {c["label"]: (c["old"], c["new"]) for c in AuditEntry.objects.unrestricted().first().changes}
    assert facts["挂牌督办"] == ("否", "是")
    assert facts["状态"] == (None, str(Organization.Status.ACTIVE.label))
    assert facts["对象类别"] == (None, f"{Organization.Kind.BRANCH.label}、其他")
    assert facts["参数"] == (None, "直接认定：是；天数：5")


def test_the_log_shows_old_raw_values_and_process_names_in_chinese(login, tree, users):
    from zugong.orgs.models import Organization

    org = tree.b1
    _write_raw(org, [{"field": "supervised", "label": "挂牌督办", "old": False, "new": True},
                     {"field": "status", "label": "状态", "old": None, "new": "active"},
                     {"field": "kind", "label": "类别", "old": "committee", "new": "branch"}])
    client = login(users.taiyuan)
    tab = client.get(f"/orgs/{org.pk}/?tab=log").content.decode()
    log = tab.split('id="audit-log"', 1)[1]
    assert "挂牌督办</strong>：<span class=\"diff-old\">否</span> → <span class=\"diff-new\">是</span>" in log
    assert f"<span class=\"diff-new\">{Organization.Status.ACTIVE.label}</span>" in log
    assert (f"<span class=\"diff-old\">{Organization.Kind.COMMITTEE.label}</span> → "
            f"<span class=\"diff-new\">{Organization.Kind.BRANCH.label}</span>") in log
    assert "系统（演示数据初始化）" in log
    for raw in ("True", "False", ">active<", "zugong seed"):
        assert raw not in log, raw
    from zugong.accounts.models import User

    auditor = User.objects.create_user(username="auditor", password="Zg-test-pass-2026", duty="auditor")
    listing = login(auditor).get("/core/audit/").content.decode()
    assert "挂牌督办：否 → 是" in listing and "系统（演示数据初始化）" in listing and "zugong seed" not in listing
    assert "zugong audit verify" not in listing and "<code>" not in listing
    assert "导出 Excel" in listing and "系统管理员" in listing


def test_records_spell_out_their_json_fields_in_the_log(tree):
    from zugong.core import audit
    from zugong.dispatch.models import Program, TargetGroup
    from zugong.standardization.models import Checklist

    program = Program(target_groups=[TargetGroup.YOUNG.value])
    assert audit._field_display(program, Program._meta.get_field("target_groups"), program.target_groups) == \
        str(TargetGroup.YOUNG.label)
    checklist = Checklist(grade_bands=[{"grade": "五星", "min": 90, "requires_innovation": True},
                                       {"grade": "四星", "min": 80}])
    shown = audit._field_display(checklist, Checklist._meta.get_field("grade_bands"), checklist.grade_bands)
    assert shown == "五星 90 分以上（须有创新项目）；四星 80 分以上"


# ---------------------------------------------------------------- /api/


def test_the_api_index_is_chinese_links_every_resource_and_the_docs(login, users):
    from zugong.api_urls import router

    client = login(users.taiyuan)
    page = client.get("/api/", HTTP_ACCEPT="text/html").content.decode()
    assert "组工平台 API" in page and "接口文档" in page and 'href="http://testserver/api/docs/"' in page
    assert "Api Root" not in page and "Django REST framework" not in page
    for prefix, _viewset, _basename in router.registry:
        assert f'href="/api/{prefix}/"' in page, prefix
    assert "党员管理" in page and "干部工作" in page
    data = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert data["docs"].endswith("/api/docs/")
    resources = [r for g in data["groups"] for r in g["resources"]]
    assert len(resources) == len(router.registry) and all(r["description"] for r in resources)
    assert client.get(data["docs"]).status_code == 200


def test_the_api_index_needs_a_signed_in_user_with_a_grant(client, login, tree):
    from zugong.accounts.models import User

    r = client.get("/api/", HTTP_ACCEPT="text/html")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.get("/api/", HTTP_ACCEPT="application/json").status_code in (401, 403)
    nobody = User.objects.create_user(username="nobody", password="Zg-test-pass-2026")
    assert login(nobody).get("/api/", HTTP_ACCEPT="application/json").status_code == 403


# ---------------------------------------------------------------- language


def test_a_browser_asking_for_english_still_gets_chinese(login, users):
    """Headless and English-locale browsers send Accept-Language: en; the libraries' own strings (the table
    pager's 下一页, form errors) must not turn English on a Chinese page."""
    response = login(users.taiyuan).get("/core/rules/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    from django.utils.translation import gettext

    assert gettext("next") == "下一页"


# ---------------------------------------------------------------- citations (issue 13, item 13)

RESEARCH_TAG = re.compile(
    r"单一来源|已核实|已核[）)；;，,、]|据[^，。；;“”]{0,30}报道|https?://|www\.|[a-z0-9-]+\.(?:com|cn|net|org)\b"
    r"|[（(][VSU][）)，,：:]|\[(?:V[12]|U)\]|\bV[12]\b"
)
ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条")
YEAR = re.compile(r"(\d{4})年")
TITLE = re.compile(r"《[^》]+》")


def _visible_text(html: str) -> str:
    """The text a user reads on a page: outside tags, scripts and styles, plus title attributes (tooltips)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")
            self.parts.extend(v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v)

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _allowed_articles(rule, facts) -> list[tuple[str, str, str]]:
    """(regulation title, edition year, article) a rule may cite: those of the verified facts it encodes, as
    docs/rules-coverage.md gives them (a segment that says 条款号待核 allows nothing)."""
    allowed = []
    for fid in rule.facts:
        fact = facts.get(fid)
        if fact is None or not fact.article_verified:
            continue
        for segment in re.split(r"[;；]", fact.citation):
            if "条款号待核" in segment:
                continue
            title = TITLE.search(segment)
            year = YEAR.search(segment)
            for article in ARTICLE.findall(segment):
                allowed.append((title[0] if title else "", year[1] if year else "", article))
    return allowed


def _article_problems(rule, facts) -> list[str]:
    allowed = _allowed_articles(rule, facts)
    problems = []
    for edition in rule.editions:
        title = TITLE.search(edition.regulation)
        year = YEAR.search(f"{edition.edition}{edition.regulation}")
        for article in ARTICLE.findall(edition.citation):
            if not any(a == article and (not t or not title or t == title[0]) and (not y or not year or y == year[1])
                       for t, y, a in allowed):
                problems.append(f"{rule.code}: {edition.citation} names {article}, not a verified article of its facts")
    for article in ARTICLE.findall(f"{rule.title} {rule.text}"):
        if not any(a == article for _, _, a in allowed):
            problems.append(f"{rule.code}: its text names {article}, not a verified article of its facts")
    return problems


def test_rules_templates_and_catalogue_show_no_research_tag_and_no_unverified_article(login, tree, users):
    """Every citation and text users see: rule titles, texts and citations (national rules, local rules from
    the default rows of every domain), configuration templates, the rules catalogue and each rule's page, and
    the pages showing default documents. No research tag or web address; an article number only where
    docs/rules-coverage.md marks the fact's article verified."""
    from zugong.core import config, coverage, rules

    config.install(tree.root)
    facts = coverage.facts()
    problems = []

    def scan(where, text):
        for m in RESEARCH_TAG.finditer(text or ""):
            problems.append(f"{where}: research tag or web address {m[0]!r} in {text[max(0, m.start() - 30):m.end() + 30]!r}")

    all_rules = rules.all_rules()
    assert {r.code for r in all_rules} >= set(rules.RULES) and any(r.local for r in all_rules)
    for rule in all_rules:
        scan(rule.code, rule.title)
        scan(rule.code, rule.text)
        for edition in rule.editions:
            scan(rule.code, edition.citation)
        problems.extend(_article_problems(rule, facts))
    for template in config.TEMPLATES.values():
        scan(f"template {template.code}", " ".join([template.title, template.citation, template.text]))
        for param in template.params:
            scan(f"template {template.code}", f"{param.label} {param.unit} {param.help}")
        if ARTICLE.search(template.citation):
            problems.append(f"template {template.code}: article number in {template.citation!r}")

    client = login(users.admin)
    pages = ["/core/rules/", *(f"/core/rules/{r.code}/" for r in all_rules), "/dispatch/programs/"]
    from zugong.standardization.models import Checklist
    from zugong.weakorgs.models import IndicatorSet

    pages += [f"/weakorgs/standards/{pk}/" for pk in IndicatorSet.objects.unrestricted().values_list("pk", flat=True)]
    pages += [f"/standardization/checklists/{pk}/" for pk in Checklist.objects.unrestricted().values_list("pk", flat=True)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        scan(url, _visible_text(response.content.decode()))
    assert not problems, "\n".join(problems)


def test_an_unverified_article_is_cited_as_such():
    from zugong.core import rules

    # 支部工作条例 第十一条 (党员大会 each quarter) is "content V2, art. U" in regulations.md (B3).
    citation = rules.RULES["branchlife.general_quarterly"].citation
    assert citation == "《中国共产党支部工作条例（试行）》（2018年）条款号待核"
    # The 2026 revision of the 细则 is reported, not seen: no article number of it is shown.
    age = rules.RULES["recruitment.applicant_age"]
    assert age.edition_on(dt.date(2026, 6, 1)).citation == "《中国共产党发展党员工作细则》（2026年修订）条款号待核"
    assert age.edition_on(dt.date(2020, 6, 1)).citation == "《中国共产党发展党员工作细则》（2014年）第五条"


def test_the_sources_of_rule_texts_and_defaults_carry_no_research_tag():
    """The strings (not docstrings or comments) of every rules, requirements and defaults module and the
    visible text of every template: the describe texts of findings and the shipped defaults included."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "zugong"
    problems = []
    modules = [*root.glob("*/rules.py"), *root.glob("*/requirements.py"), *root.glob("*/defaults.py")]
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if m := RESEARCH_TAG.search(node.value):
                    problems.append(f"{path.relative_to(root)}:{node.lineno}: {m[0]!r} in {node.value[:80]!r}")
    for path in (root / "templates").rglob("*.html"):
        if m := RESEARCH_TAG.search(_visible_text(path.read_text(encoding="utf-8"))):
            problems.append(f"{path.relative_to(root)}: {m[0]!r}")
    assert not problems, "\n".join(problems)
