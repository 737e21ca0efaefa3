"""The grid elements the optimisation plans reinforcements for: MV/LV stations and LV feeders.

A **station** carries the load of every block on its LV side; a **feeder** is one LV cable leaving
a station's LV busbar, and carries the blocks behind it (the LV tree below that cable). Per element:

* ``capacity_kw``: what it carries at the limit: a station's rating (kVA) or a feeder's first cable
  (``sqrt(3) * U * I_rated``) times the power factor ([grid] ``power_factor``) times the loading
  limit (scenario ``grid.max_loading_pct``);
* ``step_kw`` and ``step_cost_eur``: what one reinforcement adds and costs. A station gets a new
  MV/LV station of ``[economics.grid] msr_kw`` (630 kVA) beside it at Vesta's ``Ki_MSR``; a feeder
  gets one more cable of its type along its whole length at Vesta's ``Ki_verzw_LS`` per metre.

Real grids and the synthetic one are treated alike: the LV trees are found with networkx.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from heatplan.grid.powerflow import Grid, cable_rating_ka, station_rating_kva
from heatplan.scenario.figures import figures

#: pandapower standard type of the transformer a station reinforcement adds (Vesta: 630 kW MS-ruimte)
STEP_STATION_STD_TYPE = "0.63 MVA 10/0.4 kV"


@dataclass(frozen=True)
class GridElements:
    """Stations and feeders with their blocks (positions in the blocks table the grid was laid over)."""

    #: element_id, kind, station_id, capacity_kw, step_kw, length_m, first_cable, and the ids of its
    #: cables and buses (tuples; a station: its LV busbar)
    table: pd.DataFrame
    members: list[np.ndarray]  # per element: block positions behind it

    def __len__(self) -> int:
        return len(self.table)


def _lv_graph(grid: Grid) -> nx.Graph:
    """The LV cables as a graph (buses as nodes; MV cables left out)."""
    vn = grid.buses.set_index("bus_id")["vn_kv"].astype(float)
    c = grid.cables
    lv = (vn.reindex(c["from_bus"].astype(str)).to_numpy() < 1.0) & (
        vn.reindex(c["to_bus"].astype(str)).to_numpy() < 1.0
    )
    g = nx.Graph()
    for k in np.nonzero(lv)[0]:
        g.add_edge(str(c["from_bus"].iloc[k]), str(c["to_bus"].iloc[k]), k=int(k))
    return g


def _feeders(
    grid: Grid, g: nx.Graph, sid: str, lv: str, at_bus: dict[str, list[int]], share: float
) -> tuple[list[dict[str, object]], list[np.ndarray]]:
    """The LV feeders leaving station ``sid``'s busbar ``lv``, and the blocks behind each."""
    rows, members = [], []
    ka = cable_rating_ka(grid)
    length_m = grid.cables["length_m"].to_numpy(float)
    vn_kv = float(grid.buses.set_index("bus_id").loc[lv, "vn_kv"])
    tree = nx.bfs_tree(g, lv)
    for nxt in sorted(tree.successors(lv)):
        k = g[lv][nxt]["k"]
        below = nx.descendants(tree, nxt) | {nxt}
        cab = grid.cables.iloc[k]
        edges = sorted(g[a][b]["k"] for a, b in tree.subgraph(below | {lv}).edges)  # not in set order
        one_kw = math.sqrt(3) * vn_kv * ka[k] / float(cab["parallel"]) * 1000.0 * share
        rows.append({
            "element_id": f"{sid}/{cab['cable_id']}", "kind": "feeder", "station_id": sid,
            "capacity_kw": one_kw * float(cab["parallel"]), "step_kw": one_kw,
            "length_m": float(length_m[edges].sum()),
            "first_cable": str(cab["cable_id"]),
            "cables": tuple(grid.cables["cable_id"].astype(str).to_numpy()[edges]),
            "buses": tuple(sorted(below)),
        })  # fmt: skip
        members.append(np.array(sorted(p for bus in below for p in at_bus.get(bus, [])), dtype=int))
    return rows, members


def grid_elements(
    grid: Grid, block_bus: pd.DataFrame, blocks: pd.DataFrame, max_loading_pct: float = 100.0
) -> GridElements:
    """Every station and LV feeder of ``grid`` with the blocks of ``blocks`` behind it."""
    f, eg = figures().grid, figures().economics.grid
    share = f.power_factor * max_loading_pct / 100.0
    pos = {b: k for k, b in enumerate(blocks["block_id"].astype(str))}
    at_bus: dict[str, list[int]] = {}
    for b, bus in zip(block_bus["block_id"].astype(str), block_bus["bus_id"].astype(str), strict=True):
        if b in pos:
            at_bus.setdefault(bus, []).append(pos[b])
    g = _lv_graph(grid)
    kva = station_rating_kva(grid)
    rows: list[dict[str, object]] = []
    members: list[np.ndarray] = []
    st = grid.stations
    for s, (sid, lv) in enumerate(zip(st["station_id"].astype(str), st["lv_bus"].astype(str), strict=True)):
        area = nx.node_connected_component(g, lv) if lv in g else {lv}
        rows.append({"element_id": sid, "kind": "station", "station_id": sid, "capacity_kw": kva[s] * share,
                     "step_kw": eg.msr_kw * share, "length_m": 0.0, "first_cable": "", "cables": (),
                     "buses": (lv,)})  # fmt: skip
        members.append(np.array(sorted(p for bus in area for p in at_bus.get(bus, [])), dtype=int))
        if lv in g:
            more_rows, more_members = _feeders(grid, g, sid, lv, at_bus, share)
            rows += more_rows
            members += more_members
    return GridElements(pd.DataFrame(rows), members)


def step_cost_eur(elements: GridElements, point: float) -> np.ndarray:
    """(E,) what one reinforcement of each element costs (EUR, Vesta's unit costs at ``point``)."""
    eg = figures().economics.grid
    msr = eg.msr_min_eur + point * (eg.msr_max_eur - eg.msr_min_eur)
    lv = eg.lv_min_eur_per_m + point * (eg.lv_max_eur_per_m - eg.lv_min_eur_per_m)
    t = elements.table
    return np.where(t["kind"] == "station", msr, lv * t["length_m"].to_numpy(float))
