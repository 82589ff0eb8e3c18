"""Signals the strategy context sends; orchestration subscribes to resume or compensate a waiting run."""

from django.dispatch import Signal

# Sent once a review decision is stored (and committed, inside a transaction), never for an
# idempotent repeat. Keyword arguments: strategy=<Strategy>, decision="approved" | "rejected".
strategy_decided = Signal()
