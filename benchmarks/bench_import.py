"""Benchmark ``heatplan stock import`` on generated national-size inputs.

Cases (``--case``):

* ``city`` (default): a 1,000,000-row EP-Online v4 file (two metadata lines, 42 columns, decimal
  comma; non-residential rows, permit-stage rows, older duplicate labels) and a matching
  950,000-row BAG CSV with ``x``/``y`` columns. Targets: <= 10 s, < 2 GiB.
* ``wkt``: the same with the BAG points as a WKT ``geom`` column (``ogr2ogr -lco
  GEOMETRY=AS_WKT``). Targets: <= 10 s, < 2 GiB.
* ``national``: EP-Online v4 with 5,000,000 rows, a BAG GeoPackage (PDOK bag-light layout) with
  10,000,000 points and a CBS-like buurten GeoPackage (14,090 buurten in 340 municipalities);
  one municipality (GM0518, ~270,000 dwellings) is imported with ``--buurten --gemeente``.
  Targets: <= 90 s, <= 4 GiB.

The inputs are generated once (see ``import_data.py``) into ``--cache`` (default
``/tmp/heatplan-bench-import``) and reused. The command runs ``--repeat`` times in a fresh
process each (default 3, national 1); the fastest counts, and every run's wall time, CPU time,
peak memory (max RSS of the import process) and the 1-minute load average are kept.

    python benchmarks/bench_import.py [--case city|wkt|national] [--repeat N] [--cache DIR]

Prints a table and writes benchmarks/results/bench_import.json (city), bench_import_wkt.json
or bench_import_national.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import import_data  # noqa: E402
from import_data import V4_HEADER  # noqa: E402, F401  (the test fixtures take the header from here)

CITY = {"rows": 1_000_000, "target_wall_s": 10, "target_peak_rss_mib": 2048}
CASES = {
    "city": {**CITY, "result": "bench_import.json"},
    "wkt": {**CITY, "result": "bench_import_wkt.json"},
    "national": {"ep_rows": 5_000_000, "points": 10_000_000, "gemeente_rows": 297_000, "target_wall_s": 90,
                 "target_peak_rss_mib": 4096, "result": "bench_import_national.json"},
}  # fmt: skip

# Runs the command in a fresh interpreter and reports that process's own peak RSS (VmHWM, reset
# at exec), so the generator's memory in this process does not count.
_CHILD = """
import sys
from heatplan.cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="heatplan", standalone_mode=False)
finally:
    import resource
    use = resource.getrusage(resource.RUSAGE_SELF)
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")][0]
    print("PEAK_KIB", hwm.split()[1], "CPU_S", use.ru_utime + use.ru_stime, file=sys.stderr)
"""


def inputs(case: str, cache: Path) -> tuple[dict[str, Path], list[str], float]:
    """The generated files of a case (made when missing), the command's arguments, generation time."""
    spec = CASES[case]
    t0 = time.perf_counter()
    if case == "national":
        folder = cache / f"national-{spec['ep_rows']}-{spec['points']}-{spec['gemeente_rows']}-s7"
        files = import_data.national(folder, spec["ep_rows"], spec["points"], spec["gemeente_rows"])
        args = ["--buurten", str(files["buurten"]), "--gemeente", "GM0518"]
    else:
        folder = cache / f"{case}-{spec['rows']}-s1"
        files = import_data.city_pair(folder, spec["rows"], wkt=case == "wkt")
        args = []
    gen_s = time.perf_counter() - t0
    for own in ("blocks.csv", "report.json"):  # the benchmark's own outputs of an earlier run
        (folder / own).unlink(missing_ok=True)
    args = ["--ep-online", str(files["ep"]), "--bag", str(files["bag"]), *args,
            "--report", str(folder / "report.json"), "--out", str(folder / "blocks.csv")]  # fmt: skip
    return files, args, gen_s


def run(args: list[str]) -> dict[str, float | int | str]:
    """Run ``heatplan stock import`` in a child process; its wall time, peak RSS and printout."""
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "stock", "import", *args],
                          capture_output=True, text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"import failed:\n{proc.stdout}\n{proc.stderr}")
    tail = proc.stderr.split("PEAK_KIB")[-1].split()
    peak_kib, cpu_s = int(tail[0]), float(tail[2])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu_s, 2), "peak_rss_mib": round(peak_kib / 1024, 1),
            "load_avg_1min_before": round(load, 2), "load_avg_1min_after": round(os.getloadavg()[0], 2),
            "printout": proc.stdout}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), default="city")
    parser.add_argument("--repeat", type=int, default=None, help="runs of the import (default 3, national 1)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/heatplan-bench-import"),
                        help="folder of the generated inputs (kept and reused)")  # fmt: skip
    args = parser.parse_args()
    spec = CASES[args.case]
    files, cmd, gen_s = inputs(args.case, args.cache)
    sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in files.values()}
    repeat = args.repeat or (1 if args.case == "national" else 3)
    runs = [run(cmd) for _ in range(max(repeat, 1))]
    best = min(runs, key=lambda r: float(r["wall_s"]))
    result = {
        "case": args.case, **{k: v for k, v in spec.items() if k != "result"},
        "generate_s": round(gen_s, 1), "file_mib": sizes, "command": "heatplan stock import " + " ".join(cmd),
        "wall_s": best["wall_s"], "cpu_s": best["cpu_s"],
        "peak_rss_mib": max(float(r["peak_rss_mib"]) for r in runs),
        "runs": [{k: v for k, v in r.items() if k != "printout"} for r in runs],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "printout": best["printout"],
    }  # fmt: skip
    result["ok"] = bool(
        float(result["wall_s"]) <= spec["target_wall_s"]
        and float(result["peak_rss_mib"]) <= spec["target_peak_rss_mib"]
    )
    print(best["printout"])
    print(f"{'case':<24}{args.case:>14}")
    print(f"{'files (MiB)':<24}{sizes!s}")
    walls = ", ".join(str(r["wall_s"]) for r in runs)
    wall_t, rss_t = spec["target_wall_s"], spec["target_peak_rss_mib"]
    print(f"{'wall time (s)':<24}{result['wall_s']:>14}  (fastest of {walls}; target <= {wall_t})")
    cpus = ", ".join(str(r["cpu_s"]) for r in runs)
    print(f"{'CPU time (s)':<24}{result['cpu_s']:>14}  (user + system of the import process; {cpus})")
    print(f"{'peak memory (MiB)':<24}{result['peak_rss_mib']:>14}  (largest; target <= {rss_t})")
    loads = ", ".join(f"{r['load_avg_1min_before']}-{r['load_avg_1min_after']}" for r in runs)
    print(f"{'load average (1 min)':<24}{loads:>14}  (before-after each run: other work on the machine)")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / str(spec["result"])).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
