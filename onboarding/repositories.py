"""Brief persistence: the contract, and its Django ORM and in-memory implementations."""

from __future__ import annotations

import dataclasses
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from kernel import clock
from kernel.errors import DuplicateError
from kernel.memory import InMemoryTable
from onboarding.domain import Brief, BriefStatus, Intake
from onboarding.models import BriefRecord, IntakeRecord


class BriefRepository(Protocol):
    def add(self, *, intake: Intake, brief: Brief) -> Brief:
        """Store an intake and the brief normalized from it, both or neither."""

    def save(self, brief: Brief) -> Brief:
        """Insert or replace a brief by id (idempotent)."""

    def get(self, brief_id: UUID) -> Brief | None: ...

    def get_intake(self, intake_id: UUID) -> Intake | None: ...

    def find_by_fingerprint(self, fingerprint: str) -> Brief | None:
        """The newest brief with this content fingerprint that is not archived, or None."""

    def list(self, *, status: BriefStatus | None = None, client_name: str | None = None) -> list[Brief]:
        """Newest first, ties broken by id."""

    def set_status(self, brief_id: UUID, status: BriefStatus) -> Brief | None: ...

    def delete(self, brief_id: UUID) -> bool:
        """Delete a brief and its intake; False when there was none."""


def _stamped(brief: Brief) -> Brief:
    now = clock.now()
    return dataclasses.replace(brief, created_at=brief.created_at or now, updated_at=brief.updated_at or now)


def _sort_key(brief: Brief) -> tuple:
    return (-brief.created_at.timestamp(), str(brief.id))


class DjangoBriefRepository:
    def add(self, *, intake: Intake, brief: Brief) -> Brief:
        brief = _stamped(brief)
        try:
            with transaction.atomic():
                IntakeRecord.from_domain(intake).save(force_insert=True)
                BriefRecord.objects.create(id=brief.id, **BriefRecord.fields_from_domain(brief))
        except IntegrityError as exc:
            raise DuplicateError(f"brief {brief.id} or intake {intake.id} already exists") from exc
        return self.get(brief.id)  # type: ignore[return-value]

    def save(self, brief: Brief) -> Brief:
        brief = _stamped(brief)
        try:
            with transaction.atomic():
                BriefRecord.objects.update_or_create(id=brief.id, defaults=BriefRecord.fields_from_domain(brief))
        except IntegrityError as exc:
            raise DuplicateError(f"brief {brief.id}: {exc}") from exc
        return self.get(brief.id)  # type: ignore[return-value]

    def get(self, brief_id: UUID) -> Brief | None:
        record = BriefRecord.objects.filter(id=brief_id).first()
        return record.to_domain() if record else None

    def get_intake(self, intake_id: UUID) -> Intake | None:
        record = IntakeRecord.objects.filter(id=intake_id).first()
        return record.to_domain() if record else None

    def find_by_fingerprint(self, fingerprint: str) -> Brief | None:
        record = (
            BriefRecord.objects.filter(fingerprint=fingerprint)
            .exclude(status=BriefStatus.ARCHIVED.value)
            .order_by("-created_at", "id")
            .first()
        )
        return record.to_domain() if record else None

    def list(self, *, status: BriefStatus | None = None, client_name: str | None = None) -> list[Brief]:
        qs = BriefRecord.objects.order_by("-created_at", "id")
        if status is not None:
            qs = qs.filter(status=status.value)
        if client_name is not None:
            qs = qs.filter(client_name=client_name)
        return [r.to_domain() for r in qs]

    def set_status(self, brief_id: UUID, status: BriefStatus) -> Brief | None:
        brief = self.get(brief_id)
        if brief is None:
            return None
        return self.save(dataclasses.replace(brief, status=status, updated_at=clock.now()))

    def delete(self, brief_id: UUID) -> bool:
        with transaction.atomic():
            record = BriefRecord.objects.filter(id=brief_id).first()
            if record is None:
                return False
            intake_id = record.intake_id
            record.delete()
            IntakeRecord.objects.filter(id=intake_id).delete()
            return True


class InMemoryBriefRepository:
    def __init__(self) -> None:
        self._intakes: InMemoryTable[Intake] = InMemoryTable()
        self._briefs: InMemoryTable[Brief] = InMemoryTable(unique={"intake": lambda b: b.intake_id})

    def add(self, *, intake: Intake, brief: Brief) -> Brief:
        brief = _stamped(brief)
        with self._intakes.lock, self._briefs.lock:
            if self._intakes.get(intake.id) is not None or self._briefs.get(brief.id) is not None:
                raise DuplicateError(f"brief {brief.id} or intake {intake.id} already exists")
            self._intakes.insert(intake)
            try:
                return self._briefs.insert(brief)
            except DuplicateError:
                self._intakes.delete(intake.id)
                raise

    def save(self, brief: Brief) -> Brief:
        return self._briefs.put(_stamped(brief))

    def get(self, brief_id: UUID) -> Brief | None:
        return self._briefs.get(brief_id)

    def get_intake(self, intake_id: UUID) -> Intake | None:
        return self._intakes.get(intake_id)

    def find_by_fingerprint(self, fingerprint: str) -> Brief | None:
        found = self._briefs.find(
            lambda b: b.fingerprint == fingerprint and b.status != BriefStatus.ARCHIVED, key=_sort_key
        )
        return found[0] if found else None

    def list(self, *, status: BriefStatus | None = None, client_name: str | None = None) -> list[Brief]:
        return self._briefs.find(
            lambda b: (status is None or b.status == status) and (client_name is None or b.client.name == client_name),
            key=_sort_key,
        )

    def set_status(self, brief_id: UUID, status: BriefStatus) -> Brief | None:
        brief = self.get(brief_id)
        if brief is None:
            return None
        return self.save(dataclasses.replace(brief, status=status, updated_at=clock.now()))

    def delete(self, brief_id: UUID) -> bool:
        with self._briefs.lock:
            brief = self._briefs.get(brief_id)
            if brief is None:
                return False
            self._briefs.delete(brief_id)
            self._intakes.delete(brief.intake_id)
            return True
