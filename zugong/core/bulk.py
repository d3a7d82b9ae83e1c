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


def update_rows(model, fields: Sequence[str], objs: Sequence) -> int:
    """Write `fields` of many saved instances of `model` at once, the same way on both databases (Django's
    `bulk_update` builds a CASE of every key per column, quadratic in the batch): PostgreSQL copies the new
    values into a temporary table and runs one UPDATE … FROM it; SQLite runs executemany on the raw connection.
    Inside the caller's transaction; no signals, no audit (the caller records what it did). Returns how many."""
    objs = list(objs)
    if not objs:
        return 0
    meta = model._meta
    table, key = meta.db_table, meta.pk.column
    model_fields = [meta.get_field(f) for f in fields]
    columns = [f.column for f in model_fields]
    q = connection.ops.quote_name
    rows = [tuple(f.get_db_prep_save(getattr(o, f.attname), connection) for f in model_fields) + (o.pk,)
            for o in objs]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sets = ", ".join(f"{q(c)} = ?" for c in columns)
        sql = f"UPDATE {q(table)} SET {sets} WHERE {q(key)} = ?"
        for i in range(0, len(rows), CHUNK):
            connection.connection.executemany(sql, rows[i:i + CHUNK])
        return len(rows)
    temp = q(f"_update_{table}")
    listed = ", ".join(q(c) for c in (*columns, key))
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {temp}")
        cur.execute(f"CREATE TEMP TABLE {temp} AS SELECT {listed} FROM {q(table)} WITH NO DATA")
        with cur.cursor.copy(f"COPY {temp} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
        cur.execute(f"UPDATE {q(table)} AS t SET {sets} FROM {temp} AS s WHERE t.{q(key)} = s.{q(key)}")
        cur.execute(f"DROP TABLE {temp}")
    return len(rows)


def update_from(model, fields: Sequence[str], qs) -> int:
    """Set `fields` of many rows of `model` to values computed in SQL, in one statement on both databases:
    UPDATE … FROM (`qs`) — `qs` a queryset of the values `_k` (the primary key of the row to change) and
    `_<field>` for each field (its new value), one row per key; for values that read other tables (joins),
    which Django's `update()` refuses, and for several columns in one pass (each pass over a large table
    rewrites every row and its index entries). Inside the caller's transaction; no signals, no audit. Returns
    how many rows changed."""
    sql, params = qs.query.sql_with_params()
    q = connection.ops.quote_name
    meta = model._meta
    table = q(meta.db_table)
    sets = ", ".join(f"{q(meta.get_field(f).column)} = s.{q('_' + f)}" for f in fields)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET {sets} FROM ({sql}) AS s WHERE {table}.{q(meta.pk.column)} = s._k", params)
        return cur.rowcount
