"""National-cost tables of a schedule: option costs, reasons, heat per network.

Option costs per block, the reason a block is not on its cheapest option, heat delivered and lost
per network and year. Names, not option positions, leave this module; ``heatplan.plan.economics``
writes the tables into the plan folder.

Every figure comes from the same items the optimisation used (``ModelInputs.annual`` etc.,
``heatplan.economics``), evaluated at each block's planned switch year (the deadline where a block
does not switch): ``eur_per_yr`` = the item's cost in that year, ``npv_eur`` = its discounted cost
from that year to the end of the evaluation window (EUR of ``prices.base_year``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from heatplan.economics import annuity_factor
from heatplan.economics.options import lifetime_yr
from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.cuts import Cut
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.objective import REFERENCE, renovation_factor, segment_npv
from heatplan.optimisation.schedule import Schedule
from heatplan.scenario.figures import figures

OPTION_COST_COLUMNS = ("block_id", "option", "item", "eur_per_yr", "npv_eur", "chosen", "option_reason")
#: Electricity uses reported per modelled year (plan.nc ``electricity_mwh``, docs/economics.md).
ELECTRICITY_USES = ("heat_pumps", "lt_boosters", "collective_heat_pumps", "network_pumps", "induction")


def _basis_year(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """Year each block's options are evaluated from: its switch year, else the last modelled year."""
    return np.where(s.switch_year < NEVER, s.switch_year, int(inp.years[-1])).astype(int)


def _network_share(
    inp: ModelInputs, s: Schedule, o: int, blocks: np.ndarray, basis: np.ndarray
) -> np.ndarray:
    """Each block's share (by dwellings) of the NPV of the segments on its path for network option o.

    A segment's users: the blocks the schedule connects to it (new builds of the regime included),
    plus the block itself.
    """
    r = OPTIONS[o]
    out = np.zeros(len(blocks))
    if r not in inp.segments:
        return out
    seg = inp.segments[r]
    npv = segment_npv(inp, r)
    on = (s.option == o) & (s.switch_year < NEVER)
    nb = np.nonzero(inp.new_build_year <= inp.years[-1])[0]
    on[[b for b in nb if inp.new_build_opt(b) == r]] = True  # new builds on it share its pipes too
    for i, b in enumerate(blocks):
        k = int(seg.block_segment[b])
        while k >= 0:
            members = seg.members[k]
            users = members[on[members]]
            group = users if b in users else np.append(users, b)
            built = int(s.edge_year[r][k]) if r in s.edge_year else NEVER
            t = int(np.clip(min(built, basis[i]) - int(inp.years[0]), 0, len(inp.years) - 1))
            out[i] += npv[k, t] * inp.dwellings[b] / inp.dwellings[group].sum()
            k = int(seg.parent[k])
    return out


def option_cost_rows(inp: ModelInputs, s: Schedule) -> pd.DataFrame:
    """Items of every allowed option and the reference of every active block that heats with gas."""
    w = inp.window
    assert w is not None
    blocks = np.nonzero(inp.active & inp.need_switch)[0]
    basis = _basis_year(inp, s)[blocks]
    pos = np.minimum(w.pos(basis), len(w.years) - 1)
    tails = {c: np.concatenate([w.tail(c), [0.0]]) for c in w.price}
    frames = []
    for key in (*range(len(OPTIONS)), REFERENCE):
        ok = np.ones(len(blocks), bool) if key == REFERENCE else inp.allowed[blocks, key]
        name = "reference" if key == REFERENCE else OPTIONS[key]
        for item, by_c in inp.annual.items():
            eur = sum(q[blocks, key] * w.price[c][pos] for c, q in by_c.items())
            npv = sum(q[blocks, key] * tails[c][pos] for c, q in by_c.items())
            frames.append(
                pd.DataFrame(
                    {"b": blocks, "option": name, "item": item, "eur_per_yr": eur, "npv_eur": npv, "ok": ok}
                )
            )
        if key == REFERENCE:
            continue
        frames += _extra_rows(inp, s, key, blocks, basis, pos, ok)
    df = pd.concat(frames, ignore_index=True)
    df = df[df["ok"] & ((df["eur_per_yr"].abs() > 1e-9) | (df["npv_eur"].abs() > 1e-9))]
    df["block_id"] = inp.block_ids[df["b"].to_numpy()]
    return df.drop(columns="ok")


