"""Benchmark: the same plan on a quiet machine and beside busy processes (issue 18).

``heatplan plan`` on the default (or ``--stock``/``--scenario``) runs twice in fresh processes:
once alone, once with ``--burners`` CPU-bound processes (default 2: as many as this machine's
cores) busy beside it. The two ``schedule.csv`` files must be byte-identical; both wall times,
the slowdown and each run's peak memory, solver figures and ``certified`` flag are reported.

    python benchmarks/bench_determinism.py                  # the default plan (~3 min + ~6 min)
    python benchmarks/bench_determinism.py --quick          # 300 blocks of the default stock
    python benchmarks/bench_determinism.py --busy-only --against /tmp/base/results/schedule.csv

"Alone" means no burner of ours: the machine's load average before each run is recorded, as
another user's work slows the "alone" run too. ``--against FILE`` also compares both schedules
with an earlier ``schedule.csv``. Prints a table, writes benchmarks/results/bench_determinism.json
(``..._quick.json`` with --quick) and exits 1 if the schedules differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_sweep import run_measured, small_stock

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).with_name("heatplan"))
BURN = "import time\nwhile True:\n    sum(i * i for i in range(10_000))\n"


def sha256(path: Path) -> str:
    """The file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_run(out: Path, extra: list[str], burners: int) -> dict:
    """``heatplan plan --out out`` with ``burners`` busy processes beside it."""
    procs = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(burners)]
    try:
        time.sleep(1.0 if burners else 0.0)
        load = os.getloadavg()[0]
        run = run_measured([EXE, "plan", "--out", str(out), *extra])
    finally:
        for p in procs:
            p.kill()
            p.wait()
    if run["returncode"] != 0:
        raise SystemExit(f"heatplan plan failed:\n{run['stderr_tail']}")
    summ = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {
        "burners": burners,
        "load_average_1min_at_start": round(load, 2),
        "seconds": run["seconds"],
        "peak_rss_gib": run["peak_rss_gib"],
        "schedule_sha256": sha256(out / "schedule.csv"),
        "gas_free_year_reached": summ["gas_free_year_reached"],
        "cost_npv_eur": summ["cost_npv_eur"]["total"],
        "solver": summ["solver"],
        "rounds": summ["rounds"],
        "timings_s": summ["timings_s"],
        "last_lines": run["stdout"].strip().splitlines()[-2:],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="300 blocks of the default stock")
    ap.add_argument("--burners", type=int, default=os.cpu_count() or 2, help="busy processes beside it")
    ap.add_argument("--busy-only", action="store_true", help="only the run beside the busy processes")
    ap.add_argument("--against", type=Path, default=None, help="an earlier schedule.csv to compare too")
    ap.add_argument("--keep", type=Path, default=None, help="write the plan folders here (kept)")
    ap.add_argument("plan_args", nargs="*", help="more `heatplan plan` arguments, e.g. -- --scenario F")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_determinism_") as tmp_name:
        tmp = args.keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        extra = list(args.plan_args)
        if args.quick:
            small_stock(tmp / "stock.csv", 300)
            extra += ["--stock", str(tmp / "stock.csv")]
        runs = {} if args.busy_only else {"alone": plan_run(tmp / "alone", extra, 0)}
        runs["busy"] = plan_run(tmp / "busy", extra, args.burners)
    digests = {r["schedule_sha256"] for r in runs.values()}
    if args.against is not None:
        digests.add(sha256(args.against))
    record = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "plan_args": extra,
        "runs": runs,
        "identical": len(digests) == 1,
        "against": str(args.against) if args.against else None,
    }
    if "alone" in runs:
        record["slowdown"] = round(runs["busy"]["seconds"] / runs["alone"]["seconds"], 2)
    print(f"{'run':<6} {'burners':>7} {'load':>5} {'wall s':>8} {'GiB':>5} {'certified':>9}  schedule.csv")
    for name, r in runs.items():
        cert, digest = r["solver"].get("certified"), r["schedule_sha256"][:16]
        print(f"{name:<6} {r['burners']:>7} {r['load_average_1min_at_start']:>5} {r['seconds']:>8} "
              f"{r['peak_rss_gib']:>5} {cert!s:>9}  {digest}")  # fmt: skip
    slower = f"; slowdown x{record['slowdown']}" if "slowdown" in record else ""
    print(f"schedule.csv byte-identical: {record['identical']}{slower}")
    out = HERE / "results" / ("bench_determinism_quick.json" if args.quick else "bench_determinism.json")
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if not record["identical"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
