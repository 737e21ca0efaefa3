"""Results of an optimisation: per-block table, edge table, xarray Dataset, electricity peaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.optimisation.accounting import ITEMS, Costs, schedule_costs
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.schedule import Schedule

BLOCK_COLUMNS = (
    "block_id",
    "option",
    "insulation_label",
    "insulation_year",
    "induction_year",
    "connection_year",
    "gas_free_year",
    "cost_eur",
)


@dataclass
class Result:
    """An optimisation result. ``session`` keeps the live model for cuts and re-solves (plan loop)."""

    status: str
    deadline_met: bool
    blocks: pd.DataFrame
    edges: pd.DataFrame
    dataset: xr.Dataset
    electricity_peak_kw: pd.DataFrame  # index buurt_code, columns years
    cost_npv_eur: dict[str, float]
    objective_eur: float
    best_bound_eur: float
    gap: float
    gas_free_year_reached: int | None
    required_pace_dwellings_per_yr: float | None
    earliest_gas_free_year: int | None
    diagnostics: list[str]
    timings_s: dict[str, float]
    schedule: Schedule
    session: Any = field(default=None, repr=False)
    #: proven within the scenario's mip_gap with no time limit cutting a stage short (see solve.py)
    certified: bool = False
    certified_reason: str = ""

    def message(self) -> str:
        """The diagnostics as one text."""
        return "\n".join(self.diagnostics)


def _years(a: np.ndarray) -> pd.Series:
    return pd.Series(np.where(a >= NEVER, pd.NA, a), dtype="Int64")


def block_table(inp: ModelInputs, s: Schedule, costs: Costs) -> pd.DataFrame:
    """One row per block: option, year of each measure, gas-free year, undiscounted cost."""
    nb = inp.new_build_year <= inp.years[-1]
    option = np.array([OPTIONS[o] if o >= 0 else "" for o in s.option], dtype=object)
    option[nb] = [inp.new_build_opt(b) for b in np.nonzero(nb)[0]]
    conn = np.where(
        nb, np.maximum(inp.new_build_year, inp.years[0]), np.where(s.option >= 0, s.switch_year, NEVER)
    )
    gas_free = np.where(inp.need_switch | inp.need_induction, _gas_free(inp, s), NEVER)
    return pd.DataFrame(
        {
            "block_id": inp.block_ids,
            "option": option,
            "insulation_label": [inp.levels[k] if k >= 0 else "" for k in s.ins_level],
            "insulation_year": _years(np.where(s.ins_level >= 0, s.insulation_year, NEVER)),
            "induction_year": _years(np.where(inp.need_induction, s.induction_year, NEVER)),
            "connection_year": _years(conn),
            "gas_free_year": _years(gas_free),
            "cost_eur": costs.per_block_eur(),
        }
    )


def _gas_free(inp: ModelInputs, s: Schedule) -> np.ndarray:
    sw = np.where(inp.need_switch, np.where(s.option >= 0, s.switch_year, NEVER), 0)
    ind = np.where(inp.need_induction, s.induction_year, 0)
    return np.minimum(np.maximum(sw, ind), inp.demolition_year)


def edge_table(inp: ModelInputs, s: Schedule) -> pd.DataFrame:
    """One row per network edge: its segment and build year (single-block edges with their block)."""
    rows = []
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        for k, ids in enumerate(seg.segment_edges):
            rows += [(r, e, k, int(s.edge_year[r][k])) for e in ids]
        for e, b in seg.folded_edge_block.items():
            year = s.switch_year[b] if s.option[b] == o else NEVER
            if inp.new_build_year[b] <= inp.years[-1] and inp.new_build_opt(b) == r:
                year = max(int(inp.new_build_year[b]), int(inp.years[0]))
            rows.append((r, e, -1, int(year)))
    df = pd.DataFrame(rows, columns=["regime", "edge_id", "segment", "build_year"])
    df["build_year"] = _years(df["build_year"].to_numpy())
    return df


def options_in_use(inp: ModelInputs, s: Schedule) -> tuple[np.ndarray, np.ndarray]:
    """Per block its option (-1 none) and the year it takes it: the switch, or a new build's own."""
    opt = s.option.copy()
    start = np.where(opt >= 0, s.switch_year, NEVER)
    for b in np.nonzero(inp.new_build_year <= inp.years[-1])[0]:
        opt[b], start[b] = OPTIONS.index(inp.new_build_opt(b)), inp.new_build_year[b]
    return opt, start


