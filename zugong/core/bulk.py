"""Writing many rows fast, the same way on both databases: PostgreSQL's COPY, SQLite's executemany on the
raw connection (both inside the caller's transaction). Rows are tuples in the order of `columns`, values
already in database form (a Django field's `get_db_prep_save`)."""

from __future__ import annotations

import itertools
from typing import Iterable, Sequence

from django.db import connection

CHUNK = 20_000


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], copy_option: str = "") -> int:
    """Insert the rows into `table`; returns how many. `copy_option` is appended to PostgreSQL's COPY."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    name = connection.ops.quote_name(table)
    count = 0
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sql = f"INSERT INTO {name} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
        it = iter(rows)
        while chunk := list(itertools.islice(it, CHUNK)):
            connection.connection.executemany(sql, chunk)
            count += len(chunk)
        return count
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN{copy_option}") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count
