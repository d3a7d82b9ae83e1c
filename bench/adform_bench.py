"""任免审批表 import benchmark: 1,000 generated .lrmx files (photo, 4-period résumé, 3 family members,
education, assessments) imported as new cadres; also the preview of the same files and the .zip export.

Runs on its own small database, never on the province seed: a fresh SQLite file in a temporary folder, or,
when DATABASE_URL is PostgreSQL, a fresh database `<bench db>_adform` on the same server (dropped at the end).
The seed is one province → city → county tree and one department administrator; the timings are the
import service itself (`zugong import lrmx FOLDER` runs the same code). Numbers are printed, not asserted.

    python bench/adform_bench.py            # N=1000; ADFORM_BENCH_FILES=200 for a quick run
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("ADFORM_BENCH_FILES", "1000"))


def _target(tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL for the bench, PostgreSQL database to drop afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'adform_bench.sqlite3'}", None
    import psycopg

    base, _, name = url.rpartition("/")
    name = (name.split("?")[0] or "zugong") + "_adform"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="adform-bench-"))
    url, pg_name = _target(tmp)
    env = {**os.environ, "DATABASE_URL": url, "ZUGONG_VAR": str(tmp / "var"), "ZUGONG_TESTING": "1"}
    subprocess.run([sys.executable, "-m", "zugong", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import django

    django.setup()
    try:
        run(tmp, "PostgreSQL" if pg_name else "SQLite")
    finally:
        if pg_name:
            _drop(url, pg_name)


def run(tmp: Path, db: str) -> None:
    from adform.samples import sample_form  # tests/adform/samples.py

    from zugong.accounts.models import ScopeGrant, User
    from zugong.adform import lrmx, services
    from zugong.adform.sources import read_path
    from zugong.cadres.models import Cadre, ResumeEntry
    from zugong.core.scope import Role
    from zugong.orgs.models import Organization
    from zugong.people.idnumber import make_id_number

    root = Organization.objects.add_root(instance=Organization(name="中共山西省委员会", code="14", kind="committee"))
    city = Organization.objects.add_child(root, instance=Organization(name="中共太原市委员会", code="1401",
                                                                      kind="committee"))
    county = Organization.objects.add_child(city, instance=Organization(name="中共太原市小店区委员会", code="140105",
                                                                        kind="committee"))
    admin = User.objects.create_user(username="bench_admin", password="Zg-bench-2026", display_name="bench")
    ScopeGrant.objects.create(user=admin, organization=root, role=Role.DEPT_ADMIN)

    folder = tmp / "forms"
    folder.mkdir()
    t0 = time.perf_counter()
    for i in range(N):
        birth = dt.date(1962 + i % 30, 1 + i % 12, 1 + i % 28)
        sex = "男" if i % 3 else "女"
        number = make_id_number("140105", birth, 10 + 2 * (i // 360) + (1 if sex == "男" else 0))
        form = sample_form(name=f"干部{i:04d}", id_number=number, birth=f"{birth:%Y%m}", sex=sex,
                           retirement_month="", pre_reform_age_limit="")
        (folder / f"{i:04d}.lrmx").write_bytes(lrmx.write_lrmx(form))
    made = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in folder.iterdir())

    t0 = time.perf_counter()
    sources = read_path(folder)
    preview = services.preview(sources, admin, county)
    t_preview = time.perf_counter() - t0
    assert all(r["status"] == "new" for r in preview), [r for r in preview if r["status"] != "new"][:3]

    t0 = time.perf_counter()
    rows = services.import_files(read_path(folder), admin, county, note="基准测试导入")
    t_import = time.perf_counter() - t0
    written = sum(1 for r in rows if r["written"])

    t0 = time.perf_counter()
    data, n = services.export_zip(Cadre.objects.unrestricted().select_related("person", "organization"))
    t_export = time.perf_counter() - t0

    t0 = time.perf_counter()
    again = services.import_files(read_path(folder), admin, county, note="基准测试再次导入（无变化）")
    t_again = time.perf_counter() - t0

    print(f"adform ({db}, own small DB: 1 province/city/county tree, 1 admin; {N} generated .lrmx, "
          f"{size / 1e6:.1f} MB, made in {made:.1f} s):")
    print(f"  preview (parse + match + diff)  {t_preview:6.1f} s  {N / t_preview:6.0f} files/s")
    print(f"  import, new cadres              {t_import:6.1f} s  {N / t_import:6.0f} files/s  "
          f"({written} written, {ResumeEntry.objects.unrestricted().count()} résumé rows; target ≤ 60 s)")
    print(f"  import again, nothing changed   {t_again:6.1f} s  ({sum(1 for r in again if r['status'] == 'matched_id')} "
          f"matched by ID number)")
    print(f"  export all as .zip              {t_export:6.1f} s  ({n} files, {len(data) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
