"""The verbs per product kind are complete and never contradict themselves."""

from __future__ import annotations

from kernel.vocabulary import FORBIDDEN_VERBS, KIND_VERBS, PRODUCT_KINDS


def test_every_product_kind_has_verbs_and_forbidden_verbs():
    """KIND_VERBS and FORBIDDEN_VERBS cover exactly the product kinds."""
    # when / then
    assert set(KIND_VERBS) == set(FORBIDDEN_VERBS) == set(PRODUCT_KINDS)
    assert all(KIND_VERBS[kind] and FORBIDDEN_VERBS[kind] for kind in PRODUCT_KINDS)


def test_no_verb_is_both_fitting_and_forbidden_for_a_kind():
    """A verb a kind may use is never one it forbids (compared as the start of a call to action)."""
    # when
    clashes = {
        kind: [v for v in KIND_VERBS[kind] for f in FORBIDDEN_VERBS[kind] if v == f or v.startswith(f"{f} ")]
        for kind in PRODUCT_KINDS
    }

    # then
    assert clashes == {kind: [] for kind in PRODUCT_KINDS}
