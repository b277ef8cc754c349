"""Fast bulk inserts for the 100,000-row paths (approving a roster, saving its rows).

Django's bulk_create prepares every field of every row through the ORM; on 100,000 users that preparation
alone costs more than the whole budget of REP-4's approval. Here rows are plain tuples sent with the driver's
executemany. Only for tables whose columns are plain values (no JSON): defaults are filled from the model
once, auto_now/auto_now_add timestamps are set here, and constraints still apply in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, models, transaction
from django.utils import timezone

from . import freshness

BATCH = 5000


def bulk_insert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, object]],
    *,
    ignore_conflicts: bool = False,
    batch: int = BATCH,
) -> None:
    """Insert rows given as {field attname: value}; unnamed fields take their model default."""
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))
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
    tuples = (tuple(row[n] if n in row else defaults[n] for n in names) for row in rows)
    if connection.vendor == "postgresql":
        _copy(table, quoted, tuples, ignore_conflicts=ignore_conflicts)
    else:
        _executemany(table, quoted, tuples, ignore_conflicts=ignore_conflicts, batch=batch)
    if freshness.watched(model):  # no signals here: say so to the pages kept in the cache
        freshness.bump()


def _executemany(table: str, columns: list[str], tuples, *, ignore_conflicts: bool, batch: int) -> None:
    verb = "INSERT OR IGNORE" if ignore_conflicts and connection.vendor == "sqlite" else "INSERT"
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts and connection.vendor != "sqlite" else ""
    sql = f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}){suffix}"
    params: list[tuple] = []
    with connection.cursor() as cursor:
        for row in tuples:
            params.append(row)
            if len(params) >= batch:
                cursor.executemany(sql, params)
                params = []
        if params:
            cursor.executemany(sql, params)


def _copy(table: str, columns: list[str], tuples, *, ignore_conflicts: bool) -> None:
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
        with cursor.cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row)
        if ignore_conflicts:
            insert = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {target} ON CONFLICT DO NOTHING"  # noqa: S608
            cursor.execute(insert)
            cursor.execute(f"DROP TABLE {target}")
