"""Writing one asset: the composer for its brief, pillar and slot, handed to its channel family's module."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kernel.channels import family_of
from production.writer.core import Asset, Composer, WritingLog
from production.writer.facts import facts_of
from production.writer.voice import revised, voice_of

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from strategy.domain import Pillar


def write_asset(
    *,
    brief: Brief,
    channel: str,
    asset_type: str,
    key: str,
    scheduled_at: datetime,
    pillar: Pillar | None = None,
    occasion: str = "",
    log: WritingLog | None = None,
    unsubscribe_url: str = "",
    tone: str = "",
) -> Asset:
    """One asset written from the brief's facts; `log` carries what the run has written so far;
    `tone` is the strategy's revised tone ("more formal", "more casual"), "" for the brand's own."""
    from production.writer.blog import write_blog
    from production.writer.email import write_email
    from production.writer.search_ads import write_search_ad
    from production.writer.social import write_social

    facts = facts_of(brief)
    composer = Composer(
        facts=facts,
        voice=revised(voice_of(brief.brand.tone, brief.brand.voice_notes), tone),
        channel=channel,
        asset_type=asset_type,
        key=key,
        pillar=pillar,
        occasion=occasion,
        scheduled_at=scheduled_at,
        log=log if log is not None else WritingLog(),
    )
    family = family_of(channel, asset_type)
    if family == "email":
        asset = write_email(composer, unsubscribe_url=unsubscribe_url)
    elif family == "blog":
        asset = write_blog(composer)
    elif family == "rsa":
        asset = write_search_ad(composer)
    else:
        asset = write_social(composer)
    notes = (f"link.dropped: {facts.dropped_link} is a reserved example domain",) if facts.dropped_link else ()
    return Asset(
        title=asset.title,
        body=asset.body,
        fields=asset.fields,
        template=asset.template,
        sources=asset.sources,
        notes=(*asset.notes, *notes),
    )
