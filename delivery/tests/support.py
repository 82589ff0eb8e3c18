"""Helpers for delivery tests: a brief using every channel, and readers of a built package."""

from __future__ import annotations

import dataclasses
import json
import zipfile

from delivery import services
from tests.factories import CHANNELS, make_brief


def rich_brief(**overrides):
    """A brief using every channel, with deliverables naming each and an exclusion."""
    values = {
        "channels": CHANNELS,
        "scope": dataclasses.replace(
            make_brief().scope,
            deliverables=(
                "12 LinkedIn posts",
                "Tweets",
                "Instagram reels",
                "Facebook posts",
                "Monthly newsletter",
                "Blog articles",
                "Google Ads search campaign",
                "Launch content calendar",
            ),
            exclusions=("politics", "discount codes"),
        ),
    }
    values.update(overrides)
    return make_brief(**values)


def read_zip(package, packages) -> dict[str, bytes]:
    """Every entry of the package zip, by name, in the zip's order."""
    with (
        services.package_open_zip(package_id=package.id, packages=packages) as handle,
        zipfile.ZipFile(handle) as archive,
    ):
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_of(package, packages) -> dict:
    return json.loads(read_zip(package, packages)["manifest.json"])
