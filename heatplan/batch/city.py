"""City scale: a synthetic city of many districts, planned district by district on Dask.

``synthetic_city`` builds districts like the embedded Zuidwest stock (``heatplan.buildings.synthetic``
with other wijk codes, seeds and positions; each district with its own sources and a branch of one
shared city source). ``plan_city`` divides the city-wide limits (yearly switching capacity, yearly
budget, the shared source's capacity) among the districts, optimises every district in parallel,
re-divides on the results (a district that misses its deadline gets more, one with slack gives
back) until every deadline is met or nothing changes, then makes every district's verified plan.
The joined plan respects the limits because each district's model enforces its share and the
shares never add up to more than the limit (docs/sweep.md).
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from heatplan.buildings.schema import validate_blocks
from heatplan.buildings.sources import read_sources
from heatplan.buildings.stock import today_mask
from heatplan.buildings.synthetic import ZUIDWEST, DistrictSpec, embedded_pc6, generate_district
from heatplan.io import atomic_dir, atomic_file
from heatplan.scenario import Scenario

log = logging.getLogger(__name__)

#: The Zuidwest source that becomes each district's branch of the shared city source.
SHARED_FROM = "warmtelinq_moerwijk"
RESOURCES = ("switch", "budget", "source")
INVESTMENT_EXCLUDED = ("gas", "co2")
#: progress(message): one line per coordination step.
CityProgress = Callable[[str], None]


@dataclass(frozen=True)
class CityLimits:
    """City-wide limits (None = none): dwellings switched per year, EUR invested per year, shared MW."""

    switch_dwellings_per_yr: float | None = None
    budget_eur_per_yr: float | None = None
    shared_source_mw: float | None = None

    def of(self, resource: str) -> float | None:
        """The limit on ``switch``, ``budget`` or ``source``."""
        return {
            "switch": self.switch_dwellings_per_yr,
            "budget": self.budget_eur_per_yr,
            "source": self.shared_source_mw,
        }[resource]


@dataclass
class District:
    """One district: its blocks and its sources (``shared_id``: its branch of the shared source)."""

    name: str
    stock: pd.DataFrame
    sources: pd.DataFrame
    shared_id: str


# ---- the synthetic city ---------------------------------------------------------------------


def _spec(k: int, pc6: pd.DataFrame, factor: float, seed: int) -> tuple[DistrictSpec, pd.DataFrame]:
    """District k's calibration targets and its (renamed) PC6 areas, scaled by ``factor``."""
    wijken = list(ZUIDWEST.dwellings_by_wijk)
    wmap = {w: f"WK9{k:03d}{j:02d}" for j, w in enumerate(wijken)}
    bmap = {
        b: f"BU9{k:03d}{j:02d}{i:02d}"
        for j, w in enumerate(wijken)
        for i, b in enumerate(ZUIDWEST.buurten_by_wijk[w])
    }
    present = pc6["wijk_code"].unique()
    hh = pc6.groupby("wijk_code")["households_2019"].sum()
    total = factor * sum(ZUIDWEST.dwellings_by_wijk.values())
    n_buurten = {w: max(1, min(len(ZUIDWEST.buurten_by_wijk[w]), int((pc6["wijk_code"] == w).sum() // 5)))
                 for w in present}  # fmt: skip

    def q(m: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((y, round(n * factor)) for y, n in m)

    spec = replace(
        ZUIDWEST,
        dwellings_by_wijk={wmap[w]: max(8, round(total * hh[w] / hh.sum())) for w in present},
        buurten_by_wijk={
            wmap[w]: tuple(bmap[b] for b in ZUIDWEST.buurten_by_wijk[w][: n_buurten[w]]) for w in present
        },
        after_1980_share_by_wijk={wmap[w]: ZUIDWEST.after_1980_share_by_wijk[w] for w in present},
        before_1945_share_by_wijk={wmap[w]: ZUIDWEST.before_1945_share_by_wijk[w] for w in present},
        demolished=q(ZUIDWEST.demolished),
        renovated=q(ZUIDWEST.renovated),
        added=q(ZUIDWEST.added),
        seed=seed,
        id_prefix=f"C{k:03d}",
    )
    return spec, pc6.assign(wijk_code=pc6["wijk_code"].map(wmap))


def _subset(pc6: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """The PC6 areas nearest a random centre holding ``share`` of the households (all if share >= 0.9)."""
    if share >= 0.9:
        return pc6
    centre = pc6.iloc[int(rng.integers(len(pc6)))][["x_rd", "y_rd"]].to_numpy(float)
    d = np.hypot(pc6["x_rd"] - centre[0], pc6["y_rd"] - centre[1])
    order = d.sort_values().index
    cum = pc6.loc[order, "households_2019"].cumsum() / pc6["households_2019"].sum()
    return pc6.loc[order[: int(np.searchsorted(cum.to_numpy(), share)) + 1]].reset_index(drop=True)


def _validated(blocks: pd.DataFrame, name: str) -> pd.DataFrame:
    """The generated table through the same validation as a CSV stock."""
    raw = pd.read_csv(io.StringIO(blocks.to_csv(index=False)), dtype=str, keep_default_na=False)
    return validate_blocks(raw.where(raw != "", pd.NA), source=f"synthetic district {name}")


def synthetic_district(k: int, scale: float = 1.0, seed: int = 2026, spacing_m: float = 8000.0) -> District:
    """District k: a Zuidwest-like stock (dwellings x ``scale`` x 0.8-1.2), moved east/south, own sources."""
    rng = np.random.default_rng([seed, k])
    factor = scale * float(rng.uniform(0.8, 1.2))
    all_pc6 = embedded_pc6()
    pc6 = _subset(all_pc6, factor, rng)
    spec, pc6 = _spec(k, pc6, factor, seed * 1000 + k)
    dx, dy = (k % 4) * spacing_m, -(k // 4) * spacing_m
    pc6 = pc6.assign(x_rd=pc6["x_rd"] + dx, y_rd=pc6["y_rd"] + dy)
    name = f"D{k:03d}"
    stock = _validated(generate_district(pc6, spec), name)
    src = read_sources().copy()
    # sources keep their place relative to the district, shrunk with it when it is a part of Zuidwest
    shrink = float(np.sqrt(len(pc6) / len(all_pc6)))
    for c in ("x_rd", "y_rd"):
        full_c, part_c = all_pc6[c].mean(), pc6[c].mean() - (dx if c == "x_rd" else dy)
        src[c] = part_c + (src[c] - full_c) * shrink + (dx if c == "x_rd" else dy)
    src["capacity_mw"] = (src["capacity_mw"] * factor).clip(lower=0.5)
    src["peak_boiler_mw"] = src["peak_boiler_mw"] * factor
    shared = f"{name}_shared"
    src["source_id"] = [shared if s == SHARED_FROM else f"{name}_{s}" for s in src["source_id"]]
    src["name"] = [f"{name} {n}" for n in src["name"]]
    return District(name, stock, src.drop(columns=[c for c in ("basis",) if c in src]), shared)


def synthetic_city(n_districts: int, scale: float = 1.0, seed: int = 2026) -> list[District]:
    """A city of ``n_districts`` synthetic districts (~33,600 dwellings today each at scale 1)."""
    return [synthetic_district(k, scale, seed) for k in range(n_districts)]


# ---- one district's run (on a Dask worker) --------------------------------------------------


def district_scenario(base: Scenario, alloc: dict[str, float | None]) -> Scenario:
    """The base scenario with a district's share of the switching capacity and the budget.

    A share of None (no city-wide limit) keeps the base scenario's own value. With a share of the
    switching capacity the district has no pace floor (the floor is one programme's own pace; the
    city-wide allocation sets the district's pace).
    """
    cap, bud, prog = base.capacity, base.budget, base.programme
    if alloc["switch"] is not None:
        cap = cap.model_copy(update={"switch_dwellings_per_yr": alloc["switch"]})
        prog = prog.model_copy(update={"min_switch_dwellings_per_yr": None})
    if alloc["budget"] is not None:
        bud = bud.model_copy(update={"total_eur_per_yr": alloc["budget"]})
    return base.model_copy(update={"capacity": cap, "budget": bud, "programme": prog})


def _with_share(d: District, mw: float | None) -> pd.DataFrame:
    src = d.sources.copy()
    if mw is not None:
        src.loc[src["source_id"] == d.shared_id, "capacity_mw"] = max(mw, 1e-3)
    return src


def _figures(stock: pd.DataFrame, result: Any, shared_id: str) -> dict[str, Any]:
    """Per-year use of the three resources by one district's schedule (as its model counts them)."""
    ds = result.dataset
    years = [int(y) for y in ds["year"].to_numpy()]
    tab = result.blocks.set_index("block_id").reindex(stock["block_id"].astype(str))
    existing = today_mask(stock).to_numpy()
    conn = tab["connection_year"].to_numpy(dtype=float, na_value=np.nan)
    n = stock["dwellings"].to_numpy(float)
    switched = [float(n[existing & (conn == y)].sum()) for y in years]
    inv = sum(
        ds[v].sum("block").to_numpy()
        for v in ds.data_vars
        if str(v).startswith("cost_") and str(v)[5:-4] not in INVESTMENT_EXCLUDED
    )
    inp = result.session.inputs
    sw = ds["switched"].to_numpy()
    chosen = [str(o) for o in ds["option"].to_numpy()]
    on_shared = inp.at_chosen(inp.block_source, chosen, "") == shared_id
    kw = np.where(on_shared, inp.at_chosen(inp.source_kw, chosen, 0.0), 0.0)
    load_mw = ((sw * kw[:, None]).sum(0) + inp.new_build_source_load_kw(shared_id)) / 1000.0
    return {
        "years": years,
        "switched": switched,
        "investment_eur": [float(v) for v in np.asarray(inv, float)],
        "shared_load_mw": [float(v) for v in load_mw],
        "deadline_met": bool(result.deadline_met),
        "gas_free_year": result.gas_free_year_reached,
        "required_pace": result.required_pace_dwellings_per_yr,
        "objective_eur": float(result.objective_eur),
    }


def district_task(
    d: District, base: Scenario, alloc: dict[str, float | None], out_dir: str | None, reports: bool
) -> dict[str, Any]:
    """Optimise a district on its shares (``out_dir`` None), or make and write its verified plan."""
    from heatplan.batch.folder import write_plan_folder
    from heatplan.optimisation import NetworkInput, optimise
    from heatplan.plan.pipeline import lay_out

    t0 = time.perf_counter()
    scenario = district_scenario(base, alloc).model_copy(update={"name": d.name})
    sources = _with_share(d, alloc["source"])
    if out_dir is None:
        nets = lay_out(d.stock, scenario, sources)
        networks = {r: NetworkInput.from_layout(nets.layouts[r], nets.sizings[r]) for r in nets.layouts}
        fig = _figures(d.stock, optimise(d.stock, scenario, networks, sources), d.shared_id)
    else:
        folder = write_plan_folder(
            d.stock,
            scenario,
            Path(out_dir),
            sources=sources,
            stock_source=f"synthetic city district {d.name}",
            reports=reports,
        )
        summ = folder.summary
        fig = _figures(d.stock, folder.plan.result, d.shared_id)
        fig["deadline_met"] = bool(summ["deadline_met"])
        fig["gas_free_year"] = summ["gas_free_year_reached"]
        fig["failing_years"] = summ["failing_years"]
    fig["seconds"] = time.perf_counter() - t0
    return fig


# ---- coordination -----------------------------------------------------------------------------


def switch_need(d: District, base: Scenario) -> float:
    """Dwellings of today's gas-heated blocks standing at the deadline (what the district must switch)."""
    s = d.stock
    gas = s["heating"].isin(["gas_boiler", "block_heating"]) & today_mask(s)
    stays = s["demolition_year"].isna() | (s["demolition_year"] > base.years.deadline)
    return float(s.loc[gas & stays.fillna(True), "dwellings"].sum())


def first_division(needs: dict[str, float], limits: CityLimits) -> dict[str, dict[str, float | None]]:
    """Every limit divided in proportion to the districts' switching needs."""
    total = sum(needs.values()) or 1.0
    out: dict[str, dict[str, float | None]] = {}
    for name, need in needs.items():
        share = max(need, 1.0) / total
        out[name] = {
            r: (None if limits.of(r) is None else float(limits.of(r) or 0) * share) for r in RESOURCES
        }
    return out


def redivide(
    alloc: dict[str, dict[str, float | None]],
    figs: dict[str, dict[str, Any]],
    needs: dict[str, float],
    limits: CityLimits,
    margin: float = 0.05,
) -> dict[str, dict[str, float | None]]:
    """Districts that met their deadline keep what they used (plus ``margin``); the rest is pooled.

    The pool goes to the districts that missed their deadline, in proportion to their needs. A
    district's previous schedule stays feasible on its new share (it keeps at least its peak use),
    so a district that met its deadline still meets it.
    """
    key = {"switch": "switched", "budget": "investment_eur", "source": "shared_load_mw"}
    missed = [n for n in alloc if not figs[n]["deadline_met"]]
    new = {n: dict(a) for n, a in alloc.items()}
    for r in RESOURCES:
        limit = limits.of(r)
        if limit is None or not missed:
            continue
        for n in alloc:
            if n not in missed:
                peak = max(figs[n][key[r]], default=0.0) * (1 + margin)
                new[n][r] = min(float(alloc[n][r] or 0.0), max(peak, 1e-3))
        pool = limit - sum(float(new[n][r] or 0.0) for n in alloc)
        want = sum(needs[n] for n in missed) or 1.0
        for n in missed:
            new[n][r] = float(new[n][r] or 0.0) + max(pool, 0.0) * needs[n] / want
    return new


def _changed(a: dict[str, dict[str, float | None]], b: dict[str, dict[str, float | None]]) -> bool:
    return any(
        abs(float(a[n][r] or 0) - float(b[n][r] or 0)) > 1e-3 * max(1.0, abs(float(a[n][r] or 0)))
        for n in a
        for r in RESOURCES
    )


@dataclass
class CityResult:
    """The coordination rounds, the final shares, the districts' final figures and the check."""

    limits: CityLimits
    needs: dict[str, float]
    rounds: list[dict[str, Any]] = field(default_factory=list)
    allocation: dict[str, dict[str, float | None]] = field(default_factory=dict)
    final: dict[str, dict[str, Any]] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _run_all(
    client: Any,
    futures_of: dict[str, Any],
    base: Scenario,
    alloc: dict[str, dict[str, float | None]],
    out: Path | None,
    reports: bool,
) -> dict[str, dict[str, Any]]:
    futs = {
        n: client.submit(
            district_task, f, base, alloc[n], None if out is None else str(out / "districts" / n), reports,
            pure=False,
        )
        for n, f in futures_of.items()
    }  # fmt: skip
    return {n: fut.result() for n, fut in futs.items()}


def plan_city(
    districts: list[District],
    base: Scenario,
    limits: CityLimits,
    client: Any,
    out: Path,
    max_rounds: int = 4,
    reports: bool = False,
    progress: CityProgress | None = None,
    solver_threads: int = 1,
) -> CityResult:
    """Coordinate the districts within the city-wide limits, then write every district's plan into ``out``.

    ``out`` is written as a whole at the end (``heatplan.io.atomic_dir``): a failed run leaves nothing.

    Every solve (coordination rounds and final plans) uses the scenario's solver settings, with
    HiGHS on ``solver_threads`` threads (1: districts side by side do not fight over the cores).
    The coordination does not depend on the clock (see ``heatplan.optimisation.solve``).
    """
    t0 = time.perf_counter()
    say = progress or (lambda msg: None)
    needs = {d.name: switch_need(d, base) for d in districts}
    res = CityResult(limits, needs)
    alloc = first_division(needs, limits)
    futures_of = {d.name: client.scatter(d, broadcast=False) for d in districts}
    base = base.with_solver(threads=solver_threads)
    for rnd in range(1, max_rounds + 1):
        figs = _run_all(client, futures_of, base, alloc, None, reports)
        missed = sorted(n for n, f in figs.items() if not f["deadline_met"])
        res.rounds.append({"round": rnd, "allocation": alloc, "missed": missed,
                           "objective_eur": sum(f["objective_eur"] for f in figs.values())})  # fmt: skip
        say(f"round {rnd}: {len(districts) - len(missed)}/{len(districts)} districts meet the deadline")
        if not missed:
            break
        new = redivide(alloc, figs, needs, limits)
        if not _changed(alloc, new):
            say("no district can give more: the shares stay")
            break
        alloc = new
    res.allocation = alloc
    say("making every district's verified plan")
    with atomic_dir(out, "city") as tmp:  # an earlier city plan there is replaced only at the end
        (tmp / "districts").mkdir()
        res.final = _run_all(client, futures_of, base, alloc, tmp, reports)
        res.check = check_city(res.final, limits)
        res.seconds = time.perf_counter() - t0
        write_city(res, tmp)
    return res


def joined_by_year(final: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The joined plan per year: switched dwellings, investment and shared-source load (all districts)."""
    frames = []
    for n, f in final.items():
        frames.append(
            pd.DataFrame(
                {"district": n, "year": f["years"], "switched_dwellings": f["switched"],
                 "investment_eur": f["investment_eur"], "shared_load_mw": f["shared_load_mw"]}
            )
        )  # fmt: skip
    return pd.concat(frames).groupby("year")[["switched_dwellings", "investment_eur", "shared_load_mw"]].sum()


def check_city(final: dict[str, dict[str, Any]], limits: CityLimits, rel_tol: float = 1e-6) -> dict[str, Any]:
    """Does the joined plan respect every city-wide limit in every year? (and which deadlines are met)."""
    by_year = joined_by_year(final)
    out: dict[str, Any] = {"ok": True, "violations": []}
    for r, col in (
        ("switch", "switched_dwellings"),
        ("budget", "investment_eur"),
        ("source", "shared_load_mw"),
    ):
        limit = limits.of(r)
        peak = float(by_year[col].max())
        out[f"{r}_peak"] = peak
        out[f"{r}_limit"] = limit
        if limit is not None:
            bad = by_year.index[by_year[col] > limit * (1 + rel_tol) + 1e-6].tolist()
            if bad:
                out["ok"] = False
                out["violations"].append(f"{col} above {limit:,.1f} in {', '.join(map(str, bad))}")
    out["deadline_met"] = {n: f["deadline_met"] for n, f in final.items()}
    out["gas_free_year"] = {n: f["gas_free_year"] for n, f in final.items()}
    return out


def write_city(res: CityResult, out: Path) -> None:
    """city.json (limits, needs, rounds, shares, check) and city_by_year.csv (the joined plan per year)."""
    doc = {
        "limits": {r: res.limits.of(r) for r in RESOURCES},
        "districts": len(res.needs),
        "switch_need_dwellings": res.needs,
        "rounds": res.rounds,
        "allocation": res.allocation,
        "check": res.check,
        "seconds": round(res.seconds, 1),
        "district_seconds": {n: round(f["seconds"], 1) for n, f in res.final.items()},
    }
    with atomic_file(out / "city.json") as tmp:
        tmp.write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    with atomic_file(out / "city_by_year.csv") as tmp:
        joined_by_year(res.final).to_csv(tmp)
