"""Phrase banks: the writer's own wording, kept as YAML data files beside this module and loaded once.

A bank maps a part name ("social.hook.pain", "cta.venue") to its phrasings. A phrasing is a
string or a mapping with `t` (the text) and optional filters: `tones` (registers it suits),
`kinds` / `not_kinds` (product kinds), `channels`, `tags` (hype, urgent, exclaim: dropped when the
voice forbids them), `max` (a character budget). Text may hold slots (`{product}`, `{pain.q}`) and
inline alternatives (`[In short|Put simply],`), which multiply the phrasings a part can produce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

BANK_DIR = Path(__file__).resolve().parent / "banks"
SLOT = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
ALTERNATIVES = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")
BANK_ERROR = "Phrase bank {file}: {problem}"


class BankError(ValueError):
    """A phrase bank file is malformed."""


@dataclass(frozen=True)
class Phrasing:
    text: str
    tones: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    not_kinds: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    max: int | None = None
    # A sentence adverbial from the "opener" part may go before it ("In practice, ...").
    open: bool = False

    @property
    def slots(self) -> tuple[tuple[str, str], ...]:
        return tuple((m.group(1), m.group(2) or "") for m in SLOT.finditer(self.text))

    def suits(self, *, register: str, kind: str, channel: str, forbidden: frozenset[str]) -> bool:
        return (
            (not self.tones or register in self.tones)
            and (not self.kinds or kind in self.kinds)
            and kind not in self.not_kinds
            and (not self.channels or channel in self.channels)
            and not (self.tags & forbidden)
        )


def _phrasing(item: object, file: str, part: str, *, open_default: bool = False) -> Phrasing:
    if isinstance(item, str):
        return Phrasing(text=item, open=open_default)
    if not isinstance(item, dict) or not isinstance(item.get("t"), str):
        raise BankError(BANK_ERROR.format(file=file, problem=f"{part}: each phrasing is a string or has a string 't'"))
    unknown = set(item) - {"t", "tones", "kinds", "not_kinds", "channels", "tags", "max", "open"}
    if unknown:
        raise BankError(BANK_ERROR.format(file=file, problem=f"{part}: unknown keys {sorted(unknown)}"))
    return Phrasing(
        text=item["t"],
        tones=frozenset(item.get("tones", ())),
        kinds=frozenset(item.get("kinds", ())),
        not_kinds=frozenset(item.get("not_kinds", ())),
        channels=frozenset(item.get("channels", ())),
        tags=frozenset(item.get("tags", ())),
        max=item.get("max"),
        open=bool(item.get("open", open_default)),
    )


@lru_cache(maxsize=1)
def banks() -> dict[str, tuple[Phrasing, ...]]:
    """Every part of every bank file (read once per process); a part is defined in one file only."""
    parts: dict[str, tuple[Phrasing, ...]] = {}
    for path in sorted(BANK_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise BankError(BANK_ERROR.format(file=path.name, problem="the top level is not a mapping"))
        for part, items in data.items():
            if part.removesuffix("+") in parts:
                raise BankError(BANK_ERROR.format(file=path.name, problem=f"{part} is defined twice"))
            if not isinstance(items, list) or not items:
                raise BankError(BANK_ERROR.format(file=path.name, problem=f"{part} has no phrasings"))
            # A part whose name ends in "+" takes openers on every phrasing ("blog.value.2+").
            opens = part.endswith("+")
            parts[part.removesuffix("+")] = tuple(
                _phrasing(item, path.name, part, open_default=opens) for item in items
            )
    return parts


def part(name: str) -> tuple[Phrasing, ...]:
    return banks().get(name, ())
