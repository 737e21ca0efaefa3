"""``heatplan grid simulate``: the synthetic grid's state in one year, written as CSV and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from heatplan.buildings.stock import existing_mask, load_stock
from heatplan.cli.main import cli
from heatplan.grid.synthetic import today_peak_kw


def test_simulate_writes_the_state_of_the_year(tmp_path: Path) -> None:
    out = tmp_path / "grid2040"
    res = CliRunner().invoke(cli, ["grid", "simulate", "--year", "2040", "--out", str(out)])
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text())
    stations = pd.read_csv(out / "stations.csv")
    cables = pd.read_csv(out / "cables.csv")
    buses = pd.read_csv(out / "buses.csv")
    assert len(stations) == s["stations"] and len(cables) == s["cables"]
    assert round(stations["loading_pct"].max(), 1) == s["station_loading_max_pct"]
    assert round(buses["vm_pu"].min(), 4) == s["vm_min_pu"]
    # the load is the base of the blocks standing in 2040 (new builds in, demolished blocks out)
    stock = load_stock()
    standing = existing_mask(stock, 2040).to_numpy()
    assert s["blocks_standing"] == int(standing.sum())
    assert s["peak_mw"] == round(float((today_peak_kw(stock) * standing).sum()) / 1000, 3)
    # what the stations draw is that peak plus the grid's losses
    assert s["peak_mw"] * 1000 < stations["p_kw"].sum() < 1.05 * s["peak_mw"] * 1000
    assert s["violations"] == len(pd.read_csv(out / "violations.csv")) == 0
    assert json.loads((out / ".heatplan.json").read_text())["kind"] == "grid"
    assert f"grid 2040: {s['blocks_standing']:,} blocks" in res.output


def test_a_folder_of_the_users_files_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    res = CliRunner().invoke(cli, ["grid", "simulate", "--out", str(out)])
    assert res.exit_code == 1 and res.output.count("Error:") == 1 and "notes.txt" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_year_before_the_stock_is_refused(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["grid", "simulate", "--year", "2000", "--out", str(tmp_path / "g")])
    assert res.exit_code == 2 and "2026<=x<=2100" in res.output and not (tmp_path / "g").exists()
