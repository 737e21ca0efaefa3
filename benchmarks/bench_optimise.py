"""Benchmark of the sequencing optimisation (issue 5).

    python benchmarks/bench_optimise.py [--quick] [--time-limit S] [--skip-linopy] [--skip-scaling]

1. The full embedded Zuidwest, default scenario (networks from heatplan.networks when it is
   importable, else the documented stand-in): inputs, Pyomo build, hand-over, LP start, HiGHS,
   gap, and the independent checker on the schedule.
2. The same at a switching capacity of 500 dwellings/yr (the seed's pace): the diagnostics;
   and the override set ``labelD`` (70 C from label D), where the networks carry far more.
3. Scaling: 100, 1,000 and 3,000 blocks (samples of the stock; 3,000 adds shifted copies).
4. Hand-over routes: Pyomo expressions + standard-form compiler vs Pyomo MatrixConstraint.
5. The same model written once in linopy: build, hand-over (``to_highspy``) and HiGHS.

Prints a table and writes benchmarks/results/bench_optimise.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.sources import read_sources
from heatplan.buildings.stock import load_stock
from heatplan.optimisation import optimise
from heatplan.optimisation.checker import check
from heatplan.optimisation.inputs import build_inputs
from heatplan.optimisation.network import NetworkInput, standin_network
from heatplan.optimisation.solve import Session
from heatplan.scenario import Scenario

OUT = Path(__file__).parent / "results" / "bench_optimise.json"


def networks_for(
    blocks: pd.DataFrame, sources: pd.DataFrame, scenario: Scenario, real: bool
) -> tuple[dict, str]:
    """Networks from heatplan.networks (build_layout + size_layout) or the stand-in."""
    if real:
        try:
            from heatplan.networks.layout import build_layout
            from heatplan.networks.sizing import size_layout

            nets = {}
            for r in ("mt", "lt"):
                lay = build_layout(blocks, sources, r, scenario)
                nets[r] = NetworkInput.from_layout(lay, size_layout(lay, blocks, scenario))
            return nets, "heatplan.networks (build_layout + size_layout)"
        except Exception as exc:
            print(f"heatplan.networks not usable ({exc!r}); using the stand-in network")
    return {
        r: standin_network(blocks, sources, r) for r in ("mt", "lt")
    }, "stand-in (source -> wijk -> buurt -> block)"


def run_full(blocks: pd.DataFrame, sources: pd.DataFrame, scenario: Scenario, real: bool) -> dict:
    """optimise() on the full stock; timings, gap, checker."""
    t0 = time.perf_counter()
    nets, kind = networks_for(blocks, sources, scenario, real)
    t_net = time.perf_counter() - t0
    res = optimise(blocks, scenario, nets, sources)
    inp = res.session.inputs
    problems = check(inp, res.blocks, res.edges, hard_deadline=res.deadline_met)
    tm = res.timings_s
    total = tm["total"]
    return {
        "network": kind,
        "network_s": t_net,
        "status": res.status,
        "deadline_met": res.deadline_met,
        "gas_free_year_reached": res.gas_free_year_reached,
        "objective_eur": res.objective_eur,
        "best_bound_eur": res.best_bound_eur,
        "gap": res.gap,
        "columns": len(res.session.built.variables),
        "rows": int(sum(res.session.built.n_rows.values())),
        "timings_s": tm,
        "build_plus_hand_over_share": (tm["build"] + tm["hand_over"]) / total,
        "checker_problems": len(problems),
        "cost_npv_eur": res.cost_npv_eur,
        "required_pace_dwellings_per_yr": res.required_pace_dwellings_per_yr,
        "earliest_gas_free_year": res.earliest_gas_free_year,
        "diagnostics": res.diagnostics,
        "blocks": len(blocks),
        "active_blocks": int(inp.active.sum()),
        "segments": {
            r: [len(g.cost_eur), g.merged_segments, len(g.cap_rows)] for r, g in inp.segments.items()
        },
    }


def scaled_stock(blocks: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` blocks: a sample of the stock, or the stock plus shifted copies."""
    rng = np.random.default_rng(seed)
    if n <= len(blocks):
        return blocks.iloc[np.sort(rng.choice(len(blocks), n, replace=False))].reset_index(drop=True)
    extra = blocks.iloc[rng.choice(len(blocks), n - len(blocks), replace=True)].copy()
    extra["block_id"] = [f"{b}-copy{i}" for i, b in enumerate(extra["block_id"])]
    extra["x_rd"] = extra["x_rd"] + rng.uniform(-300, 300, len(extra))
    extra["y_rd"] = extra["y_rd"] + rng.uniform(-300, 300, len(extra))
    return pd.concat([blocks, extra], ignore_index=True)


