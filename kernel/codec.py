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

_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_primitive(value: Any) -> Any:
    """Turn a domain value into str/int/float/bool/None/list/dict, losslessly for `from_primitive`."""
    cls = type(value)
    if cls in _PLAIN:
        return value
    names = _field_names(cls)
    if names is not None:
        return {name: to_primitive(getattr(value, name)) for name in names}
    if cls is dict:
        return {str(k): to_primitive(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [to_primitive(v) for v in value]
    return _to_primitive_other(value)


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type (None for any other type), looked up once per type."""
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


def _to_primitive_other(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, enum.Enum):
            return value.value
        return value
    if isinstance(value, enum.Enum):
        return value.value
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
    return _decoder(tp)(data)


Decoder = typing.Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


@cache
def _decoder(tp: Any) -> Decoder:
    """A function rebuilding values of `tp`, worked out once per type (type hints are slow to read)."""
    if tp is Any:
        return _identity
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _or_none(_lazy(args[0]))
    if dataclasses.is_dataclass(tp):
        return _or_none(_dataclass_decoder(tp))
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _lazy(args[0])
            return _or_none(lambda data: tuple(item(v) for v in data))
        items = tuple(_lazy(a) for a in args)
        return _or_none(lambda data: tuple(dec(v) for dec, v in zip(items, data, strict=True)))
    if origin in (list,):
        (arg,) = typing.get_args(tp)
        item = _lazy(arg)
        return _or_none(lambda data: [item(v) for v in data])
    if origin in (dict, typing.Mapping, collections_abc_mapping()):
        key_tp, val_tp = typing.get_args(tp)
        key, val = _lazy(key_tp), _lazy(val_tp)
        return _or_none(lambda data: {key(k): val(v) for k, v in data.items()})
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return _or_none(tp)
        if tp is dt.datetime:
            return _or_none(_datetime)
        if tp is dt.date:
            return _or_none(lambda data: data if isinstance(data, dt.date) else dt.date.fromisoformat(data))
        if tp is uuid.UUID:
            return _or_none(lambda data: data if isinstance(data, uuid.UUID) else uuid.UUID(str(data)))
        if tp is Decimal:
            return _or_none(lambda data: Decimal(str(data)))
        if tp is float:
            return _or_none(float)
        if tp in (str, int, bool):
            return _identity

    def refuse(data: Any) -> Any:
        if data is None:
            return None
        raise TypeError(f"cannot rebuild {tp!r} from {type(data).__name__}")

    return refuse


def _lazy(tp: Any) -> Decoder:
    """The decoder of `tp`, resolved at first use (a dataclass may refer to itself)."""
    resolved: Decoder | None = None

    def decode(data: Any) -> Any:
        nonlocal resolved
        if resolved is None:
            resolved = _decoder(tp)
        return resolved(data)

    return decode


def _or_none(decode: Decoder) -> Decoder:
    def decode_or_none(data: Any) -> Any:
        return None if data is None else decode(data)

    return decode_or_none


def _datetime(data: Any) -> dt.datetime:
    # Stored instants come back in UTC, as the database hands them back.
    value = data if isinstance(data, dt.datetime) else dt.datetime.fromisoformat(data)
    return value.astimezone(dt.UTC)


def _dataclass_decoder(tp: type) -> Decoder:
    fields: tuple[tuple[str, Decoder], ...] | None = None

    def decode(data: Any) -> Any:
        nonlocal fields
        if fields is None:
            hints = _hints(tp)
            fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp) if f.init)
        return tp(**{name: dec(data[name]) for name, dec in fields if name in data})

    return decode


def collections_abc_mapping() -> Any:
    import collections.abc

    return collections.abc.Mapping