def _extra_rows(
    inp: ModelInputs,
    s: Schedule,
    o: int,
    blocks: np.ndarray,
    basis: np.ndarray,
    pos: np.ndarray,
    ok: np.ndarray,
) -> list[pd.DataFrame]:
    """Insulation to the option's label and (networks) the block's share of the pipes on its path."""
    w = inp.window
    assert w is not None
    tail = np.concatenate([w.tail("eur"), [0.0]])[pos]
    out = []
    lev = inp.level_of_option[o]
    if lev >= 0:
        t = np.clip(basis - int(inp.years[0]), 0, len(inp.years) - 1)
        af = float(annuity_factor(inp.discount_rate, lifetime_yr("insulation")))
        need = inp.ins_needed[blocks, lev]
        eur = np.where(need, inp.ins_cost_eur[blocks, lev] * renovation_factor(inp)[blocks, t] * af, 0.0)
        out.append(
            pd.DataFrame(
                {
                    "b": blocks,
                    "option": OPTIONS[o],
                    "item": "insulation",
                    "eur_per_yr": eur,
                    "npv_eur": eur * tail,
                    "ok": ok,
                }
            )
        )
    if OPTIONS[o] in inp.segments:
        npv = _network_share(inp, s, o, blocks, basis)
        eur = np.divide(npv, tail, out=np.zeros_like(npv), where=tail > 0)
        out.append(
            pd.DataFrame(
                {
                    "b": blocks,
                    "option": OPTIONS[o],
                    "item": "network_share",
                    "eur_per_yr": eur,
                    "npv_eur": npv,
                    "ok": ok,
                }
            )
        )
    return out


def option_costs(inp: ModelInputs, s: Schedule, cuts: list[Cut]) -> pd.DataFrame:
    """option_costs.csv: every allowed option's items per active block, the chosen one and the reason."""
    rows = option_cost_rows(inp, s)
    totals = rows[rows["option"] != "reference"].groupby(["b", "option"])["npv_eur"].sum().unstack()
    chosen = pd.Series([OPTIONS[o] if o >= 0 else "" for o in s.option], index=np.arange(inp.n_blocks))
    cheapest = totals.idxmin(axis=1)
    reasons = pd.Series("", index=totals.index, dtype=object)
    for b in totals.index:
        if chosen[b] and chosen[b] != cheapest[b]:
            reasons[b] = option_reason(inp, s, cuts, int(b), str(cheapest[b]), chosen[b], totals.loc[b])
    rows["chosen"] = rows["option"].to_numpy() == chosen.reindex(rows["b"]).to_numpy()
    rows["option_reason"] = reasons.reindex(rows["b"]).fillna("").to_numpy()
    out = rows[list(OPTION_COST_COLUMNS)].sort_values(["block_id", "option", "item"], kind="stable")
    return out.reset_index(drop=True)


def _source_load_mw(inp: ModelInputs, s: Schedule, o: int, source: str, year: int) -> float:
    on = (s.option == o) & (s.switch_year <= year) & (inp.block_source[:, o] == source)
    t = int(np.clip(year - int(inp.years[0]), 0, len(inp.years) - 1))
    return float(inp.source_kw[on, o].sum() + inp.new_build_source_load_kw(source)[t]) / 1000.0


def option_reason(
    inp: ModelInputs, s: Schedule, cuts: list[Cut], b: int, cheapest: str, chosen: str, totals: pd.Series
) -> str:
    """What kept block b from its cheapest option (a pin, a source, a capacity, a cut, the shared network)."""
    bid = str(inp.block_ids[b])
    for p in inp.pins:
        if p.block_id == bid and p.option is not None:
            return f"pin '{p.name or p.block_id}' fixes option {p.option}"
    o = OPTIONS.index(cheapest)
    year = int(s.switch_year[b]) if s.switch_year[b] < NEVER else int(inp.years[-1])
    if cheapest in ("mt", "lt"):
        src = str(inp.block_source[b, o])
        row = inp.sources[inp.sources["source_id"] == src]
        if len(row) and int(row["available_year"].iloc[0]) > year:
            return f"source {src} is available only from {int(row['available_year'].iloc[0])}"
        if len(row):
            cap = float(row["capacity_kw"].iloc[0]) / 1000.0
            load = _source_load_mw(inp, s, o, src, year)
            if load + inp.source_kw[b, o] / 1000.0 > cap * 0.98:
                return f"capacity of source {src} in {year} ({load:.1f} of {cap:.1f} MW taken)"
        for row_ in inp.segments[cheapest].cap_rows if cheapest in inp.segments else []:
            if b in row_.members:
                return f"pipe capacity of edge {row_.edge_id} ({row_.capacity_kw:.0f} kW)"
    named = [c.name for c in cuts if any(t.key == bid for t in c.terms)]
    if named:
        return f"verification cut: {named[0]}"
    gap = float(totals[chosen] - totals[cheapest])
    return (
        f"shared network: {chosen} costs {gap:,.0f} EUR more for this block alone, but the pipes on its "
        f"path are shared with the blocks around it (the plan's optimum is over all blocks together)"
    )


