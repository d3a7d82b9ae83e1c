"""One search box for people: name, full pinyin or initials (zhangsan, zs → 张三), or the ID number's last digits."""

import re

from django.db.models import Q, QuerySet

_CJK = re.compile(r"[\u3400-\u9fff]")
_ID_TAIL = re.compile(r"^\d{3,17}[\dXx]?$|^\d*[Xx]$")


def search(qs: QuerySet, q: str) -> QuerySet:
    """Filter an (already scoped) Person queryset by the search text; every branch is an index prefix scan."""
    q = q.strip().replace(" ", "")
    if not q:
        return qs
    if _CJK.search(q):
        return qs.filter(name__startswith=q)
    if _ID_TAIL.match(q) and len(q) >= 4:
        return qs.filter(id_rev__startswith=q.upper()[::-1])
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
