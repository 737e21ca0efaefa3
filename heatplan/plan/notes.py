"""What the verification loop did, as data (:class:`Action`), and its lines of plain words.

The loop records an :class:`Action` for each cut it adds and for each failure it cannot order
away; :func:`action_lines` makes the words, called only when rounds.csv and plan.nc are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from heatplan import failures


@dataclass
class Action:
    """One step of the loop in a round.

    ``rule``: ``branch_load`` (figures ``need_kw``, ``share``, ``n_blocks``), ``delay_block``
    (``from_year``), ``derate_source`` (``drawn_mw``, ``modelled_mw``, ``derated_mw``),
    ``grid_limit`` (``added_kw``, ``limit_kw``, ``step_kw``, ``reinforced``: a grid cut on ``target``),
    ``delay_year`` (``n_blocks``), ``unresolved`` (``why``: ``last_year``, ``no_later_year``,
    ``new_build``; the grid's ``no_element``, ``base_load``, ``grid_not_modelled``),
    ``passed``, ``time_budget`` (``budget_s``), ``no_schedule`` (``why``: the
    solver's message). ``failures``: the failures it answers (a :mod:`heatplan.failures` table).
    """

    rule: str
    year: int = 0
    regime: str = ""
    load: str = ""
    target: str = ""
    failures: pd.DataFrame = field(default_factory=failures.empty)
    figures: dict[str, float] = field(default_factory=dict)
    why: str = ""


def _block_words(a: Action) -> str:
    return failures.block_reasons(a.failures).get(a.target, "")


def _state_words(a: Action) -> str:
    f = a.failures
    return "; ".join(failures.words(r) for _, r in f[f["element"] != "block"].iterrows())


def action_lines(a: Action) -> list[str]:
    """The plain words of one action (one line; a failure left in the last year: one per failure)."""
    head = f"{a.year} {a.regime.upper()} {a.load}"
    g = a.figures
    if a.rule == "branch_load":
        return [
            f"{head}: {a.target} fails ({_block_words(a)}); its branch is lightly loaded: require "
            f"{g['need_kw']:,.0f} kW ({g['share']:.0%}) of the branch's {int(g['n_blocks'])} other blocks "
            "connected first"
        ]
    if a.rule == "delay_block":
        return [f"{head}: {a.target} fails ({_block_words(a)}); connect it from {int(g['from_year'])} on"]
    if a.rule == "delay_year":
        what = _state_words(a) or "not converged"
        return [f"{head}: {what}; delay the {int(g['n_blocks'])} block(s) connected that year"]
    if a.rule == "derate_source":
        return [
            f"{a.year} {a.regime.upper()}: source {a.target} delivers {g['drawn_mw']:.1f} MW incl. losses "
            f"for {g['modelled_mw']:.1f} MW planned; its capacity in the model is derated to "
            f"{g['derated_mw']:.1f} MW"
        ]
    if a.rule == "grid_limit":
        return [_grid_line(a, head)]
    if a.rule == "unresolved":
        return _unresolved_lines(a, head)
    if a.rule == "passed":
        return ["every planned year passes"]
    if a.rule == "time_budget":
        return [f"time budget of {g['budget_s']:.0f} s reached"]
    if a.rule == "no_schedule":
        return [f"the cuts leave no schedule ({a.why}); the previous plan is kept"]
    return [f"{head}: {a.rule} {a.target}".strip()]


def _grid_line(a: Action, head: str) -> str:
    g = a.figures
    was = f"the plan's load behind {a.target} at most {g['limit_kw']:,.0f} kW (was {g['added_kw']:,.0f} kW)"
    if g["reinforced"]:
        return f"{head}: {_state_words(a)}; its reinforcement is not enough: {was}"
    return (
        f"{head}: {_state_words(a)}; {was}, or {g['limit_kw'] + g['step_kw']:,.0f} kW once it is reinforced"
    )


#: why a grid failure cannot be cut, in words
_GRID_WHY = {
    "no_element": "on no station or LV feeder the plan reinforces (an MV cable): the grid operator's",
    "base_load": "the plan adds no load there: the base load alone",
    "grid_not_modelled": "the grid is not in the optimisation",
    "no_tighter": "cut before; the plan adds no more than it may there, or only what it must by the deadline",
}


def _unresolved_lines(a: Action, head: str) -> list[str]:
    if a.why == "no_later_year":
        return [f"{head}: {a.target}: {_block_words(a)} (no later year to move it to)"]
    if a.why == "new_build":
        return [f"{head}: {a.target}: {_block_words(a)} (new-build block: its year is fixed)"]
    f = a.failures.copy()
    for k, (col, v) in enumerate(zip(failures.STATE_COLUMNS, (a.year, a.regime, a.load), strict=True)):
        f.insert(k, col, v)
    why = f" ({_GRID_WHY[a.why]})" if a.why in _GRID_WHY else ""
    return [line + why for line in failures.failure_lines(f)]


def round_lines(actions: list[Action]) -> list[str]:
    """Every action of a round in words, in order."""
    return [line for a in actions for line in action_lines(a)]
