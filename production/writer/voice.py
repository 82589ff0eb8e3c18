"""The brand's voice as the writer uses it: a register from `brand.tone` and flags from `voice_notes`.

The register (warm, playful, plain, formal) chooses which phrasings a bank offers, how long the
sentences run and which frameworks an asset is built on; the flags turn the client's own notes
into rules ("no hype" drops hype lines, "British spelling" respells our wording). Voice notes
outrank the tone words: they are counted twice.

A strategy revision may ask for a tone "more formal" or "more casual" than the brand's (Strategy.tone):
`revised` moves the register one step along playful < warm < plain < formal (which changes the
phrasings, sentence lengths and frameworks the writer picks). A step up also writes our own wording
without contractions; a step down from formal brings them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

REGISTERS = ("warm", "playful", "plain", "formal")
_REGISTER_WORDS = {
    "warm": "warm friendly neighborly neighbourly encouraging caring kind welcoming upbeat personal gentle cosy cozy",
    "playful": "playful witty fun cheeky cheerful light-hearted quirky bold irreverent energetic",
    "plain": "plain plain-spoken practical direct technical precise concrete no-nonsense pragmatic confident expert",
    "formal": "formal calm clear reassuring professional authoritative measured serious trustworthy respectful sober",
}
_FLAGS = {
    "no_hype": r"\bno hype\b|\bnot? (?:salesy|pushy)\b|\bunderstated\b|\bno hard sell\b",
    "no_urgency": r"\bno urgency\b|\bno (?:false )?deadlines?\b|\bno pressure\b",
    "british": r"\bbritish (?:spelling|english)\b|\buk spelling\b",
    "american": r"\bamerican (?:spelling|english)\b|\bus spelling\b",
    "short": r"\bshort sentences\b|\bkeep it short\b|\bbrief\b|\bpunchy\b",
    "no_exclamation": r"\bno exclamation\b|\bnever (?:use )?exclamation\b",
    "numbers": r"\bnumbers\b|\bdata\b|\bfigures\b|\bconcrete\b",
    "balance_risk": r"\bbalance\b.*\brisk\b|\brisks?\b",
}


@dataclass(frozen=True)
class Voice:
    register: str
    flags: frozenset[str]

    @property
    def formal(self) -> bool:
        return self.register == "formal"

    @property
    def uncontracted(self) -> bool:
        """Our own wording without contractions ("do not", not "don't"): formal voices, and any voice a
        revision made more formal."""
        return self.formal or "no_contractions" in self.flags

    @property
    def exclaims(self) -> bool:
        return (
            self.register in ("warm", "playful") and "no_exclamation" not in self.flags and "no_hype" not in self.flags
        )


@lru_cache(maxsize=256)
def voice_of(tone: str, notes: str) -> Voice:
    """The register that the tone and notes name most (notes count twice); plain when nothing matches."""
    scores = dict.fromkeys(REGISTERS, 0)
    for text, weight in ((tone.lower(), 1), (notes.lower(), 2)):
        for register, vocabulary in _REGISTER_WORDS.items():
            scores[register] += weight * sum(1 for w in vocabulary.split() if re.search(rf"\b{re.escape(w)}\b", text))
    # "a little playful" after "warm": the first register named wins ties.
    order = {r: tone.lower().find(r) if r in tone.lower() else 999 for r in REGISTERS}
    register = max(REGISTERS, key=lambda r: (scores[r], -order[r])) if any(scores.values()) else "plain"
    notes_lower = f"{tone} {notes}".lower()
    flags = frozenset(name for name, pattern in _FLAGS.items() if re.search(pattern, notes_lower))
    return Voice(register=register, flags=flags)


# From the most casual register to the most formal; a revision moves one step along it.
FORMALITY = ("playful", "warm", "plain", "formal")
MORE_FORMAL, MORE_CASUAL = "more formal", "more casual"


def revised(voice: Voice, tone: str) -> Voice:
    """The voice a strategy's revised tone asks for ("" keeps the brand's own)."""
    step = {MORE_FORMAL: 1, MORE_CASUAL: -1}.get(tone.strip().lower().replace("_", " "), 0)
    if not step:
        return voice
    index = min(max(FORMALITY.index(voice.register) + step, 0), len(FORMALITY) - 1)
    flags = voice.flags | {"no_contractions"} if step > 0 else voice.flags - {"no_contractions"}
    return Voice(register=FORMALITY[index], flags=frozenset(flags))
