"""Writing a seed plan into the database fast: raw executemany (SQLite) or COPY (PostgreSQL).

The rows bypass the ORM on purpose (no signals, no per-row audit): paths, depth, numchild, direct_people,
term end dates and the people's derived search columns are computed by the plan; every person's membership,
recorded reasons for unpaid dues and twelve months of dues payments (~30 million rows at province scale) by
`membership.Members`. Secondary indexes and foreign keys of the loaded tables are dropped inside the load
transaction and rebuilt once at the end, which is several times faster than maintaining ~35 indexes row by
row; a failure rolls everything back, indexes included (DDL is transactional on both databases).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models

from zugong.core import bulk

from .generate import PERSON_COLUMNS, Plan
from .membership import EXEMPTION_COLUMNS, MEMBERSHIP_COLUMNS, PAYMENT_COLUMNS, Members

ORG_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "name",
    "short_name",
    "code",
    "kind",
    "is_joint",
    "is_temporary",
    "sector",
    "unit_id",
    "division_code",
    "founded_on",
    "term_started_on",
    "term_years",
    "term_ends_on",
    "status",
    "dissolved_on",
    "merged_into_id",
    "direct_people",
    "created_at",
    "updated_at",
)
UNIT_COLUMNS = (
    "id",
    "name",
    "sector",
    "division_code",
    "credit_code",
    "org_path",
    "created_at",
    "updated_at",
)


def _iso(day):
    return day.isoformat() if day is not None else None


class SeedError(Exception):
    pass


@dataclass
class Table:
    """A model's table with the columns the plan fills and constants for any other (newer) columns."""

    model: type[models.Model]
    columns: tuple[str, ...]
    extra_columns: tuple[str, ...] = ()
    extra_values: tuple = ()

    @classmethod
    def of(cls, model, known: tuple[str, ...]) -> Table:
        extra_cols, extra_vals = [], []
        for f in model._meta.concrete_fields:
            if f.column in known:
                continue
            if f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                value = None
            elif f.blank and isinstance(f, models.CharField):  # "" is a valid value: not recorded
                value = ""
            elif f.db_default is not models.NOT_PROVIDED:
                continue  # the database fills it
            else:
                raise SeedError(f"{model._meta.label}.{f.name} 没有默认值，seed 不知道如何填写")
            extra_cols.append(f.column)
            extra_vals.append(value)
        missing = set(known) - {f.column for f in model._meta.concrete_fields}
        if missing:
            raise SeedError(f"{model._meta.label} 缺少字段 {sorted(missing)}（模型已修改？）")
        return cls(model, known, tuple(extra_cols), tuple(extra_vals))

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.extra_columns

    def rows(self, rows):
        if not self.extra_values:
            return rows
        extra = self.extra_values
        return (row + extra for row in rows)


