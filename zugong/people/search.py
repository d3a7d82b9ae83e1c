"""One search box for people: name, full pinyin or initials (zhangsan, zs → 张三), or the ID number's last digits."""

import re

from django.db.models import Q, QuerySet

_CJK = re.compile(r"[\u3400-\u9fff]")
_ID_TAIL = re.compile(r"^\d{3,17}[\dXx]?$|^\d*[Xx]$")


def _id_tail(qs: QuerySet, q: str) -> QuerySet:
    """People whose ID number ends with `q` (4 to 18 characters). The numbers are encrypted: a whole number is
    found by its keyed hash; a tail by the keyed hash of its last 6 (or 4) characters, an index lookup that
    leaves a few rows, whose decrypted numbers are then compared with the whole tail."""
    from .models import Person

    q = q.upper()
    if len(q) == 18:
        return qs.filter(id_number=q)
    field = Person._meta.get_field("id_number")
    column, found = field.tail_digests(q)
    candidates = qs.filter(**{f"{column}__in": found})
    if len(q) in (n for _c, n in field.tails):
        return candidates
    pks = [pk for pk, number in candidates.order_by().values_list("pk", "id_number") if number.endswith(q)]
    return qs.filter(pk__in=pks)


def search(qs: QuerySet, q: str) -> QuerySet:
    """Filter an (already scoped) Person queryset by the search text; every branch is an index scan."""
    q = q.strip().replace(" ", "")
    if not q:
        return qs
    if _CJK.search(q):
        return qs.filter(name__startswith=q)
    if _ID_TAIL.match(q) and len(q) >= 4:
        return _id_tail(qs, q)
    if q.isascii() and q.isalpha():
        q = q.lower()
        return qs.filter(Q(name_initials__startswith=q) | Q(name_pinyin__startswith=q))
    return qs.none()


def matching_ids(q: str) -> QuerySet:
    """A subquery of the pks of all people matching the search text, for filtering rows that are scoped
    themselves (a membership, a dispatch or transfer seen from the other side may name a person outside the
    user's people scope): it is never shown, only used as `person__in=`."""
    from .models import Person

    return search(Person.objects.unrestricted(), q).values("pk")