def scenario_for(blocks: pd.DataFrame, base: Scenario) -> Scenario:
    """The base scenario with a switching capacity 25% above the pace the deadline needs."""
    gas = blocks["heating"].isin(["gas_boiler", "block_heating"]) & blocks["new_build_year"].isna()
    need = float(blocks.loc[gas, "dwellings"].sum())
    years = base.years.deadline - base.years.start + 1
    cap = max(1.25 * need / years, float(blocks["dwellings"].max()))
    return base.model_copy(
        update={"capacity": base.capacity.model_copy(update={"switch_dwellings_per_yr": math.ceil(cap)})}
    )


def run_scaling(
    blocks: pd.DataFrame, sources: pd.DataFrame, base: Scenario, sizes: list[int], real: bool
) -> list[dict]:
    """One full optimise() per size."""
    out = []
    for n in sizes:
        b = scaled_stock(blocks, n)
        sc = scenario_for(b, base)
        r = run_full(b, sources, sc, real)
        r["size"] = n
        r["switch_capacity"] = sc.capacity.switch_dwellings_per_yr
        out.append(r)
        print(f"  {n:>5} blocks: {fmt_run(r)}")
    return out


def run_routes(inp: object) -> dict:
    """Build + hand-over time of both Pyomo routes on the same inputs."""
    out = {}
    for route in ("matrix", "expressions"):
        s = Session(inp, route=route)  # type: ignore[arg-type]
        out[route] = dict(s.timings_s)
    return out


def run_linopy(inp: object, time_limit_s: float) -> dict:
    """The same model (same rows and costs) written once in linopy: build, to_highspy, HiGHS."""
    import linopy
    import xarray as xr

    from heatplan.optimisation.assemble import build_model

    built = build_model(inp)  # type: ignore[arg-type]  # rows and costs only; Pyomo object unused
    idx = built.index
    t0 = time.perf_counter()
    m = linopy.Model()
    m.add_variables(coords=[pd.RangeIndex(idx.n_binary, name="col")], name="y", binary=True)
    if idx.n_cont:
        m.add_variables(lower=0.0, coords=[pd.RangeIndex(idx.n_cont, name="ccol")], name="z")
    for name, rows in built.rows.items():
        if not len(rows):
            continue
        ptr = np.asarray(rows.ptr)
        lens = np.diff(ptr)
        k = max(int(lens.max()), 1)
        vars_ = np.full((len(rows), k), -1, dtype=int)
        coeffs = np.zeros((len(rows), k))
        r_idx = np.repeat(np.arange(len(rows)), lens)
        t_idx = np.arange(len(rows.cols)) - np.repeat(ptr[:-1], lens)
        vars_[r_idx, t_idx] = rows.cols
        coeffs[r_idx, t_idx] = rows.vals
        lb, ub = np.asarray(rows.lb), np.asarray(rows.ub)
        for sign, sel, rhs in (("<=", np.isinf(lb), ub), (">=", np.isinf(ub), lb), ("==", lb == ub, lb)):
            if sel.any():
                ds = xr.Dataset(
                    {"coeffs": (("con", "_term"), coeffs[sel]), "vars": (("con", "_term"), vars_[sel])}
                )
                expr = linopy.LinearExpression(ds, m)
                m.add_constraints(expr, sign, xr.DataArray(rhs[sel], dims="con"), name=f"{name}_{sign}")
    nz = np.nonzero(built.cost)[0]
    obj = linopy.LinearExpression(
        xr.Dataset({"coeffs": (("_term",), built.cost[nz]), "vars": (("_term",), nz)}), m
    )
    m.add_objective(obj)
    t1 = time.perf_counter()
    h = m.to_highspy()
    t2 = time.perf_counter()
    h.silent()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 0.01)
    h.setOptionValue("presolve", "off")
    h.run()
    t3 = time.perf_counter()
    info = h.getInfo()
    obj_v = float(info.objective_function_value) + built.constant_eur
    return {
        "build_s": t1 - t0,
        "hand_over_s": t2 - t1,
        "solver_s": t3 - t2,
        "objective_eur": obj_v,
        "gap": float(info.mip_gap),
        "note": "same rows as the Pyomo model; no MIP start, presolve off",
    }


