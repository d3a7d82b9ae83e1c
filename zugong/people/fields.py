"""How other apps refer to a person: a form picker, scoped to the user.

    from zugong.people.fields import PersonPicker
"""

from __future__ import annotations

from django import forms
from django.urls import reverse

from zugong.core.forms import PickerSelect

from .models import Person


def person_label(person: Person) -> str:
    """How a picker names a person: 张三（某某党支部，身份证尾号1234）."""
    return f"{person.name}（{person.organization.name}，身份证尾号{person.id_tail}）"


class PersonPicker(forms.ModelChoiceField):
    """Choose a person among those the user may see, searched by name, pinyin or the ID number's end.
    `url_name` names the JSON view the browser asks as the user types (default: every visible person)."""

    def __init__(self, *args, url_name="people:picker", **kwargs):
        self.url_name = url_name
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": "所选人员不存在或不在您的管辖范围内"})
        super().__init__(*args, **kwargs)
        self.widget = PickerSelect("")
        self.widget.choices = self.choices

    def bind(self, user):
        self.queryset = Person.objects.visible_to(user).select_related("organization")
        self.widget.choices = self.choices
        self.widget.attrs["data-picker-url"] = reverse(self.url_name)

    def label_from_instance(self, obj):
        return person_label(obj)
