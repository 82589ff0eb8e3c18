"""Building a package: every file, the zip and its manifest, calendars that parse, overwrite on rebuild, discard."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import uuid

import icalendar
import pytest
from django.core.files.storage import InMemoryStorage, storages

from delivery import services
from delivery.domain import PackageNotFound, PackageStatus, StrategyNotDeliverable
from delivery.packaging import CALENDAR_CSV_HEADER, list_files, run_folder
from delivery.tests.support import manifest_of, read_zip, rich_brief
from tests.factories import example_brief, example_brief_paths, make_package_inputs

FIXED_FILES = [
    "strategy.md",
    "strategy.html",
    "strategy.json",
    "calendar.csv",
    "calendar.ics",
    "qc_report.json",
    "manifest.json",
]


def _assert_manifest_matches_zip(package, packages, drafts):
    entries = read_zip(package, packages)
    manifest = json.loads(entries["manifest.json"])
    listed = {f["name"]: f for f in manifest["files"]}
    assert list(entries) == [*listed, "manifest.json"]
    for name, info in listed.items():
        assert info["size"] == len(entries[name])
        assert info["sha256"] == hashlib.sha256(entries[name]).hexdigest()
    assert {f"content/{d.channel}/{d.key}.md" for d in drafts} <= set(listed)
    assert set(FIXED_FILES) - {"manifest.json"} <= set(listed)
    return entries, manifest


def _assert_calendars_parse(entries, drafts, strategy):
    rows = list(csv.reader(io.StringIO(entries["calendar.csv"].decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CALENDAR_CSV_HEADER
    assert len(rows) == 1 + len(drafts)
    assert all(dt.datetime.fromisoformat(row[0]).utcoffset() is not None for row in rows[1:])
    calendar = icalendar.Calendar.from_ical(entries["calendar.ics"])
    events = calendar.walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert {f"{d.id}@aicmo" for d in drafts} <= uids
    all_day = [e for e in events if e["DTSTART"].params.get("VALUE") == "DATE"]
    assert sorted(e.decoded("DTSTART") for e in all_day) == sorted(m.date for m in strategy.milestones)
    assert len(events) == len(drafts) + len(strategy.milestones)


def test_build_writes_every_file_and_a_zip_whose_manifest_checksums_match(build, packages):
    """The zip holds every file plus manifest.json, whose sizes and sha256 sums match the files."""
    # given / when
    brief, inputs, package = build()
    # then
    entries, manifest = _assert_manifest_matches_zip(package, packages, inputs["drafts"])
    zipped = services.package_open_zip(package_id=package.id, packages=packages).read()
    assert (package.zip_size, package.zip_sha256) == (len(zipped), hashlib.sha256(zipped).hexdigest())
    assert package.status == PackageStatus.BUILT
    assert [a.name for a in package.artifacts] == list(entries)
    assert all(a.storage_path == f"packages/{package.run_id}/{a.name}" for a in package.artifacts)
    assert manifest["brief"] == {
        "id": str(brief.id),
        "fingerprint": brief.fingerprint,
        "client": brief.client.name,
        "product": brief.product.name,
    }
    strategy = inputs["strategy"]
    assert manifest["strategy"]["version"] == strategy.version
    assert manifest["approval"]["by"] == "reviewer@agency.example"
    assert manifest["qc"] == {
        "passed": True,
        "assets_total": len(inputs["drafts"]),
        "assets_passed": len(inputs["drafts"]),
    }
    first = next(a for a in manifest["assets"] if a["key"] == inputs["drafts"][0].key)
    assert first["generated_by"]["template"] == inputs["drafts"][0].template
    assert first["generated_by"]["fixes"] == ["terms.preferred: utilize -> use"]
    assert manifest["aicmo_version"]
    assert packages.get_for_run(package.run_id) == package


def test_calendars_parse_with_one_entry_per_asset_and_all_day_milestones(build, packages):
    """calendar.csv reads back with the csv module; calendar.ics with icalendar, milestones as dates."""
    # given / when
    _brief, inputs, package = build()
    entries = read_zip(package, packages)
    # then
    _assert_calendars_parse(entries, inputs["drafts"], inputs["strategy"])
    assert b"\r\n" in entries["calendar.csv"]


def test_strategy_files_show_the_approval_and_the_html_is_a_sanitized_document(build, packages):
    """strategy.md names who approved it; strategy.html is a full document without the injected script."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    hostile = dataclasses.replace(
        inputs["strategy"], executive_summary="Grow fast. <script>alert('x')</script> <b>Bold</b> move."
    )
    # when
    _brief, _inputs, package = build(brief, strategy=hostile)
    entries = read_zip(package, packages)
    # then
    md = entries["strategy.md"].decode()
    assert "Approved by reviewer@agency.example on " in md
    assert f"**Version:** {hostile.version}" in md
    page = entries["strategy.html"].decode()
    assert page.startswith("<!DOCTYPE html>")
    assert f"<title>{brief.product.name}: marketing strategy" in page
    assert "<table>" in page
    assert "<script" not in page
    assert "<b>Bold</b>" in page


