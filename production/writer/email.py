"""E-mail: one reader, one promise, one action.

A subject of 30-60 characters and a different preheader of 40-90 that adds to it, both chosen
whole; a greeting in the brand's register; an opening from the asset's pain or occasion; the
pillar's value and its proof; one call to action with its link; a sign-off; the brief's
disclaimers; and the footer (postal address and a real unsubscribe link) once.
"""

from __future__ import annotations

from urllib.parse import urljoin

from kernel.channels import CHANNEL_LIMITS
from production.writer.core import Asset, Composer, fold, sentence_key
from production.writer.grammar import words

SUBJECT = (30, 60)
PREHEADER = (40, 90)


def unsubscribe_link(c: Composer, configured: str) -> str:
    """The configured unsubscribe URL, else the client's site's /unsubscribe page."""
    if configured:
        return configured
    base = c.facts.link.text if c.facts.link else ""
    return urljoin(base, "/unsubscribe") if base else ""


def write_email(c: Composer, *, unsubscribe_url: str = "") -> Asset:
    c.unique_phrasings = True
    limits = CHANNEL_LIMITS["email"].fields
    subject_max = limits["subject"].soft or SUBJECT[1]
    subject_min = limits["subject"].soft_min or SUBJECT[0]
    subject = c.line("email.subject", min_chars=subject_min, max_chars=subject_max) or _fallback_subject(c)
    preheader_max = limits["preheader"].soft or PREHEADER[1]
    preheader = c.line(
        "email.preheader",
        min_chars=limits["preheader"].soft_min or PREHEADER[0],
        max_chars=min(preheader_max, PREHEADER[1]),
        accept=lambda text: _adds_to(subject, text),
    )
    c.set_focus(cta=c.call_to_action())
    greeting = c.line("greeting", opening=True) or c.line("greeting")
    # The opening line after the greeting is how the e-mail opens: no two e-mails of a run share it.
    opening = c.line("email.occasion" if c.occasion else "email.open", opening=True) or c.line(
        "email.open", opening=True
    )
    value = c.line("email.value")
    more = c.line("email.more")
    how = c.line("email.how") if c.number("how") % 2 == 0 else ""
    proof = ""
    if c.focus.get("proof") is not None:
        proof = c.line("proof.line")
    praise = c.line("praise.line") if c.focus.get("praise") is not None and c.number("praise") % 2 else ""
    offer = c.line("offer.line") if c.offer is not None else ""
    link = c.link()
    cta = c.focus["cta"]
    lead = c.line("email.cta_lead")
    action = f"{lead}\n\n{cta}: {link}" if link else f"{lead} {cta}."
    signoff = c.line("signoff")
    client = c.facts.client.text
    c.use(c.facts.client.source)
    address = c.facts.postal_address.text if c.facts.postal_address else ""
    if c.facts.postal_address:
        c.use(c.facts.postal_address.source)
    opt_out = unsubscribe_link(c, unsubscribe_url)
    footer_lines = [" · ".join(p for p in (client, address) if p)]
    footer_lines.append(
        f"You are receiving this e-mail because you asked for news from {client}. "
        + (f"Unsubscribe: {opt_out}" if opt_out else "To unsubscribe, use the link in your account settings.")
    )
    footer = "\n".join(footer_lines)
    paragraphs = [greeting, opening, value, how, more, proof, praise, offer, action, signoff, *c.facts.disclaimers]
    body = "\n\n".join(p for p in paragraphs if p) + "\n\n--\n" + footer
    fields = {
        "subject": subject,
        "preheader": preheader,
        "cta": cta,
        "link": link,
        "unsubscribe_url": opt_out,
        "footer": footer,
    }
    return Asset(title=subject, body=body, fields=fields, template=f"{c.asset_type}.one-job", sources=c.sources())


def _adds_to(subject: str, preheader: str) -> bool:
    """A preheader is not the subject again: it shares at most half of the subject's words."""
    if sentence_key(subject) == sentence_key(preheader):
        return False
    mine = {fold(w) for w in words(subject) if len(w) > 3}
    theirs = {fold(w) for w in words(preheader) if len(w) > 3}
    return not mine or len(mine & theirs) <= len(mine) / 2


def _fallback_subject(c: Composer) -> str:
    return f"News from {c.facts.client.text} about {c.facts.product.text}"
