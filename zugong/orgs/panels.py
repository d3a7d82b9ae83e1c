"""Sections other apps add to the organization page (党组织信息页), through `zugong.core.panels`.

    from zugong.orgs import panels
    panels.register("人员", "people/_org_people.html", context, order=30, key="people",
                    count=lambda org: org.direct_people)          # a tab
    panels.register("委员会", "members/_org_committee.html", context, tab=False)   # a line of 基本信息

Section templates render inside the 基本信息 list (`<dt>…</dt><dd>…</dd>`); the record is `org`.
"""

from __future__ import annotations

from zugong.core.panels import PanelRegistry

organization_page = PanelRegistry("org")

register = organization_page.register
unregister = organization_page.unregister
registered = organization_page.registered

