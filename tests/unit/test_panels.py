"""The one panel mechanism (zugong/core/panels.py) behind the cadre page and the organization page."""

from zugong.core.panels import PanelRegistry


def test_tabs_in_order_with_counts_and_replacement_by_title():
    page = PanelRegistry("org")
    page.register("乙", "b.html", lambda request, obj: {"x": 2}, order=20)
    first = page.register("甲", "a.html", order=10, key="a", count=lambda obj: obj["n"])
    page.register("段", "s.html", tab=False)
    assert [p.title for p in page.registered()] == ["甲", "乙"]  # sections are not tabs
    assert [t.label for t in page.tabs({"n": 3})] == ["甲（3）", "乙"]
    again = page.register("甲", "a2.html", order=10)
    assert again.key == first.key and [p.template_name for p in page.registered()][0] == "a2.html"
    page.unregister("甲")
    assert [p.title for p in page.registered()] == ["乙"]


def test_tab_context_merges_without_overriding_the_page():
    page = PanelRegistry("org")
    panel = page.register("乙", "b.html", lambda request, obj: {"x": 2, "title": "panel"})
    context = {"title": "page"}
    assert page.add_tab_context(None, "the org", panel.key, context) is panel
    assert context["x"] == 2 and context["title"] == "page" and context["org"] == "the org"
    assert context["panel_context"]["title"] == "panel"
    assert page.add_tab_context(None, "the org", "nope", {}) is None
