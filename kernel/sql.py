"""Lean one-row writes for hot paths: the statements Django's ORM would send, without building a query each time.

A saga step writes one run row and one step row; building those statements through the ORM costs
several times more than the database takes to run them. These helpers take the same model
metadata (table and column names, each field's conversion to a database value) and cache the
statement text per shape, so a repository can keep its ORM code everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


@lru_cache(maxsize=256)
def _update_sql(model: type[models.Model], using: str, assigned: tuple[str, ...], matched: tuple[str, ...]) -> str:
    ops = connections[using].ops
    meta = model._meta
    assignments = ", ".join(f"{ops.quote_name(meta.get_field(name).column)} = %s" for name in assigned)
    conditions = " AND ".join(f"{ops.quote_name(meta.get_field(name).column)} = %s" for name in matched)
    return f"UPDATE {ops.quote_name(meta.db_table)} SET {assignments} WHERE {conditions}"


@lru_cache(maxsize=256)
def _insert_sql(model: type[models.Model], using: str, columns: tuple[str, ...]) -> str:
    ops = connections[using].ops
    names = ", ".join(ops.quote_name(model._meta.get_field(name).column) for name in columns)
    return f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"


def update_row(
    model: type[models.Model], *, values: Mapping[str, Any], match: Mapping[str, Any], using: str = DEFAULT_DB_ALIAS
) -> int:
    """`model.objects.filter(**match).update(**values)` for plain field names and exact, non-null matches.

    Returns the number of rows changed, as `update()` does.
    """
    connection = connections[using]
    meta = model._meta
    if not values or not match:
        raise ValueError("update_row needs values to set and values to match")
    if any(value is None for value in match.values()):
        raise ValueError("update_row matches exact values; use the ORM for IS NULL")
    assigned, matched = tuple(values), tuple(match)
    params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    params += [
        meta.get_field(name).get_db_prep_value(value, connection, prepared=False) for name, value in match.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, using, assigned, matched), params)
        return cursor.rowcount


def insert_row(instance: models.Model, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """`instance.save(force_insert=True)` for a model with no auto-set fields and no save() logic of its own.

    Raises the database's IntegrityError on a taken key, as `save()` does.
    """
    connection = connections[using]
    fields: Sequence[models.Field] = instance._meta.concrete_fields
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    sql = _insert_sql(type(instance), using, tuple(field.name for field in fields))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
