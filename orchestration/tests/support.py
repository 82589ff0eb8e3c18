"""Helpers for workflow tests: example intakes, changes to them, and what a run left behind."""

from __future__ import annotations

import copy
import errno
import json
import os
import socket
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from config import registry
from delivery import services as delivery
from onboarding import services as onboarding
from production import services as production
from strategy import services as strategy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "briefs"


def intake(name: str = "local-bakery", **changes: Any) -> dict[str, Any]:
    """An example intake as a dict, with top-level sections merged with `changes`."""
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    data = copy.deepcopy(data)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leftovers(run_id: UUID, brief_id: UUID | None, media_root: Path) -> dict[str, Any]:
    """Everything of one run still present in any context (empty values mean nothing is left)."""
    found: dict[str, Any] = {
        "drafts": production.drafts_for_run(run_id=run_id, drafts=registry.repository("production.drafts")),
        "qc_results": production.qc_results_for_run(run_id=run_id, qc_results=registry.repository("production.qc")),
        "package": delivery.package_for_run(run_id=run_id, packages=registry.repository("delivery.packages")),
        "files": sorted(p.name for p in (Path(media_root) / "packages" / str(run_id)).rglob("*")),
    }
    if brief_id is not None:
        briefs = registry.repository("onboarding.briefs")
        found["brief"] = briefs.get(brief_id)
        found["strategies"] = strategy.strategy_list_versions(
            brief_id=brief_id, strategies=registry.repository("strategy.documents")
        )
    return found


def nothing_left(found: dict[str, Any]) -> bool:
    return not any(found.values())


def brief_id_of(run) -> UUID | None:
    return run.brief_id


def submit(data: dict[str, Any]):
    return onboarding.brief_submit(raw=json.dumps(data), source="test", briefs=registry.repository("onboarding.briefs"))


class UndeletableStorage(FileSystemStorage):
    """A storage that keeps what it is given and refuses deletes (like a write-once bucket)."""

    def delete(self, name: str) -> None:
        raise PermissionError(f"storage is write-once: cannot delete {name}")


class FullDiskStorage(FileSystemStorage):
    """A disk with `capacity` bytes free (OPTIONS, through STORAGES): a write past it fails half-way
    with ENOSPC and leaves the partial file behind, as a full disk does; a delete frees its bytes."""

    def __init__(self, capacity: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.free = capacity

    def _save(self, name: str, content: Any) -> str:
        data = content.read()
        if len(data) > self.free:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: self.free])
            self.free = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        self.free -= len(data)
        return super()._save(name, ContentFile(data))

    def delete(self, name: str) -> None:
        if self.exists(name):
            self.free += self.size(name)
        super().delete(name)
