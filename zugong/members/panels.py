"""Tabs other apps add to a member's page (党员信息页), through `zugong.core.panels`.

    from zugong.members import panels
    panels.register("到社区报到", "service/community/_member_panel.html", context, order=50, key="community")

A tab's template renders inside the page's card; the record is `member` (a `Membership`). The context
function scopes its own queries (`.visible_to(request.user)`).
"""

from __future__ import annotations

from zugong.core.panels import PanelRegistry

member_page = PanelRegistry("member")

register = member_page.register
unregister = member_page.unregister
registered = member_page.registered
