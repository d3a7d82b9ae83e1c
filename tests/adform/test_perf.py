"""Query budget of the import: a new cadre costs a fixed number of queries, whatever the résumé length."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.adform import lrmx, services
from zugong.adform.sources import SourceFile
from zugong.people.idnumber import make_id_number

from .samples import sample_form


def test_queries_per_new_file(tree, users):
    files = [SourceFile(f"{i}.lrmx", lrmx.write_lrmx(sample_form(
        name=f"干部{i}", id_number=make_id_number("140105", dt.date(1970, 1, 1 + i), 31)))) for i in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        rows = services.import_files(files, users.taiyuan, tree.xiaodian)
    assert all(r["written"] for r in rows)
    per_file = len(ctx.captured_queries) / 5
    print(f"{per_file:.1f} queries per new file")
    for q in ctx.captured_queries[:40]:
        print(q["sql"][:150])
    assert per_file <= 25
