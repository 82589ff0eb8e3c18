"""Scope coverage at package time: deliverables and planned channels need assets; exclusions must not appear."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.storage import storages

from delivery import services
from delivery.coverage import channels_named_in, check_coverage, coverage_gaps
from delivery.domain import ScopeGap
from delivery.packaging import list_files, run_folder
from delivery.tests.support import rich_brief
from tests.factories import make_package_inputs


def _scoped(brief, *, deliverables=(), exclusions=()):
    return dataclasses.replace(
        brief, scope=dataclasses.replace(brief.scope, deliverables=deliverables, exclusions=exclusions)
    )


@pytest.mark.parametrize(
    ("phrase", "channels"),
    [
        ("12 LinkedIn posts", ("linkedin",)),
        ("Tweets", ("x",)),
        ("X posts", ("x",)),
        ("Monthly newsletter", ("email",)),
        ("E-mail campaign", ("email",)),
        ("Blog articles", ("blog",)),
        ("Google Ads search campaign", ("google_ads",)),
        ("PPC ads", ("google_ads",)),
        ("Instagram reels", ("instagram",)),
        ("Facebook and Instagram posts", ("instagram", "facebook")),
        ("Podcast episodes", ()),
        ("Xylophone ads", ()),
    ],
)
def test_deliverable_phrases_map_to_channels(phrase, channels):
    """Client wording maps to channels by keyword, on word boundaries."""
    # given / when
    found = channels_named_in(phrase)
    # then
    assert found == channels


def test_covered_scope_has_no_gaps():
    """A brief whose deliverables, plan and exclusions are all honoured passes."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    # when
    gaps = coverage_gaps(brief=brief, strategy=inputs["strategy"], drafts=inputs["drafts"])
    # then
    assert gaps == ()


def test_missing_deliverable_stops_the_build_naming_it(packages, media_root):
    """Drafts without any LinkedIn asset fail the build with a ScopeGap naming the deliverable; nothing is written."""
    # given
    brief = rich_brief()
    inputs = make_package_inputs(brief)
    no_linkedin = [d for d in inputs["drafts"] if d.channel != "linkedin"]
    # when
    with pytest.raises(ScopeGap) as caught:
        services.package_build(brief=brief, packages=packages, **(inputs | {"drafts": no_linkedin}))
    # then
    assert "deliverable '12 LinkedIn posts' has no linkedin asset" in caught.value.message
    assert "planned channel 'linkedin' has no asset" in caught.value.message
    assert packages.get_for_run(inputs["run_id"]) is None
    assert list_files(storages["default"], run_folder(inputs["run_id"])) == []


def test_unrecognized_deliverable_is_a_gap_only_when_nothing_matches():
    """'Podcast episodes' matches nothing; a content calendar is the package's own; a case study asset counts."""
    # given
    brief = _scoped(rich_brief(), deliverables=("Podcast episodes", "Launch content calendar", "Customer case studies"))
    inputs = make_package_inputs(brief)
    drafts = list(inputs["drafts"])
    case_study = dataclasses.replace(drafts[0], asset_type="case_study", title="How Zoë's customers save time")
    # when
    gaps = coverage_gaps(brief=brief, strategy=inputs["strategy"], drafts=[*drafts, case_study])
    without = coverage_gaps(brief=brief, strategy=inputs["strategy"], drafts=drafts)
    # then
    assert gaps == ("unrecognized deliverable 'Podcast episodes' (no asset matches it)",)
    assert "unrecognized deliverable 'Customer case studies' (no asset matches it)" in without


def test_exclusion_is_matched_case_insensitively_on_word_boundaries():
    """'Politics' in a body is a hit; 'politicsx' or 'apolitical' are not."""
    # given
    brief = _scoped(rich_brief(), exclusions=("politics",))
    inputs = make_package_inputs(brief)
    drafts = sorted(inputs["drafts"], key=lambda d: d.key)
    hit = dataclasses.replace(drafts[0], body=drafts[0].body + " Not about Politics, promise.")
    near = dataclasses.replace(drafts[1], body=drafts[1].body + " An apolitical politicsx take.")
    # when
    gaps = coverage_gaps(brief=brief, strategy=inputs["strategy"], drafts=[hit, near, *drafts[2:]])
    # then
    assert gaps == (f"excluded 'politics' appears in {hit.key} (body)",)


def test_exclusion_in_a_structured_field_is_found():
    """Exclusions are searched in every field of an asset, lists included."""
    # given
    brief = _scoped(rich_brief(), exclusions=("discount codes",))
    inputs = make_package_inputs(brief)
    ads = next(d for d in inputs["drafts"] if d.channel == "google_ads")
    tainted = dataclasses.replace(ads, fields=ads.fields | {"descriptions": ["Fresh.", "Use DISCOUNT CODES today."]})
    others = [d for d in inputs["drafts"] if d.id != ads.id]
    # when
    with pytest.raises(ScopeGap) as caught:
        check_coverage(brief=brief, strategy=inputs["strategy"], drafts=[tainted, *others])
    # then
    assert caught.value.gaps == (f"excluded 'discount codes' appears in {ads.key} (descriptions[1])",)


def test_excluding_a_channel_by_name_forbids_its_assets():
    """An exclusion that is just a channel's name ('Facebook') flags that channel's assets."""
    # given
    brief = _scoped(rich_brief(), exclusions=("Facebook",))
    inputs = make_package_inputs(brief)
    facebook_keys = sorted(d.key for d in inputs["drafts"] if d.channel == "facebook")
    # when
    gaps = coverage_gaps(brief=brief, strategy=inputs["strategy"], drafts=inputs["drafts"])
    # then
    assert [g for g in gaps if g.startswith("excluded channel")] == [
        f"excluded channel 'Facebook' has asset {key}" for key in facebook_keys
    ]
