"""Benchmark sweeps and city-scale planning on Dask.

1. A 16-scenario sweep (switching pace 2,400 / 500 x label policy base / labelD x discount rate
   2.25% / 4% x deadline 2040 / 2045) of the Zuidwest default, run with ``heatplan sweep`` in a
   fresh process on a local cluster of 1 and of 2 workers: wall time and speed-up.
2. A synthetic city of ~250,000 dwellings today (8 districts at scale 0.95) planned end to end
   with ``heatplan city plan`` within city-wide limits: wall time, peak memory (sum of the RSS of
   the command and its worker processes, sampled every 0.5 s), and the check of the joined plan.

    python benchmarks/bench_sweep.py                 # the full benchmark (hours on 2 cores)
    python benchmarks/bench_sweep.py --quick         # 4 scenarios on a 50-block stock, a small city

Prints tables and writes benchmarks/results/bench_sweep.json (bench_sweep_quick.json with --quick).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).with_name("heatplan"))

GRID_16 = """
[grid]
override_sets = ["", "labelD"]
[grid.parameters]
"capacity.switch_dwellings_per_yr" = [2400.0, 500.0]
"prices.discount_rate" = [0.0225, 0.04]
"years.deadline" = [2040, 2045]
"""

GRID_4 = """
[grid]
override_sets = ["", "labelD"]
[grid.parameters]
"capacity.switch_dwellings_per_yr" = [2400.0, 500.0]
"""


def run_measured(cmd: list[str]) -> dict:
    """Run a command; wall time and peak RSS of it and all its children (sampled)."""
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        p = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.5)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "peak_rss_gib": round(peak[0] / 2**30, 2),
        "returncode": proc.returncode,
        "stdout": out[-2000:],
        "stderr_tail": err[-1500:],
    }


def small_stock(path: Path, n_blocks: int) -> None:
    """The n blocks of the embedded stock nearest the Leyweg source."""
    from heatplan.buildings.stock import load_stock

    s = load_stock()
    d = np.hypot(s["x_rd"] - 78397.0, s["y_rd"] - 452522.0)
    s.loc[d.sort_values().index[:n_blocks]].to_csv(path, index=False)


def sweep_bench(tmp: Path, quick: bool) -> dict:
    grid = tmp / "grid.toml"
    grid.write_text(GRID_4 if quick else GRID_16, encoding="utf-8")
    extra: list[str] = []
    if quick:
        small_stock(tmp / "stock.csv", 50)
        extra = ["--stock", str(tmp / "stock.csv")]
    out = {}
    for workers in (1, 2):
        cmd = [
            EXE,
            "sweep",
            "--grid",
            str(grid),
            "--out",
            str(tmp / f"sweep{workers}"),
            "--workers",
            str(workers),
        ]
        r = run_measured(cmd + extra)
        out[f"workers_{workers}"] = r
        print(
            f"sweep, {workers} worker(s): {r['seconds']:.1f} s, "
            f"peak {r['peak_rss_gib']} GiB, rc {r['returncode']}"
        )
    out["speed_up"] = round(out["workers_1"]["seconds"] / max(out["workers_2"]["seconds"], 1e-9), 2)
    out["scenarios"] = 4 if quick else 16
    out["stock"] = "50 blocks near Leyweg" if quick else "embedded Zuidwest default"
    return out


def city_bench(tmp: Path, quick: bool) -> dict:
    districts, scale = (3, 0.05) if quick else (8, 0.95)
    from heatplan.batch.city import switch_need, synthetic_city
    from heatplan.scenario import Scenario

    city = synthetic_city(districts, scale)
    today = sum(int(d.stock.loc[d.stock["new_build_year"].isna(), "dwellings"].sum()) for d in city)
    need = sum(switch_need(d, Scenario()) for d in city)
    # limits that bind: 1.2 x the even pace over 2026-2040, a shared source of 2 kW per dwelling to switch
    switch = round(1.2 * need / 15)
    source_mw = round(2.0 * need / 1000 * 0.5, 1)
    cmd = [EXE, "city", "plan", "--districts", str(districts), "--scale", str(scale),
           "--switch-per-yr", str(switch), "--shared-source-mw", str(source_mw), "--out", str(tmp / "city"),
           "--workers", "2"]  # fmt: skip
    r = run_measured(cmd)
    doc = (
        json.loads((tmp / "city" / "city.json").read_text()) if (tmp / "city" / "city.json").exists() else {}
    )
    chk = doc.get("check", {})
    print(f"city: {districts} districts, {today:,} dwellings today: {r['seconds']:.1f} s, "
          f"peak {r['peak_rss_gib']} GiB, limits respected: {chk.get('ok')}")  # fmt: skip
    return {
        "districts": districts,
        "scale": scale,
        "dwellings_today": today,
        "switch_need_dwellings": need,
        "limits": {"switch_dwellings_per_yr": switch, "shared_source_mw": source_mw},
        "run": r,
        "check": chk,
        "rounds": len(doc.get("rounds", [])),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="reduced version (minutes)")
    ap.add_argument("--skip-city", action="store_true")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument(
        "--keep", type=Path, help="write the sweep and city outputs here (default: a temporary folder)"
    )
    args = ap.parse_args()
    name = "bench_sweep_quick.json" if args.quick else "bench_sweep.json"
    path = HERE / "results" / name
    # a part run (--skip-city / --skip-sweep) keeps the other part's earlier figures
    res: dict = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    res.update(
        {"machine": {"cpus": psutil.cpu_count(), "python": platform.python_version()}, "quick": args.quick}
    )
    with tempfile.TemporaryDirectory() as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        if not args.skip_sweep:
            res["sweep"] = sweep_bench(tmp, args.quick)
        if not args.skip_city:
            res["city"] = city_bench(tmp, args.quick)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(res, indent=2), encoding="utf-8")
    print(f"wrote benchmarks/results/{name}")


if __name__ == "__main__":
    main()
