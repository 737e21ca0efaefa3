"""Shared fixtures: small, valid block tables; a small plan made once per session."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.schema import validate_blocks

LEYWEG = (78397.0, 452522.0)


def make_blocks(n: int = 4, **overrides: object) -> pd.DataFrame:
    """A small valid raw block table (strings, as read from CSV)."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "block_id": f"B{i}",
                "wijk_code": "WK051834",
                "buurt_code": "BU05183480",
                "owner": "Staedion",
                "owner_type": "corporation",
                "dwellings": str(8 + 8 * i),
                "floor_area_m2": str(65.0 * (8 + 8 * i)),
                "construction_year": "1955",
                "dwelling_type": "meergezins: laag en midden",
                "label": "D",
                "x_rd": str(78000.0 + 100 * i),
                "y_rd": "451000.0",
                "heating": "gas_boiler",
                "cooking": "gas",
            }
        )
    df = pd.DataFrame(rows)
    for k, v in overrides.items():
        df[k] = v
    return df


@pytest.fixture
def blocks() -> pd.DataFrame:
    return validate_blocks(make_blocks())


@pytest.fixture(scope="session")
def small_stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 30 existing blocks nearest the Leyweg source, none demolished, as a CSV."""
    from heatplan.buildings.stock import load_stock

    b = load_stock()
    b = b[b["new_build_year"].isna() & b["demolition_year"].isna()]
    d = np.hypot(b["x_rd"] - LEYWEG[0], b["y_rd"] - LEYWEG[1])
    small = b.loc[d.sort_values().index[:30]]
    path = tmp_path_factory.mktemp("stock") / "small.csv"
    small.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def small_plan_dir(small_stock: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`heatplan plan` on the small stock: plan.nc, its views and the Dutch reports (certified)."""
    from click.testing import CliRunner

    from heatplan.cli.main import cli

    out = tmp_path_factory.mktemp("plans") / "base"
    args = ["plan", "--stock", str(small_stock), "--out", str(out), "--time-limit", "60"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    solver = json.loads((out / "summary.json").read_text())["solver"]
    assert solver["certified"] is True and solver["gap"] <= solver["mip_gap"] == 0.01
    assert res.output.splitlines()[-1] == f"the schedule is certified: {solver['reason']}"
    return out
