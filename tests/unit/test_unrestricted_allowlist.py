"""`.unrestricted()` does not belong in the request layer (views, API, forms, filtersets).

Pages ask `Model.objects.visible_to(request.user, action)`; prefetches under a scoped API queryset are scoped
by `ScopedViewSetMixin`; the log and findings of a record the page already holds come from
`AuditEntry.objects.of_records(record)`; genuinely system-level queries (a nationwide code lookup, a search
subquery that only filters rows scoped themselves, counts) live in services, selectors or querysets, with the
reason next to them. This test scans the request layer and fails on any `.unrestricted()` not listed below.

Keep the lists short. Every entry says why it is safe; an entry that no longer matches fails too, so the list
shrinks with the code.
"""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "zugong"
LAYER_FILES = {"views.py", "api.py", "forms.py", "filtersets.py"}
LAYER_PACKAGES = {"views", "api", "forms", "filtersets"}
CALL = re.compile(r"\.unrestricted\(\)")

# (path relative to zugong/, the stripped source line) -> why it is safe.
ALLOWED: dict[tuple[str, str], str] = {}

# recruitment/ and appointments/ are being rewritten onto core casework (issue 10, item 1) by another branch;
# their calls are listed here so this branch stays green. The integrator empties this list when merging:
# logs -> AuditEntry.objects.of_records(case); prefetches -> plain querysets (ScopedViewSetMixin scopes them);
# person searches -> zugong.people.search.matching_ids(q); membership subqueries -> a selector with its reason.


def _layer_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        if rel.name in LAYER_FILES or LAYER_PACKAGES.intersection(rel.parts[:-1]):
            yield rel, path


def found_calls() -> Counter:
    calls: Counter = Counter()
    for rel, path in _layer_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if CALL.search(line):
                calls[(rel.as_posix(), line.strip())] += 1
    return calls


def test_no_unrestricted_in_the_request_layer():
    allowed = ALLOWED
    unexpected = sorted(f"{path}: {line}" for (path, line) in found_calls() if (path, line) not in allowed)
    assert not unexpected, (
        "`.unrestricted()` in views/API/forms/filtersets: use visible_to(request.user, action), or move the "
        "system-level query into a service/selector with its reason:\n" + "\n".join(unexpected)
    )


def test_allow_list_has_no_stale_entries():
    calls = found_calls()
    stale = sorted(f"{path}: {line}" for (path, line) in ALLOWED if (path, line) not in calls)
    assert not stale, "allow-list entries that no longer occur (delete them):\n" + "\n".join(stale)


def test_every_entry_says_why():
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_scan_sees_the_request_layer():
    files = {rel.as_posix() for rel, _ in _layer_files()}
    assert {"members/views.py", "orgs/api.py", "members/forms.py", "dispatch/filtersets.py"} <= files
