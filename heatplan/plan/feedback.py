"""Turn verification failures into cuts that exclude them, for the next optimisation round.

Rules (docs/method.md, "the loop"):

* **Temperature or pressure at a block** (design or low load, after bypasses): walk the block's
  path to its source and find the highest pipe that is *lightly loaded* in the failing year (the
  connected design peak downstream below ``LIGHT_SHARE`` of what it is sized for). Low flow in
  that pipe is what cools the water. Cut: before the failing block connects, at least a share of
  that pipe's downstream design peak must be connected (``min_branch_load``); the share rises
  with each repeat (``SHARES``). If no pipe on the path is lightly loaded, delay the block by a
  year (``not_before``).
* **Source capacity exceeded** in a year (the simulated plant heat, with pipe losses, is more than
  the model's estimate): the model's capacity of that source is derated by the observed ratio for
  that year and every later year (``source_capacity_cuts``).
* **Not converged** or **pump head exceeded** in a year: delay the blocks that connected in that
  year by one year.
* A delay past the last modelled year cannot hold: the failure is reported instead.
* A failure in the last planned year, with the network complete, cannot be ordered away: it is
  reported by name and no cut is added for it.

The rules read the failures table of each state (:mod:`heatplan.failures`): its ``kind`` picks
the rule (:data:`RULE_OF_KIND`), its numbers size the cut. What was done is recorded as data
(:class:`heatplan.plan.notes.Action`); the words are made when rounds.csv and plan.nc are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from heatplan.failures import Kind
from heatplan.optimisation import Cut
from heatplan.optimisation.cuts import Term, min_branch_load, not_before
from heatplan.optimisation.inputs import ModelInputs
from heatplan.plan.notes import Action
from heatplan.plan.verify import NetworkModels, StateCheck, connected_in_year

LIGHT_SHARE = 0.3
SHARES = (0.5, 0.8, 1.0)
#: Margin kept below a source's capacity when it is derated after an overload.
DERATE_MARGIN = 0.98
#: The rule that answers each kind of failure: ``block`` (branch load first, else delay the
#: block), ``derate_source`` (capacity cut) or ``delay_year`` (delay that year's connections).
RULE_OF_KIND: dict[str, str] = {
    Kind.TEMPERATURE: "block",
    Kind.PRESSURE: "block",
    Kind.VELOCITY: "block",
    Kind.NOT_SERVED: "block",
    Kind.CAPACITY: "derate_source",
    Kind.HEAD: "delay_year",
    Kind.NOT_CONVERGED: "delay_year",
    # the electricity grid's failures: plan.grid_feedback (a limit on the load behind a station or feeder)
    Kind.OVERLOAD: "grid",
    Kind.VOLTAGE: "grid",
}


@dataclass
class Feedback:
    """Cuts for the next round, and what was done about each failure (:class:`Action`)."""

    cuts: list[Cut] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _peak(inp: ModelInputs, block_ids: list[str], regime: str) -> np.ndarray:
    pos = {b: i for i, b in enumerate(inp.block_ids)}
    peak = inp.of_option(inp.peak_kw, regime)
    return np.array([peak[pos[b]] for b in block_ids], float)


def _light_branch(
    nets: NetworkModels, inp: ModelInputs, regime: str, block_id: str, connected: set[str]
) -> list[str] | None:
    """Blocks downstream of the highest lightly loaded pipe on ``block_id``'s path (None: none)."""
    eb = nets.layouts[regime].edge_blocks
    path = eb.loc[eb["block_id"] == block_id, "edge_id"].tolist()
    best: tuple[int, list[str]] | None = None
    for edge in path:
        down = eb.loc[eb["edge_id"] == edge, "block_id"].astype(str).tolist()
        if len(down) < 2:
            continue
        peaks = _peak(inp, down, regime)
        on = np.array([b in connected for b in down])
        if peaks[on].sum() < LIGHT_SHARE * peaks.sum() and (best is None or len(down) > best[0]):
            best = (len(down), down)
    return None if best is None else [b for b in best[1] if b != block_id]


def _block_cut(
    fb: Feedback,
    nets: NetworkModels,
    inp: ModelInputs,
    table: pd.DataFrame,
    check: StateCheck,
    block_id: str,
    repeats: dict[str, int],
    stock: pd.DataFrame,
) -> None:
    k = repeats.get(block_id, 0)
    repeats[block_id] = k + 1
    year, regime = check.year, check.regime
    f = check.failures
    act = Action(
        "branch_load",
        year,
        regime,
        check.load,
        block_id,
        f[(f["element"] == "block") & (f["id"] == block_id)],
    )
    connected = set(connected_in_year(stock, table, year, regime))
    branch = _light_branch(nets, inp, regime, block_id, connected) if k < len(SHARES) else None
    if branch:
        share = SHARES[min(k, len(SHARES) - 1)]
        need_kw = share * float(_peak(inp, branch, regime).sum())
        fb.cuts += min_branch_load(
            inp, regime, branch, block_id, need_kw, name=f"branch load before {block_id}"
        )
        act.figures = {"need_kw": need_kw, "share": share, "n_blocks": len(branch)}
        fb.actions.append(act)
        return
    conn_year = table.set_index("block_id")["connection_year"].get(block_id)
    later = int(year if pd.isna(conn_year) else max(int(conn_year), year)) + 1
    if later > int(inp.years[-1]):
        act.rule, act.why = "unresolved", "no_later_year"
        fb.actions.append(act)
        return
    fb.cuts.append(not_before(block_id, later, name=f"delay {block_id} to {later}"))
    act.rule, act.figures = "delay_block", {"from_year": later}
    fb.actions.append(act)


