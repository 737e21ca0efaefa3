"""A small real grid for the tests: a pandapower net (two stations, five LV buses) and its block map.

    hv (10 kV, ext_grid) --mvA 1.0 km-- mv1 --mvB 0.8 km-- mv2
    mv1 --T1 0.4 MVA-- lv1 --la 150 m-- a1 --lb 100 m-- a2
    mv2 --T2 0.63 MVA-- lv2 --lc 200 m-- b1

The blocks of ``tests.conftest.make_blocks()`` (B0..B3) hang on a1, a2, b1 and lv2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from heatplan.grid import Grid

MV, LV = "NA2XS2Y 1x240 RM/25 6/10 kV", "NAYY 4x150 SE"
MAPPING = {"B0": "a1", "B1": "a2", "B2": "b1", "B3": "lv2"}


def small_net() -> Any:
    """The pandapower net above (elements named)."""
    import pandapower as pp

    net = pp.create_empty_network()
    names = ["hv", "mv1", "mv2", "lv1", "a1", "a2", "lv2", "b1"]
    b = {n: pp.create_bus(net, 10.0 if n[0] in "hm" else 0.4, name=n, geodata=(78000.0 + k, 451000.0))
         for k, n in enumerate(names)}  # fmt: skip
    pp.create_ext_grid(net, b["hv"], vm_pu=1.0, name="infeed")
    pp.create_line(net, b["hv"], b["mv1"], 1.0, MV, name="mvA")
    pp.create_line(net, b["mv1"], b["mv2"], 0.8, MV, name="mvB")
    pp.create_transformer(net, b["mv1"], b["lv1"], "0.4 MVA 10/0.4 kV", name="T1")
    pp.create_transformer(net, b["mv2"], b["lv2"], "0.63 MVA 10/0.4 kV", name="T2")
    pp.create_line(net, b["lv1"], b["a1"], 0.15, LV, name="la")
    pp.create_line(net, b["a1"], b["a2"], 0.10, LV, name="lb", parallel=2)
    pp.create_line(net, b["lv2"], b["b1"], 0.20, LV, name="lc")
    return net


def small_tables() -> Grid:
    """The same grid built as heatplan's tables, from standard types."""
    buses = pd.DataFrame({"bus_id": ["hv", "mv1", "mv2", "lv1", "a1", "a2", "lv2", "b1"],
                          "vn_kv": [10.0, 10.0, 10.0, 0.4, 0.4, 0.4, 0.4, 0.4]})  # fmt: skip
    stations = pd.DataFrame({
        "station_id": ["T1", "T2"], "mv_bus": ["mv1", "mv2"], "lv_bus": ["lv1", "lv2"],
        "std_type": ["0.4 MVA 10/0.4 kV", "0.63 MVA 10/0.4 kV"], "parallel": [1, 1],
    })  # fmt: skip
    cables = pd.DataFrame({
        "cable_id": ["mvA", "mvB", "la", "lb", "lc"], "from_bus": ["hv", "mv1", "lv1", "a1", "lv2"],
        "to_bus": ["mv1", "mv2", "a1", "a2", "b1"], "length_m": [1000.0, 800.0, 150.0, 100.0, 200.0],
        "std_type": [MV, MV, LV, LV, LV], "parallel": [1, 1, 1, 2, 1],
    })  # fmt: skip
    return Grid(buses, stations, cables, infeed_bus="hv")


def write(folder: Path, net: Any = None, mapping: dict[str, str] | None = None) -> tuple[Path, Path]:
    """The net (default: :func:`small_net`) as grid.json and the map as grid-map.csv in ``folder``."""
    import pandapower as pp

    grid, where = folder / "grid.json", folder / "grid-map.csv"
    pp.to_json(small_net() if net is None else net, str(grid))
    rows = MAPPING if mapping is None else mapping
    pd.DataFrame({"block_id": list(rows), "bus_id": list(rows.values())}).to_csv(where, index=False)
    return grid, where
