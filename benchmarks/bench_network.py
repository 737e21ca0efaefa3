"""Benchmark the network simulation: the full Zuidwest MT network and a scaling table.

1. ``heatplan network simulate --out DIR`` on the embedded default (every existing block
   connected, design load, hydraulics + heat) in a fresh process: wall time and peak memory
   (max RSS of the child), start-up included. Targets: <= 20 s, <= 2 GiB.
2. In-process stage profile of the same run: reading, layout, sizing, tree pre-estimate,
   building the pandapipes net, the pandapipes pipeflow (of which: the sparse solves) and
   result extraction + verdict.
3. Scaling: synthetic networks of 100, 1,000 and 5,000 consumers (random positions at the
   Zuidwest density, one source): layout, sizing and simulation time, Newton iterations.

    python benchmarks/bench_network.py [--sizes 100,1000,5000]

Prints tables and writes benchmarks/results/bench_network.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def full_command() -> dict:
    """Run the CLI on the embedded default in a child process."""
    exe = Path(sys.executable).with_name("heatplan")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "net"
        t0 = time.perf_counter()
        res = subprocess.run(
            [str(exe), "network", "simulate", "--out", str(out)], capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        if res.returncode != 0:
            raise SystemExit(res.stdout + res.stderr)
        summary = json.loads((out / "summary.json").read_text())
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "wall_s": wall,
        "peak_rss_mib": rss_mib,
        "summary": {k: v for k, v in summary.items() if k != "failing_blocks"},
    }


def stage_profile() -> dict:
    """Time each stage of the full run in this process (pandapipes imported first)."""
    import pandapipes  # noqa: F401

    from heatplan.buildings.sources import read_sources
    from heatplan.buildings.stock import STOCK_YEAR, existing_mask, load_stock
    from heatplan.networks import build
    from heatplan.networks.layout import build_layout
    from heatplan.networks.simulate import simulate
    from heatplan.networks.sizing import size_layout
    from heatplan.scenario import Scenario

    t = {}
    t0 = time.perf_counter()
    blocks = load_stock()
    blocks = blocks[existing_mask(blocks, STOCK_YEAR)]
    src = read_sources()
    sc = Scenario()
    t["read stock + sources"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lay = build_layout(blocks, src, "mt", sc)
    t["layout"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sz = size_layout(lay, blocks, sc)
    t["sizing"] = time.perf_counter() - t0
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    ds = simulate(lay, sz, blocks, sc)
    prof.disable()
    t["simulate (all)"] = time.perf_counter() - t0
    st = pstats.Stats(prof)
    cum = {}
    for (file, _, name), (_, _, _, ct, _) in st.stats.items():  # type: ignore[attr-defined]
        key = f"{Path(file).name}:{name}"
        cum[key] = max(cum.get(key, 0.0), ct)
    t["  tree pre-estimate"] = cum.get("build.py:pre_estimate", np.nan)
    t["  build pandapipes net"] = cum.get("build.py:build_net", np.nan)
    t["  pandapipes pipeflow"] = cum.get("pipeflow.py:pipeflow", np.nan)
    t["    of which sparse solves (spsolve)"] = cum.get(
        "_dsolve/linsolve.py:spsolve", cum.get("linsolve.py:spsolve", np.nan)
    )
    t["    of which derivatives"] = sum(
        v for k, v in cum.items() if k.startswith("derivative_calculation.py:calculate_derivatives")
    )
    t["  results + verdict"] = cum.get("simulate.py:_fill", 0.0) + cum.get("verdict.py:apply_verdict", 0.0)
    _ = build
    return {"stages_s": t, "n_pipes": int(ds.sizes["pipe"]), "n_consumers": int(ds.attrs["n_consumers"])}


def synthetic(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n blocks at random places, Zuidwest density (~1,800 blocks on ~6 km2); a source per ~400."""
    from heatplan.buildings.schema import validate_blocks

    rng = np.random.default_rng(seed)
    half = np.sqrt(n / 1800 * 6e6) / 2
    xy = rng.uniform(-half, half, size=(n, 2)) + np.array([78500.0, 451000.0])
    dw = rng.integers(5, 35, n)
    raw = pd.DataFrame(
        {
            "block_id": [f"s{k:05d}" for k in range(n)],
            "wijk_code": "WK051833",
            "buurt_code": "BU05183387",
            "owner": "Staedion",
            "owner_type": "corporation",
            "dwellings": dw.astype(str),
            "floor_area_m2": (65.0 * dw).astype(str),
            "construction_year": "1958",
            "dwelling_type": "meergezins: laag en midden",
            "label": "B",
            "x_rd": xy[:, 0].astype(str),
            "y_rd": xy[:, 1].astype(str),
            "heating": "gas_boiler",
            "cooking": "gas",
        }
    )
    k = max(1, round(n / 400))
    sxy = rng.uniform(-half, half, size=(k, 2)) + np.array([78500.0, 451000.0])
    src = pd.DataFrame(
        {
            "source_id": [f"src{i}" for i in range(k)],
            "name": "s",
            "regime": "mt",
            "x_rd": sxy[:, 0],
            "y_rd": sxy[:, 1],
            "supply_temp_c": 70.0,
            "return_temp_c": 40.0,
            "capacity_mw": 1e4,
            "available_year": 2020,
        }
    )
    return validate_blocks(raw), src


def scaling(sizes: list[int]) -> list[dict]:
    """Layout, sizing and simulation time per network size (pandapipes imported beforehand)."""
    import pandapipes  # noqa: F401

    from heatplan.networks.layout import build_layout
    from heatplan.networks.simulate import simulate
    from heatplan.networks.sizing import size_layout
    from heatplan.scenario import Scenario

    sc = Scenario()
    rows = []
    for n in sizes:
        blocks, src = synthetic(n)
        t0 = time.perf_counter()
        lay = build_layout(blocks, src, "mt", sc)
        t1 = time.perf_counter()
        sz = size_layout(lay, blocks, sc)
        t2 = time.perf_counter()
        ds = simulate(lay, sz, blocks, sc, sources=src)
        t3 = time.perf_counter()
        rows.append(
            {
                "consumers": n,
                "sources": len(src),
                "pipes": int(ds.sizes["pipe"]),
                "layout_s": t1 - t0,
                "sizing_s": t2 - t1,
                "simulate_s": t3 - t2,
                "converged_with": ds.attrs["solved_with"],
                "residual_pct": float(ds.attrs["energy_balance_residual_pct"]),
                "min_supply_c": float(ds.attrs["min_supply_temp_c"]),
                "failing": int(ds.attrs["n_failing_blocks"]),
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,5000")
    args = ap.parse_args()
    full = full_command()
    wall, rss = full["wall_s"], full["peak_rss_mib"]
    print(f"full Zuidwest MT, `heatplan network simulate`: {wall:.1f} s wall, {rss:.0f} MiB peak RSS")
    print(f"  summary: {json.dumps(full['summary'])}")
    prof = stage_profile()
    print(f"stage profile ({prof['n_consumers']} consumers, {prof['n_pipes']} pipes):")
    for k, v in prof["stages_s"].items():
        print(f"  {k:<40} {v:7.3f} s")
    rows = scaling([int(s) for s in args.sizes.split(",")])
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    result = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "full_command": full,
        "stage_profile": prof,
        "scaling": rows,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_network.json").write_text(json.dumps(result, indent=2, default=float))


if __name__ == "__main__":
    main()
