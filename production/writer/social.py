"""Social posts: LinkedIn, X, Instagram and Facebook, each to its own craft.

A post is built on one framework (PAS, BAB, AIDA, FAB, a customer's words, an occasion) chosen
per asset from those that suit the voice, its beats written from the asset's pillar. Then the
channel shapes it: LinkedIn opens with a hook that lands before "see more" (about 210
characters) and runs 600-1,300 characters in short paragraphs; X is one idea in at most 280
weighted characters; Instagram and Facebook carry the point in the first 125 characters and come
with a visual brief and alt text. Only the brand's own hashtags are used. Parts are chosen or
left out to fit; nothing is cut.
"""

from __future__ import annotations

from typing import Any

from kernel.channels import CHANNEL_LIMITS, measure
from production.writer.core import Asset, Composer
from production.writer.grammar import capitalise, clause, split_sentences

SPONSORED_PREFIX = "Ad:"
HASHTAGS = {"linkedin": 3, "x": 2, "instagram": 5, "facebook": 2}
LINKEDIN_HOOK = 210
LINKEDIN_BODY = (600, 1300)
FIRST_LINE = 125
FACEBOOK_WORDS = (40, 80)
ALT_TEXT = 125

# Frameworks as beats; each beat names the bank parts that may write it, in order of preference.
FRAMEWORKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "pas": (
        ("hook", ("social.hook.pain",)),
        ("agitate", ("social.agitate",)),
        ("solve", ("social.solve",)),
    ),
    "bab": (
        ("hook", ("social.hook.pain",)),
        ("solve", ("social.hook.value", "social.solve")),
        ("more", ("social.more",)),
    ),
    "aida": (
        ("hook", ("social.hook.value", "social.hook.proof")),
        ("interest", ("social.describe", "social.more")),
        ("desire", ("social.more", "social.solve")),
    ),
    "fab": (
        ("hook", ("social.hook.proof", "social.hook.value")),
        ("solve", ("social.solve",)),
        ("more", ("social.more",)),
    ),
    "voice": (
        ("hook", ("social.hook.phrase", "social.hook.praise")),
        ("solve", ("social.solve",)),
        ("more", ("social.more",)),
    ),
}
BY_REGISTER = {
    "warm": ("bab", "voice", "pas", "aida"),
    "playful": ("bab", "aida", "voice", "pas"),
    "plain": ("pas", "fab", "aida", "voice"),
    "formal": ("fab", "aida", "pas"),
}


def write_social(c: Composer) -> Asset:
    c.unique_phrasings = True
    channel = c.channel
    framework = _framework(c)
    beats = _beats(c, framework, hook_budget=_hook_budget(channel))
    # A post that names neither the product nor the client gets a call to action that does.
    named = channel == "x" or not _names_brand(c, [t for _b, t in beats])
    c.set_focus(cta=c.call_to_action(named=named))
    paid = c.facts.sponsored
    link = c.link(paid=paid)
    tags = _hashtags(c)
    extras = _extras(c, channel)
    if channel == "linkedin":
        body, ending = _linkedin(c, beats, extras, link)
    elif channel == "x":
        body, ending = _x(c, beats, link, tags)
    elif channel == "instagram":
        body, ending = _instagram(c, beats, extras)
    else:
        body, ending = _facebook(c, beats, extras, link)
    fields: dict[str, Any] = {"cta": c.focus["cta"], "link": link, "hashtags": tags}
    if channel in ("instagram", "facebook"):
        fields |= _visual(c)
    if channel == "instagram" and link:
        fields["link_in_bio"] = True
    text = _assemble(c, body, ending, tags, paid=paid)
    title = _title(c, beats)
    return Asset(
        title=title,
        body=text,
        fields=fields,
        template=f"{c.asset_type}.{framework}",
        sources=c.sources(),
    )


def _title(c: Composer, beats: list[tuple[str, str]]) -> str:
    """The asset's working title: the hook's first sentence when it ends whole, else the product."""
    from production.writer.contract import whole

    first = split_sentences(beats[0][1])[0] if beats else ""
    title = clause(first) if first.endswith((".", "!")) else first
    return title if title and whole(title) and len(title) <= 120 else c.facts.product.text


def _framework(c: Composer) -> str:
    options = BY_REGISTER.get(c.voice.register, BY_REGISTER["plain"])
    if c.occasion:
        return "occasion"
    return options[c.number("framework") % len(options)]


def _hook_budget(channel: str) -> int:
    return {"linkedin": LINKEDIN_HOOK, "x": 140, "instagram": FIRST_LINE, "facebook": FIRST_LINE}.get(channel, 200)


