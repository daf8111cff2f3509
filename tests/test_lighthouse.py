"""Lighthouse on the pages most at risk: at least 95 in every category (slow: `make lighthouse`)."""

from __future__ import annotations

import pytest

from dlref.site.lighthouse import below_minimum, site_scores

pytestmark = [pytest.mark.site, pytest.mark.lighthouse, pytest.mark.xdist_group("site")]


def test_home_heaviest_concept_and_architectures_score_at_least_95(built_site):
    scores = site_scores(built_site)
    for page, by_category in scores.items():
        print(page, by_category)
    assert len(scores) == 3
    low = below_minimum(scores)
    assert not low, f"{low}\nall scores: {scores}"
