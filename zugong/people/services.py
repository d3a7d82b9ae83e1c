"""Person operations: create and edit, with the ID number checks and the duplicate message."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zugong.core import scope

from . import idnumber
from .models import Person


def duplicate_message(user, id_number: str, exclude_pk=None) -> str | None:
    """Why an ID number cannot be used: the existing record is named only if the user may see it."""
    try:
        number = idnumber.parse_id_number(id_number).number
    except idnumber.IdNumberError:
        return None
    other = Person.objects.unrestricted().select_related("organization").filter(id_number=number)
    other = other.exclude(pk=exclude_pk).first()
    if other is None:
        return None
    if scope.can(user, "view", other.org_path):
        return f"公民身份号码已登记：{other.name}（{other.organization.name}）"
    return "该公民身份号码已登记在您管辖范围以外的组织，请联系上级组织部门"


@transaction.atomic
def save_person(user, person: Person) -> Person:
    """Validate and save a new or edited person the user may change."""
    if not person.organization_id or not scope.can(user, "change", person.organization.path):
        raise PermissionDenied("您无权在该组织登记或修改人员")
    if person.pk:
        current = Person.objects.unrestricted().get(pk=person.pk)
        if not scope.can(user, "change", current.org_path):
            raise PermissionDenied("您无权修改该人员")
    message = duplicate_message(user, person.id_number, exclude_pk=person.pk)
    if message:
        raise ValidationError({"id_number": message})
    person.full_clean(exclude=["org_path", "id_rev", "name_pinyin", "name_initials", "pinyin_key", "stroke_key"],
                      validate_unique=False)
    person.save()
    return person
