"""Time in one place: always timezone-aware UTC."""

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
