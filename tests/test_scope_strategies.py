"""Scope strategies (zugong.core.scope): own subtree, either side, inherited; the stored path kept on save and
after an organization move or merge; the same visibility and fail-closed guard as before."""

import datetime as dt

import pytest
from django.apps import apps

from zugong.core import scope
from zugong.core.scope import EitherSide, Inherited, OwnSubtree, ScopedModel, ScopeError
from zugong.dispatch.models import Dispatch, DispatchReport, Evaluation, Rotation, WorkTeam
from zugong.elections.models import Election, ElectionCandidate
from zugong.members.models import TransferRequest
from zugong.orgs import services as org_services
from zugong.people.models import Person

from tests.conftest import make_person, make_user



def _election(org):
    return Election.objects.create(organization=org, held_on=dt.date(2026, 3, 1), seats=5, candidates=6,
                                   expected_voters=30, voters_present=28)


def _transfer(from_org, to_org, **extra):
    fields = {"kind": TransferRequest.Kind.WITHIN, "name": "张三", "id_number": "x" * 18, "member_status": "full",
              "joined_on": dt.date(2000, 7, 1), "requested_on": dt.date(2026, 11, 1), **extra}
    return TransferRequest.objects.create(from_org=from_org, to_org=to_org, **fields)


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


# ---------------------------------------------------------------- declarations


def test_every_scoped_record_model_declares_a_strategy():
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if not getattr(model, "scope_follows_org", False):
            continue
        if not (issubclass(model, ScopedModel) and isinstance(getattr(model, "scope", None), scope.Strategy)):
            missing.append(label)
        elif getattr(model.scope, "stored", True):
            model._meta.get_field(model.scope.field)  # the stored path column exists
    assert not missing, f"scoped models without a declared strategy: {missing}"


def test_sides_are_those_the_two_sided_querysets_used():
    assert scope.sides_of(Person) == ("org_path",)
    assert scope.sides_of(TransferRequest) == ("from_org__path", "to_org__path")
    assert scope.sides_of(Dispatch) == ("org_path", "host_org__path", "host_unit__org_path")
    assert scope.sides_of(WorkTeam) == ("org_path", "host_org__path", "host_unit__org_path")
    assert scope.sides_of(Rotation) == ("org_path", "from_org__path", "to_org__path")
    for child in (DispatchReport, Evaluation):
        assert scope.sides_of(child) == ("org_path", "dispatch__host_org__path", "dispatch__host_unit__org_path")
    assert scope.sides_of(ElectionCandidate) == ("org_path",)
    assert isinstance(TransferRequest.scope, EitherSide)
    assert isinstance(ElectionCandidate.scope, Inherited)
    assert isinstance(Person.scope, OwnSubtree)


def test_either_side_needs_two_sides():
    with pytest.raises(ValueError):
        EitherSide("organization")


# ---------------------------------------------------------------- own subtree


@pytest.mark.django_db
def test_own_subtree_path_is_kept_on_save_and_follows_the_organization(tree, users):
    person = tree.people.zhangsan
    assert person.org_path == tree.b1.path
    assert person.pk in _ids(Person.objects.visible_to(users.taiyuan))
    assert person.pk not in _ids(Person.objects.visible_to(users.datong))

    # Changed by id only (no cached organization): the base notices and copies the new path.
    person = Person.objects.unrestricted().get(pk=person.pk)
    person.organization_id = tree.b3.pk
    person.save()
    assert Person.objects.unrestricted().get(pk=person.pk).org_path == tree.b3.path
    assert person.pk in _ids(Person.objects.visible_to(users.datong))
    assert person.pk not in _ids(Person.objects.visible_to(users.taiyuan))

    # update_fields naming the relation writes the path too.
    person.organization = tree.b2
    person.save(update_fields=["organization"])
    assert Person.objects.unrestricted().get(pk=person.pk).org_path == tree.b2.path


@pytest.mark.django_db
def test_unchanged_relation_does_not_refetch_the_organization(tree, django_assert_num_queries):
    election = _election(tree.b1)
    election = Election.objects.unrestricted().get(pk=election.pk)
    election.note = "改"
    with django_assert_num_queries(0):  # nothing changed: the organization is not fetched again
        election.scope.fill(election)
    assert election.org_path == tree.b1.path


# ---------------------------------------------------------------- inherited


@pytest.mark.django_db
def test_inherited_path_is_copied_from_the_parent(tree, users):
    election = _election(tree.b1)
    candidate = ElectionCandidate.objects.create(election=election, name="张三", yes_votes=20)
    assert candidate.org_path == tree.b1.path
    assert candidate.pk in _ids(ElectionCandidate.objects.visible_to(users.secretary))
    assert candidate.pk not in _ids(ElectionCandidate.objects.visible_to(users.datong))

    other = _election(tree.b3)
    candidate.election = other
    candidate.save()
    assert ElectionCandidate.objects.unrestricted().get(pk=candidate.pk).org_path == tree.b3.path


# ---------------------------------------------------------------- either side


