"""A small hand-built population for the statistics tests: members with their dated history (`members.history`
as the services keep it), so that every cell's answer is known by counting by hand."""

import datetime as D
from decimal import Decimal

from tests.conftest import make_person


def member(org, name, seq, *, birth=D.date(1980, 5, 17), sex=None, status="full", joined=D.date(2005, 7, 1),
           area="140105", person_fields=None, **fields):
    """A person in `org`, a member of it since `joined` (full one year later unless probationary), with the
    status spans the services would have written."""
    from zugong.members import history
    from zugong.members.models import Membership

    person = make_person(org, name, area=area, birth=birth, seq=seq, **(person_fields or {}))
    if sex:
        person.sex = sex
        person.save(update_fields=["sex"])
    converted = None if status == "probationary" else joined + D.timedelta(days=366)
    m = Membership.objects.create(person=person, organization=org, status=status, joined_on=joined,
                                  converted_on=fields.pop("converted_on", converted),
                                  dues_base=Decimal("4000.00"), **fields)
    history.keep(m, on=joined)
    return m
