"""`manage.py intake_reference`: print the intake field reference, or `--write` it into README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from onboarding import reference


class Command(BaseCommand):
    help = "Print the intake field reference generated from the intake schema, or write it into README.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Replace the reference embedded in README.md.")

    def handle(self, *args: Any, **opts: Any) -> None:
        text = reference.render()
        if not opts["write"]:
            self.stdout.write(text, ending="")
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        readme.write_text(reference.replace_embedded(readme.read_text(encoding="utf-8"), text), encoding="utf-8")
        self.stdout.write(f"wrote the intake reference into {readme}")