def network_heat(
    inp: ModelInputs, s: Schedule, built: pd.DataFrame, sizings: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Per modelled year and regime: dwellings connected, heat delivered, heat lost by the pipes built.

    ``built``: the result's edge table (regime, edge_id, build_year); ``sizings``: per regime the
    sizing table with each edge's ``heat_loss_gj_per_yr``.
    """
    years = [int(y) for y in inp.years]
    rows = []
    vesta = figures().losses  # Vesta/CE Delft GJ per connection per year, for comparison
    loss_coef = {"mt": vesta.mt_gj_per_connection_per_yr, "lt": vesta.lt_gj_per_connection_per_yr}
    opt, first = _block_option(inp, s), _start_year(inp, s)
    for r in ("mt", "lt"):
        o = OPTIONS.index(r)
        start = np.where(opt == o, first, NEVER)
        sizing = sizings.get(r)
        edges = built[built["regime"] == r]
        if sizing is not None and "heat_loss_gj_per_yr" in sizing:
            loss = edges.merge(sizing[["edge_id", "heat_loss_gj_per_yr"]], on="edge_id", how="left")
        else:
            loss = edges.assign(heat_loss_gj_per_yr=0.0)
        by = loss["build_year"].astype("Float64").fillna(np.inf).to_numpy(float)
        for y in years:
            on = start <= y
            dw = float(inp.dwellings[on].sum())
            delivered = float(inp.heat_delivered_gj[on, o].sum())
            lost = float(loss["heat_loss_gj_per_yr"].to_numpy(float)[by <= y].sum())
            rows.append(
                {
                    "year": y,
                    "regime": r,
                    "connected_dwellings": dw,
                    "heat_delivered_gj": delivered,
                    "heat_loss_gj": lost,
                    "heat_loss_pct": 100 * lost / delivered if delivered else 0.0,
                    "vesta_loss_gj": loss_coef[r] * dw,
                }
            )
    return pd.DataFrame(rows)


def _block_option(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """Each block's heat option (index into OPTIONS, -1 none): a new build's, else the schedule's."""
    nb = inp.new_build_year <= inp.years[-1]
    nb_opt = np.array([OPTIONS.index(inp.new_build_opt(b)) for b in range(inp.n_blocks)], dtype=int)
    return np.where(nb, nb_opt, np.where(s.switch_year < NEVER, s.option, -1))


def _start_year(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """Year each block's option starts: a new build's build year (from the first year), else its switch."""
    nb = inp.new_build_year <= inp.years[-1]
    return np.where(nb, np.maximum(inp.new_build_year, inp.years[0]), s.switch_year)


def carrier_use(inp: ModelInputs, s: Schedule, carrier: str) -> dict[str, np.ndarray]:
    """Per cost item, the yearly quantity of one carrier per block and window year under the schedule.

    The cost model itself (:func:`heatplan.optimisation.accounting.schedule_costs`) with that
    carrier's price set to 1 and every other price to 0: the same quantities the costs are made of.
    """
    w = inp.window
    assert w is not None
    unit = replace(w, price={c: np.full(len(w.years), float(c == carrier)) for c in w.price})
    return schedule_costs(replace(inp, window=unit), s).by_item


def electricity_by_year(inp: ModelInputs, s: Schedule) -> pd.DataFrame:
    """Per modelled year (rows) and use (columns, ``ELECTRICITY_USES``): electricity demand, MWh/yr.

    Heat pumps and LT boosters: the household electricity of the blocks on ``hp`` and ``lt``;
    network pumps and (LT) collective heat pumps: the large-user electricity to put the heat
    delivered and lost into the networks, split by ``inp.network_kwh_per_gj``; induction: the
    dwellings cooking on induction that the plan converts, at ``[induction] electricity_kwh_per_yr``
    (priced with the household electricity, so taken out of the heat pumps' and boosters' share).
    """
    w = inp.window
    assert w is not None
    cols = w.pos(inp.years)
    ind = (inp.years[None, :] >= s.induction_year[:, None]) & inp.need_induction[:, None]
    ind_kwh = ind * (inp.dwellings * figures().induction.electricity_kwh_per_yr)[:, None]
    hh = carrier_use(inp, s, "elec_hh_kwh")["electricity"][:, cols] - ind_kwh
    big = carrier_use(inp, s, "elec_large_kwh")
    large = (big["electricity"] + big["network_heat_loss"])[:, cols]
    opt = _block_option(inp, s)
    coll = np.zeros(inp.n_blocks)
    for r, uses in inp.network_kwh_per_gj.items():
        coll[opt == OPTIONS.index(r)] = uses.get("collective_heat_pumps", 0.0) / sum(uses.values())
    on_hp = (opt == OPTIONS.index("hp"))[:, None]
    kwh = {
        "heat_pumps": (hh * on_hp).sum(axis=0),
        "lt_boosters": (hh * ~on_hp).sum(axis=0),
        "collective_heat_pumps": (large * coll[:, None]).sum(axis=0),
        "network_pumps": (large * (1.0 - coll)[:, None]).sum(axis=0),
        "induction": ind_kwh.sum(axis=0),
    }
    mwh = {u: kwh[u] / 1000.0 for u in ELECTRICITY_USES}
    return pd.DataFrame(mwh, index=pd.Index(inp.years, name="year"))
