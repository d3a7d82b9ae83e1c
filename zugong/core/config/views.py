"""The pages of configuration: one page editing a configuration row (`row_page`), one page issuing a new
edition (`new_edition_page`). Department admins of the issuing organization only; the row is looked up among
those the user can see (`visible_to`), saved through the domain's service (or plainly), audited by the
model."""

from __future__ import annotations

from typing import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .. import scope
from ..forms import apply_errors
from .services import require_config_admin


def plain_save(user, row):
    """Save a configuration row as the form left it (the model audits the change)."""
    row.save()
    return row


def row_page(request, row, form_class, *, saved: str, done: str | Callable, title: str, save: Callable = plain_save,
             delete: Callable | None = None, deleted: str = "已删除", denied: str | None = None,
             page: str = "core/form.html", context: dict | None = None, allowed: bool | None = None,
             **form_kwargs):
    """Edit (or create) one configuration row: only a department admin of the organization that issued it;
    the form's errors and the service's errors (next to the fields they name); on success a message and back
    to `done` (a URL, or a function of the saved row giving one: a new row's own page). With `delete`, a POST carrying `delete` removes the row through it. `page` and `context`: the
    domain's own form template (its breadcrumbs) and what it needs. `allowed`: the caller's own decision who may
    edit (system configuration: `core.schedule.may_administer`) instead of the issuing organization's admins."""
    if allowed is None:
        require_config_admin(request.user, row.issuing_path(), *([denied] if denied else []))
    elif not allowed:
        raise PermissionDenied(denied or "您无权修改该设置")
    form = form_class(request.POST or None, instance=row, **form_kwargs)
    if request.method == "POST" and request.POST.get("delete") and delete and row.pk:
        try:
            delete(request.user, row)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, deleted)
            return redirect(done)
    elif request.method == "POST" and form.is_valid():
        try:
            save(request.user, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect(done(form.instance) if callable(done) else done)
    return render(request, page, {"form": form, "title": title, **(context or {})})


def new_edition_page(request, *, form_class, create, preview, cancel_url: str, done: str):
    """The page creating a configuration (a checklist, an identification standard): empty, or a new edition of
    one the user can see (`?copy_from=<pk>` fills the form from it; the form's own select does the same
    through htmx). Department admins only; the service checks the issuing organization."""
    noun = form_class.noun
    if not scope.scope_paths(request.user, "admin"):
        raise PermissionDenied(f"只有组织部门管理员可以制定{noun}")
    source = None
    wanted = "" if request.method == "POST" else request.GET.get("copy_from", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        source = get_object_or_404(form_class._meta.model.objects.visible_to(request.user)
                                   .select_related("organization"), pk=wanted)
    form = form_class(request.POST or None, user=request.user, source=source)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data.get("copy_from")
        try:
            created = create(request.user, form.instance, copy_from=source)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{noun}“{created}”已建立" + ("，内容已从原版本复制，可逐项修改" if source else ""))
            return redirect(done, pk=created.pk)
    elif form.is_bound:
        source = form.cleaned_data.get("copy_from")
    return render(request, "core/new_edition.html", {
        "form": form, "title": f"新建{noun}", "noun": noun, "source": source, "cancel_url": cancel_url,
        **(preview(source, request.user) if source else {})})
