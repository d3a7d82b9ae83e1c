"""The bench harness (bench/harness.py, bench/checks.py) without the province: percentiles, verdicts, the day's
JSON merge, the quiet wait, and the content checks, which must fail on a wrong answer (a fast wrong page
must fail the bench, never pass it)."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import harness  # noqa: E402
from harness import BenchFailure, Page, verify_list  # noqa: E402


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))  # 1 … 100
    assert harness.percentile(samples, 95) == 95
    assert harness.percentile(samples, 50) == 50
    assert harness.percentile(samples, 100) == 100
    assert harness.percentile([7.0], 95) == 7.0
    # Order does not matter, and 20 samples' p95 is the 19th smallest (not the second largest by accident).
    assert harness.percentile(list(range(20, 0, -1)), 95) == 19
    with pytest.raises(ValueError):
        harness.percentile([], 95)


def test_verdict():
    assert harness.verdict(299.9, 300) is True
    assert harness.verdict(300, 300) is True
    assert harness.verdict(300.1, 300) is False
    assert harness.verdict(5, 10, better="higher") is False
    assert harness.verdict(12, 10, better="higher") is True
    assert harness.verdict(12, None) is None and harness.verdict(None, 300) is None
    assert [harness.mark(v) for v in (True, False, None)] == ["✓", "✗", "–"]
    # A failed check is ✗ even when its time would meet the target.
    assert harness.figure("x", 10, target=300, error="wrong count")["ok"] is False


def test_merge_replaces_by_name_and_keeps_the_others():
    earlier = {"commit": "aaa", "figures": [{"name": "a", "value": 1}, {"name": "b", "value": 2}]}
    merged = harness.merge(earlier, {"commit": "bbb"}, [{"name": "b", "value": 3}, {"name": "c", "value": 4}])
    assert merged["commit"] == "bbb"
    assert merged["figures"] == [{"name": "a", "value": 1}, {"name": "b", "value": 3}, {"name": "c", "value": 4}]
    assert harness.merge(None, {"commit": "c"}, [{"name": "a", "value": 1}])["figures"] == [{"name": "a", "value": 1}]


def test_write_merges_into_the_days_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ZUGONG_VAR", str(tmp_path))
    monkeypatch.setenv("BENCH_DATE", "2026-12-08")
    description = {"database": "sqlite", "commit": "abc", "machine": {"cores": 2}}
    harness.write([harness.figure("people list", 120.0, target=300, stat="p95")], description=description)
    harness.write([harness.figure("roster", 320.0, target=300, stat="p95")], description=description)
    harness.write([harness.figure("people list", 310.0, target=300, stat="p95")], description=description)
    path = tmp_path / "bench" / "results-sqlite-2026-12-08.json"
    doc = json.loads(path.read_text())
    assert [(f["name"], f["value"], f["mark"]) for f in doc["figures"]] == [
        ("people list", 310.0, "✗"), ("roster", 320.0, "✗")]
    assert doc["commit"] == "abc" and doc["machine"] == {"cores": 2}
    lines = harness.table(doc)
    assert any(line.startswith("people list") and "≤ 300 ms" in line and line.endswith("✗") for line in lines)


def test_wait_quiet_is_bounded_and_returns_the_load():
    loads = iter([3.0, 2.0, 0.5])
    slept = []
    assert harness.wait_quiet(1.0, 60, poll=5, read=lambda: next(loads), sleep=slept.append) == 0.5
    assert slept == [5, 5]
    slept.clear()
    assert harness.wait_quiet(1.0, 12, poll=5, read=lambda: 4.0, sleep=slept.append) == 4.0
    assert slept == [5, 5, 2]  # gave up after 12 s
    assert harness.wait_quiet(1.0, 0, read=lambda: 4.0, sleep=slept.append) == 4.0


def _list_page(count, links):
    rows = "".join(f'<tr class="even"><td><input type="checkbox" value="{pk}"></td>'
                   f'<td><a href="/people/{pk}/">{name}</a></td><td>男</td></tr>' for pk, name in links)
    return f'<div>共 {count} 条</div><table><thead><tr><th>姓名</th></tr></thead><tbody >{rows}</tbody></table>'


def test_parse_list():
    shown = harness.parse_list(_list_page("1,234", [(7, "丁红军"), (19, "王亮卫")]))
    assert shown == {"count": 1234, "rows": 2, "links": [(7, "丁红军"), (19, "王亮卫")]}


def test_the_content_check_passes_a_right_answer_and_fails_a_wrong_one():
    html = _list_page(52, [(7, "丁红军"), (19, "王亮卫")] + [(100 + i, "某") for i in range(48)])
    verify_list(html, {"count": 52, "first": {7}})
    verify_list(html, {"count": 52, "first": {3, 7}})  # a tie in the order: either may come first
    with pytest.raises(BenchFailure, match="共 52 条.*independent count is 53"):
        verify_list(html, {"count": 53, "first": {7}})
    with pytest.raises(BenchFailure, match="first row '丁红军'"):
        verify_list(html, {"count": 52, "first": {19}})
    with pytest.raises(BenchFailure, match="shows 50 rows, expected 2"):  # page 2 shows page 1's rows
        verify_list(html, {"count": 52, "offset": 50, "first": {7}})
    with pytest.raises(BenchFailure, match="no count"):
        verify_list("<tbody></tbody>", {"count": 3, "first": None})
    verify_list(_list_page(0, []), {"count": 0, "first": None})


def test_a_page_checks_status_and_computes_its_expectation_once_after_the_answer():
    calls = []

    def expect():
        calls.append(1)
        return {"count": 1, "first": {7}}

    page = Page("/people/?org=14", expect, verify_list)
    assert calls == []  # nothing computed before the first (cold) answer
    page.check(200, _list_page(1, [(7, "丁红军")]))
    page.check(200, _list_page(1, [(7, "丁红军")]))
    assert calls == [1]
    with pytest.raises(BenchFailure, match="HTTP 500"):
        page.check(500, "")
    with pytest.raises(BenchFailure):
        page.check(200, _list_page(2, [(8, "王五"), (7, "丁红军")]))


def test_last_page_offset():
    import checks

    assert checks.last_page_offset(1, 0) == 0
    assert checks.last_page_offset(2, 120) == 50
    assert checks.last_page_offset(2, 48) == 0  # past the end: the paginator shows the last page
    assert checks.last_page_offset(5, 120) == 100


@pytest.mark.django_db
def test_people_list_checked_against_the_independent_query(tree, users, login, monkeypatch):
    """The real people list of a city passes its check; a wrong expectation (a count off by one, a
    different first row) fails, and measure_pages records the failure as ✗ and counts it."""
    import checks

    client = login(users.admin)
    url = f"/people/?org={tree.taiyuan.code}"
    expected = checks.people_list(tree.taiyuan.path)
    assert expected["count"] == 3
    response = client.get(url)
    verify_list(response.content.decode(), expected)
    with pytest.raises(BenchFailure):
        verify_list(response.content.decode(), {**expected, "count": 4})
    with pytest.raises(BenchFailure):
        verify_list(response.content.decode(), {**expected, "first": {tree.people.zhaoliu.pk}})

    monkeypatch.setattr(harness, "write", lambda figures, **kw: None)
    monkeypatch.setattr(harness, "FAILURES", [])
    ok = harness.measure_pages(client, "people", [Page(url, lambda: expected, verify_list)], samples=3,
                               quiet=False)
    assert ok["samples"] == 3 and ok["error"] is None and harness.FAILURES == []
    wrong = harness.measure_pages(client, "people", [Page(url, lambda: {**expected, "count": 2}, verify_list)],
                                  samples=3, quiet=False)
    assert wrong["ok"] is False and "independent count is 2" in wrong["error"]
    assert len(harness.FAILURES) == 1


def test_next_path_bounds_a_subtree():
    import checks

    assert checks.next_path("00010009") == "0001000A"
    assert checks.next_path("0001000Z") == "00010010"
    assert checks.next_path("ZZZZ") is None
    sql, params = checks.prefix("org_path", "0001")
    assert params == ["0001", "0002", "0001%"] and "LIKE" in sql
    with pytest.raises(ValueError):
        checks.next_path("00a1")
