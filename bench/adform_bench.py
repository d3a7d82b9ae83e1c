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
import time
from pathlib import Path

from scratch import run_on_scratch  # bench/scratch.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("ADFORM_BENCH_FILES", "1000"))


def main() -> None:
    run_on_scratch("adform", run, tests_path=True)


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

    t0, c0 = time.perf_counter(), time.process_time()
    sources = read_path(folder)
    preview = services.preview(sources, admin, county)
    t_preview, c_preview = time.perf_counter() - t0, time.process_time() - c0
    assert all(r["status"] == "new" for r in preview), [r for r in preview if r["status"] != "new"][:3]

    t0, c0 = time.perf_counter(), time.process_time()
    rows = services.import_files(read_path(folder), admin, county, note="基准测试导入")
    t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
    written = sum(1 for r in rows if r["written"])

    t0, c0 = time.perf_counter(), time.process_time()
    data, n = services.export_zip(Cadre.objects.unrestricted().select_related("person", "organization"))
    t_export, c_export = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    again = services.import_files(read_path(folder), admin, county, note="基准测试再次导入（无变化）")
    t_again, c_again = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0

    print(f"adform ({db}, own small DB: 1 province/city/county tree, 1 admin; {N} generated .lrmx, "
          f"{size / 1e6:.1f} MB, made in {made:.1f} s):")
    print(f"  (wall clock and this process's CPU time; load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"  preview (parse + match + diff)  {t_preview:6.1f} s wall  {c_preview:6.1f} s CPU")
    print(f"  import, new cadres              {t_import:6.1f} s wall  {c_import:6.1f} s CPU  "
          f"({written} written, {ResumeEntry.objects.unrestricted().count()} résumé rows; target ≤ 60 s)")
    print(f"  import again, nothing changed   {t_again:6.1f} s wall  {c_again:6.1f} s CPU  "
          f"({sum(1 for r in again if r['status'] == 'matched_id')} matched by ID number)")
    print(f"  export all as .zip              {t_export:6.1f} s wall  {c_export:6.1f} s CPU  "
          f"({n} files, {len(data) / 1e6:.1f} MB)")
    import harness

    harness.record(f"adform: import of {N} .lrmx, new cadres", round(t_import, 1), unit="s", target=60,
                   cpu_s=round(c_import, 1), own_db=True)
    harness.record(f"adform: preview of {N} .lrmx", round(t_preview, 1), unit="s", own_db=True)
    harness.record(f"adform: export of {n} cadres as .zip", round(t_export, 1), unit="s", own_db=True)


if __name__ == "__main__":
    main()
