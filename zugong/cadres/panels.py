"""Sections other apps add to the cadre record page (干部信息页).

    from zugong.cadres import panels
    panels.register("一线考察识别", "appointments/cadre_panel.html", my_context, order=50)

`context(request, cadre)` returns the template's context (dict); it must scope its own queries
(`.visible_to(request.user)`). The cadre page shows each registered section as a tab after the built-in
ones, in `order`, then title. Register from your AppConfig.ready(). The template is included inside the
page's card with the context merged in; "cadres/_panel_table.html" is a ready table
(panel_headers, panel_rows, panel_empty, panel_note).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
import zlib


@dataclass(frozen=True)
class Panel:
    title: str
    template_name: str
    context: Callable
    order: int = 100
    key: str = ""


_REGISTRY: dict[str, Panel] = {}


def register(title: str, template_name: str, context: Callable | None = None, order: int = 100,
             key: str = "") -> Panel:
    """Add (or replace, by key or title) a section of the cadre page."""
    key = key or f"panel-{zlib.crc32(title.encode()):08x}"
    for k, p in list(_REGISTRY.items()):
        if p.title == title:
            key = k
    panel = Panel(title, template_name, context or (lambda request, cadre: {}), order, key)
    _REGISTRY[key] = panel
    return panel


def unregister(title: str) -> None:
    for k, p in list(_REGISTRY.items()):
        if p.title == title:
            del _REGISTRY[k]


def registered() -> list[Panel]:
    return sorted(_REGISTRY.values(), key=lambda p: (p.order, p.title))


def render_all(request, cadre) -> list[dict]:
    """[{panel, context}] for the page, in order."""
    out = []
    for p in registered():
        ctx = dict(p.context(request, cadre) or {})
        ctx.setdefault("cadre", cadre)
        out.append({"panel": p, "context": ctx})
    return out