class Loader:
    """Wipes the seeded tables and loads a plan; timings go to `log`."""

    def __init__(self, log=print):
        self.log = log
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise SeedError(f"不支持的数据库：{self.vendor}")
        Person = apps.get_model("people", "Person")
        Organization = apps.get_model("orgs", "Organization")
        Unit = apps.get_model("orgs", "Unit")
        self.people = Table.of(Person, PERSON_COLUMNS)
        self.orgs = Table.of(Organization, ORG_COLUMNS)
        self.units = Table.of(Unit, UNIT_COLUMNS)
        self.memberships = Table.of(apps.get_model("members", "Membership"), MEMBERSHIP_COLUMNS)
        self.exemptions = Table.of(apps.get_model("members", "DuesExemption"), EXEMPTION_COLUMNS)
        self.payments = Table.of(apps.get_model("members", "DuesPayment"), PAYMENT_COLUMNS)
        self.truncated = False
        self.timings: dict[str, float] = {}
        # Inside someone else's transaction (tests): no COPY FREEZE, no VACUUM, no WAL checkpoint.
        self.nested = connection.in_atomic_block

    @property
    def tables(self) -> tuple[Table, ...]:
        """The loaded tables, in load order."""
        return (self.units, self.orgs, self.people, self.memberships, self.exemptions, self.payments)

    @contextlib.contextmanager
    def temp_files(self):
        """SQLite, outside a transaction: sort through temporary files on disk while loading.

        Index builds sort through temporary files; kept in memory (the connection's temp_store=MEMORY) the
        dues payments' indexes alone take 2 GB of RAM, on disk they are as fast (the OS caches them). SQLite
        refuses the change inside a transaction, so a nested seed (tests) keeps the setting."""
        if self.vendor != "sqlite" or connection.in_atomic_block:
            yield
            return
        connection.ensure_connection()
        raw = connection.connection
        before = raw.execute("PRAGMA temp_store").fetchone()[0]
        raw.execute("PRAGMA temp_store = FILE")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA temp_store = {int(before)}")

    # ------------------------------------------------------------ timing

    def phase(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - started
        self.log(f"  {name}: {now - started:.1f} s")
        return now

    # ------------------------------------------------------------ wiping

    def wipe_plan(self) -> tuple[list[type[models.Model]], list[tuple[type[models.Model], str]]]:
        """The tables to empty (the seeded ones and every table whose rows depend on them), and the nullable
        references into them from tables that are kept (e.g. users). Order does not matter: SQLite loads with
        foreign-key checks off, PostgreSQL truncates them in one statement (or defers its key checks)."""
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        start = [
            self.people.model,
            self.orgs.model,
            self.units.model,
            apps.get_model("accounts", "ScopeGrant"),
        ]
        wipe: list = []
        nulls: list = []
        todo = list(start)
        while todo:
            model = todo.pop()
            if model in wipe:
                continue
            wipe.append(model)
            for rel in model._meta.get_fields(include_hidden=True):
                if not (rel.auto_created and not rel.concrete and rel.is_relation):
                    continue
                if rel.many_to_many:
                    through = rel.through
                    if through is not None and through not in wipe:
                        todo.append(through)
                    continue
                other = rel.related_model
                if other in wipe or other in todo or other in start:
                    continue
                on_delete = getattr(rel, "on_delete", None)
                if other is user_model or on_delete in (models.SET_NULL, models.DO_NOTHING):
                    if not rel.field.null:
                        raise SeedError(f"{other._meta.label}.{rel.field.name} 引用了要清空的表且不能为空")
                    nulls.append((other, rel.field.column))
                else:
                    todo.append(other)
        return wipe, [(m, c) for m, c in nulls if m not in wipe]

    def check_tables(self) -> set[str]:
        """The database's tables; SeedError when the seeded ones are missing (not migrated)."""
        existing = set(connection.introspection.table_names())
        required = [t.name for t in self.tables] + ["accounts_scopegrant", "accounts_user"]
        missing = [n for n in required if n not in existing]
        if missing:
            raise SeedError(f"数据库中没有表 {', '.join(missing)}，请先运行 zugong migrate")
        return existing

    def wipe(self) -> list[str]:
        """Empty the seeded tables (and their dependents). Returns the emptied table names."""
        tables, nulls = self.wipe_plan()
        existing = self.check_tables()
        # A dependent table that does not exist yet (its app is not migrated) has nothing to empty.
        names = [m._meta.db_table for m in tables if m._meta.db_table in existing]
        nulls = [(m, c) for m, c in nulls if m._meta.db_table in existing]
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            for model, column in nulls:
                cur.execute(
                    f"UPDATE {qn(model._meta.db_table)} SET {qn(column)} = NULL "
                    f"WHERE {qn(column)} IS NOT NULL"
                )
            # TRUNCATE is refused after rows were written earlier in the same transaction (pending deferred
            # foreign-key events), so a nested seed deletes instead.
            if self.vendor == "postgresql" and not nulls and not self.nested:
                cur.execute("TRUNCATE " + ", ".join(qn(n) for n in names))
                self.truncated = True
            else:
                for n in names:
                    cur.execute(f"DELETE FROM {qn(n)}")
                if self.vendor == "postgresql":
                    # Run the deferred key checks now: ALTER TABLE is refused while events are pending.
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return names

    # ------------------------------------------------------------ indexes

    def drop_indexes(self, table: Table) -> list[str]:
        """Drop the table's secondary indexes, unique constraints and outgoing foreign keys; return the SQL
        that recreates them (primary keys and SQLite's inline UNIQUE autoindexes stay)."""
        name = table.name
        recreate: list[str] = []
        with connection.cursor() as cur:
            if self.vendor == "sqlite":
                cur.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [name],
                )
                for index, sql in cur.fetchall():
                    cur.execute(f'DROP INDEX "{index}"')
                    recreate.append(sql)
                return recreate
            # Dropping a foreign key locks the referenced table too, which PostgreSQL refuses while that table
            # has deferred checks pending from earlier writes of this transaction: run those checks now.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute(
                """
                SELECT c.conname, c.contype, pg_get_constraintdef(c.oid), c.conindid
                FROM pg_constraint c
                WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'f')
                  AND NOT (c.contype = 'u' AND EXISTS (
                      SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
                """,
                [name],
            )
            constraints = cur.fetchall()
            cur.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = %s AND i.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                  WHERE c.conrelid = %s::regclass
                                    AND c.conindid = to_regclass(quote_ident(i.indexname)))
                """,
                [name, name],
            )
            indexes = cur.fetchall()
            for conname, _, _, _ in constraints:
                cur.execute(f'ALTER TABLE "{name}" DROP CONSTRAINT "{conname}"')
            for index, _ in indexes:
                cur.execute(f'DROP INDEX "{index}"')
            recreate += [
                f'ALTER TABLE "{name}" ADD CONSTRAINT "{c}" {d}' for c, t, d, _ in constraints if t == "u"
            ]
            recreate += [d for _, d in indexes]
            recreate += [
                f'ALTER TABLE "{name}" ADD CONSTRAINT "{c}" {d}' for c, t, d, _ in constraints if t == "f"
            ]
        return recreate

    def recreate(self, statements: list[str]) -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    # ------------------------------------------------------------ inserting

    def insert(self, table: Table, rows, freeze: bool = False) -> int:
        """Insert rows (tuples in `table.columns` order); returns the count."""
        option = " WITH (FREEZE)" if freeze and self.truncated and not self.nested else ""
        return bulk.insert_rows(table.name, table.all_columns, table.rows(rows), copy_option=option)

    # ------------------------------------------------------------ the whole load

    def load(self, plan: Plan, now) -> dict[str, int]:
        """Load units, organizations, people, their memberships and dues (inside the caller's transaction)."""
        t = time.perf_counter()
        if self.vendor == "sqlite":
            stamp = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        else:
            stamp = now.isoformat(" ")
        if self.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        else:
            connection.connection.execute("PRAGMA cache_size = -262144")
        recreate = {table.name: self.drop_indexes(table) for table in self.tables}
        t = self.phase("drop indexes", t)

        n_units = self.insert(
            self.units,
            (
                (u.id, u.name, u.sector, u.division_code, u.credit_code, u.org.path, stamp, stamp)
                for u in plan.units
            ),
            freeze=True,
        )
        n_orgs = self.insert(
            self.orgs,
            (
                (
                    o.id,
                    o.path,
                    len(o.path) // 4,
                    len(o.children),
                    o.name,
                    o.short_name,
                    o.code,
                    o.kind,
                    o.is_joint,
                    o.is_temporary,
                    o.sector,
                    o.unit.id if o.unit else None,
                    o.division_code,
                    _iso(o.founded_on),
                    _iso(o.term_started_on),
                    o.term_years,
                    _iso(o.term_ends_on),
                    o.status,
                    _iso(o.dissolved_on),
                    None,
                    o.people,
                    stamp,
                    stamp,
                )
                for o in plan.orgs
            ),
            freeze=True,
        )
        t = self.phase(f"units ({n_units:,}) and organizations ({n_orgs:,})", t)

        total = sum(o.people for o in plan.orgs)
        done = 0
        report_every = 500_000

        def counted(rows):
            nonlocal done
            started = time.perf_counter()
            for row in rows:
                done += 1
                if done % report_every == 0:
                    rate = done / (time.perf_counter() - started)
                    self.log(f"    … {done:,} / {total:,} people ({rate:,.0f}/s)")
                yield row

        n_people = self.insert(self.people, counted(plan.people_rows(stamp)), freeze=True)
        if n_people != total:
            raise SeedError(f"expected {total} people, wrote {n_people}")
        t = self.phase(f"people ({n_people:,}, generated and written)", t)

        members = Members(plan, plan.scale.dues_months)
        n_members = self.insert(self.memberships, members.membership_rows(stamp), freeze=True)
        if n_members != n_people:
            raise SeedError(f"expected {n_people} memberships, wrote {n_members}")
        n_exemptions = self.insert(self.exemptions, members.exemption_rows(stamp), freeze=True)
        t = self.phase(f"memberships ({n_members:,}; {members.summary()}), exemptions ({n_exemptions:,})", t)
        expected = members.payment_count()
        n_payments = self.insert(
            self.payments, self.progress(members.payment_rows(stamp), expected, "payments"), freeze=True
        )
        if n_payments != expected:
            raise SeedError(f"expected {expected} dues payments, wrote {n_payments}")
        t = self.phase(f"dues payments ({n_payments:,}, {len(members.window)} months)", t)

        for name, statements in recreate.items():
            self.recreate(statements)
            t = self.phase(f"rebuild indexes and constraints of {name} ({len(statements)})", t)
        names = [table.name for table in self.tables]
        if self.vendor == "sqlite":
            connection.connection.execute("PRAGMA cache_size = -65536")
            # Foreign keys were not checked while loading; check the loaded tables now.
            connection.check_constraints(table_names=names)
            t = self.phase("foreign key check", t)
        else:
            with connection.cursor() as cur:
                models_ = [table.model for table in self.tables]
                for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                    cur.execute(sql)
        return {
            "units": n_units,
            "organizations": n_orgs,
            "people": n_people,
            "memberships": n_members,
            "dues_exemptions": n_exemptions,
            "dues_payments": n_payments,
        }

    def progress(self, rows, total: int, what: str, every: int = 5_000_000):
        """Pass rows through, logging the count and rate every `every` rows."""
        started = time.perf_counter()
        for done, row in enumerate(rows, 1):
            if done % every == 0:
                rate = done / (time.perf_counter() - started)
                self.log(f"    … {done:,} / {total:,} {what} ({rate:,.0f}/s)")
            yield row

    def analyze(self) -> None:
        """Planner statistics for the loaded tables (after commit)."""
        tables = [t.name for t in self.tables]
        with connection.cursor() as cur:
            if self.vendor == "sqlite":
                for t in tables:
                    cur.execute(f'ANALYZE "{t}"')
                if not self.nested:
                    cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif self.nested:
                cur.execute("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
            else:
                # VACUUM also sets the visibility map, so index-only scans work from the start.
                cur.execute("VACUUM (ANALYZE) " + ", ".join(f'"{t}"' for t in tables))
