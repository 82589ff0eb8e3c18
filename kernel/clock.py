"""Time in one place: always timezone-aware (UTC, or a client's zone for what the client reads)."""

import datetime as dt
import zoneinfo


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def zone_of(name: str) -> dt.tzinfo:
    """The IANA time zone `name` ("America/Chicago"); UTC when empty or unknown."""
    if not name or name.upper() == "UTC":
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC
