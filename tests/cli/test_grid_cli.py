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


def _real(tmp_path: Path, net=None, mapping=None) -> list[str]:
    """--stock of four blocks and --grid/--grid-map of the small real grid (tests.grid.real_grid)."""
    from tests.conftest import make_blocks
    from tests.grid.real_grid import write

    stock = tmp_path / "stock.csv"
    make_blocks().to_csv(stock, index=False)
    grid, where = write(tmp_path, net, mapping)
    return ["grid", "simulate", "--stock", str(stock), "--grid", str(grid), "--grid-map", str(where)]


def test_simulate_solves_a_real_grid_given_as_a_file(tmp_path: Path) -> None:
    out = tmp_path / "real"
    res = CliRunner().invoke(cli, [*_real(tmp_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    s = json.loads((out / "summary.json").read_text())
    assert s["stations"] == 2 and s["cables"] == 5 and s["blocks_standing"] == 4
    assert s["grid"] == str(tmp_path / "grid.json") and s["grid_map"] == str(tmp_path / "grid-map.csv")
    stations = pd.read_csv(out / "stations.csv")
    assert stations["station_id"].tolist() == ["T1", "T2"] and stations["sn_kva"].tolist() == [400.0, 630.0]
    # the stations draw the four blocks' base peak plus the grid's losses
    peak_kw = float(today_peak_kw(load_stock(tmp_path / "stock.csv")).sum())
    assert s["peak_mw"] == round(peak_kw / 1000, 3) and peak_kw < stations["p_kw"].sum() < 1.05 * peak_kw
    assert f"grid 2026 ({tmp_path / 'grid.json'}): 4 blocks" in res.output


def _refused(tmp_path: Path, args: list[str], needle: str, status: int = 1) -> None:
    out = tmp_path / "never"
    res = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert res.exit_code == status, res.output
    assert res.output.count("Error") == 1 and needle in res.output and "Traceback" not in res.output
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]


def test_a_map_naming_an_unknown_bus_is_one_message_and_no_folder(tmp_path: Path) -> None:
    from tests.grid.real_grid import MAPPING

    args = _real(tmp_path, mapping={**MAPPING, "B1": "nowhere"})
    _refused(tmp_path, args, "grid-map.csv: row 3: bus 'nowhere' not in")


def test_a_block_without_a_bus_is_one_message_and_no_folder(tmp_path: Path) -> None:
    from tests.grid.real_grid import MAPPING

    args = _real(tmp_path, mapping={k: v for k, v in MAPPING.items() if k != "B3"})
    _refused(tmp_path, args, "grid-map.csv: 1 block(s) of the stock have no bus: B3")


def test_a_negative_rating_is_one_message_and_no_folder(tmp_path: Path) -> None:
    from tests.grid.real_grid import small_net

    net = small_net()
    net.trafo["sn_mva"] = [0.4, -0.63]
    _refused(tmp_path, _real(tmp_path, net), "grid.json: trafo T2: sn_mva must be > 0 (is -0.63)")


def test_grid_and_grid_map_go_together(tmp_path: Path) -> None:
    args = _real(tmp_path)
    _refused(tmp_path, args[:-2], "--grid and --grid-map go together", status=2)
    _refused(tmp_path, [*args[:4], *args[-2:]], "--grid and --grid-map go together", status=2)


def _plan_real(tmp_path: Path, net=None, mapping=None) -> list[str]:
    """``heatplan plan`` on the four blocks with the small real grid."""
    args = _real(tmp_path, net, mapping)
    return ["plan", *args[2:]]


def test_plan_refuses_a_wrong_grid_before_any_output(tmp_path: Path) -> None:
    from tests.grid.real_grid import MAPPING, small_net

    _refused(tmp_path, _plan_real(tmp_path, mapping={**MAPPING, "B1": "nowhere"}), "bus 'nowhere' not in")
    _refused(tmp_path, _plan_real(tmp_path, mapping={k: v for k, v in MAPPING.items() if k != "B3"}),
             "1 block(s) of the stock have no bus: B3")  # fmt: skip
    net = small_net()
    net.trafo["sn_mva"] = [0.4, -0.63]
    _refused(tmp_path, _plan_real(tmp_path, net), "trafo T2: sn_mva must be > 0 (is -0.63)")
    _refused(tmp_path, _plan_real(tmp_path)[:-2], "--grid and --grid-map go together", status=2)


def test_plan_checks_every_year_on_the_real_grid(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    res = CliRunner().invoke(cli, [*_plan_real(tmp_path), "--out", str(out), "--time-limit", "60"])
    assert res.exit_code == 0, res.output
    g = json.loads((out / "summary.json").read_text())["grid_check"]
    assert g["source"] == "grid.json" and g["stations"] == 2 and g["fed_back"] is True
    assert "electricity grid (grid.json, 2 MV/LV stations;" in res.output
    import xarray as xr

    with xr.open_dataset(out / "plan.nc", engine="h5netcdf") as ds:
        assert list(ds["grid_station"].values) == ["T1", "T2"]
        assert ds["grid_station_capacity_kva"].sel(year=2026).values.tolist() == [400.0, 630.0]
