"""Benchmark the grid check: one year of the default district with pandapower (issue 15).

The synthetic grid of the embedded Zuidwest stock's blocks today is built once (start-up: the
grid tables, then the pandapower net); then today's winter-evening peak is solved ``--repeat``
times. Issue 15's target: the check of one year <= 1 s after start-up.

    python benchmarks/bench_grid.py [--repeat 10]

Prints a table and writes benchmarks/results/bench_grid.json (with the machine named).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from heatplan.buildings.stock import load_stock, today_mask
from heatplan.grid import violations
from heatplan.grid.powerflow import GridSolver
from heatplan.grid.synthetic import synthetic_grid, today_loads

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Build, solve, report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    stock = load_stock(None)
    blocks = stock[today_mask(stock)].reset_index(drop=True)
    t0 = time.perf_counter()
    grid, where = synthetic_grid(blocks)
    t1 = time.perf_counter()
    solver = GridSolver(grid)
    t2 = time.perf_counter()
    loads = today_loads(blocks, where)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = solver.solve(loads)
        times.append(time.perf_counter() - t)
    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "blocks": len(blocks),
        "buses": len(grid.buses),
        "stations": len(grid.stations),
        "cables": len(grid.cables),
        "build_grid_tables_s": round(t1 - t0, 3),
        "build_pandapower_net_s": round(t2 - t1, 3),
        "solve_one_year_s": {"median": round(float(np.median(times)), 3), "max": round(max(times), 3)},
        "today": {
            "station_loading_pct_max": round(float(res.stations["loading_pct"].max()), 1),
            "cable_loading_pct_max": round(float(res.cables["loading_pct"].max()), 1),
            "vm_pu_min": round(float(res.buses["vm_pu"].min()), 4),
            "violations": len(violations(res)),
        },
    }
    for k, v in out.items():
        print(f"{k:24s} {v}")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_grid.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
