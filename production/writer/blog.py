"""Blog articles: a topic that answers a search, written for this brief at 800-1,500 words.

The focus keyword is the asset's search term (else the product's category, else its name); it
appears in the title and the first paragraph. One H1, H2s phrased as the questions readers ask,
sections each built around one fact of the brief (the pillar's pain, each value proposition, the
proof points as a list, a checklist from the value propositions, how to start), and a short FAQ
from the brief's own facts. The meta description is chosen whole at 155 characters or fewer.
"""

from __future__ import annotations

from typing import Any

from production.writer.core import Asset, Composer
from production.writer.facts import Fact
from production.writer.grammar import capitalise, slug, words

WORDS = (850, 1500)
META = (120, 155)
TITLE = 60
# Section orders ("angles"); value sections take the value propositions in turn, pillar first.
ANGLES = (
    ("problem", "how", "value", "value", "proof", "choose", "start", "faq"),
    ("how", "value", "problem", "proof", "value", "choose", "start", "faq"),
    ("problem", "proof", "how", "value", "choose", "value", "start", "faq"),
)
FILLERS = ("value", "problem", "value")
# Optional beats of a section; each section takes a rotated selection, so one article does not
# run every section through the same sentences.
PROBLEM_PARTS = ("blog.problem.2", "blog.problem.3", "blog.problem.4", "blog.problem.5", "blog.problem.6")
VALUE_PARTS = ("blog.value.2", "blog.value.3", "blog.value.4", "blog.value.5", "blog.value.6", "blog.value.7")


