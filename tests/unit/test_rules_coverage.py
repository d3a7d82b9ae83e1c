"""docs/rules-coverage.md and the rules' `facts` tags stay in step (the document cannot go stale)."""

import re
from pathlib import Path

from zugong.core import coverage, rules

PRACTICE_MD = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "practice.md"


def test_the_document_lists_facts_of_every_section():
    facts = coverage.facts()
    assert [f for f in facts if re.fullmatch(r"A\d+", f)] == [f"A{i}" for i in range(1, 23)]
    assert {f[0] for f in facts} == set("ABCDEFGHJ")
    for fact in facts.values():
        assert fact.text and fact.citation, fact.id


def test_every_fact_a_rule_names_is_in_the_document():
    facts = coverage.facts()
    practice = PRACTICE_MD.read_text(encoding="utf-8") if PRACTICE_MD.exists() else None
    for rule in rules.RULES.values():
        for fid in rule.facts:
            if coverage.PRACTICE.match(fid):
                section = fid.split("§")[1]
                if practice is not None:
                    assert re.search(rf"^#+ {re.escape(section)}\.? ", practice, re.M), (rule.code, fid)
                continue
            assert fid in facts, f"{rule.code} names {fid}, which docs/rules-coverage.md does not list"


def test_every_rule_the_document_names_exists():
    for fact in coverage.facts().values():
        for code in fact.rules:
            if code.startswith("template:"):
                assert code.removeprefix("template:") in rules.LOCAL_TEMPLATES, (fact.id, code)
            else:
                assert code in rules.RULES, f"docs/rules-coverage.md names {code} for {fact.id}: no such rule"
                assert fact.id in rules.RULES[code].facts, f"{code} encodes {fact.id} but does not name it"


def test_every_national_rule_names_its_facts():
    # A rule from regulations.md names its facts; a local practice names its practice.md section. The two
    # 交流 rules (党政领导干部交流工作规定) have no fact in either document yet.
    untagged = sorted(r.code for r in rules.RULES.values() if not r.facts)
    assert set(untagged) <= {"dispatch.rotation_document", "dispatch.rotation_no_return"}, untagged


def test_coverage_counts_rules_per_fact():
    by_fact = coverage.coverage(rules.RULES.values())
    assert "recruitment.applicant_age" in by_fact["A1"]
    assert by_fact["A22"] == ["template:publicity_working_days"]
