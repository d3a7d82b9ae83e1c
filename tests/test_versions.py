"""No lost updates (issue 12, finding 4): an edit form and an API PATCH carry the version the record was read at;
a stale save is refused with both values (the one stored now, by whom and when; the one submitted) and nothing is
overwritten. Also: every edit form and every API viewset has the mechanism (`core.versions`)."""

import datetime as dt
import importlib
import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from formdata import form_data
from rest_framework.test import APIClient

from zugong.core import versions
from zugong.core.api import ScopedViewSetMixin, VersionedMixin
from zugong.core.forms import VersionedFormMixin
from zugong.core.models import AuditEntry
from zugong.people.forms import PersonForm
from zugong.people.models import Person

pytestmark = pytest.mark.django_db


def edit_page(client, person):
    response = client.get(reverse("people:edit", args=[person.pk]))
    assert response.status_code == 200
    return form_data(response.content.decode())


# ---------------------------------------------------------------- the edit form


def test_two_users_edit_the_same_person_the_second_save_is_refused_and_the_first_change_stands(
        tree, users, client, login):
    from django.test import Client

    zhangsan = tree.people.zhangsan
    first, second = login(users.admin), Client()
    second.force_login(users.taiyuan, backend="django.contrib.auth.backends.ModelBackend")
    mine, theirs = edit_page(first, zhangsan), edit_page(second, zhangsan)
    assert mine["record_version"] and mine["record_version"] == theirs["record_version"]

    mine["phone"] = "13800001111"
    assert first.post(reverse("people:edit", args=[zhangsan.pk]), mine).status_code == 302

    theirs["name"] = "张叁"   # the second user changes the name; the form still holds the old phone
    response = second.post(reverse("people:edit", args=[zhangsan.pk]), theirs)
    assert response.status_code == 200  # refused: the form again, with the reason
    zhangsan.refresh_from_db()
    assert (zhangsan.name, zhangsan.phone) == ("张三", "13800001111")  # nothing overwritten
    page = response.content.decode()
    assert "保存未成功：您打开本页后，该记录已被他人修改。为免覆盖他人的修改，本次提交没有保存。" in page
    # The phone: the value now stored, who set it and when; what this user submitted (the old, empty value).
    assert re.search(r"联系电话：已由 admin 于 \d{4}-\d\d-\d\d \d\d:\d\d 改为“138\*\*\*\*1111”；您提交的是（空）。", page), page
    updates = AuditEntry.objects.unrestricted().filter(model="people.person", object_id=str(zhangsan.pk),
                                                       action="update")
    assert [e.actor_name for e in updates] == ["admin"]  # the refused save wrote nothing

    # The refused form carries the stored version and, where this user changed nothing, the stored value:
    # saving it again keeps the first user's phone and adds this user's name.
    again = form_data(page)
    assert again["phone"] == "138****1111" and again["name"] == "张叁"
    assert again["record_version"] == versions.token(zhangsan)
    assert second.post(reverse("people:edit", args=[zhangsan.pk]), again).status_code == 302
    zhangsan.refresh_from_db()
    assert (zhangsan.name, zhangsan.phone) == ("张叁", "13800001111")


def test_a_true_conflict_shows_both_values_and_keeps_the_users_own(tree, users, login):
    zhangsan = tree.people.zhangsan
    client = login(users.admin)
    read = edit_page(client, zhangsan)
    Person.objects.unrestricted().filter(pk=zhangsan.pk).update(native_place="山西太原")  # not through a form
    read["native_place"] = "山西大同"
    response = client.post(reverse("people:edit", args=[zhangsan.pk]), read)
    page = response.content.decode()
    assert "籍贯：已被改为“山西太原”；您提交的是“山西大同”。" in page
    assert form_data(page)["native_place"] == "山西大同"  # the user's own value, to decide on
    zhangsan.refresh_from_db()
    assert zhangsan.native_place == "山西太原"


