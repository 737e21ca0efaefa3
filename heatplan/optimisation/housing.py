"""Monthly housing costs per dwelling before and after a block's measures, and the level-cost rule.

Housing costs here are what the plan changes for a household: the energy and heat bill with its
taxes, the rent change (tenants) or the owner's costs of the measures at the owner's own rate
(owner-occupiers and owners' associations). The base rent or mortgage is the same before and
after and left out (the stock has none). "Before" is the same year under the reference (nothing
done: gas boiler, gas hob), so that price paths do not count as a change.
``woonlastenneutraal``: the change in the year after the block is off gas is at most the
scenario's tolerance (EUR a month per dwelling). With ``housing_level_for_corporation_tenants``,
:func:`restrict` forbids the switches (option and year) after which a corporation block's tenants
would pay more; a block that no switch keeps level keeps its options and is named
(docs/actor-costs.md).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from heatplan.optimisation.actors import RENTED, ActorBlocks, Flows, actor_blocks, household_flows
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.schedule import Schedule
from heatplan.scenario import Scenario


def housing_eur_per_month(flows: Flows, inp: ModelInputs, ab: ActorBlocks) -> np.ndarray:
    """(B, W) housing costs per dwelling and month: the occupant's, plus the owner's where they live in it."""
    lives_in = ~np.isin(ab.owner_type, RENTED)
    total = np.zeros((inp.n_blocks, len(flows.years)))
    for (role, _, _), v in flows.eur.items():
        if role == "occupant":
            total += v
        elif role == "owner":
            total += lives_in[:, None] * v
    return total / (12.0 * np.maximum(inp.dwellings, 1e-9))[:, None]


def flag_year(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """(B,) the year after each block is off gas (NEVER for blocks that do nothing or are new)."""
    uses_gas = (inp.need_switch | inp.need_induction) & inp.active
    done = s.gas_free_year(inp)
    return np.where(uses_gas & (done < NEVER), done + 1, NEVER)


def _hypothetical(inp: ModelInputs, o: int, year: int) -> Schedule:
    """Every block on option ``o`` from ``year``, insulated to its level and cooking electric by then."""
    s = Schedule.empty(inp)
    sw = inp.active & inp.need_switch
    s.option[sw] = o
    s.switch_year[sw] = year
    lev = inp.level_of_option[o]
    if lev >= 0:
        need = inp.ins_needed[:, lev]
        s.ins_level[need] = lev
        s.insulation_year[need] = year
    s.induction_year[inp.active & inp.need_induction] = year
    return s


def tenant_change_by_option(inp: ModelInputs, scenario: Scenario, ab: ActorBlocks) -> np.ndarray:
    """(B, O, T) a tenant's housing-cost change (EUR/month per dwelling) the year after switching in t."""
    w = inp.window
    assert w is not None, "ModelInputs without an evaluation window"
    ref = housing_eur_per_month(household_flows(inp, Schedule.empty(inp), scenario, ab), inp, ab)
    out = np.full((inp.n_blocks, len(OPTIONS), len(inp.years)), np.nan)
    for o in range(len(OPTIONS)):
        for t, year in enumerate(inp.years):
            h = housing_eur_per_month(
                household_flows(inp, _hypothetical(inp, o, int(year)), scenario, ab), inp, ab
            )
            p = min(int(year) + 1 - int(w.years[0]), len(w.years) - 1)
            out[:, o, t] = h[:, p] - ref[:, p]
    return out


def restrict(inp: ModelInputs, blocks: pd.DataFrame, scenario: Scenario) -> ModelInputs:
    """Forbid the switches that raise a corporation block's tenants' housing costs above the tolerance.

    ``housing_forbidden[b, o, t]``: option o in year t would; the model's rows ``housing_level``
    keep such a switch out. An option forbidden in every year is taken away. A block that no
    option in any year keeps level keeps all its options and years; ``housing_exempt`` names it.
    """
    ab = actor_blocks(blocks, inp)
    tol = scenario.end_user.housing_level_tolerance_eur_per_month
    change = tenant_change_by_option(inp, scenario, ab)
    corp = (ab.owner_type == "corporation") & inp.active & inp.need_switch
    over = corp[:, None, None] & (change > tol + 1e-9)
    level = inp.allowed[:, :, None] & ~over
    exempt = corp & inp.allowed.any(axis=1) & ~level.any(axis=(1, 2))
    over[exempt] = False
    allowed = inp.allowed & ~over.all(axis=2)
    least = np.where(inp.allowed[:, :, None], change, np.inf).min(axis=(1, 2))
    return replace(
        inp,
        allowed=allowed,
        housing_forbidden=over,
        housing_exempt=exempt,
        housing_least_change=np.where(corp, least, np.nan),
    )


def housing_lines(inp: ModelInputs, tolerance: float) -> list[str]:
    """The level-cost rule in words: how many corporation blocks it holds for, and which it cannot."""
    if inp.housing_exempt is None:
        return []
    ex = np.nonzero(inp.housing_exempt)[0]
    corp = ~np.isnan(inp.housing_least_change) if inp.housing_least_change is not None else ex
    held = int(np.count_nonzero(corp)) - len(ex)
    head = (
        f"Housing costs held level for corporation tenants (at most {tolerance:.0f} EUR a month more): "
        f"{held} corporation blocks have an option that keeps them level."
    )
    if not len(ex):
        return [head]
    least = inp.housing_least_change[ex] if inp.housing_least_change is not None else np.zeros(len(ex))
    order = ex[np.argsort(least)]
    names = ", ".join(str(inp.block_ids[b]) for b in order[:10])
    more = f" and {len(ex) - 10} more (housing.csv)" if len(ex) > 10 else ""
    return [
        head,
        f"{len(ex)} corporation blocks ({int(inp.dwellings[ex].sum()):,} dwellings) cannot stay level: "
        f"under every option, in every year to {int(inp.years[-1])}, their tenants pay at least "
        f"{float(least.min()):.2f} to {float(least.max()):.2f} EUR a month more; they keep their options: "
        f"{names}{more}.",
    ]
