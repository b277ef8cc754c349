"""Fast bulk inserts for the 100,000-row paths (approving a roster, saving its rows).

Django's bulk_create prepares every field of every row through the ORM; on 100,000 users that preparation
alone costs more than the whole budget of REP-4's approval. Here rows are plain tuples sent with the driver's
executemany. Only for tables whose columns are plain values (no JSON): defaults are filled from the model
once, auto_now/auto_now_add timestamps are set here, and constraints still apply in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, models
from django.utils import timezone

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
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    verb = "INSERT"
    suffix = ""
    if ignore_conflicts:
        if connection.vendor == "sqlite":
            verb = "INSERT OR IGNORE"
        else:
            suffix = " ON CONFLICT DO NOTHING"
    sql = f"{verb} INTO {table} ({columns}) VALUES ({placeholders}){suffix}"
    names = [f.attname for f in fields]
    params: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            params.append(tuple(row[n] if n in row else defaults[n] for n in names))
            if len(params) >= batch:
                cursor.executemany(sql, params)
                params = []
        if params:
            cursor.executemany(sql, params)
