"""Networks re-sized for the load the plan connects (issue 14, item 3).

The optimisation prices each network with pipes sized for every block that *may* connect to it.
Once the options are chosen, each pipe is re-sized for the blocks the plan actually connects
downstream of it (same catalogue, velocity, pressure-gradient and pressure-budget rules as the
first sizing). Where the re-sized network the plan builds is cheaper by more than the solver's
gap (``solver.mip_gap`` of the objective), the plan is optimised again on the re-sized networks,
at most ``MAX_RESIZE_SOLVES`` times; otherwise the schedule stands, and the verification, the heat
losses and the outputs use the re-sized pipes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from heatplan.networks.sizing import size_layout
from heatplan.plan.verify import NetworkModels
from heatplan.scenario import Scenario

#: re-solves on re-sized networks at most (each is a full optimisation)
MAX_RESIZE_SOLVES = 1


@dataclass(frozen=True)
class Resize:
    """What re-sizing one network for the plan's load changed."""

    regime: str
    connected_blocks: int
    edges_built: int
    edges_smaller: int
    built_cost_before_eur: float  # the edges the plan builds, sized for every possible connection
    built_cost_after_eur: float  # the same edges re-sized for the load the plan connects
    reoptimised: bool = False  # the schedule was optimised again on the re-sized networks

    @property
    def saving_eur(self) -> float:
        """Undiscounted pipe cost the re-sizing saves on the network the plan builds (EUR)."""
        return self.built_cost_before_eur - self.built_cost_after_eur


def connected(table: pd.DataFrame, regime: str) -> np.ndarray:
    """Blocks the plan connects to ``regime`` (any year), aligned with the stock."""
    return (table["option"] == regime).to_numpy(bool)


def resize_for_plan(
    stock: pd.DataFrame,
    scenario: Scenario,
    nets: NetworkModels,
    table: pd.DataFrame,
    built: pd.DataFrame,
    labels: dict[str, pd.Series],
) -> tuple[NetworkModels, list[Resize]]:
    """Each network's pipes re-sized for the blocks the plan connects to it.

    ``table``: the plan's block table (option per block, aligned with ``stock``); ``built``: the
    result's edge table (regime, edge_id, build_year); ``labels``: per regime the labels the
    first sizing used (the labels the connected blocks will have).
    """
    sizings = dict(nets.sizings)
    report = []
    for regime, layout in nets.layouts.items():
        before = nets.sizings[regime]
        on = connected(table, regime)
        after = size_layout(layout, stock[on], scenario, labels=labels[regime])
        ids = built.loc[(built["regime"] == regime) & built["build_year"].notna(), "edge_id"]
        was = before.set_index("edge_id").reindex(ids)
        now = after.set_index("edge_id").reindex(ids)
        report.append(
            Resize(
                regime,
                int(on.sum()),
                len(ids),
                int((now["dn"] < was["dn"]).sum()),
                float(was["cost_eur"].sum()),
                float(now["cost_eur"].sum()),
            )
        )
        sizings[regime] = after
    return NetworkModels(dict(nets.layouts), sizings, nets.sources), report


def worth_resolving(report: list[Resize], objective_eur: float, mip_gap: float) -> bool:
    """True if the pipe cost the re-sizing saves exceeds the solver's gap of the objective."""
    return sum(r.saving_eur for r in report) > mip_gap * abs(objective_eur)


def mark_reoptimised(report: list[Resize]) -> list[Resize]:
    """The same report, saying the schedule was optimised again on these networks."""
    return [replace(r, reoptimised=True) for r in report]
