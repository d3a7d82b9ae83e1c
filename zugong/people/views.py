"""People pages: the list (search, filters, stroke or pinyin order, export), a person's page, the form,
the picker and the person's photo (protected media)."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zugong.core import record_tabs, rule_views, scope
from zugong.core.forms import apply_errors
from zugong.core.lists import list_page

from . import search, services
from .fields import person_label
from .filtersets import PersonFilterSet
from .forms import PersonForm
from .models import Person
from .tables import PersonTable


def get_visible(request, pk, action="view") -> Person:
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if action != "view" and not scope.can(request.user, action, person.org_path):
        raise PermissionDenied("您无权修改该人员")
    return person


@login_required
def person_list(request):
    qs = Person.objects.visible_to(request.user).select_related("organization").order_by("org_path", "stroke_key")
    return list_page(
        request, queryset=qs, filterset_class=PersonFilterSet, table_class=PersonTable,
        template="people/list.html", title="人员", export_name="人员名册",
    )


@login_required
def detail(request, pk, full=None):
    person = get_visible(request, pk)
    tab = request.GET.get("tab", "info")
    context = {"person": person, "tab": tab, "can_change": scope.can(request.user, "change", person.org_path),
               "may_see_full": services.may_see_full(request.user, person), "full": full}
    # The findings that concern the person, on any of their records (membership, recruitment case …).
    context.update(record_tabs.tabs(request, person, tab=tab,
                                    findings_of=rule_views.for_person(request.user, person)))
    return render(request, "people/detail.html", context)


@login_required
@require_POST
def full(request, pk):
    """显示完整: the person's page with the full ID and phone numbers, for a user who may see them (audited)."""
    person = get_visible(request, pk)
    return detail(request, pk, full=services.full_numbers(request.user, person, via="人员页面"))


def _save(request, form, title, person=None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_person(request.user, form.save(commit=False))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存“{saved.name}”")
            return redirect("people:detail", pk=saved.pk)
    return render(request, "core/form.html", {"form": form, "title": title, "object": person, "multipart": True})


@login_required
def create(request):
    if not scope.scope_paths(request.user, "change"):
        raise PermissionDenied("您没有登记人员的权限")
    form = PersonForm(request.POST or None, request.FILES or None, user=request.user)
    return _save(request, form, "登记人员")


@login_required
def edit(request, pk):
    person = get_visible(request, pk, "change")
    form = PersonForm(request.POST or None, request.FILES or None, instance=person, user=request.user)
    return _save(request, form, f"编辑：{person.name}", person)


@login_required
def picker(request):
    """People for a form's picker (`zugong.people.fields.PersonPicker`), among those the user may see."""
    q = request.GET.get("q", "").strip()
    people = Person.objects.visible_to(request.user).select_related("organization")
    found = search.search(people, q)[:30] if q else []
    return JsonResponse({"results": [{"id": p.pk, "text": person_label(p)} for p in found]})


@login_required
def media(request, path):
    """Uploaded files (photos) are served only for records the user may see."""
    person = Person.objects.visible_to(request.user).filter(photo=path).first()
    if person is None:
        raise Http404
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return FileResponse(person.photo.open("rb"), content_type=content_type)