def electricity_peak_by_block(inp: ModelInputs, s: Schedule, pumps: bool = True) -> np.ndarray:
    """(B, T) electric peak (kW) each block adds per year: induction, heat pumps, LT boosters.

    ``pumps``: also the network pumps of the blocks on a network (their share of the pump power at
    the source); the grid check leaves them out, as they draw at the source, not at the block.
    """
    yrs = inp.years[None, :]
    e = inp.elec_kw
    ind_done = (yrs >= s.induction_year[:, None]) & inp.need_induction[:, None]
    opt, start = options_in_use(inp, s)
    on = yrs >= start[:, None]
    zero = np.zeros(inp.n_blocks)
    per_opt = {
        0: e["pump_mt"] if pumps else zero,
        1: e["lt_booster"] + (e["pump_lt"] if pumps else zero),
        2: e["hp"],
    }
    kw = ind_done * e["induction"][:, None]
    for o, w in per_opt.items():
        kw = kw + (on & (opt == o)[:, None]) * w[:, None]
    return np.asarray(kw, float)


def electricity_peak(inp: ModelInputs, s: Schedule) -> pd.DataFrame:
    """Electric peak (kW) added per buurt and year: induction, heat pumps, LT boosters, network pumps."""
    df = pd.DataFrame(electricity_peak_by_block(inp, s), columns=inp.years)
    df["buurt_code"] = inp.buurt
    return df.groupby("buurt_code").sum()


def dataset(inp: ModelInputs, s: Schedule, costs: Costs, attrs: dict[str, Any]) -> xr.Dataset:
    """The schedule as an xarray Dataset with dims ``block`` and ``year``."""
    yrs = inp.years[None, :]
    coords: dict[str, Any] = {"block": inp.block_ids, "year": inp.years}
    data: dict[str, Any] = {
        "switched": (("block", "year"), (yrs >= s.switch_year[:, None]) & (s.option >= 0)[:, None]),
        "insulated": (("block", "year"), (yrs >= s.insulation_year[:, None]) & (s.ins_level >= 0)[:, None]),
        "induction": (("block", "year"), (yrs >= s.induction_year[:, None]) & inp.need_induction[:, None]),
        "option": (("block",), np.array([OPTIONS[o] if o >= 0 else "" for o in s.option], dtype=str)),
        "gas_m3": (("block", "year"), costs.gas_m3),
        "discount_factor": (("year",), inp.discount),
    }
    t = len(inp.years)
    for item in ITEMS:
        data[f"cost_{item}_eur"] = (("block", "year"), costs.by_item[item][:, :t])
    # the national cost of the whole evaluation window, per year and item (summed over blocks)
    data["national_cost_eur"] = (
        ("eval_year", "item"),
        np.stack([costs.by_item[k].sum(axis=0) for k in ITEMS], axis=1),
    )
    data["eval_discount_factor"] = (("eval_year",), costs.discount)
    coords.update({"eval_year": costs.years, "item": np.array(ITEMS)})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({k: v for k, v in attrs.items() if isinstance(v, (int, float, str))})
    return ds


def make_result(inp: ModelInputs, s: Schedule, meta: dict[str, Any]) -> Result:
    """Assemble every output of one solve (``meta``: status, objective, bound, gap, diagnostics, timings)."""
    costs = schedule_costs(inp, s)
    table = block_table(inp, s, costs)
    active_free = table["gas_free_year"][
        inp.active | ((inp.need_switch | inp.need_induction) & (inp.new_build_year >= NEVER))
    ]
    reached = (
        None
        if active_free.isna().any()
        else int(active_free.max())
        if len(active_free)
        else int(inp.years[0])
    )
    npv = costs.npv_eur()
    attrs = {
        "status": meta["status"],
        "objective_eur": meta["objective_eur"],
        "gap": meta["gap"],
        "certified": int(bool(meta.get("certified", False))),
        "certified_reason": str(meta.get("reason", "")),
        "deadline": inp.deadline,
        "gas_free_year_reached": reached if reached is not None else -1,
    }
    return Result(
        status=meta["status"],
        deadline_met=reached is not None and reached <= inp.deadline,
        blocks=table,
        edges=edge_table(inp, s),
        dataset=dataset(inp, s, costs, attrs),
        electricity_peak_kw=electricity_peak(inp, s),
        cost_npv_eur={**npv, "total": float(sum(npv.values()))},
        objective_eur=meta["objective_eur"],
        best_bound_eur=meta["best_bound_eur"],
        gap=meta["gap"],
        gas_free_year_reached=reached,
        required_pace_dwellings_per_yr=meta.get("required_pace"),
        earliest_gas_free_year=meta.get("earliest_year"),
        diagnostics=list(meta.get("diagnostics", [])),
        timings_s=dict(meta.get("timings_s", {})),
        schedule=s,
        session=meta.get("session"),
        certified=bool(meta.get("certified", False)),
        certified_reason=str(meta.get("reason", "")),
    )
