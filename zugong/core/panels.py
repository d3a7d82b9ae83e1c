"""Panels: sections that apps higher up add to a record page owned by an app lower down.

A page that takes panels owns one registry (`zugong.cadres.panels.cadre_page`,
`zugong.orgs.panels.organization_page`); an app above it registers from its AppConfig.ready():

    from zugong.orgs import panels
    panels.register("人员", "people/_org_people.html", people_context, order=30, key="people",
                    count=lambda org: org.direct_people)

`context(request, obj)` returns the template's context (dict) and must scope its own queries
(`.visible_to(request.user)`). A panel is a tab of the page (after the page's own tabs, by `order`, then
title; `count(obj)`, when given, is shown after the title) or, with `tab=False`, a section the page renders
inside its first tab. This is how a lower layer shows what a higher one knows without importing it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    title: str
    template_name: str
    context: Callable
    order: int = 100
    key: str = ""
    tab: bool = True
    count: Callable | None = None


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


class PanelRegistry:
    """The panels of one record page; `subject` is the name the panel templates know the record by."""

    def __init__(self, subject: str):
        self.subject = subject
        self._panels: dict[str, Panel] = {}

    def register(self, title: str, template_name: str, context: Callable | None = None, order: int = 100,
                 key: str = "", *, tab: bool = True, count: Callable | None = None) -> Panel:
        """Add (or replace, by key or title) a panel of the page."""
        key = key or f"panel-{zlib.crc32(title.encode()):08x}"
        for k, p in list(self._panels.items()):
            if p.title == title:
                key = k
        panel = Panel(title, template_name, context or (lambda request, obj: {}), order, key, tab, count)
        self._panels[key] = panel
        return panel

    def unregister(self, title: str) -> None:
        for k, p in list(self._panels.items()):
            if p.title == title:
                del self._panels[k]

    def registered(self) -> list[Panel]:
        """The tabs, in order."""
        return sorted((p for p in self._panels.values() if p.tab), key=lambda p: (p.order, p.title))

    def tabs(self, obj) -> list[Tab]:
        """The tabs' keys and labels for one record (the label carries the count when the panel has one)."""
        return [Tab(p.key, f"{p.title}（{p.count(obj)}）" if p.count else p.title) for p in self.registered()]

    def panel_context(self, request, obj, panel: Panel) -> dict:
        ctx = dict(panel.context(request, obj) or {})
        ctx.setdefault(self.subject, obj)
        return ctx

    def render_all(self, request, obj) -> list[dict]:
        """[{panel, context}] for every tab, in order."""
        return [{"panel": p, "context": self.panel_context(request, obj, p)} for p in self.registered()]

    def add_tab_context(self, request, obj, tab: str, context: dict) -> Panel | None:
        """When `tab` is a registered tab: merge its context into the page's (the page's own keys win) and
        set `panel` (include `panel.template_name`) and `panel_context`."""
        panel = next((p for p in self.registered() if p.key == tab), None)
        if panel is not None:
            ctx = self.panel_context(request, obj, panel)
            context.update({k: v for k, v in ctx.items() if k not in context})
            context["panel"], context["panel_context"] = panel, ctx
        return panel

    def sections(self, request, obj) -> list[str]:
        """The HTML of the sections (panels registered with tab=False), in order."""
        sections = sorted((p for p in self._panels.values() if not p.tab), key=lambda p: (p.order, p.title))
        return [render_to_string(p.template_name, self.panel_context(request, obj, p), request)
                for p in sections]
