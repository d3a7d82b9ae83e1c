"""Both sides see a dispatch: the sending side's subtree and the host side's; nobody else."""

import datetime as dt

import pytest

from zugong.dispatch.models import Dispatch, DispatchReport, Rotation
from zugong.orgs import services as org_services

from .conftest import make_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def cross(tree, programs):
    """太原 财政局 sends 王五 to the 大同 village."""
    d = make_dispatch(programs.fs, tree.people.wangwu, tree.b2, host_org=tree.b3)
    DispatchReport.objects.create(dispatch=d, org_path=d.org_path, period_start=dt.date(2026, 1, 1),
                                  period_end=dt.date(2026, 1, 31), days_in_village=20, workdays=20, work_log="x",
                                  submitted_on=dt.date(2026, 2, 2))
    return d


def test_both_sides_see_it_and_nobody_else(tree, users, cross):
    assert list(Dispatch.objects.visible_to(users.taiyuan)) == [cross]  # sending side
    assert list(Dispatch.objects.visible_to(users.datong)) == [cross]  # host side
    assert not Dispatch.objects.visible_to(users.secretary).exists()  # 红星社区 is neither
    assert DispatchReport.objects.visible_to(users.datong).count() == 1
    assert not DispatchReport.objects.visible_to(users.secretary).exists()
    # Narrowing to a subtree matches either side.
    assert Dispatch.objects.visible_to(users.admin).subtree(tree.datong.path).count() == 1
    assert Dispatch.objects.visible_to(users.admin).subtree(tree.b1.path).count() == 0
    assert not Dispatch.objects.visible_to(users.datong).subtree(tree.b1.path).exists()


def test_host_side_follows_an_organization_move(tree, users, cross):
    org_services.move(users.admin, tree.b3, tree.taiyuan)
    assert Dispatch.objects.visible_to(users.datong).count() == 0
    assert Dispatch.objects.visible_to(users.taiyuan).count() == 1
    # The sending side's stored path follows a move of the sending organization.
    org_services.move(users.admin, tree.b2, tree.datong)
    cross.refresh_from_db()
    assert cross.org_path.startswith(tree.datong.path)


def test_host_side_pages(login, tree, users, cross):
    client = login(users.datong)
    r = client.get(f"/dispatch/{cross.pk}/")
    assert r.status_code == 200 and "王五" in r.content.decode()
    assert "王五" in client.get("/dispatch/").content.decode()
    assert "王五" in client.get("/dispatch/reports/").content.decode()
    assert client.get(f"/api/dispatch/dispatches/{cross.pk}/").status_code == 200
    other = login(users.secretary)
    assert other.get(f"/dispatch/{cross.pk}/").status_code == 404
    assert "王五" not in other.get("/dispatch/").content.decode()


def test_rotation_seen_from_both_units(tree, users):
    r = Rotation.objects.create(person=tree.people.wangwu, organization=tree.b2, kind="cross_region",
                                from_level="county", from_org=tree.b2, from_unit_name="小店区财政局",
                                to_level="county", to_org=tree.b3, to_unit_name="平城区某村", on=dt.date(2025, 1, 1))
    assert list(Rotation.objects.visible_to(users.datong)) == [r]
    assert list(Rotation.objects.visible_to(users.taiyuan)) == [r]
    assert not Rotation.objects.visible_to(users.secretary).exists()
