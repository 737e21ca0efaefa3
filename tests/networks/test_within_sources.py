"""An LT network is not laid beyond what its sources can deliver (issue 14, item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.buildings.demand import block_demand, diversified_peak_kw
from heatplan.networks.layout import within_sources
from heatplan.plan.pipeline import regime_label
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures
from tests.networks.helpers import make_sources, net_blocks


def _peak_kw(blocks, take) -> float:
    """Diversified LT design peak of the taken blocks, by the demand module directly."""
    dem = block_demand(blocks, pd.Series("A", index=blocks.index), regime="lt")
    space = dem["space_peak_undiversified_kw"].to_numpy()[take].sum()
    water = dem["hot_water_peak_undiversified_kw"].to_numpy()[take].sum()
    n = blocks["dwellings"].to_numpy(float)[take].sum()
    return float(diversified_peak_kw(np.array([space]), np.array([water]), np.array([n]), "lt")[0])


def test_nearest_blocks_up_to_the_source_and_new_builds_always():
    sc = Scenario()
    assert regime_label(sc, "lt") == "A"
    xy = [(100.0 * (k + 1), 0.0) for k in range(10)]  # block k at 100(k+1) m from the source
    blocks = net_blocks(xy, labels=["C"] * 10, dwellings=[40] * 10)
    # a source that takes exactly the nearest 4 blocks (capacity between the 4- and 5-block peaks)
    share = 1 - figures().network.design_loss_share
    p4 = _peak_kw(blocks, np.arange(10) < 4)
    p5 = _peak_kw(blocks, np.arange(10) < 5)
    cap_mw = (p4 + p5) / 2 / share / 1000
    src = make_sources(regime="lt", capacity_mw=cap_mw)
    must = np.zeros(10, bool)
    take = within_sources(blocks, src, "lt", sc, must)
    assert take.tolist() == [True] * 4 + [False] * 6
    # the farthest block is a new build the network must serve: it comes first, one fewer near one
    must[9] = True
    take = within_sources(blocks, src, "lt", sc, must)
    assert take.tolist() == [True] * 3 + [False] * 6 + [True]
