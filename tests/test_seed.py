"""`zugong seed`: a valid tree, correct counts, valid and unique ID numbers, every person a party member with
consistent dates and dues, demo accounts, determinism."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from tests.conftest import seed_once
from zugong.core.dates import add_years, age_on
from zugong.demo.generate import Context, Plan, _step
from zugong.demo.membership import MEMBERSHIP_COLUMNS, NOTE_NO_BASE, NOTE_OLD_BASE, Members
from zugong.orgs.divisions import get_division
from zugong.people import idnumber, names

# The seed is reproducible for a given day (`--as-of`); these tests pin one.
AS_OF = dt.date(2026, 6, 30)

PASSWORD = "Seed-test-password-2026"


def seed(*args):
    out = StringIO()
    call_command("seed", "--scale", "tiny", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    yield from seed_once(django_db_blocker, "--scale", "tiny", "--as-of", AS_OF.isoformat(), "--seed", "7",
                         password=PASSWORD)


@pytest.fixture
def seeded(_seeded_once, db, monkeypatch):
    monkeypatch.setenv("ZUGONG_DEMO_PASSWORD", PASSWORD)
    return _seeded_once


def orgs():
    from zugong.orgs.models import Organization

    return Organization.objects.unrestricted()


def people():
    from zugong.people.models import Person

    return Person.objects.unrestricted()


# ---------------------------------------------------------------- the plan alone (no database)


def test_treebeard_steps():
    assert [_step(i) for i in (1, 9, 10, 35, 36, 37)] == ["0001", "0009", "000A", "000Z", "0010", "0011"]


def test_plan_is_deterministic_and_seed_dependent():
    def sample(seed):
        plan = Plan("tiny", seed, as_of=AS_OF)
        plan.build()
        rows = list(plan.people_rows("2026-01-01 00:00:00"))
        from zugong.core import pii

        # the rows carry the sealed ID numbers (a fresh nonce each time): compare what they hold (issue 12)
        return [(o.code, o.name, o.path) for o in plan.orgs], [(r[2], pii.unseal(r[6], "id_number")) for r in rows]

    assert sample(3) == sample(3)
    assert sample(3)[1] != sample(4)[1]


def test_county_plan_people_are_valid():
    """A whole county (~21,000 people) without the database: unique, valid, consistent ID numbers."""
    plan = Plan("county", 1, as_of=AS_OF)
    plan.build()
    rows = list(plan.people_rows("2026-01-01 00:00:00"))
    assert len(rows) == sum(o.people for o in plan.orgs) > 15_000
    from zugong.core import pii

    numbers = [pii.unseal(r[6], "id_number") for r in rows]  # the rows carry the sealed numbers (issue 12)
    assert len(set(numbers)) == len(numbers)
    assert len({o.code for o in plan.orgs}) == len(plan.orgs)
    home = Counter()
    for r, number in zip(rows, numbers):
        info = idnumber.parse_id_number(number)
        assert info.birth_date.isoformat() == r[5]
        assert (info.sex == "男") == (r[3] == "1")
        assert 18 <= age_on(info.birth_date, AS_OF) <= 96
        home[info.area_code] += 1
    # Most people were born in the district itself (小店区); some elsewhere in Shanxi or outside.
    assert home.most_common(1)[0][0] == "140105"
    assert sum(n for code, n in home.items() if not code.startswith("14")) > 0


def test_context_sequence_numbers_are_disjoint():
    county = Context("140105", "140105", "140100", 0, 1)
    city = Context("140100", "", "140100", 121, 8)
    birth = dt.date(1980, 5, 17).toordinal()
    natives = {county.seq("140105", birth, 1) for _ in range(100)}
    assert None not in natives and all(s % 2 == 1 and s < 500 for s in natives)
    others = [city.seq("140105", birth, 0) for _ in range(9)]
    assert others[-1] is None  # eight numbers per day and sex, then the caller moves the birthday
    assert all(s % 2 == 0 and s >= 500 for s in others[:-1])
    assert county.seq("140106", birth, 1) == 501  # the county's own pair for people born elsewhere


# ---------------------------------------------------------------- seeded database


@pytest.mark.django_db
def test_tree_is_valid(seeded):
    from zugong.orgs.models import Organization

    assert all(problem == [] for problem in Organization.objects.find_problems())
    rows = list(orgs().values_list("path", "depth", "numchild"))
    paths = {p for p, _, _ in rows}
    children = Counter(p[:-4] for p in paths if len(p) > 4)
    for path, depth, numchild in rows:
        assert depth == len(path) // 4
        assert numchild == children.get(path, 0)
        assert len(path) == 4 or path[:-4] in paths
    root = orgs().get(depth=1)
    assert root.name == "中共山西省委员会" and root.code == "14"
    cities = orgs().filter(depth=2, kind="committee", code__regex=r"^14[0-9]{2}$")
    assert cities.count() == 11 and cities.filter(name="中共太原市委员会", code="1401").exists()


@pytest.mark.django_db
def test_counts_codes_terms_and_units(seeded):
    from zugong.orgs.models import Organization

    counted = dict(
        people().values_list("organization").annotate(n=Count("id")).values_list("organization", "n")
    )
    total = 0
    for org in orgs():
        assert org.direct_people == counted.get(org.pk, 0), org.name
        total += org.direct_people
        assert org.term_years == org.default_term_years()
        if org.term_started_on:
            assert org.term_ends_on == add_years(org.term_started_on, org.term_years)
        else:
            assert org.term_ends_on is None
        if org.kind == Organization.Kind.PARTY_GROUP:
            # Members belong to branches (the membership names the group); groups have no term.
            assert org.direct_people == 0 and org.term_started_on is None
            assert Organization.objects.get_parent(org).kind == Organization.Kind.BRANCH
        if org.unit_id:
            assert org.path.startswith(org.unit.org_path)  # the unit belongs to it or to an ancestor
    assert total == people().count() > 1000
    codes = list(orgs().values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    kinds = set(orgs().values_list("kind", flat=True))
    assert kinds == {"committee", "general_branch", "branch", "party_group"}
    today = dt.date.today()
    assert orgs().filter(term_ends_on__lt=today).exists() and orgs().filter(term_ends_on__gt=today).exists()
    assert not people().exclude(org_path__in=orgs().values("path")).exists()
    mismatched = [
        p for p in people().select_related("organization")[:500] if p.org_path != p.organization.path
    ]
    assert mismatched == []


@pytest.mark.django_db
def test_people_are_valid(seeded):
    numbers = set()
    for p in people().iterator():
        info = idnumber.parse_id_number(p.id_number)
        assert info.number == p.id_number
        assert info.birth_date == p.birth_date
        assert p.sex == ("1" if info.sex == "男" else "2")
        assert 18 <= age_on(p.birth_date, AS_OF)
        assert get_division(info.area_code) is not None or not info.area_code.startswith("14")
        # Sealed and hashed as the model does it (the seed writes rows without the ORM).
        assert {k: getattr(p, k) for k in ("id_hash", "id_tail4", "id_tail6")} == (
            people().model._meta.get_field("id_number").index_values(p.id_number))
        assert (p.name_pinyin, p.name_initials, p.pinyin_key, p.stroke_key) == names.name_keys(p.name)
        assert p.ethnicity and p.education and p.birthplace and p.native_place
        assert not p.phone or (len(p.phone) == 11 and p.phone.startswith("1"))
        numbers.add(p.id_number)
    assert len(numbers) == people().count()
    # Realistic mix: mostly 汉族 and men in villages, several generations.
    assert people().filter(ethnicity="01").count() > 0.95 * len(numbers)
    years = {d.year // 10 for d in people().values_list("birth_date", flat=True)}
    assert len(years) >= 5


def memberships():
    from zugong.members.models import Membership

    return Membership.objects.unrestricted()


@pytest.mark.django_db
def test_every_person_in_a_branch_is_one_member_of_it(seeded):
    from zugong.members.models import Membership

    # Recruitment applicants (zugong/demo/cases.py) sit in branches without being members yet (admitted members
    # have an approved case and a membership).
    applicants = people().filter(recruitment_cases__isnull=False, recruitment_cases__approved_on__isnull=True)
    people_by_id = {p.pk: p for p in people().exclude(pk__in=applicants).select_related("organization")}
    seen = Counter()
    for m in memberships():
        person = people_by_id[m.person_id]
        assert m.organization_id == person.organization_id and m.org_path == person.org_path
        seen[m.person_id] += 1
    assert all(p.organization.kind == "branch" for p in people_by_id.values())
    assert seen == Counter(people_by_id.keys())  # exactly one each (and none for an applicant)
    groups = dict(orgs().filter(kind="party_group").values_list("pk", "path"))
    for m in memberships().exclude(party_group=None):
        group = groups[m.party_group_id]
        assert group.startswith(m.org_path) and len(group) == len(m.org_path) + 4
    assert memberships().exclude(party_group=None).exists()
    # not active: the few introducers planted as stopped in 2025 (zugong/demo/history.py), and the deaths and
    # 出党 of the statistics data (zugong/demo/stats.py), each with its `Exit` of the matching kind
    from zugong.members.models import Exit

    S = Membership.Status
    inactive = memberships().exclude(status__in=Membership.ACTIVE_STATUSES)
    exited = dict(Exit.objects.unrestricted().values_list("membership_id", "kind"))
    stopped = inactive.exclude(pk__in=list(exited))
    assert stopped.count() <= 6 and set(stopped.values_list("status", flat=True)) <= {S.STOPPED}
    assert exited and all((status == S.DECEASED) == (exited[pk] == Exit.Kind.DIED)
                          for pk, status in inactive.filter(pk__in=list(exited)).values_list("pk", "status"))


@pytest.mark.django_db
def test_membership_dates_and_categories(seeded):
    from zugong.members.models import Membership

    births = dict(people().values_list("pk", "birth_date"))
    year_ago = add_years(AS_OF, -1)
    status = Counter()
    for m in memberships():
        status[m.status] += 1
        assert m.joined_on >= add_years(births[m.person_id], 18)  # joined after the 18th birthday
        assert m.joined_on <= AS_OF
        if m.status in (Membership.Status.FULL, Membership.Status.STOPPED,  # a few stops planted (demo/history.py)
                        Membership.Status.LEFT, Membership.Status.DECEASED):  # and exits (demo/stats.py)
            assert m.converted_on == add_years(m.joined_on, 1) and m.converted_on <= AS_OF
        else:
            assert m.converted_on is None and m.joined_on > year_ago and not m.committee_post
        # The recorded dues kind is the one the category implies (mobile and lost keep their own).
        implied = Membership.CATEGORY_DUES_KIND.get(m.category)
        assert m.dues_kind == implied or (implied is None and m.dues_kind in ("salary", "farmer", "minimum"))
        assert (m.dues_base is not None) <= (m.dues_kind in ("salary", "pension"))
        assert m.dues_from.day == 1 and m.dues_from >= m.joined_on.replace(day=1)
        assert (m.category == "lost") == (m.lost_contact_since is not None)
        assert (m.away_since is not None) <= (m.category == "mobile")
        assert m.graduated_on is None or m.organization.sector == "school"
        m.full_clean(exclude=["person", "organization"])
    total = sum(status.values())
    assert 0.005 < status["probationary"] / total < 0.08
    ages = {age_on(births[p], AS_OF) for p in memberships().values_list("person_id", flat=True)}
    assert min(ages) >= 18


@pytest.mark.django_db
def test_committees(seeded):
    full = Counter(memberships().filter(status="full").values_list("organization_id", flat=True))
    posts: dict[int, Counter] = {}
    held_posts = memberships().exclude(committee_post="").values_list("organization_id", "committee_post")
    for org_id, post in held_posts:
        posts.setdefault(org_id, Counter())[post] += 1
    assert posts
    for org_id, held in posts.items():
        assert all(n == 1 for n in held.values())  # one of each post per branch
        if full[org_id] >= 7 and sum(held.values()) >= 3:
            assert 3 <= sum(held.values()) <= 5 and held["secretary"] == 1
        else:
            assert set(held) <= {"secretary", "deputy_secretary"}


@pytest.mark.django_db
def test_dues_payments_match_the_brackets(seeded):
    from zugong.members.dues import last_due_month, monthly_dues
    from zugong.members.models import DuesExemption, DuesPayment

    members = {m.pk: m for m in memberships()}
    payments = DuesPayment.objects.unrestricted()
    assert payments.count() > 8 * len(members)
    window = set()
    for p in payments:
        m = members[p.membership_id]
        window.add(p.month)
        late = p.note == "补交"  # a few back-payments made 7 months late (demo/member_history.py)
        assert p.month.day == 1 and (p.paid_on.replace(day=1) > p.month if late else
                                     p.paid_on.replace(day=1) == p.month) and p.paid_on <= AS_OF
        assert p.month >= m.dues_from
        assert (p.organization_id, p.org_path) == (m.organization_id, m.org_path)
        if p.note == "":
            assert p.amount == monthly_dues(m.dues_base, m.dues_kind)
        elif late:
            assert p.amount == monthly_dues(m.dues_base, m.dues_kind)
        elif p.note == "自愿多交党费":  # a few voluntary payments of 1,000 元 more (demo/member_history.py)
            assert p.amount == monthly_dues(m.dues_base, m.dues_kind) + 1000
        elif p.note == NOTE_OLD_BASE:
            assert 0 < p.amount < monthly_dues(m.dues_base, m.dues_kind)
        else:
            assert p.note == NOTE_NO_BASE and m.dues_base is None and m.dues_kind in ("salary", "pension")
    assert len(window) == 12 and max(window) == AS_OF.replace(day=1)
    for e in DuesExemption.objects.unrestricted():
        assert e.reason and e.org_path == members[e.membership_id].org_path
        until = e.month_to or AS_OF
        excused = payments.filter(membership=e.membership_id, month__gte=e.month_from, month__lte=until)
        assert not excused.exists()
    # Most members have paid up to the last month owed; a few have not.
    last_due = last_due_month(AS_OF)
    paid_up = payments.filter(month=last_due).count()
    assert 0.85 * len(members) < paid_up < len(members)


@pytest.mark.django_db
def test_rules_find_the_seeded_cases(seeded):
    from zugong.core import rules

    result = rules.scan("", as_of=AS_OF)
    found = result.per_rule
    assert found["members.dues_unpaid_six_months"] > 0
    assert found["members.branch_without_committee"] >= 0 and found["members.branch_too_small"] >= 0
    assert sum(found.values()) < memberships().count() * 0.2
    assert rules.scan("", as_of=AS_OF).opened == 0  # a rescan opens nothing new


def test_plan_memberships_are_deterministic():
    def sample(seed):
        plan = Plan("tiny", seed, as_of=AS_OF)
        plan.build()
        for _ in plan.people_rows("now"):
            pass
        members = Members(plan)
        rows = list(members.membership_rows("now"))
        return rows, list(members.payment_rows("now"))

    first = sample(5)
    assert first == sample(5) and first[0] != sample(6)[0]
    assert len(first[0][0]) == len(MEMBERSHIP_COLUMNS)


@pytest.mark.django_db
def test_demo_accounts(seeded):
    from zugong.accounts.models import User
    from zugong.core.scope import Role

    assert "admin" in seeded and PASSWORD in seeded and "http://127.0.0.1:" in seeded
    expected = {"admin": ("14", Role.DEPT_ADMIN), "city": ("1401", Role.ORG_ADMIN)}
    for username, (code, role) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD) and user.display_name
        assert [(g.organization.code, g.role) for g in user.grants.all()] == [(code, role)]
    branch_user = User.objects.get(username="branch")
    grant = branch_user.grants.get()
    assert grant.role == Role.SECRETARY and grant.organization.kind == "branch"
    assert grant.organization.path.startswith(orgs().get(code="1401").path)
    assert grant.organization.direct_people > 0
    visible = people().visible_to(branch_user)
    assert 0 < visible.count() < people().count()
    assert people().visible_to(User.objects.get(username="admin")).count() == people().count()
    # 三员分立: one demo account per system duty, no grant; all six marked demo (no first-login change).
    for username in ("sysadmin", "secadmin", "auditor"):
        user = User.objects.get(username=username)
        assert user.duty == username and user.check_password(PASSWORD) and not user.grants.exists()
        assert f"  {username}" in seeded
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) >= {
        "admin", "city", "branch", "sysadmin", "secadmin", "auditor"}
    assert not any(u.must_change() for u in User.objects.filter(is_demo=True))


@pytest.mark.django_db
def test_one_audit_entry_and_a_valid_chain(seeded):
    from zugong.core import audit
    from zugong.core.models import AuditEntry

    entries = AuditEntry.objects.unrestricted().filter(action="import")
    assert entries.count() == 1 and "演示数据" in entries.get().note
    checked, broken = audit.verify()
    assert broken is None and checked >= 1


@pytest.mark.django_db
def test_same_seed_same_data(seeded):
    from zugong.members.models import DuesPayment

    def snapshot():
        return (
            sorted(people().values_list("organization__code", "name", "id_number")),
            sorted(
                memberships().values_list(
                    "person__id_number", "status", "joined_on", "category", "dues_base", "committee_post"
                )
            ),
            DuesPayment.objects.unrestricted().aggregate(n=Count("id"), total=Sum("amount")),
        )

    first = snapshot()
    seed("--seed", "7", "--force")
    assert snapshot() == first
    seed("--seed", "8", "--force")
    assert snapshot() != first


@pytest.mark.django_db
def test_refuses_a_non_empty_database(seeded):
    before = orgs().count()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert "跳过" in seed("--if-empty")
    assert orgs().count() == before


@pytest.mark.django_db(transaction=True)
def test_dropping_indexes_after_writes_in_the_same_transaction():
    """The province seed drops a table's foreign keys after earlier writes of its transaction left deferred
    checks pending on the referenced table (PostgreSQL refused: "pending trigger events")."""
    from django.db import transaction

    from zugong.cadres.models import Cadre
    from zugong.demo.cadres import CADRE_COLUMNS
    from zugong.demo.loader import Loader, Table
    from zugong.orgs.models import Organization, Unit

    with transaction.atomic():
        unit = Unit.objects.create(name="测试单位")
        Organization.add_root(name="测试党委", code="T1", kind=Organization.Kind.COMMITTEE, unit=unit)
        loader = Loader(log=lambda *a: None)
        table = Table.of(Cadre, CADRE_COLUMNS)
        statements = loader.drop_indexes(table)
        assert statements
        loader.recreate(statements)


@pytest.mark.django_db
def test_a_rerun_prints_the_logins_and_the_password(seeded):
    # `make run` runs `zugong seed --if-empty` every time: the README promises the accounts and the password on
    # every run, not only the first.
    out = seed("--if-empty")
    assert "跳过" in out
    assert "admin" in out and "city" in out and "branch" in out and "（组织部管理员，" in out
    assert "sysadmin" in out and "secadmin" in out and "（安全审计员，不接触业务数据）" in out
    assert f"密码：{PASSWORD}" in out
