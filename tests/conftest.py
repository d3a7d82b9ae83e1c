"""Shared fixtures: a small province with two cities side by side, people in each, and users of each side."""

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zugong.core.scope import Role


# The day the tests' fixtures and expectations were written for (deadlines, overdue days, ages, "today"
# defaults). The suite runs on that day at 10:00 in the platform's time zone, the clock ticking from there, so
# it gives the same answers whatever the machine's date and hour (Asia/Shanghai is 8 hours ahead of the UTC
# machines: from 16:00 UTC a real clock already reads the next day).
REFERENCE_DAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_traveller = None


def pytest_configure(config):
    global _traveller
    _traveller = time_machine.travel(REFERENCE_DAY, tick=True)
    _traveller.start()


def pytest_collection_modifyitems(config, items):
    """The browser tests (marker `browser`: chromium through Playwright) run in the SQLite run of `make test`
    only: they check pages, scripts and forms as a user meets them, and the database work under those pages is
    tested on both databases by the other tests. On PostgreSQL they would double the slowest part of the suite
    (about a quarter of its time on a 2-core machine). `ZUGONG_BROWSER_ON_PG=1` runs them there too."""
    import os

    if "postgres" not in os.environ.get("DATABASE_URL", "") or os.environ.get("ZUGONG_BROWSER_ON_PG") == "1":
        return
    kept, browser = [], []
    for item in items:
        (browser if item.get_closest_marker("browser") else kept).append(item)
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = kept


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


def _org(parent, name, code, kind="committee", sector="government", **extra):
    from zugong.orgs.models import Organization

    org = Organization(name=name, code=code, kind=kind, sector=sector, **extra)
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(parent, instance=org)


def make_person(org, name, area="140105", birth=dt.date(1980, 5, 17), seq=11, **extra):
    from zugong.people.idnumber import make_id_number
    from zugong.people.models import Person

    number = make_id_number(area, birth, seq)
    return Person.objects.create(
        organization=org, name=name, sex="1" if seq % 2 else "2", birth_date=birth, id_number=number, **extra
    )


@pytest.fixture
def tree(db):
    """山西省委 → 太原市委 (→ 小店区委 → 两个支部) and 大同市委 (→ 一个支部); people in the branches."""
    root = _org(None, "中共山西省委员会", "14")
    ty = _org(root, "中共太原市委员会", "1401")
    xd = _org(ty, "中共太原市小店区委员会", "140105")
    b1 = _org(xd, "中共太原市小店区坞城街道红星社区支部委员会", "14010501", "branch", "community",
              term_started_on=dt.date(2021, 6, 1))
    b2 = _org(xd, "中共太原市小店区财政局机关支部委员会", "14010502", "branch")
    dtc = _org(root, "中共大同市委员会", "1402")
    b3 = _org(dtc, "中共大同市平城区某某村支部委员会", "14021301", "branch", "rural")
    people = SimpleNamespace(
        zhangsan=make_person(b1, "张三", seq=11),
        lisi=make_person(b1, "李四", seq=12),
        wangwu=make_person(b2, "王五", seq=13),
        zhaoliu=make_person(b3, "赵六", area="140213", seq=15),
        sunqi=make_person(b3, "孙七", area="140213", seq=16),
    )
    for o in (root, ty, xd, b1, b2, dtc, b3):
        o.refresh_from_db()
    return SimpleNamespace(root=root, taiyuan=ty, xiaodian=xd, b1=b1, b2=b2, datong=dtc, b3=b3, people=people)


def make_user(username, org, role, password="Zg-test-pass-2026"):
    from zugong.accounts.models import ScopeGrant, User

    user = User.objects.create_user(username=username, password=password, display_name=username)
    ScopeGrant.objects.create(user=user, organization=org, role=role)
    user.raw_password = password
    return user


@pytest.fixture
def users(tree):
    return SimpleNamespace(
        admin=make_user("admin", tree.root, Role.DEPT_ADMIN),
        taiyuan=make_user("ty_admin", tree.taiyuan, Role.ORG_ADMIN),
        datong=make_user("dt_admin", tree.datong, Role.ORG_ADMIN),
        secretary=make_user("b1_sec", tree.b1, Role.SECRETARY),
        reader=make_user("reader", tree.xiaodian, Role.READONLY),
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


class ReadingAPIClient:
    """An APIClient behaving as a well-written API client does (issue 12, finding 4): a PATCH or PUT that names no
    `If-Match` first GETs the record and sends back the ETag it read. Tests of the version check itself
    (tests/test_versions.py) use a plain APIClient."""

    def __new__(cls):
        from rest_framework.test import APIClient

        class _Client(APIClient):
            def _with_version(self, method, path, data=None, **extra):
                if "HTTP_IF_MATCH" not in extra and "headers" not in extra:
                    read = self.get(path)
                    if read.has_header("ETag"):
                        extra["HTTP_IF_MATCH"] = read["ETag"]
                return getattr(super(), method)(path, data, **extra)

            def patch(self, path, data=None, **extra):
                return self._with_version("patch", path, data, **extra)

            def put(self, path, data=None, **extra):
                return self._with_version("put", path, data, **extra)

        return _Client()


@pytest.fixture
def api_client():
    """The API client class the API tests use (`ReadingAPIClient`)."""
    return ReadingAPIClient


# The edit pages (their URL names) whose form carries the record's version (`core.forms.VersionedFormMixin`).
EDIT_URL = re.compile(r"(^|_)edit$|^(lead_time|local_rule|study|appraisal|appraisal_result)$")


@pytest.fixture(autouse=True)
def _posts_carry_the_version_the_page_rendered(monkeypatch):
    """A browser posts an edit form back with the version it rendered (`record_version`). A test that posts a
    hand-made dict to an edit page stands for a user who opened the page just before: without a
    `record_version` key of its own, the test client reads the page first and sends the version it shows.
    A test of the check itself gives the key (tests/test_versions.py)."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    original = Client.post

    def post(self, path, data=None, *args, **extra):
        if isinstance(data, dict) and "record_version" not in data:
            try:
                name = resolve(path.split("?", 1)[0]).url_name or ""
            except Resolver404:
                name = ""
            if EDIT_URL.search(name):
                headers = {k: v for k, v in extra.items() if k.startswith("HTTP_") or k == "REMOTE_ADDR"}
                page = self.get(path, **headers)
                found = re.search(rb'name="record_version" value="([^"]*)"', page.content)
                if page.status_code == 200 and found:
                    data = {**data, "record_version": found.group(1).decode()}
        return original(self, path, data, *args, **extra)

    monkeypatch.setattr(Client, "post", post)


def seed_once(django_db_blocker, *args, password="Seed-test-password-2026"):
    """A demo seed written once for a test module (`zugong seed ARGS`), inside a transaction rolled back when
    the module ends; each test runs in a savepoint within it (pytest-django's `db`), so whatever a test changes
    — a second seed with --force included — is undone before the next. Use it in a module-scoped fixture:

        @pytest.fixture(scope="module")
        def _seeded_once(django_db_setup, django_db_blocker):
            yield from seed_once(django_db_blocker, "--scale", "tiny", "--seed", "7")

        @pytest.fixture
        def seeded(_seeded_once, db):
            return _seeded_once

    It yields the command's output. A seed costs 15–30 s; once per module instead of once per test."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZUGONG_DEMO_PASSWORD", password)
        with transaction.atomic():
            out = StringIO()
            call_command("seed", *args, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