@pytest.mark.django_db
def test_either_side_is_seen_from_both_organizations(tree, users):
    transfer = _transfer(tree.b1, tree.b3)
    assert transfer.org_path == tree.b1.path  # the first side that is set places it
    for user in (users.admin, users.taiyuan, users.datong, users.secretary, users.reader):
        assert transfer.pk in _ids(TransferRequest.objects.visible_to(user)), user.username


    b2_only = make_user("b2_only", tree.b2, scope.Role.ORG_ADMIN)
    assert transfer.pk not in _ids(TransferRequest.objects.visible_to(b2_only))

    inbound = _transfer(None, tree.b3, kind=TransferRequest.Kind.IN, from_org_name="省外某支部",
                        id_number="y" * 18)
    assert inbound.org_path == tree.b3.path
    assert inbound.pk not in _ids(TransferRequest.objects.visible_to(users.taiyuan))
    assert inbound.pk in _ids(TransferRequest.objects.visible_to(users.datong))


@pytest.mark.django_db
def test_either_side_subtree_narrows_by_any_side(tree, users):
    transfer = _transfer(tree.b1, tree.b3)
    qs = TransferRequest.objects.visible_to(users.admin)
    assert transfer.pk in _ids(qs.subtree(tree.datong.path))
    assert transfer.pk in _ids(qs.subtree(tree.taiyuan.path))
    assert transfer.pk not in _ids(qs.subtree(tree.b2.path))
    assert scope.side_paths(transfer) == [tree.b1.path, tree.b3.path]


# ---------------------------------------------------------------- fail closed


@pytest.mark.django_db
def test_unscoped_queries_still_fail_closed(tree, users):
    _transfer(tree.b1, tree.b3)
    with scope.guard():
        for model in (Person, TransferRequest, ElectionCandidate):
            with pytest.raises(ScopeError):
                list(model.objects.all())
            assert list(model.objects.visible_to(None)) == []


@pytest.mark.django_db
def test_own_subtree_keeps_the_pending_intersection(tree, users):
    qs = Person.objects.visible_to(users.taiyuan).subtree(tree.b1.path)
    assert qs._scope_pending == (tree.b1.path,)
    assert _ids(qs) == {tree.people.zhangsan.pk, tree.people.lisi.pk}


# ---------------------------------------------------------------- organization moves and merges


@pytest.mark.django_db
def test_paths_follow_an_organization_move(tree, users):
    election = _election(tree.b1)
    candidate = ElectionCandidate.objects.create(election=election, name="张三", yes_votes=20)
    transfer = _transfer(tree.b1, tree.b2)
    org_services.move(users.admin, tree.xiaodian, tree.datong)
    tree.b1.refresh_from_db()
    assert tree.b1.path.startswith(tree.datong.path)
    assert Person.objects.unrestricted().get(pk=tree.people.zhangsan.pk).org_path == tree.b1.path
    assert Election.objects.unrestricted().get(pk=election.pk).org_path == tree.b1.path
    assert ElectionCandidate.objects.unrestricted().get(pk=candidate.pk).org_path == tree.b1.path
    assert TransferRequest.objects.unrestricted().get(pk=transfer.pk).org_path == tree.b1.path
    assert candidate.pk in _ids(ElectionCandidate.objects.visible_to(users.datong))
    assert candidate.pk not in _ids(ElectionCandidate.objects.visible_to(users.taiyuan))
    assert transfer.pk in _ids(TransferRequest.objects.visible_to(users.datong))


@pytest.mark.django_db
def test_merge_passes_rows_and_their_organization_to_the_target(tree, users):
    election = _election(tree.b2)
    candidate = ElectionCandidate.objects.create(election=election, name="王五", yes_votes=20)
    moved = scope.follow_merge(tree.b2, tree.b1)
    assert moved["people.Person"] == 1
    wangwu = Person.objects.unrestricted().get(pk=tree.people.wangwu.pk)
    assert (wangwu.organization_id, wangwu.org_path) == (tree.b1.pk, tree.b1.path)
    election.refresh_from_db()
    assert (election.organization_id, election.org_path) == (tree.b1.pk, tree.b1.path)
    assert ElectionCandidate.objects.unrestricted().get(pk=candidate.pk).org_path == tree.b1.path


@pytest.mark.django_db
def test_new_rows_under_a_moved_organization_take_its_new_path(tree, users):
    org_services.move(users.admin, tree.xiaodian, tree.datong)
    tree.b2.refresh_from_db()
    person = make_person(tree.b2, "新人", seq=21)
    assert person.org_path == tree.b2.path
    assert person.pk in _ids(Person.objects.visible_to(users.datong))


def test_inherited_without_a_column_reads_the_parent_through_the_join():
    from zugong.recruitment.models import Step

    joined = Inherited("case", stored=False)
    assert joined.sides(Step) == ("case__org_path",)
    assert not joined.follows_moves
    assert Inherited("case").sides(Step) == ("org_path",)


@pytest.mark.django_db
def test_a_scoped_queryset_inside_subquery_or_exists_keeps_its_scope(tree, users):
    """`Subquery(qs)` and `Exists(qs)` take the queryset's query directly: the pending scope of `visible_to`
    must be applied first, else a user of 大同 would count 太原's people (a scope leak; fails before the fix)."""
    from django.db.models import Exists, OuterRef, Subquery

    from zugong.orgs.models import Organization

    seen = Person.objects.visible_to(users.datong).values("pk")
    leaked = Person.objects.unrestricted().filter(pk__in=Subquery(seen))
    assert set(leaked.values_list("name", flat=True)) == {"赵六", "孙七"}
    orgs = Organization.objects.unrestricted().annotate(
        seen=Exists(Person.objects.visible_to(users.datong).filter(organization=OuterRef("pk"))))
    assert set(orgs.filter(seen=True).values_list("code", flat=True)) == {"14021301"}
