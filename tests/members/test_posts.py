"""Committee posts with their dates (members.PostSpan): written by the services with the current post kept in
step, ended by a transfer, carried over from today's posts by the migration, and shown as of a past day on the
organization page."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.members.conftest import make_member
from zugong.core.models import AuditEntry
from zugong.members import services
from zugong.members.models import Membership, PostSpan

pytestmark = pytest.mark.django_db
D = dt.date


def spans(m):
    return list(PostSpan.objects.unrestricted().filter(membership=m).order_by("started_on")
                .values_list("post", "started_on", "ended_on"))


def test_editing_the_post_writes_its_history_in_the_same_audit_entry(tree, users):
    m = make_member(tree.b1, "甲", 801)
    services.update_member(users.admin, m, committee_post="organization", post_on=D(2024, 3, 1))
    services.update_member(users.admin, m, committee_post="secretary", post_on=D(2025, 11, 15))
    m.refresh_from_db()
    assert m.committee_post == "secretary"
    assert spans(m) == [("organization", D(2024, 3, 1), D(2025, 11, 15)), ("secretary", D(2025, 11, 15), None)]
    entry = AuditEntry.objects.unrestricted().filter(model="members.membership", object_id=str(m.pk)).latest("id")
    assert entry.changes[0]["new"] == "书记"
    assert AuditEntry.objects.unrestricted().filter(model="members.postspan").count() >= 3
    services.update_member(users.admin, m, committee_post="")  # today
    assert spans(m)[-1][2] is not None and Membership.objects.unrestricted().get(pk=m.pk).committee_post == ""
    with pytest.raises(ValidationError) as exc:  # before the last change: correct that span instead
        services.update_member(users.admin, m, committee_post="member", post_on=D(2024, 1, 1))
    assert "post_on" in exc.value.message_dict


def test_registering_a_member_with_a_post_opens_its_span(tree, users):
    from tests.conftest import make_person

    p = make_person(tree.b2, "乙", seq=803)
    m = services.register_member(users.admin, p, tree.b2, joined_on=D(2000, 7, 1), converted_on=D(2001, 7, 1),
                                 committee_post="secretary", post_on=D(2023, 5, 4))
    assert spans(m) == [("secretary", D(2023, 5, 4), None)]


def test_a_transfer_ends_the_post_on_the_day_it_is_received(tree, users):
    from tests.branchlife.test_roster import move

    m = make_member(tree.b1, "丙", 805, committee_post="propaganda")
    move(users.admin, m, D(2025, 6, 10), to_org=tree.b2)
    m.refresh_from_db()
    assert m.committee_post == "" and spans(m)[-1][2] == D(2025, 6, 10)


def test_the_migration_carries_todays_posts_from_the_latest_election(tree, users):
    from importlib import import_module

    from django.apps import apps

    from zugong.elections.models import Election, ElectionCandidate

    a = make_member(tree.b1, "丁", 807)  # tree.b1: term started 2021-06-01
    b = make_member(tree.b2, "戊", 809)  # no term, no election: the day the member became full
    c = make_member(tree.b1, "己", 811)
    Membership.objects.unrestricted().filter(pk__in=[a.pk, c.pk]).update(committee_post="secretary")
    Membership.objects.unrestricted().filter(pk=b.pk).update(committee_post="member")
    e = Election.objects.create(organization=tree.b1, held_on=D(2024, 5, 6), seats=3, candidates=4,
                                expected_voters=9, voters_present=9, valid=True)
    ElectionCandidate.objects.create(election=e, person=a.person, name="丁", yes_votes=9, elected=True)
    migration = import_module("zugong.members.migrations.0011_committee_post_spans")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert spans(a) == [("secretary", D(2024, 5, 6), None)]
    assert PostSpan.objects.unrestricted().get(membership=a).election == e
    assert PostSpan.objects.unrestricted().get(membership=c).appointment == "迁移时的现任职务"
    assert spans(b) == [("member", b.converted_on, None)]


def test_the_organization_page_shows_a_past_committee(login, tree, users):
    old, new = make_member(tree.b1, "庚", 813), make_member(tree.b1, "辛", 815)
    services.set_committee(users.admin, tree.b1, D(2022, 1, 10), {old.pk: "secretary", new.pk: "organization"},
                           appointment="换届选举")
    services.set_committee(users.admin, tree.b1, D(2025, 11, 15), {old.pk: "member", new.pk: "secretary"},
                           appointment="上级党组织任命")
    client = login(users.taiyuan)
    page = client.get(f"/orgs/{tree.b1.pk}/?committee_on=2025-06-30").content.decode()
    part = page[page.index('id="committee"'):]
    part = part[:part.index("</dd>")]
    assert part.index("书记") < part.index("庚") < part.index("组织委员") < part.index("辛")
    assert "任职 2022.1.10—2025.11.14（上级党组织任命）" not in part
    assert "任职 2022.1.10—2025.11.14（换届选举）" in part
    today = client.get(f"/orgs/{tree.b1.pk}/").content.decode()
    part = today[today.index('id="committee"'):]
    assert part.index("书记") < part.index("辛") < part.index("2025.11.15起")