def test_a_post_without_the_version_is_refused(tree, users, login):
    zhangsan = tree.people.zhangsan
    client = login(users.admin)
    data = edit_page(client, zhangsan)
    data["record_version"] = ""  # (a key of its own: the test client leaves it as it is)
    data["phone"] = "13900000000"
    page = client.post(reverse("people:edit", args=[zhangsan.pk]), data).content.decode()
    assert "提交中缺少记录版本" in page and "联系电话" in page
    zhangsan.refresh_from_db()
    assert zhangsan.phone == ""


def test_a_save_between_the_check_and_the_write_is_refused_when_the_row_is_locked(tree, users):
    """Two saves that both passed their form's check: the record's save checks again, locked, and refuses."""
    from django.core.exceptions import ValidationError

    from zugong.people import services

    zhangsan = Person.objects.unrestricted().get(pk=tree.people.zhangsan.pk)
    data = {name: bf.value() or "" for name, bf in PersonForm(instance=zhangsan, user=users.admin)._bound_items()}
    data.update(phone="13811112222", organization=zhangsan.organization_id, birth_date="1980-05-17")
    form = PersonForm(data, instance=zhangsan, user=users.admin)
    assert form.is_valid(), form.errors
    other = Person.objects.unrestricted().get(pk=zhangsan.pk)
    other.name = "张叁"
    other.save()  # someone else's save lands after the check
    with pytest.raises(ValidationError) as refused:
        services.save_person(users.admin, form.save(commit=False))
    assert re.search(r"姓名：已由 系统 于 [\d: -]+ 改为“张叁”；您提交的是“张三”。", " ".join(refused.value.messages))
    other.refresh_from_db()
    assert (other.name, other.phone) == ("张叁", "")


# ---------------------------------------------------------------- the API: ETag and If-Match


def test_api_patch_needs_the_version_read_and_a_stale_one_is_refused_with_412(tree, users):
    zhangsan = tree.people.zhangsan
    url = f"/api/people/{zhangsan.pk}/"
    first, second = APIClient(), APIClient()
    first.force_authenticate(users.admin)
    second.force_authenticate(users.taiyuan)
    tag_first, tag_second = first.get(url)["ETag"], second.get(url)["ETag"]
    assert tag_first == tag_second == f'"{versions.token(zhangsan)}"'

    missing = second.patch(url, {"name": "张叁"}, format="json")
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]

    r = first.patch(url, {"phone": "13800001111"}, format="json", HTTP_IF_MATCH=tag_first)
    assert r.status_code == 200 and r["ETag"] != tag_first
    assert r["ETag"] == first.get(url)["ETag"]

    stale = second.patch(url, {"name": "张叁", "phone": ""}, format="json", HTTP_IF_MATCH=tag_second)
    assert stale.status_code == 412
    body = stale.json()
    assert body["detail"] == versions.STALE
    [conflict] = body["conflicts"]
    assert conflict["field"] == "phone" and conflict["label"] == "联系电话"
    assert conflict["current"] == "138****1111" and conflict["changed_by"] == "admin" and conflict["changed_at"]
    assert conflict["submitted"] is None  # "" sent: empty
    assert body["current_etag"] == r["ETag"]
    zhangsan.refresh_from_db()
    assert (zhangsan.name, zhangsan.phone) == ("张三", "13800001111")

    # A weak or listed If-Match naming the current version is accepted.
    ok = second.patch(url, {"name": "张叁"}, format="json", HTTP_IF_MATCH=f'"v1-old", W/{r["ETag"]}')
    assert ok.status_code == 200
    zhangsan.refresh_from_db()
    assert (zhangsan.name, zhangsan.phone) == ("张叁", "13800001111")


def test_a_stale_api_patch_is_refused_before_its_input_is_checked(tree, users):
    zhangsan = tree.people.zhangsan
    client = APIClient()
    client.force_authenticate(users.admin)
    tag = client.get(f"/api/people/{zhangsan.pk}/")["ETag"]
    Person.objects.unrestricted().filter(pk=zhangsan.pk).update(phone="13700000000")
    r = client.patch(f"/api/people/{zhangsan.pk}/", {"id_number": "bad"}, format="json", HTTP_IF_MATCH=tag)
    assert r.status_code == 412


