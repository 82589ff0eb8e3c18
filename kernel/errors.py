"""The application's error hierarchy; the API maps each family to one HTTP status, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class AppError(Exception):
    """Base of every error a use case raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(AppError):
    """Input was rejected; `errors` maps each field path to its messages."""

    code = "invalid"

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str = "The input has errors.") -> None:
        self.errors = {path: list(msgs) for path, msgs in errors.items()}
        detail = "; ".join(f"{path}: {m}" for path, msgs in self.errors.items() for m in msgs)
        super().__init__(f"{message} {detail}".strip())


class NotFound(AppError):
    code = "not_found"


class Conflict(AppError):
    """The request clashes with the current state (a duplicate, or a state that forbids it)."""

    code = "conflict"


class DuplicateError(Conflict):
    """A uniqueness rule was violated; raised alike by every repository implementation."""

    code = "duplicate"


class InvalidTransition(Conflict):
    code = "invalid_state"


class PermanentStepError(AppError):
    """A step failed for a reason that retrying cannot fix (QC failed, scope gap)."""

    code = "step_failed"


class TransientStepError(AppError):
    """A step failed for a reason that may pass (a webhook timeout); the saga retries it."""

    code = "transient"