def write_blog(c: Composer) -> Asset:
    c.spend_facts = False
    term = _focus_term(c)
    c.set_focus(search_term=term, cta=c.call_to_action())
    named = ".named" if term is c.facts.product else ""
    title = c.line(f"blog.title{named}", max_chars=TITLE, opening=True) or c.line(
        f"blog.title{named}", max_chars=TITLE + 20, opening=True
    )
    title = title or term.text
    meta = ""
    for shortest in (META[0], 100, 70):
        meta = meta or c.line(f"blog.meta{named}", min_chars=shortest, max_chars=META[1])
    meta = meta or (
        c.facts.description.text if c.facts.description and len(c.facts.description.text) <= META[1] else ""
    )
    opening = c.line("blog.intro.named" if named else "blog.intro.open") or c.line(f"blog.intro.plain{named}")
    intro = [opening, c.line("blog.intro.answer"), c.line("blog.intro.promise")]
    sections: list[tuple[str, list[str]]] = []
    angle = ANGLES[c.number("angle") % len(ANGLES)]
    values = [c.focus["value"], *c.others("value", c.facts.values)] if c.focus.get("value") else []
    pains = [c.focus["pain"], *c.others("pain", c.facts.pains)] if c.focus.get("pain") else []
    counters = {"value": 0, "problem": 0}
    for name in angle:
        section = _section(c, name, values, pains, counters)
        if section:
            sections.append(section)
    for name in FILLERS * 4:
        if _count(intro, sections) >= WORDS[0]:
            break
        section = _section(c, name, values, pains, counters, wrap=True)
        if section:
            sections.insert(-2 if len(sections) > 2 else len(sections), section)
    while _count(intro, sections) > WORDS[1] and len(sections) > 3:
        sections.pop(-3)
    link = c.link()
    closing = f"{c.focus['cta']}: {link}" if link else f"{c.focus['cta']}."
    lines = [f"# {title}", "", " ".join(p for p in intro if p), ""]
    for heading, paragraphs in sections:
        lines += [f"## {heading}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    lines += [closing, ""]
    lines += [*(f"{d}\n" for d in c.facts.disclaimers)]
    body = "\n".join(lines).strip() + "\n"
    fields: dict[str, Any] = {
        "title": title,
        "slug": slug(title, most_words=6),
        "focus_keyword": term.text,
        "meta_description": meta,
        "headings": [h for h, _p in sections],
        "cta": c.focus["cta"],
        "link": link,
    }
    return Asset(
        title=title,
        body=body.rstrip("\n"),
        fields=fields,
        template=f"{c.asset_type}.{'-'.join(angle)}",
        sources=c.sources(),
    )


def _focus_term(c: Composer) -> Fact:
    term = c.focus.get("search_term")
    if term is not None:
        return term
    if c.facts.category is not None:
        return c.facts.category
    return c.facts.product


def _count(intro: list[str], sections: list[tuple[str, list[str]]]) -> int:
    text = " ".join(intro) + " " + " ".join(" ".join([h, *ps]) for h, ps in sections)
    return len(words(text))


def _paragraphs(c: Composer, groups: tuple[tuple[str, ...], ...]) -> list[str]:
    out = []
    for group in groups:
        sentences = [c.line(part) for part in group]
        text = " ".join(s for s in sentences if s)
        if text:
            out.append(text)
    return out


def _rotated(c: Composer, first: str, parts: tuple[str, ...], sizes: tuple[int, ...], turn: int) -> tuple:
    """Paragraph groups: `first`, then `parts` rotated for this section, cut into groups of `sizes`."""
    start = (c.number("parts", first) + turn) % len(parts)
    order = [*parts[start:], *parts[:start]]
    groups, position = [], 0
    for index, size in enumerate(sizes):
        group = order[position : position + size]
        position += size
        groups.append(((first,) if index == 0 else ()) + tuple(group))
    return tuple(g for g in groups if g)


def _section(
    c: Composer, name: str, values: list[Any], pains: list[Any], counters: dict[str, int], *, wrap: bool = False
) -> tuple[str, list[str]] | None:
    """One H2 section; with `wrap`, a value or pain already covered may come back in new words."""
    if name == "problem":
        if not pains or (counters["problem"] >= len(pains) and not wrap):
            return None
        c.set_focus(pain=pains[counters["problem"] % len(pains)])
        counters["problem"] += 1
        heading = c.line("blog.h2.problem")
        c.set_focus(
            phrase=c.others("phrase", c.facts.phrases)[0] if len(c.facts.phrases) > 1 else c.focus.get("phrase")
        )
        body = _paragraphs(c, _rotated(c, "blog.problem.1", PROBLEM_PARTS, (3, 2), counters["problem"]))
    elif name == "value":
        if not values or (counters["value"] >= len(values) and not wrap):
            return None
        c.set_focus(value=values[counters["value"] % len(values)])
        if pains:
            c.set_focus(pain=pains[counters["value"] % len(pains)])
        counters["value"] += 1
        heading = c.line("blog.h2.value")
        body = _paragraphs(c, _rotated(c, "blog.value.1", VALUE_PARTS, (3, 3), counters["value"]))
    elif name == "proof":
        proofs = [p for p in c.facts.proofs if c.allowed_fact(p.text)]
        if not proofs:
            return None
        heading = c.line("blog.h2.proof")
        for proof in proofs:
            c.use(proof.source)
        proofs = [p for p in proofs if c.new_in_asset(p.text)]
        bullets = "\n".join(f"- {capitalise(p.text)}" for p in proofs)
        c.written(bullets)
        body = [c.line("blog.proof.intro"), bullets, c.line("blog.proof.outro")]
    elif name == "choose":
        if not c.facts.values:
            return None
        heading = c.line("blog.h2.choose")
        bullets = "\n".join(f"- {q}" for q in _checklist(c))
        body = [c.line("blog.choose.intro"), bullets, c.line("blog.choose.outro")]
    elif name == "start":
        heading = c.line("blog.h2.start")
        body = _paragraphs(c, (("blog.start.1", "blog.start.2"), ("blog.start.3",)))
    elif name == "how":
        if c.facts.description is None:
            return None
        heading = c.line("blog.h2.how")
        body = _paragraphs(c, (("blog.how.1",), ("blog.how.2", "blog.how.3")))
    else:
        heading = c.line("blog.h2.faq")
        body = _faq(c)
    body = [p for p in body if p]
    if not heading or not body:
        return None
    return heading, body


def _checklist(c: Composer) -> list[str]:
    """One question per value proposition (in the form its shape allows), then evidence and the alternative."""
    questions = []
    focus = c.focus.get("value")
    for value in c.facts.values:
        c.set_focus(value=value)
        shape = {"imperative": "can", "noun": "noun", "clause": "claim", "predicate": "pred"}[value.shape]
        questions.append(c.line(f"blog.check.{shape}"))
    c.set_focus(value=focus)
    if c.facts.proofs:
        questions.append(c.line("blog.check.proof"))
    questions.append(c.line("blog.check.alternative"))
    return [q for q in questions if q]


def _faq(c: Composer) -> list[str]:
    pairs: list[tuple[str, str]] = []
    if c.facts.description:
        pairs.append((c.line("blog.faq.q.what"), c.line("blog.faq.what")))
    pairs.append((c.line("blog.faq.q.who"), c.line("blog.faq.who")))
    for quote in c.facts.phrases:
        question = capitalise(quote.fact.text.strip())
        if question.endswith("?") and c.fresh(question) and c.new_in_asset(question):
            c.use(quote.fact.source)
            c.written(question)
            pairs.append((question, c.line("blog.faq.value")))
            break
    if c.facts.price:
        c.use(c.facts.price.source)
        pairs.append((c.line("blog.faq.q.price"), capitalise(c.facts.price.text.rstrip(".")) + "."))
    if c.offer is not None:
        pairs.append((c.line("blog.faq.q.offer"), c.line("blog.faq.offer")))
    out = []
    for question, answer in pairs:
        if question and answer:
            out.append(f"### {question}\n\n{answer}")
    return out if len(out) >= 2 else []
