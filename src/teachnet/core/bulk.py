"""Fast bulk inserts and lookups for the 100,000-row paths (approving a roster, saving its rows).

Django's bulk_create prepares every field of every row through the ORM; on 100,000 users that preparation
alone costs more than the whole budget of REP-4's approval. Here rows are plain tuples sent with the driver's
executemany. Only for tables whose columns are plain values (no JSON): defaults are filled from the model
once, auto_now/auto_now_add timestamps are set here, and constraints still apply in the database.

Lookups and updates by thousands of keys (`bulk_lookup`, `bulk_update`) send PostgreSQL one array each.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction
from django.utils import timezone

from . import freshness

BATCH = 5000


def bulk_insert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, object]],
    *,
    ignore_conflicts: bool = False,
    with_ids: bool = False,
    batch: int = BATCH,
) -> int:
    """Insert rows given as {field attname: value}; unnamed fields take their model default, and the
    primary key its sequence's next value unless `with_ids` (each row then names its own, as from
    `ids_reserve`). Returns how many rows were inserted (with ignore_conflicts, the ones not there yet)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if with_ids or not (f.primary_key and isinstance(f, models.AutoField))
    ]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()  # as Django's own: "" for a text field without a default, else None
        if isinstance(f, models.DateTimeField) and value is not None:
            value = connection.ops.adapt_datetimefield_value(value)
        defaults[f.attname] = value
    quoted = [connection.ops.quote_name(f.column) for f in fields]
    names = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    pick = operator.itemgetter(*names)
    tuples = (pick({**defaults, **row}) for row in rows)
    if connection.vendor == "postgresql":
        inserted = _copy(table, quoted, tuples, ignore_conflicts=ignore_conflicts)
    else:
        inserted = _executemany(table, quoted, tuples, ignore_conflicts=ignore_conflicts, batch=batch)
    if freshness.watched(model):  # no signals here: say so to the pages kept in the cache
        freshness.bump()
    return inserted


def bulk_lookup(
    model: type[models.Model], *, key: str, values: Sequence, fields: Sequence[str]
) -> list[tuple]:
    """The rows of `model` whose `key` field is one of `values`, as tuples of `fields` (attnames)."""
    found: list[tuple] = []
    columns = ", ".join(_quoted_column(model, f) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with _array_cursor() as cursor:
        for where, params in _key_in(model, key, values):
            # Table and column names come from the model's metadata, quoted; every value is a parameter.
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608
            found.extend(cursor.fetchall())
    return found


def bulk_update(
    model: type[models.Model],
    *,
    key: str,
    values: Sequence,
    changes: Mapping[str, object],
    where_null: Sequence[str] = (),
) -> int:
    """Set `changes` ({attname: value}) on the rows whose `key` is one of `values` and whose `where_null`
    fields are all NULL; returns how many rows changed."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{_quoted_column(model, f)} = %s" for f in changes)
    nulls = "".join(f" AND {_quoted_column(model, f)} IS NULL" for f in where_null)
    changed = 0
    with _array_cursor() as cursor:
        for where, params in _key_in(model, key, values):
            sql = f"UPDATE {table} SET {assignments} WHERE {where}{nulls}"  # noqa: S608
            cursor.execute(sql, [*changes.values(), *params])
            changed += cursor.rowcount
    if changed and freshness.watched(model):
        freshness.bump()
    return changed


def ids_reserve(model: type[models.Model], count: int) -> list[int] | None:
    """`count` fresh primary keys from the table's sequence (PostgreSQL), so rows can be copied in with
    their ids known and nothing has to be read back; None where the database has no such sequence."""
    if connection.vendor != "postgresql":
        return None
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
        )
        return [row[0] for row in cursor.fetchall()]


def commit_unflushed() -> None:
    """Let the current transaction's commit return before its WAL is on disk (PostgreSQL's asynchronous
    commit; nothing elsewhere). Only for work that is redone when lost: a server crash may forget the last
    fraction of a second of such commits, never half of one, and the database stays consistent. A batch
    that records its own checkpoint in the same transaction is such work: the next run redoes it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _key_in(model, key: str, values: Sequence, chunk: int = 900):
    """(WHERE condition, params) pairs that together select `key` in `values`.

    `filter(key__in=[5,000 values])` spends tens of milliseconds per query building and splitting 5,000
    placeholders. PostgreSQL gets one array parameter instead (`key = ANY(%s)`, which uses the key's index);
    SQLite gets IN lists of at most `chunk` values, under its oldest limit of 999 parameters a statement.
    """
    values = list(values)
    if not values:
        return
    column = _quoted_column(model, key)
    if connection.vendor == "postgresql":
        array = model._meta.get_field(key).db_type(connection) + "[]"  # a str list is "unknown[]" otherwise
        yield f"{column} = ANY(%s::{array})", [values]
        return
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        yield f"{column} IN ({', '.join(['%s'] * len(part))})", part


@contextmanager
def _array_cursor():
    """A cursor for statements with one large array parameter. Django's PostgreSQL cursors bind parameters
    on the client, which quotes a 5,000-element array in Python, element by element; psycopg's own cursor
    sends it to the server as one binary parameter."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def _quoted_column(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return connection.ops.quote_name(f.column)
    raise ValueError(f"{model._meta.label} has no column {attname!r}")


def _executemany(table: str, columns: list[str], tuples, *, ignore_conflicts: bool, batch: int) -> int:
    verb = "INSERT OR IGNORE" if ignore_conflicts and connection.vendor == "sqlite" else "INSERT"
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts and connection.vendor != "sqlite" else ""
    sql = f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}){suffix}"
    params: list[tuple] = []
    inserted = 0
    with connection.cursor() as cursor:
        for row in tuples:
            params.append(row)
            if len(params) >= batch:
                cursor.executemany(sql, params)
                inserted += cursor.rowcount
                params = []
        if params:
            cursor.executemany(sql, params)
            inserted += cursor.rowcount
    return inserted


def _copy(table: str, columns: list[str], tuples, *, ignore_conflicts: bool) -> int:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs. Conflicts cannot be skipped inside a
    COPY, so that case copies into a temporary table and inserts from it with ON CONFLICT DO NOTHING."""
    cols = ", ".join(columns)
    # wrap_database_errors: a constraint broken in COPY raises django.db.IntegrityError, as an INSERT would.
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        target = table
        if ignore_conflicts:
            target = connection.ops.quote_name("bulk_" + table.strip('"'))
            # Table and column names come from the model's metadata, quoted; no value is formatted in.
            create = f"CREATE TEMP TABLE {target} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"  # noqa: S608
            cursor.execute(create)
        copied = 0
        with cursor.cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row)
                copied += 1
        if not ignore_conflicts:
            return copied
        insert = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {target} ON CONFLICT DO NOTHING"  # noqa: S608
        cursor.execute(insert)
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {target}")
        return inserted
