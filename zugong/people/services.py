"""Person operations: create and edit, with the ID number checks and the duplicate message; the audited view of
a person's full ID and phone numbers (`core.pii` keeps them encrypted and masked).

Who sees what (the policy `docs/security.md` describes):
- Lists, search, pickers, the API and the audit log show ID and phone numbers masked (110101********1234,
  138****5678) to everyone.
- A person's full numbers are shown on request (显示完整 on the person's page, `GET /api/people/{id}/full/`)
  to a user with the “change” right there (secretary, organization and department administrators: they
  register and correct them); each request is audited (`查看完整身份证号`). A read-only user never sees them.
- An export of people carries the full numbers only for rows where the user holds the “manage” right
  (organization and department administrators, who report rosters upward); masked otherwise.
- A duplicate ID number registered outside the user's scope is answered only with `DUPLICATE_OUTSIDE` (not
  where), at most `PII_DUPLICATE_ANSWERS_PER_HOUR` times an hour per user; beyond that `TOO_MANY`.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.core import audit, scope

from . import idnumber
from .models import DuplicateAnswer, Person

DUPLICATE_OUTSIDE = "该公民身份号码已登记，请联系上级组织部门"
TOO_MANY = ("核验公民身份号码过于频繁：一小时内提交的号码已有 {limit} 次登记在您管辖范围以外，暂停核验，"
            "请一小时后再试或联系上级组织部门")
FULL_VIEW = "查看完整身份证号"


def may_see_full(user, person: Person) -> bool:
    """Whether the user may ask for the person's full ID and phone numbers (audited each time)."""
    return scope.can(user, "change", person.org_path)


def exports_full(user, org_path: str) -> bool:
    """Whether an export of people gives this user the full numbers of a row placed at `org_path`."""
    return scope.can(user, "manage", org_path)


def full_numbers(user, person: Person, *, via: str = "") -> dict:
    """The person's full ID and phone numbers, for a user who may see them; the request is audited."""
    if not may_see_full(user, person):
        raise PermissionDenied("您无权查看该人员的完整公民身份号码和联系电话")
    with audit.operation(person, FULL_VIEW, note=via) as op:
        op.fact("查看内容", "公民身份号码、联系电话")
    return {"id_number": person.id_number, "phone": person.phone}


class Gate:
    """The hourly limit on answers about ID numbers registered outside the user's scope. Past the limit every
    ID number the user submits is refused (registered or not), so the refusal itself tells nothing. One gate
    serves a request or an import (one count query); each “registered elsewhere” answer is recorded — ask
    outside a transaction that the answer rolls back (the record must stay)."""

    def __init__(self, user):
        self.user = user
        self.limit = getattr(settings, "PII_DUPLICATE_ANSWERS_PER_HOUR", 20)
        since = timezone.now() - dt.timedelta(hours=1)
        self.used = DuplicateAnswer.objects.filter(user=user, at__gte=since).count()

    def refusal(self) -> str | None:
        return TOO_MANY.format(limit=self.limit) if self.used >= self.limit else None

    def registered_elsewhere(self) -> str:
        refused = self.refusal()
        if refused:
            return refused
        DuplicateAnswer.objects.create(user=self.user)
        self.used += 1
        return DUPLICATE_OUTSIDE


def registered_elsewhere(user) -> str:
    """The answer for an ID number registered outside the user's scope (only that it is registered)."""
    return Gate(user).registered_elsewhere()


def duplicate_message(user, id_number: str, exclude_pk=None) -> str | None:
    """Why an ID number cannot be used: the existing record is named only if the user may see it; one outside
    the scope is answered through the `Gate`. The answer for a number is kept on the user for the request (a
    form and its save ask twice, counted once)."""
    try:
        number = idnumber.parse_id_number(id_number).number
    except idnumber.IdNumberError:
        return None
    memo = user.__dict__.setdefault("_zugong_duplicates", {})
    if (number, exclude_pk) in memo:
        return memo[number, exclude_pk]
    if exclude_pk is not None and Person.objects.unrestricted().filter(pk=exclude_pk, id_number=number).exists():
        return None  # the person's own number, unchanged
    gate = Gate(user)
    message = gate.refusal()
    if message is None:
        other = Person.objects.unrestricted().select_related("organization").filter(id_number=number)
        other = other.exclude(pk=exclude_pk).first()
        if other is None:
            message = None
        elif scope.can(user, "view", other.org_path):
            message = f"公民身份号码已登记：{other.name}（{other.organization.name}）"
        else:
            message = gate.registered_elsewhere()
    memo[number, exclude_pk] = message
    return message


def save_person(user, person: Person) -> Person:
    """Validate and save a new or edited person the user may change."""
    if not person.organization_id or not scope.can(user, "change", person.organization.path):
        raise PermissionDenied("您无权在该组织登记或修改人员")
    if person.pk:
        current = Person.objects.unrestricted().get(pk=person.pk)
        if not scope.can(user, "change", current.org_path):
            raise PermissionDenied("您无权修改该人员")
    # Checked before the transaction: an answer about a number outside the scope is recorded (rate limit).
    message = duplicate_message(user, person.id_number, exclude_pk=person.pk)
    if message:
        raise ValidationError({"id_number": message})
    return _save(user, person)


@transaction.atomic
def _save(user, person: Person) -> Person:
    person.full_clean(exclude=["org_path", "name_pinyin", "name_initials", "pinyin_key", "stroke_key"],
                      validate_unique=False)
    person.save()
    return person
