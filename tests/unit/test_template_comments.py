"""Django's `{# … #}` comment is one line only: one that spans lines is printed on the page as text (the team
page and a person's training ledger showed their developer notes). Fails before the fix."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "zugong" / "templates"


def test_no_template_comment_spans_lines():
    spanning = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\{#", text):
            end = text.find("#}", m.start())
            if end < 0 or "\n" in text[m.start():end]:
                spanning.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert spanning == [], "use {% comment %} for a comment over several lines: " + ", ".join(spanning)
