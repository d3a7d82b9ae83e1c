"""core.bulk.update_rows: many rows' fields written at once, the same on both databases (JSON, booleans,
times, nulls), only the rows and fields given."""

import datetime as dt

import pytest
from django.utils import timezone

from zugong.core import bulk
from zugong.core.models import Job


@pytest.mark.django_db
def test_update_rows_writes_the_fields_given_of_the_rows_given():
    jobs = [Job.objects.create(kind="export", params={"n": i}) for i in range(5)]
    at = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    for i, job in enumerate(jobs[:3]):
        job.params = {"n": i, "检查": [{"met": None, "evidence": "待人工审查"}]}
        job.finished_at = at if i else None
        job.kind = "changed"  # not among the fields written
    assert bulk.update_rows(Job, ["params", "finished_at"], jobs[:3]) == 3
    rows = {j.pk: j for j in Job.objects.all()}
    assert rows[jobs[0].pk].params == {"n": 0, "检查": [{"met": None, "evidence": "待人工审查"}]}
    assert rows[jobs[0].pk].finished_at is None and rows[jobs[1].pk].finished_at == at
    assert {j.kind for j in rows.values()} == {"export"}
    assert rows[jobs[4].pk].params == {"n": 4}
    assert bulk.update_rows(Job, ["params"], []) == 0


def test_update_from_sets_a_value_read_through_a_join_on_the_rows_the_query_gives(tree):
    from django.db.models import F
    from django.db.models.functions import Left

    from zugong.people.models import Person

    qs = (Person.objects.unrestricted().filter(organization__sector="community")
          .annotate(_k=F("pk"), _occupation_class=Left(F("organization__code"), 4), _front_line=F("organization__sector"))
          .values("_k", "_occupation_class", "_front_line"))
    assert bulk.update_from(Person, ["occupation_class", "front_line"], qs) == 2  # 张三, 李四 of the community branch
    got = {name: (occ, line) for name, occ, line in Person.objects.unrestricted()
           .values_list("name", "occupation_class", "front_line")}
    assert got == {"张三": ("1401", "community"), "李四": ("1401", "community"), "王五": ("", ""), "赵六": ("", ""),
                   "孙七": ("", "")}