def _beats(c: Composer, framework: str, *, hook_budget: int) -> list[tuple[str, str]]:
    """The framework's beats as (beat, text); a hook is always written, falling back across frameworks."""
    if framework == "occasion":
        plan = (("hook", ("social.hook.occasion",)), ("solve", ("social.solve",)), ("more", ("social.more",)))
    else:
        plan = FRAMEWORKS[framework]
    beats = []
    for beat, parts in plan:
        budget = hook_budget if beat == "hook" else None
        for part in parts:
            text = c.line(part, max_chars=budget, opening=beat == "hook")
            if text:
                beats.append((beat, text))
                break
        if beat == "hook" and not beats:
            for part in ("social.hook.value", "social.hook.pain", "social.hook.proof", "social.solve"):
                text = c.line(part, max_chars=hook_budget, opening=True)
                if text:
                    beats.append(("hook", text))
                    break
    return beats


def _names_brand(c: Composer, texts: list[str]) -> bool:
    text = " ".join(texts).casefold()
    return c.facts.product.text.casefold() in text or c.facts.client.text.casefold() in text


def _extras(c: Composer, channel: str) -> dict[str, str]:
    """Optional beats a longer post may add: proof, praise, offer, a closing question."""
    extras = {}
    if c.focus.get("proof") is not None:
        extras["proof"] = c.line("proof.line")
    if c.focus.get("praise") is not None and channel in ("linkedin", "instagram", "facebook"):
        extras["praise"] = c.line("praise.line")
    if c.offer is not None:
        extras["offer"] = c.line("offer.line")
    if channel in ("linkedin", "facebook"):
        extras["question"] = c.line("social.close.question")
    return {k: v.strip() for k, v in extras.items() if v and v.strip()}


def _hashtags(c: Composer) -> list[str]:
    most = HASHTAGS.get(c.channel, 2)
    tags = list(c.facts.hashtags)
    if not tags or most == 0:
        return []
    start = c.number("hashtags") % len(tags)
    chosen = (tags[start:] + tags[:start])[: min(most, len(tags))]
    for tag in chosen:
        c.use(tag.source)
    return [t.text for t in chosen]


def _cta_line(c: Composer, link: str) -> str:
    line = c.line("social.cta")
    if not line:
        line = f"{c.focus['cta']}."
    return f"{line}\n{link}" if link else line


def _linkedin(c: Composer, beats: list[tuple[str, str]], extras: dict[str, str], link: str) -> tuple[list[str], str]:
    paragraphs = [text for _beat, text in beats]
    # The post ends on a question or on the call to action; the latter when it is the only brand mention.
    named = _names_brand(c, [t for _b, t in beats] + [extras.get(k, "") for k in ("proof", "praise", "offer")])
    closing_question = c.number("close") % 2 == 0 and "question" in extras and named
    ending = extras["question"] if closing_question else _cta_line(c, link)
    for name in ("proof", "praise", "offer"):
        if name in extras:
            paragraphs.append(extras[name])
    if closing_question and link:
        # The post stands without the click; the link still goes with it, once.
        paragraphs.append(link)
    low, high = LINKEDIN_BODY
    while _length(paragraphs, ending) > high and len(paragraphs) > 2:
        paragraphs.pop(-2 if closing_question and link else -1)
    fillers = ("social.more", "praise.line", "phrase.line", "social.describe", "offer.line", "proof.line")
    for part in (*fillers, "social.agitate", *fillers):
        if _length(paragraphs, ending) >= low:
            break
        extra = c.line(part)
        if extra and _length([*paragraphs, extra], ending) <= high:
            paragraphs.insert(len(paragraphs) - (1 if closing_question and link else 0), extra)
    return paragraphs, ending


def _length(paragraphs: list[str], ending: str) -> int:
    return len("\n\n".join([*paragraphs, ending]))


def _x(c: Composer, beats: list[tuple[str, str]], link: str, tags: list[str]) -> tuple[list[str], str]:
    hook = beats[0][1] if beats else ""
    ending = f"{c.focus['cta']}: {link}" if link else f"{c.focus['cta']}."
    disclaimers = " ".join(c.facts.disclaimers)
    fixed = [SPONSORED_PREFIX if c.facts.sponsored else "", hook, ending, " ".join(tags), disclaimers]
    room = 280 - measure("\n\n".join(p for p in fixed if p), "weighted") - 2
    middle = []
    for _beat, text in beats[1:]:
        if measure(text, "weighted") <= room:
            middle.append(text)
            break
    return [hook, *middle], ending


