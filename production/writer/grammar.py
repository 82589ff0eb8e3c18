"""The writer's grammar: shared with the strategy, so it lives in `kernel.grammar` (re-exported here)."""

from kernel.grammar import (
    SENTENCE_SPLIT,
    babel_locale,
    base_verb,
    british,
    capitalise,
    clause,
    day_month,
    is_british,
    join_list,
    long_date,
    sentence,
    slug,
    split_sentences,
    uncontracted,
    with_article,
    words,
)

__all__ = [
    "SENTENCE_SPLIT",
    "babel_locale",
    "base_verb",
    "british",
    "capitalise",
    "clause",
    "day_month",
    "is_british",
    "join_list",
    "long_date",
    "sentence",
    "slug",
    "split_sentences",
    "uncontracted",
    "with_article",
    "words",
]
