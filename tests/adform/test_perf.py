"""Query budget of the import: a new cadre costs a fixed number of queries, whatever the résumé length."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.adform import lrmx, services
from zugong.adform.sources import SourceFile
from zugong.people.idnumber import make_id_number

from .samples import RESUME, sample_form


def _queries_per_file(tree, users, first_day: int, resume: str | None = None) -> float:
    extra = {"resume": resume} if resume else {}
    files = [SourceFile(f"{i}.lrmx", lrmx.write_lrmx(sample_form(
        name=f"干部{i}", id_number=make_id_number("140105", dt.date(1970, 1, first_day + i), 31), **extra)))
        for i in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        rows = services.import_files(files, users.taiyuan, tree.xiaodian)
    assert all(r["written"] for r in rows)
    return len(ctx.captured_queries) / 5


def test_queries_per_new_file(tree, users):
    short = _queries_per_file(tree, users, 1)
    long_resume = RESUME + "".join(f"{2005 + k}.01--{2005 + k}.12  太原市小店区某局干部{k}\n" for k in range(12))
    long = _queries_per_file(tree, users, 10, long_resume)
    print(f"{short:.1f} / {long:.1f} queries per new file (short / long résumé)")
    assert abs(long - short) <= 1  # the résumé's lines are written in bulk, not one query each
    # About 25 to write the cadre and its children, and one check and one findings read for each rule that reads
    # a person or a cadre record, which the operation re-judges when it ends (core.rules.rejudge): the budget grows
    # with those rules, never with the file.
    from zugong.core import rules

    reading = [r for r in rules.all_rules()
               if any(x.model == "people.Person" or x.model.startswith("cadres.") for x in r.reading)]
    print(f"{len(reading)} rules read a person or a cadre record")
    assert short <= 30 + 2 * len(reading)
