"""How other apps refer to a person: a form picker, scoped to the user.

    from zugong.people.fields import PersonPicker
"""

from __future__ import annotations

from zugong.core.forms import ScopedPicker

from .models import Person


def person_label(person: Person) -> str:
    """How a picker names a person: 张三（某某党支部，身份证尾号1234）."""
    return f"{person.name}（{person.organization.name}，身份证尾号{person.id_tail}）"


class PersonPicker(ScopedPicker):
    """Choose a person among those the user may see, searched by name, pinyin or the ID number's end.
    `url_name` names the JSON view the browser asks as the user types (default: every visible person)."""

    model, url_name = Person, "people:picker"
    invalid_choice = "所选人员不存在或不在您的管辖范围内"

    def visible(self, user):
        return super().visible(user).select_related("organization")

    def label_from_instance(self, obj):
        return person_label(obj)
