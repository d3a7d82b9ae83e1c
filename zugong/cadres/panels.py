"""Sections other apps add to the cadre record page (干部信息页), through `zugong.core.panels`.

    from zugong.cadres import panels
    panels.register("一线考察识别", "appointments/cadre_panel.html", my_context, order=50)

The cadre page shows each registered section as a tab after the built-in ones, in `order`, then title.
"cadres/_panel_table.html" is a ready table (panel_headers, panel_rows, panel_empty, panel_note).
"""

from __future__ import annotations

from zugong.core.panels import PanelRegistry

cadre_page = PanelRegistry("cadre")

register = cadre_page.register
unregister = cadre_page.unregister
registered = cadre_page.registered
render_all = cadre_page.render_all
