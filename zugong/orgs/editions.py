"""Configuration issued by an organization (checklists, identification standards): the parts of a form that
issue a new edition — the issuing organization among those the user administers (its subtree is the scope) and
an existing edition to copy. Configuration itself is a core mechanism (`zugong.core.config`); the issuer is an
organization, so these form parts live with the organizations."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import timezone

from zugong.core import scope

from .fields import OrganizationPicker
from .models import Organization

# ---------------------------------------------------------------- new editions


class NewEditionMixin:
    """The parts of a form creating a configuration (checklist, identification standard) that every kind
    shares: the issuing organization among those the user administers (its subtree is the scope), and an
    existing one the user can see to copy as a new edition (choosing it reloads the form filled from it)."""

    noun = ""
    reload_url = ""
    copied_fields: tuple[str, ...] = ()

    def setup(self, user, source):
        self.fields["organization"].bind(user)
        visible = self._meta.model.objects.visible_to(user)
        self.fields["copy_from"].queryset = visible.select_related("organization")
        self.fields["copy_from"].widget.attrs.update({
            "hx-get": reverse(self.reload_url), "hx-target": "#config-create", "hx-select": "#config-body",
            "hx-swap": "innerHTML"})
        for field in self.fields.values():  # "请填写名称", next to the field, not a bare "这个字段是必填项"
            verb = "请选择" if isinstance(field.widget, forms.Select) else "请填写"
            field.error_messages["required"] = f"{verb}{field.label}"
        if not self.is_bound:
            self.initial.update(self.initial_from(user, source))

    def initial_from(self, user, source) -> dict:
        """A new edition for next year: its effective date and name, the copied fields of the source, and the
        source's organization when the user may issue for it (else the user's own)."""
        year = timezone.localdate().year + 1
        initial = {"edition": f"{year}年版", "effective_from": dt.date(year, 1, 1)}
        if source is not None:
            initial |= {name: getattr(source, name) for name in self.copied_fields}
            initial["copy_from"] = source.pk
        if source is not None and scope.can(user, "admin", source.org_path):
            initial["organization"] = source.organization_id
        else:
            own = scope.scope_paths(user, "admin")[:1]
            initial["organization"] = (Organization.objects.visible_to(user, "admin").filter(path__in=own)
                                       .values_list("pk", flat=True).first())
        return initial


def copy_from_field(noun: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="复制自", required=False, queryset=None, empty_label=f"（不复制，新建空白{noun}）",
        help_text=f"制定新版本：复制所选{noun}的全部内容，保存后再逐项修改",
        error_messages={"invalid_choice": f"所选{noun}不存在或您无权查看"})


def issuer_field(noun: str) -> OrganizationPicker:
    return OrganizationPicker(label="制定党组织（适用范围）", action="admin",
                              help_text=f"{noun}适用于该党组织及其全部下级党组织；只能选择您担任组织部门管理员的党组织")