def _instagram(c: Composer, beats: list[tuple[str, str]], extras: dict[str, str]) -> tuple[list[str], str]:
    texts = [text for _beat, text in beats]
    paragraphs = texts[:2]
    if texts and not c.occasion and not _carries_point(c, texts[0]):
        # The caption's first 125 characters carry the point: the beat that names it leads.
        carrying = [
            t
            for t in texts[1:]
            if _carries_point(c, t) and len(t) <= FIRST_LINE and not c.log.opening_taken(c.channel, t)
        ]
        if carrying:
            paragraphs = [carrying[0], texts[0]]
            c.log.take_opening(c.channel, carrying[0])
        else:
            lead = _point_line(c)
            if lead:
                paragraphs = [lead, texts[0]]
    for name in ("proof", "praise", "offer"):
        if name in extras:
            paragraphs.append(extras[name])
    ending = f"{c.focus['cta']}. {c.line('social.bio')}".strip()
    return paragraphs, ending


def _point_line(c: Composer) -> str:
    """A first line that names the product (its value may be said again here: this line is the point)."""
    product = c.facts.product.text.casefold()
    c.spend_facts = False
    try:
        return c.line("social.hook.value", max_chars=FIRST_LINE, opening=True, accept=lambda t: product in t.casefold())
    finally:
        c.spend_facts = True


def _carries_point(c: Composer, text: str) -> bool:
    head = text[:FIRST_LINE].casefold()
    value = c.focus.get("value")
    return c.facts.product.text.casefold() in head or (value is not None and value.body.casefold()[:30] in head)


def _facebook(c: Composer, beats: list[tuple[str, str]], extras: dict[str, str], link: str) -> tuple[list[str], str]:
    paragraphs = [text for _beat, text in beats[:2]]
    local = _local_detail(c)
    if local:
        paragraphs.append(local)
    low, high = FACEBOOK_WORDS
    for name in ("proof", "offer", "praise"):
        if name in extras and _words(paragraphs) + measure(extras[name], "words") <= high - 15:
            paragraphs.append(extras[name])
    question = extras.get("question", "")
    ending = f"{question}\n\n{c.focus['cta']}: {link}" if question and link else _cta_line(c, link)
    if _words(paragraphs) < low and len(beats) > 2:
        paragraphs.append(beats[2][1])
    return paragraphs, ending


def _local_detail(c: Composer) -> str:
    """Local services and venues lead with the practical: phone, area served, price."""
    if c.facts.kind not in ("local_service", "venue", "service"):
        return ""
    return c.line("social.local")


def _words(paragraphs: list[str]) -> int:
    return sum(measure(p, "words") for p in paragraphs)


def _visual(c: Composer) -> dict[str, str]:
    # The alt text must be new to the run as well: it is copy a screen reader reads out.
    line = c.line("visual.scene", accept=lambda t: c.fresh(t.partition(" || ")[2]))
    scene, _sep, alt = line.partition(" || ")
    c.remember(alt)
    formats = ("Single image", "Carousel of three images", "Short vertical video (Reel)")
    fmt = formats[c.number("format") % len(formats)] if c.channel == "instagram" else "Single image"
    mood = {"warm": "warm and close", "playful": "bright and lively", "plain": "clean and factual"}.get(
        c.voice.register, "calm and clear"
    )
    brief = f"{fmt}: {scene}. Mood: {mood}. No text on the image beyond the logo."
    alt = alt.strip() or f"{c.facts.product.text}"
    if len(alt) > ALT_TEXT:
        alt = c.facts.product.text
    return {"visual_brief": capitalise(brief), "alt_text": capitalise(alt)}


def _assemble(c: Composer, paragraphs: list[str], ending: str, tags: list[str], *, paid: bool) -> str:
    parts = [p for p in paragraphs if p]
    if paid and parts:
        parts[0] = f"{SPONSORED_PREFIX} {parts[0]}"
    parts.append(ending)
    if tags:
        parts.append(" ".join(tags))
    parts.extend(c.facts.disclaimers)
    text = "\n\n".join(p for p in parts if p)
    limit = CHANNEL_LIMITS.get(c.channel)
    hard = limit.fields["body"].hard if limit and "body" in limit.fields else None
    unit = limit.fields["body"].unit if limit and "body" in limit.fields else "chars"
    # Parts are left out, never cut: the middle beats go first, then hashtags.
    while hard is not None and measure(text, unit) > hard and len(parts) > 2:
        removable = [i for i, p in enumerate(parts[1:-1], start=1) if p not in c.facts.disclaimers and p != ending]
        if not removable:
            break
        parts.pop(removable[-1])
        text = "\n\n".join(p for p in parts if p)
    return text
