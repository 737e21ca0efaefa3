"""A real grid from a pandapower JSON and a block map: the state of its tables; each mistake one message."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from heatplan.errors import InputError
from heatplan.grid import GridSolver, cable_rating_ka, run_grid, station_rating_kva
from heatplan.grid.files import read_grid
from tests.grid.real_grid import MAPPING, small_net, small_tables, write

LOADS = pd.DataFrame({"bus_id": ["a1", "a2", "b1", "lv2"], "p_kw": [60.0, 80.0, 120.0, 40.0],
                      "q_kvar": [20.0, 26.0, 39.0, 13.0]})  # fmt: skip


def _same(a: Any, b: Any) -> None:
    for x, y in ((a.stations, b.stations), (a.cables, b.cables), (a.buses, b.buses)):
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), rtol=1e-9)


def test_a_real_grid_solves_as_the_same_grid_built_as_tables(tmp_path: Path, blocks: pd.DataFrame) -> None:
    grid, where = read_grid(*write(tmp_path), blocks)
    assert where.to_dict("list") == {
        "block_id": ["B0", "B1", "B2", "B3"], "bus_id": ["a1", "a2", "b1", "lv2"],
        "station_id": ["T1", "T1", "T2", "T2"],
    }  # fmt: skip
    assert grid.infeed_bus == "hv" and grid.infeeds is None
    assert grid.buses[["x_rd", "y_rd"]].iloc[4].tolist() == [78004.0, 451000.0]  # the net's geodata
    tables = small_tables()
    _same(run_grid(grid, LOADS), run_grid(tables, LOADS))
    # the ratings from the file's own parameters equal those of the standard types
    np.testing.assert_allclose(station_rating_kva(grid), station_rating_kva(tables))
    np.testing.assert_allclose(station_rating_kva(grid), [400.0, 630.0])
    np.testing.assert_allclose(cable_rating_ka(grid), cable_rating_ka(tables))
    np.testing.assert_allclose(cable_rating_ka(grid), [0.416, 0.416, 0.27, 0.54, 0.27])


def _pandapower_itself(net: Any) -> pd.DataFrame:
    """The net solved by pandapower as it is, under LOADS (bus voltages by name)."""
    import pandapower as pp

    names = dict(zip(net.bus["name"], net.bus.index, strict=True))
    for b, p, q in zip(LOADS["bus_id"], LOADS["p_kw"], LOADS["q_kvar"], strict=True):
        pp.create_load(net, names[b], p / 1000.0, q / 1000.0)
    pp.runpp(net, max_iteration=30)
    return pd.Series(net.res_bus["vm_pu"].to_numpy(), index=net.bus["name"]).dropna()


def test_switches_taps_out_of_service_and_infeeds_are_read_as_pandapower_does(
    tmp_path: Path, blocks: pd.DataFrame
) -> None:
    import pandapower as pp

    net = small_net()
    bus = dict(zip(net.bus["name"], net.bus.index, strict=True))
    line = dict(zip(net.line["name"], net.line.index, strict=True))
    # a second LV busbar joined to lv2 by a closed bus-bus switch, b1 fed from it
    lv2b = pp.create_bus(net, 0.4, name="lv2b")
    pp.create_switch(net, bus["lv2"], lv2b, et="b", closed=True)
    net.line.loc[line["lc"], "from_bus"] = lv2b
    # a spare cable a2-b1, open at one end (a normally-open point), and one out of service
    spare = pp.create_line(net, bus["a2"], bus["b1"], 0.3, "NAYY 4x150 SE", name="spare")
    pp.create_switch(net, bus["a2"], spare, et="l", closed=False)
    pp.create_line(net, bus["a1"], bus["b1"], 0.3, "NAYY 4x150 SE", name="gone", in_service=False)
    net.trafo.loc[net.trafo["name"] == "T1", "tap_pos"] = -2  # 5 % more on the LV side
    pp.create_ext_grid(net, bus["mv2"], vm_pu=1.01, name="second")  # a further infeed
    grid, where = read_grid(*write(tmp_path, net), blocks)
    assert "lv2b" not in set(grid.buses["bus_id"]) and where.set_index("block_id")["station_id"]["B2"] == "T2"
    assert {"spare", "gone"}.isdisjoint(grid.cables["cable_id"])
    assert grid.infeeds is not None and grid.infeeds[["bus_id", "vm_pu"]].values.tolist() == [["mv2", 1.01]]
    ours = run_grid(grid, LOADS).buses.set_index("bus_id")["vm_pu"]
    theirs = _pandapower_itself(net)
    pd.testing.assert_series_equal(ours, theirs.reindex(ours.index), check_names=False, rtol=1e-6)
    assert ours["a1"] > run_grid(small_tables(), LOADS).buses.set_index("bus_id")["vm_pu"]["a1"] + 0.03


def test_an_infeed_given_a_year_serves_from_that_year(tmp_path: Path, blocks: pd.DataFrame) -> None:
    grid, _ = read_grid(*write(tmp_path), blocks)
    from dataclasses import replace

    later = replace(grid, infeeds=pd.DataFrame({"bus_id": ["mv2"], "vm_pu": [1.02], "from_year": [2030]}))
    solver = GridSolver(later)
    base = run_grid(grid, LOADS).buses.set_index("bus_id")["vm_pu"]
    for year in (None, 2029):
        _same(solver.solve(LOADS, year=year), run_grid(grid, LOADS))
    after = solver.solve(LOADS, year=2030).buses.set_index("bus_id")["vm_pu"]
    assert after["mv2"] == pytest.approx(1.02) and after["b1"] > base["b1"] + 0.015


def _net_with(change: Callable[[Any], None]) -> Any:
    net = small_net()
    change(net)
    return net


def _trafo(net: Any, name: str) -> int:
    return int(net.trafo.index[net.trafo["name"] == name][0])


def _line(net: Any, name: str) -> int:
    return int(net.line.index[net.line["name"] == name][0])


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda n: n.trafo.__setitem__("sn_mva", [0.4, -0.63]), "trafo T2: sn_mva must be > 0 (is -0.63)"),
        (lambda n: n.line.loc.__setitem__((_line(n, "lc"), "max_i_ka"), 0.0),
         "line lc: max_i_ka must be > 0 (is 0)"),
        (lambda n: n.line.loc.__setitem__((_line(n, "la"), "length_km"), -0.1),
         "line la: length_km must be > 0 (is -0.1)"),
        (lambda n: n.ext_grid.drop(n.ext_grid.index, inplace=True), "no external grid (ext_grid) in service"),
        (lambda n: n.ext_grid.__setitem__("in_service", False), "no external grid (ext_grid) in service"),
        (lambda n: n.trafo.loc.__setitem__((_trafo(n, "T1"), "vkr_percent"), 9.0),
         "trafo T1: vkr_percent must be at most vk_percent"),
    ],
)  # fmt: skip
def test_a_wrong_grid_file_is_one_message_naming_the_element(
    tmp_path: Path, blocks: pd.DataFrame, change: Callable[[Any], None], needle: str
) -> None:
    grid, where = write(tmp_path, _net_with(change))
    with pytest.raises(InputError) as err:
        read_grid(grid, where, blocks)
    assert str(err.value).startswith(f"{grid}: ") and needle in str(err.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("not json at all", "not JSON (line 1"),
        ('{"buses": []}', "JSON, but not a pandapower network"),
        ('{"_module": "os", "_class": "system", "_object": "true"}', "not a pandapower network"),
    ],
)
def test_a_file_that_is_not_a_pandapower_network_is_refused(
    tmp_path: Path, blocks: pd.DataFrame, text: str, needle: str
) -> None:
    grid, where = write(tmp_path)
    grid.write_text(text)
    with pytest.raises(InputError) as err:
        read_grid(grid, where, blocks)
    assert needle in str(err.value)
    with pytest.raises(InputError, match="no such file"):
        read_grid(tmp_path / "missing.json", where, blocks)


def test_a_network_naming_other_objects_is_refused_before_pandapower_reads_it(
    tmp_path: Path, blocks: pd.DataFrame
) -> None:
    grid, where = write(tmp_path)
    doc = json.loads(grid.read_text())
    doc["_object"]["evil"] = {"_module": "os", "_class": "system", "_object": "touch pwned"}
    grid.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=r"holds objects heatplan does not load \(os.system\)"):
        read_grid(grid, where, blocks)


@pytest.mark.parametrize(
    ("mapping", "needle"),
    [
        ({**MAPPING, "B2": "nowhere"}, "row 4: bus 'nowhere' not in "),
        ({k: v for k, v in MAPPING.items() if k != "B1"}, "1 block(s) of the stock have no bus: B1"),
        ({**MAPPING, "B9": "a1"}, "row 6: block(s) B9 not in the stock"),
        ({**MAPPING, "B2": "mv2"}, "row 4: bus mv2 at 10 kV, not a low-voltage bus"),
    ],
)
def test_a_wrong_map_is_one_message_naming_the_row(
    tmp_path: Path, blocks: pd.DataFrame, mapping: dict[str, str], needle: str
) -> None:
    grid, where = write(tmp_path, mapping=mapping)
    with pytest.raises(InputError) as err:
        read_grid(grid, where, blocks)
    assert str(err.value).startswith(f"{where}: ") and needle in str(err.value)


def test_a_map_without_its_columns_or_file_is_refused(tmp_path: Path, blocks: pd.DataFrame) -> None:
    grid, where = write(tmp_path)
    where.write_text("block,bus\nB0,a1\n")
    with pytest.raises(InputError, match=r"missing column\(s\) block_id, bus_id \(expected block_id, bus_id"):
        read_grid(grid, where, blocks)
    with pytest.raises(InputError, match=r"grid-map2\.csv: no such file"):
        read_grid(grid, tmp_path / "grid-map2.csv", blocks)


def test_a_bus_no_station_reaches_or_no_infeed_feeds_is_refused(tmp_path: Path, blocks: pd.DataFrame) -> None:
    import pandapower as pp

    net = small_net()
    island = pp.create_bus(net, 0.4, name="island")
    grid, where = write(tmp_path, net, mapping={**MAPPING, "B3": "island"})
    with pytest.raises(InputError, match="row 5: bus island reached from no transformer's LV side"):
        read_grid(grid, where, blocks)
    net.line.loc[_line(net, "mvB"), "in_service"] = False  # T2 is cut off from the infeed
    net.bus.loc[island, "in_service"] = False
    grid, where = write(tmp_path, net)
    with pytest.raises(InputError, match=r"rows 4, 5: bus b1, lv2 not connected to an infeed"):
        read_grid(grid, where, blocks)
