"""The local rules of 在职党员到社区报到 (installed defaults): no service for 12 months → a finding with the
member's branch; a registration unconfirmed for more than 30 days → a reminder to the community; hours recorded
resolve the first at once (re-judged when the hours are written)."""

from zugong.core import config, rules
from zugong.core.models import Finding
from zugong.service import community_services as services
from zugong.service.rules.community import IDLE, UNCONFIRMED

from .community_fixtures import *  # noqa: F403
from .community_fixtures import D


def test_idle_and_unconfirmed_findings(tree, users, community):
    c, m = community, community.members
    config.install(tree.root, domains=["service-community"])
    idle = services.register(c.b2_user, m.wangwu, c.hq, D(2025, 3, 2))
    services.confirm(c.hq_user, idle, D(2025, 3, 5))
    waiting = services.register(users.taiyuan, m.zhangsan, c.hq, D(2026, 9, 1))
    rules.scan(tree.root.path, D(2026, 11, 27), [r for r in rules.all_rules() if r.code in (IDLE, UNCONFIRMED)])

    found = {f.rule: f for f in Finding.objects.unrestricted().open().filter(rule__in=(IDLE, UNCONFIRMED))}
    assert set(found) == {IDLE, UNCONFIRMED}
    assert found[IDLE].object_id == idle.pk and found[IDLE].org_path == tree.b2.path
    assert found[IDLE].person_id == m.wangwu.person_id
    assert "已连续 12 个月未参加社区服务" in found[IDLE].detail and "条款号待核" in found[IDLE].article
    assert found[UNCONFIRMED].object_id == waiting.pk and found[UNCONFIRMED].org_path == c.hq.path
    # the branch sees the idle finding, the community the reminder; another city neither
    assert Finding.objects.visible_to(c.b2_user).open().filter(rule=IDLE).exists()
    assert Finding.objects.visible_to(c.hq_user).open().filter(rule=UNCONFIRMED).exists()
    assert not Finding.objects.visible_to(users.datong).filter(rule__in=(IDLE, UNCONFIRMED)).exists()

    services.record_hours(c.hq_user, idle, D(2026, 10, 1), 2, "社区议事")
    assert not Finding.objects.unrestricted().open().filter(rule=IDLE).exists()
    services.confirm(c.hq_user, waiting, D(2026, 11, 2))
    assert not Finding.objects.unrestricted().open().filter(rule=UNCONFIRMED).exists()
