"""Which facts of ../shared/domain/regulations.md the rules encode (internal: never shown to users).

`docs/rules-coverage.md` lists every checkable fact with an id (A1–A22, B1 …), the regulation and article as
verified, and its status: `verified` (a citation may name the article), `unverified article` (the citation says
条款号待核) or `unverified content`. A rule names the facts it encodes in `Rule.facts`; `zugong rules facts`
prints the coverage and tests keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules-coverage.md"
VERIFIED, UNVERIFIED_ARTICLE, UNVERIFIED_CONTENT = "verified", "unverified article", "unverified content"
STATUS_LABELS = {VERIFIED: "条款已确认", UNVERIFIED_ARTICLE: "条款号待核", UNVERIFIED_CONTENT: "内容待核"}
# A fact of practice.md, named by a local rule instead of a regulations.md id: "practice §1.3".
PRACTICE = re.compile(r"^practice §\d+(\.\d+)?$")
_ROW = re.compile(
    r"^\| (?P<id>[A-J]\d+[a-z]?) \| (?P<text>.*?) \| (?P<citation>.*?) \| "
    rf"(?P<status>{VERIFIED}|{UNVERIFIED_ARTICLE}|{UNVERIFIED_CONTENT}) \| (?P<rules>.*?) ?\|$"
)
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    citation: str
    status: str
    rules: tuple[str, ...]  # rule codes and `template:NAME` the document names

    @property
    def article_verified(self) -> bool:
        return self.status == VERIFIED


def facts(path: Path = DOC) -> dict[str, Fact]:
    """The facts of the coverage document, in document order."""
    found: dict[str, Fact] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            if m["id"] in found:
                raise ValueError(f"{path.name}: fact {m['id']} listed twice")
            found[m["id"]] = Fact(m["id"], m["text"], m["citation"], m["status"],
                                  tuple(_CODE.findall(m["rules"])))
    return found


def coverage(rule_list, fact_map: dict[str, Fact] | None = None) -> dict[str, list[str]]:
    """Fact id → codes of the rules that name it (`Rule.facts`), plus the local rule templates the document
    names for it (`template:NAME`), for every fact of the document."""
    fact_map = facts() if fact_map is None else fact_map
    by_fact: dict[str, list[str]] = {fid: [] for fid in fact_map}
    for rule in rule_list:
        for fid in rule.facts:
            if fid in by_fact and rule.code not in by_fact[fid]:
                by_fact[fid].append(rule.code)
    for fid, fact in fact_map.items():
        by_fact[fid].extend(code for code in fact.rules if code.startswith("template:"))
    return by_fact
