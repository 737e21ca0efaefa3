"""Fixtures for the network tests."""

from __future__ import annotations

import pandas as pd
import pytest

from heatplan.scenario import Scenario
from tests.networks.helpers import net_blocks


@pytest.fixture
def scenario() -> Scenario:
    return Scenario()


@pytest.fixture
def tree_blocks() -> pd.DataFrame:
    """Eight blocks along two streets with mixed labels (A, three B, C, two D, E)."""
    xy = [(60, 0), (120, 0), (180, 10), (240, 0), (120, 80), (120, 160), (60, -90), (300, 60)]
    labels = ["B", "B", "C", "D", "A", "E", "B", "D"]
    dw = [20, 35, 12, 50, 8, 25, 40, 3]
    return net_blocks(xy, labels, dw)
