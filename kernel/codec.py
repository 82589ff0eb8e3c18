"""Converts frozen domain dataclasses to JSON-ready primitives and back, driven by type hints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
import uuid
from decimal import Decimal
from functools import cache
from typing import Any


def to_primitive(value: Any) -> Any:
    """Turn a domain value into str/int/float/bool/None/list/dict, losslessly for `from_primitive`."""
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, enum.Enum):
            return value.value
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_primitive(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; AICMO keeps time zones")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, typing.Mapping):
        return {str(k): to_primitive(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_primitive(v) for v in value]
    raise TypeError(f"cannot convert {type(value).__name__} to a primitive")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_primitive(tp: Any, data: Any) -> Any:
    """Rebuild a value of type `tp` from what `to_primitive` produced."""
    if tp is Any:
        return data
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return from_primitive(args[0], data)
    if data is None:
        return None
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: from_primitive(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in data
        }
        return tp(**kwargs)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_primitive(args[0], v) for v in data)
        return tuple(from_primitive(a, v) for a, v in zip(args, data, strict=True))
    if origin in (list,):
        (arg,) = typing.get_args(tp)
        return [from_primitive(arg, v) for v in data]
    if origin in (dict, typing.Mapping, collections_abc_mapping()):
        key_tp, val_tp = typing.get_args(tp)
        return {from_primitive(key_tp, k): from_primitive(val_tp, v) for k, v in data.items()}
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp(data)
        if tp is dt.datetime:
            # Stored instants come back in UTC, as the database hands them back.
            value = data if isinstance(data, dt.datetime) else dt.datetime.fromisoformat(data)
            return value.astimezone(dt.UTC)
        if tp is dt.date:
            return data if isinstance(data, dt.date) else dt.date.fromisoformat(data)
        if tp is uuid.UUID:
            return data if isinstance(data, uuid.UUID) else uuid.UUID(str(data))
        if tp is Decimal:
            return Decimal(str(data))
        if tp is float:
            return float(data)
        if tp in (str, int, bool):
            return data
    raise TypeError(f"cannot rebuild {tp!r} from {type(data).__name__}")


def collections_abc_mapping() -> Any:
    import collections.abc

    return collections.abc.Mapping