def fmt_run(r: dict) -> str:
    """One line for a run."""
    t = r["timings_s"]
    return (
        f"build {t['build']:.2f} s, hand-over {t['hand_over']:.2f} s, start(LP) {t['start']:.1f} s, "
        f"HiGHS {t['solver']:.1f} s, total {t['total']:.1f} s, gap {r['gap']:.3%}, "
        f"build+hand-over {r['build_plus_hand_over_share']:.1%}, checker problems {r['checker_problems']}"
    )


def main() -> None:
    """Run every part, print a table, write the JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--quick", action="store_true", help="scaling 100 and 1,000 only; no linopy solve")
    ap.add_argument("--skip-linopy", action="store_true")
    ap.add_argument("--linopy-time-limit", type=float, default=60.0)
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument(
        "--standin", action="store_true", help="use the stand-in network even if heatplan.networks exists"
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    blocks, sources = load_stock(), read_sources()
    base = Scenario().with_solver(time_limit_s=args.time_limit)
    real = not args.standin
    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor(),
            "cpus": __import__("os").cpu_count(),
        }
    }
    print("1. full Zuidwest, default scenario")
    results["full"] = run_full(blocks, sources, base, real)
    print("   ", fmt_run(results["full"]), "|", results["full"]["network"])
    print("2. full Zuidwest at 500 dwellings/yr")
    pace = base.model_copy(
        update={"capacity": base.capacity.model_copy(update={"switch_dwellings_per_yr": 500.0})}
    )
    results["pace500"] = run_full(blocks, sources, pace, real)
    print("   ", fmt_run(results["pace500"]))
    for line in results["pace500"]["diagnostics"]:
        print("    |", line)
    print("2b. full Zuidwest, override set labelD (70 C from label D: many more MT connections)")
    from heatplan.scenario import load_scenario

    label_d = load_scenario(":labelD")
    label_d = label_d.model_copy(update={"solver": base.solver})
    results["labelD"] = run_full(blocks, sources, label_d, real)
    print("   ", fmt_run(results["labelD"]))
    if not args.skip_scaling:
        print("3. scaling")
        sizes = [100, 1000] if args.quick else [100, 1000, 3000]
        results["scaling"] = run_scaling(blocks, sources, base, sizes, real)
    nets, _ = networks_for(blocks, sources, base, real)
    inp = build_inputs(blocks, base, nets, sources)
    print("4. hand-over routes (full Zuidwest)")
    results["routes"] = run_routes(inp)
    for k, v in results["routes"].items():
        print(f"    {k:<12} build {v['build']:.2f} s, hand-over {v['hand_over']:.2f} s")
    if not args.skip_linopy:
        print("5. linopy, same model")
        results["linopy"] = run_linopy(inp, args.linopy_time_limit)
        lp = results["linopy"]
        print(
            f"    build {lp['build_s']:.2f} s, to_highspy {lp['hand_over_s']:.2f} s, "
            f"HiGHS {lp['solver_s']:.1f} s, "
            f"gap {lp['gap']:.3%}"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, default=float))
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
