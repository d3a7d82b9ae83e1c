"""Control characters never enter a text field: one validator, attached centrally.

A name such as "张\\u0005三" cannot be typed, only sent (the API, a crafted form, a file), and once stored it
breaks every export and print that contains it. `NoControlCharacters` refuses C0 controls (a multi-line field
keeps tab, line feed and carriage return), DEL and the C1 controls, with a Chinese message naming the field.

`install()` (from `core.apps.CoreConfig.ready`) attaches it

- to every `CharField` and `TextField` of every model (so model forms and DRF `ModelSerializer`s, which copy a
  model field's validators, refuse it, and so does `full_clean`). At the model a text may span lines (many
  `CharField`s are edited in a textarea: 奖惩情况, 拟任职务, notes), so tab and line breaks pass there;
- to every form `CharField` and DRF `CharField` when it is made (fields no model declares: filters, search
  boxes, plain forms and serializers): a single-line form field (not a `Textarea`) refuses tab and line
  breaks too;

and the Excel reader (`core.excel.read_rows`) refuses such a cell with its row and column. Text that reached the
database before (or by a path that writes without validation) is stripped when written to a workbook
(`core.excel.safe_value`), so it can never make an export fail.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from . import fieldhooks

# C0 without tab, LF, CR; DEL; C1.
_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find(text: str, multiline: bool = False) -> re.Match | None:
    return (_MULTI_LINE if multiline else _SINGLE_LINE).search(text)


def describe(match: re.Match) -> str:
    return f"U+{ord(match.group()):04X}"


@deconstructible
class NoControlCharacters:
    """Refuse control characters; `label` names the field in the message, `multiline` allows tab and newlines."""

    code = "control_characters"

    def __init__(self, label: str = "", multiline: bool = False):
        self.label, self.multiline = str(label or ""), multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = find(value, self.multiline)
        if found:
            where = f"“{self.label}”" if self.label else "该项"
            raise ValidationError(
                f"{where}含有不可见的控制字符（{describe(found)}，第 {found.start() + 1} 个字符），请删除后重新填写",
                code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and (self.label, self.multiline) == (other.label, other.multiline)

    def __hash__(self):
        return hash((self.label, self.multiline))


def _guarded(validators) -> bool:
    return any(isinstance(v, NoControlCharacters) for v in validators)


def guard_model_field(field) -> None:
    from django.db import models

    if not isinstance(field, (models.CharField, models.TextField)):
        return
    # Through `default_validators` (an instance attribute shadowing the class's), not `_validators`: a field's
    # validators are part of its deconstruction, so the migrations would change; default ones are not.
    field.default_validators = [*(v for v in type(field).default_validators if not isinstance(v, NoControlCharacters)),
                                NoControlCharacters(field.verbose_name, multiline=True)]
    field.__dict__.pop("validators", None)  # a cached_property: recompute with ours


def guard_models() -> None:
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            guard_model_field(field)


def _guard_form_field(field, kwargs) -> None:
    from django import forms

    if not _guarded(field.validators):
        field.validators.append(NoControlCharacters(field.label or "", isinstance(field.widget, forms.Textarea)))


def _guard_drf_field(field, kwargs) -> None:
    if not _guarded(field.validators):
        style = kwargs.get("style") or {}
        field.validators.append(NoControlCharacters(kwargs.get("label") or "",
                                                    style.get("base_template") == "textarea.html"))


def guard_field_classes() -> None:
    """Form and DRF CharFields made from now on carry the validator (unless the model's already came with it)."""
    from django import forms
    from rest_framework import fields as drf_fields

    fieldhooks.after_init(forms.CharField, _guard_form_field)
    fieldhooks.after_init(drf_fields.CharField, _guard_drf_field)


def install() -> None:
    guard_field_classes()
    guard_models()


_STRIP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what a workbook cannot hold (openpyxl's ILLEGAL_CHARACTERS)


def strip_for_xml(text: str) -> str:
    """Text a workbook or a Word document can hold: the C0 controls XML 1.0 forbids removed."""
    return _STRIP.sub("", text)