def test_content_files_are_front_matter_then_exactly_the_copy(build, packages):
    """Each asset's .md is front matter and then the text to publish, nothing else; its .json holds the same
    body with the structured fields and provenance; the manifest lists both."""
    # given / when
    _brief, inputs, package = build()
    entries = read_zip(package, packages)
    manifest = json.loads(entries["manifest.json"])
    listed = {f["name"] for f in manifest["files"]}
    # then
    for draft in inputs["drafts"]:
        md = entries[f"content/{draft.channel}/{draft.key}.md"].decode()
        _empty, front, text = md.split("---\n", 2)
        assert text == draft.body.strip() + "\n"
        assert f'key: "{draft.key}"' in front
        assert f"scheduled_at: {json.dumps(draft.scheduled_at.isoformat())}" in front
        assert "**" not in text.replace(draft.body, "")
        structured = json.loads(entries[f"content/{draft.channel}/{draft.key}.json"])
        assert structured["body"] == draft.body.strip() == text.strip()
        assert (structured["channel"], structured["asset_type"], structured["key"]) == (
            draft.channel,
            draft.asset_type,
            draft.key,
        )
        assert structured["fields"] == json.loads(json.dumps(draft.fields))
        assert structured["sources"] == list(draft.sources)
        assert {"pillar", "occasion"} <= set(structured)
        assert {f"content/{draft.channel}/{draft.key}.md", f"content/{draft.channel}/{draft.key}.json"} <= listed
    email = next(d for d in inputs["drafts"] if d.channel == "email")
    front = entries[f"content/email/{email.key}.md"].decode().split("---\n")[1]
    assert f"subject: {json.dumps(email.fields['subject'], ensure_ascii=False)}" in front
    assert "qc_score: 91.0" in front
    assert "passed: true" in front
    [asset] = [a for a in manifest["assets"] if a["key"] == email.key]
    assert (asset["file"], asset["structured_file"]) == (
        f"content/email/{email.key}.md",
        f"content/email/{email.key}.json",
    )


def test_rebuild_overwrites_the_same_files_and_drops_stale_ones(build, packages, media_root):
    """A retried build keeps the same names (no storage suffixes) and the same package id."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    first = services.package_build(brief=brief, packages=packages, **inputs)
    before = list_files(storages["default"], run_folder(first.run_id))
    # when
    again = services.package_build(brief=brief, packages=packages, **inputs)
    fewer = [d for d in inputs["drafts"] if d.slot == 1]
    third = services.package_build(brief=brief, packages=packages, **(inputs | {"drafts": fewer}))
    # then
    assert again.id == first.id == third.id
    assert list_files(storages["default"], run_folder(first.run_id)) != before
    after = list_files(storages["default"], run_folder(first.run_id))
    # Exactly the recorded names: no renamed "_abc1234" copies, no files of the dropped drafts.
    assert sorted(after) == sorted([a.storage_path for a in third.artifacts] + [third.zip_path])
    assert len(packages.list()) == 1
    on_disk = sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file())
    assert on_disk == sorted(after)
    assert before == sorted([a.storage_path for a in first.artifacts] + [first.zip_path])


def test_discard_removes_files_and_rows_and_is_idempotent(build, packages, media_root):
    """The compensation deletes every file under the run's folder and the package; again, it is a no-op."""
    # given
    _brief, _inputs, package = build()
    # when
    first = services.package_discard(run_id=package.run_id, packages=packages)
    second = services.package_discard(run_id=package.run_id, packages=packages)
    # then
    assert (first, second) == (True, False)
    assert packages.get(package.id) is None
    assert list_files(storages["default"], run_folder(package.run_id)) == []
    assert not (media_root / run_folder(package.run_id)).exists()


def test_zip_filesystem_path_and_any_storage_backend(packages, media_root):
    """FileSystemStorage exposes a local path; an in-memory storage builds the same package, without one."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    memory = InMemoryStorage()
    # when
    on_disk = services.package_build(brief=brief, packages=packages, **inputs)
    in_memory = services.package_build(
        brief=brief, packages=packages, storage=memory, **(inputs | {"run_id": uuid.uuid4()})
    )
    # then
    path = services.package_zip_filesystem_path(on_disk)
    assert path is not None
    with open(path, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == on_disk.zip_sha256
    assert services.package_zip_filesystem_path(in_memory, storage=memory) is None
    with services.package_open_zip(package_id=in_memory.id, packages=packages, storage=memory) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == in_memory.zip_sha256


def test_unknown_package_is_not_found(packages):
    """Reading or opening a package that does not exist raises PackageNotFound."""
    # given
    missing = uuid.uuid4()
    # when / then
    with pytest.raises(PackageNotFound, match=str(missing)):
        services.package_get(package_id=missing, packages=packages)
    with pytest.raises(PackageNotFound):
        services.package_open_zip(package_id=missing, packages=packages)
    assert services.package_for_run(run_id=missing, packages=packages) is None


def test_a_rejected_strategy_is_never_packaged(packages, media_root):
    """A rejected strategy stops the build before anything is written."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    rejected = dataclasses.replace(inputs["strategy"], status=type(inputs["strategy"].status).REJECTED)
    # when / then
    with pytest.raises(StrategyNotDeliverable, match="rejected"):
        services.package_build(brief=brief, packages=packages, **(inputs | {"strategy": rejected}))
    assert packages.list() == []
    assert not media_root.exists() or not any(media_root.rglob("*.md"))


@pytest.mark.parametrize("path", example_brief_paths(), ids=lambda p: p.stem)
def test_every_example_brief_packages_cleanly(path, build, packages):
    """Each shipped example brief yields a package whose manifest and calendars check out."""
    # given
    brief = example_brief(path)
    # when
    _brief, inputs, package = build(brief)
    # then
    entries, manifest = _assert_manifest_matches_zip(package, packages, inputs["drafts"])
    _assert_calendars_parse(entries, inputs["drafts"], inputs["strategy"])
    assert manifest["assets_per_channel"].keys() == {p.channel for p in inputs["strategy"].channel_plans}
    assert manifest_of(package, packages)["brief"]["fingerprint"] == brief.fingerprint