def feedback(
    checks: list[StateCheck],
    nets: NetworkModels,
    inp: ModelInputs,
    table: pd.DataFrame,
    stock: pd.DataFrame,
    last_year: int,
    repeats: dict[str, int],
) -> Feedback:
    """Cuts that exclude this round's failures (see the module docstring)."""
    fb = Feedback()
    seen: set[str] = set()
    fixed = set(stock.loc[stock["new_build_year"].notna(), "block_id"].astype(str))
    for c in sorted(checks, key=lambda c: (c.year, c.load != "design")):
        if c.ok:
            continue
        if c.year >= last_year and inp.years[-1] <= last_year:
            fb.actions.append(Action("unresolved", c.year, c.regime, c.load, "", c.failures, why="last_year"))
            continue
        rules = {RULE_OF_KIND[k] for k in c.kinds()}
        if "derate_source" in rules:
            source_capacity_cuts(fb, c, inp, stock, table)
        if "delay_year" in rules or not c.converged:
            _delay_year(fb, c, table, stock, seen)
        f = c.failures
        for b in c.failing_blocks:
            if b in fixed:
                mine = f[(f["element"] == "block") & (f["id"] == b)]
                fb.actions.append(Action("unresolved", c.year, c.regime, c.load, b, mine, why="new_build"))
                continue
            if b not in seen:
                seen.add(b)
                _block_cut(fb, nets, inp, table, c, b, repeats, stock)
    return fb


def _delay_year(
    fb: Feedback, c: StateCheck, table: pd.DataFrame, stock: pd.DataFrame, seen: set[str]
) -> None:
    """Delay the blocks that connected in the failing year by one year."""
    t = table[(table["option"] == c.regime) & (table["connection_year"] == c.year)]
    existing = set(stock.loc[stock["new_build_year"].isna(), "block_id"].astype(str))
    newly = [b for b in t["block_id"].astype(str) if b in existing and b not in seen]
    for b in newly:
        seen.add(b)
        fb.cuts.append(not_before(b, c.year + 1, name=f"delay {b} to {c.year + 1}"))
    f = c.failures
    fb.actions.append(
        Action(
            "delay_year", c.year, c.regime, c.load, "", f[f["element"] != "block"], {"n_blocks": len(newly)}
        )
    )


def source_capacity_cuts(
    fb: Feedback, c: StateCheck, inp: ModelInputs, stock: pd.DataFrame, table: pd.DataFrame
) -> None:
    """Derate each overloaded source in the model by the ratio of simulated to modelled load."""
    caps = inp.sources.set_index("source_id")["capacity_kw"]
    connected = set(connected_in_year(stock, table, c.year, c.regime))
    over = c.failures[c.failures["kind"] == Kind.CAPACITY]
    for sid, drawn_mw in zip(over["id"], over["value"], strict=True):
        cap_kw = float(caps.get(sid, np.inf))
        if not drawn_mw * 1000 > cap_kw:
            continue
        mine = np.nonzero((inp.of_option(inp.block_source, c.regime) == sid) & inp.active)[0]
        t0 = int(c.year - inp.years[0])
        nb_load = inp.new_build_source_load_kw(sid)
        source_kw = inp.of_option(inp.source_kw, c.regime)
        modelled = sum(float(source_kw[b]) for b in mine if str(inp.block_ids[b]) in connected)
        modelled += float(nb_load[min(t0, len(nb_load) - 1)])
        ratio = modelled / (drawn_mw * 1000) if drawn_mw > 0 else 1.0
        derated = DERATE_MARGIN * cap_kw * min(ratio, 1.0)
        for t, year in enumerate(inp.years):
            if year < c.year:
                continue
            terms = tuple(
                Term("connect", str(inp.block_ids[b]), int(year), float(source_kw[b]), c.regime) for b in mine
            )
            fb.cuts.append(Cut(f"derated {sid} ({year})", terms, ub=max(derated - float(nb_load[t]), 0.0)))
        fb.actions.append(
            Action(
                "derate_source", c.year, c.regime, c.load, sid, over[over["id"] == sid],
                {"drawn_mw": drawn_mw, "modelled_mw": modelled / 1000, "derated_mw": derated / 1000},
            )
        )  # fmt: skip