# ---------------------------------------------------------------- coverage: every edit form, every viewset


def _project_forms():
    """Every form class defined in the project's forms modules."""
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("zugong."):
            continue
        for module_name in (f"{config.name}.forms", f"{config.name}.config.forms", f"{config.name}.casework.forms"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.add(cls)
    return found


# Plain forms (not ModelForms) that edit an existing record, with the record they are given.
PLAIN_EDIT_FORMS = {"zugong.branchlife.forms.MeetingForm", "zugong.teams.forms.PostForm",
                    "zugong.core.casework.forms.StepForm"}


def test_every_model_form_and_every_plain_edit_form_carries_the_version():
    found = _project_forms()
    model_forms = {cls for cls in found if issubclass(cls, forms.BaseModelForm)}
    assert len(model_forms) >= 25
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in model_forms if not issubclass(c, VersionedFormMixin))
    assert missing == [], "edit forms without VersionedFormMixin"
    names = {f"{c.__module__}.{c.__name__}": c for c in found}
    for name in PLAIN_EDIT_FORMS:
        assert issubclass(names[name], VersionedFormMixin), name


def test_every_edit_view_passes_its_record_to_a_versioned_form():
    """Each edit URL's view builds a versioned form on the record (instance= or record=)."""
    from django.urls import get_resolver

    views = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + (p.namespace + ":" if p.namespace else ""))
            elif p.name and re.search(r"(^|_)edit$|^(lead_time|local_rule|item_edit|indicator_edit)$", p.name):
                views.append((prefix + p.name, p.callback))

    walk(get_resolver().url_patterns)
    assert len(views) >= 18, views
    def builds_on_record(fn, depth=0) -> bool:
        source = inspect.getsource(fn)
        if "instance=" in source or "record=" in source or "row_page(" in source:
            return True
        helpers = [fn.__globals__.get(n) for n in re.findall(r"\b(_\w+)\(", source)]
        return depth < 2 and any(inspect.isfunction(h) and builds_on_record(h, depth + 1) for h in helpers)

    for name, view in views:
        assert builds_on_record(inspect.unwrap(view)), name


# Resources computed for an organization of the caller's scope, with no record behind them to edit or version:
# they must stay read-only (zugong/stats/api.py scopes the organization through `stats.selection`).
COMPUTED = {"statistics/tables"}


def test_every_api_viewset_versions_its_records():
    from zugong.api_urls import router

    for prefix, viewset, basename in router.registry:
        if prefix in COMPUTED:
            assert set(viewset.http_method_names) <= {"get", "head", "options"}, prefix
            continue
        assert issubclass(viewset, ScopedViewSetMixin) and issubclass(viewset, VersionedMixin), prefix


@pytest.mark.parametrize("basename", ["person", "organization", "membership"])
def test_every_writable_viewset_answers_428_without_and_412_with_a_stale_version(tree, users, basename):
    from zugong.api_urls import router
    from zugong.members.models import Membership

    viewset = next(v for _, v, b in router.registry if b == basename)
    assert "patch" in viewset.http_method_names
    if basename == "membership":
        record = Membership.objects.create(person=tree.people.zhangsan, organization=tree.b1,
                                           joined_on=dt.date(2005, 7, 1), converted_on=dt.date(2006, 7, 1))
    else:
        record = viewset.queryset.model.objects.unrestricted().filter(org_path__startswith=tree.b1.path).first() \
            if basename == "person" else tree.b1
    url = reverse(f"api:{basename}-detail", args=[record.pk])
    client = APIClient()
    client.force_authenticate(users.admin)
    tag = client.get(url)["ETag"]
    assert tag == f'"{versions.token(versions.current(record))}"'
    assert client.patch(url, {}, format="json").status_code == 428
    assert client.patch(url, {}, format="json", HTTP_IF_MATCH='"v1-AAAA"').status_code == 412
    assert client.patch(url, {}, format="json", HTTP_IF_MATCH=tag).status_code == 200
