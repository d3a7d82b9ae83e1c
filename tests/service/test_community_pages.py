"""The pages of 在职党员到社区报到: the community's page (waiting, registered with hours, activities), the
branch's roster and the organization page's tab, a registration's page and its actions, attendance entry, the
export; a user of another city gets 404 and sees nothing in the list."""

from decimal import Decimal

from django.urls import reverse

from zugong.service import community_services as services
from zugong.service.models import CommunityRegistration, ServiceHours

from .community_fixtures import *  # noqa: F403


def test_pages_flow_and_scope(tree, users, community, login, client):
    c, m = community, community.members
    client = login(c.b2_user)
    r = client.post(reverse("service:community_register"), {
        "person": m.wangwu.person_id, "community_code": c.hq.code, "registered_on": "2026-03-02",
        "residence": "双塔小区3号楼", "skills": "法律咨询"})
    assert r.status_code == 302, r.content.decode()[:3000]
    reg = CommunityRegistration.objects.unrestricted().get(membership=m.wangwu)
    # a second registration is refused on the form, in Chinese
    r = client.post(reverse("service:community_register"), {
        "person": m.wangwu.person_id, "community_code": c.hq.code, "registered_on": "2026-03-03"})
    assert r.status_code == 200 and "同一时间只能在一个社区报到" in r.content.decode()

    client = login(c.hq_user)
    page = client.get(reverse("service:community_org", args=[c.hq.code])).content.decode()
    assert "待确认的报到（1 人）" in page and "王五" in page
    r = client.post(reverse("service:community_action", args=[reg.pk]), {"action": "confirm", "on": "2026-03-05"})
    assert r.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    r = client.post(reverse("service:community_activity_new", args=[c.hq.code]), {
        "held_on": "2026-04-11", "title": "环境整治志愿服务", "kind": "志愿服务", "hours": "3"})
    assert r.status_code == 302
    activity_url = r["Location"]
    assert "王五" in client.get(activity_url).content.decode()
    client.post(activity_url, {"registrations": [reg.pk]})
    assert ServiceHours.objects.unrestricted().get(registration=reg).hours == Decimal("3.0")
    page = client.get(reverse("service:community_org", args=[c.hq.code])).content.decode()
    assert "已报到党员（1 人）" in page and "3.0" in page

    # the branch: its roster page and the organization page's tab
    client = login(c.b2_user)
    page = client.get(reverse("service:community_branch", args=[tree.b2.code])).content.decode()
    assert "双塔社区委员会" in page and "已登记报到 1 人" in page and "3.0" in page
    page = client.get(reverse("orgs:detail", args=[tree.b2.pk]) + "?tab=community").content.decode()
    assert 'id="community-org-panel"' in page and "王五" in page and "3.0" in page
    # the member page's tab (members.panels): the registration and its hours; no second registration offered
    page = client.get(reverse("members:detail", args=[m.wangwu.pk]) + "?tab=community").content.decode()
    assert 'id="community-member-panel"' in page and "双塔社区委员会" in page and "3.0" in page
    assert 'id="community-member-register"' not in page
    page = client.get(reverse("members:detail", args=[m.wangwu.pk])).content.decode()
    assert 'id="tab-community"' in page and 'id="community-member-panel"' not in page
    page = client.get(reverse("service:community_registration", args=[reg.pk])).content.decode()
    assert "环境整治志愿服务" in page and "登记服务时长" in page and "社区党组织确认" not in page
    r = client.get(reverse("service:community_list") + "?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "王五" in client.get(reverse("service:community_list")).content.decode()
    assert "在职党员到社区报到" in client.get(reverse("service:index")).content.decode()

    # another city: nothing
    client = login(users.datong)
    assert client.get(reverse("service:community_registration", args=[reg.pk])).status_code == 404
    assert client.get(reverse("members:detail", args=[m.wangwu.pk]) + "?tab=community").status_code == 404
    assert client.get(reverse("service:community_org", args=[c.hq.code])).status_code == 404
    assert client.get(reverse("service:community_branch", args=[tree.b2.code])).status_code == 404
    assert "王五" not in client.get(reverse("service:community_list")).content.decode()
    r = client.post(reverse("service:community_action", args=[reg.pk]), {"action": "end", "on": "2026-06-01",
                                                                          "reason": "x"})
    assert r.status_code == 404
    assert services.LIVE  # the registration is still live
    reg.refresh_from_db()
    assert reg.status == "confirmed"
