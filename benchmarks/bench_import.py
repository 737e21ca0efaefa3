"""Benchmark ``heatplan stock import`` on a generated 1,000,000-row EP-Online v4 file.

Generates (into a temporary folder) an EP-Online v4 CSV (two metadata lines, 42 columns,
decimal comma) with non-residential rows, permit-stage rows and older duplicate labels, and a
matching BAG verblijfsobject CSV (non-residential, demolished and permit-stage objects,
dwellings without a label), then runs the command ``heatplan stock import`` in a fresh process
and measures its wall time and peak memory (max RSS). Targets: < 10 s, < 2 GiB.

    python benchmarks/bench_import.py [--rows 1000000] [--repeat 3] [--keep DIR]

The import runs ``--repeat`` times (default 3) and the fastest run counts, so that other work
on the machine disturbs the figure less; every run's wall time, CPU time and the 1-minute load
average are kept in the results. Prints a table and writes benchmarks/results/bench_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
V4_HEADER = (
    "Opnamedatum;Registratiedatum;Status;Berekeningstype;Energieindex;Energieklasse;"
    "EnergielabelIsPrive;IsOpBasisVanReferentieGebouw;Gebouwklasse;GeldigTot;SoortOpname;"
    "Postcode;Huisnummer;Huisletter;Huisnummertoevoeging;Detailaanduiding;BAGVerblijfsobjectID;"
    "BAGLigplaatsID;BAGStandplaatsID;BAGPandIDs;Gebouwtype;Gebouwsubtype;Projectnaam;"
    "Projectobject;SBIcode;Bouwjaar;GebruiksoppervlakteThermischeZone;Energiebehoefte;"
    "EisEnergiebehoefte;PrimaireFossieleEnergie;EisPrimaireFossieleEnergie;"
    "PrimaireFossieleEnergieEMGForfaitair;AandeelHernieuwbareEnergie;"
    "EisAandeelHernieuwbareEnergie;AandeelHernieuwbareEnergieEMGForfaitair;"
    "Temperatuuroverschrijding;EisTemperatuuroverschrijding;Warmtebehoefte;"
    "EnergieindexMetEMGForfaitair;Certificaathouder;Gebouwhoogte;Opmerking"
)
LABELS = np.array(["A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"])
TYPES = np.array(["Appartement;Tussenvloer tussengevel", "Rijwoning tussen;", "Rijwoning hoek;",
                  "Twee-onder-een-kap;", "Vrijstaande woning;", "Maisonnette;"])  # fmt: skip
BAG_HEADER = ("identificatie,oppervlakte,status,gebruiksdoel,openbare_ruimte_naam,huisnummer,"
              "postcode,woonplaats_naam,bouwjaar,pand_identificatie,pandstatus,buurtcode,x,y")  # fmt: skip


def _write(path: Path, header: str, lines: list[str], prefix: str = "") -> None:
    with path.open("w", encoding="utf-8-sig", newline="\n") as fh:
        fh.write(prefix + header + "\n")
        fh.write("\n".join(lines))
        fh.write("\n")


def generate(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    """Write ``ep_v4.csv`` (``rows`` label rows) and ``bag.csv`` into ``folder``."""
    rng = np.random.default_rng(seed)
    n_vbo = int(rows * 0.95)
    vbo = 518010000000000 + np.arange(1, n_vbo + 1)
    pand_of = 518100000000000 + np.cumsum(rng.random(n_vbo) < 0.08)  # ~12 dwellings per pand
    pick = np.concatenate([rng.permutation(n_vbo)[: int(rows * 0.75)],
                           rng.integers(0, n_vbo, rows - int(rows * 0.75))])  # fmt: skip
    u = rng.random(rows)
    klass = np.where(u < 0.05, "U", "W")
    status = np.where((u > 0.05) & (u < 0.07), "Vergunningsaanvraag", "Bestaand")
    day = rng.integers(0, 4000, rows)
    years, months, days = 2013 + day // 365, 1 + (day % 365) // 31, 1 + day % 28
    label = LABELS[rng.integers(0, len(LABELS), rows)]
    types = TYPES[rng.integers(0, len(TYPES), rows)]
    area = rng.uniform(40, 140, rows)
    lines = [
        f"{years[i]}-{months[i]:02d}-{days[i]:02d};{years[i]}-{months[i]:02d}-{days[i]:02d};"
        f"{status[i]};NTA 8800;1,23;{label[i]};Nee;Nee;{klass[i]};2035-01-01;Basis;2531AB;{i % 200};"
        f";;;0{vbo[pick[i]]};;;0{pand_of[pick[i]]};{types[i]};;;;1965;{area[i]:.1f}".replace(".", ",")
        + ";101,5;;180,2;;;12,5;;;1,2;;95,1;1,30;Cert BV;12,0;"
        for i in range(rows)
    ]
    ep = folder / "ep_v4.csv"
    _write(ep, V4_HEADER, lines, "PublicatieDatum;2026-11-01\nLaatstVerwerkteMutatievolgnummer;987654\n")
    v = rng.random(n_vbo)
    use = np.where(v < 0.06, "kantoorfunctie", np.where(v < 0.08, "woonfunctie,winkelfunctie", "woonfunctie"))
    pstat = np.where((v > 0.08) & (v < 0.10), "Pand gesloopt",
                     np.where((v > 0.10) & (v < 0.11), "Bouw gestart", "Pand in gebruik"))  # fmt: skip
    year = rng.integers(1950, 2020, n_vbo)
    x, y = 78000 + rng.uniform(0, 5000, n_vbo), 450000 + rng.uniform(0, 5000, n_vbo)
    bag_lines = [
        f'0{vbo[i]},{area[i % rows]:.0f},Verblijfsobject in gebruik,"{use[i]}",Dreef,'
        f"{i % 300},2531AB,"
        f"'s-Gravenhage,{year[i]},0{pand_of[i]},{pstat[i]},BU0518338{i % 2 + 7},{x[i]:.1f},{y[i]:.1f}"
        for i in range(n_vbo)
    ]
    bag = folder / "bag.csv"
    _write(bag, BAG_HEADER, bag_lines)
    return ep, bag


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


def run(folder: Path) -> dict[str, float | int | str]:
    """Run ``heatplan stock import`` in a child process; its wall time, peak RSS and printout."""
    out = folder / "blocks.csv"
    args = ["stock", "import", "--ep-online", str(folder / "ep_v4.csv"),
            "--bag", str(folder / "bag.csv"), "--out", str(out)]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"import failed:\n{proc.stderr}")
    tail = proc.stderr.split("PEAK_KIB")[-1].split()
    peak_kib, cpu_s = int(tail[0]), float(tail[2])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu_s, 2), "peak_rss_mib": round(peak_kib / 1024, 1),
            "load_avg_1min": round(os.getloadavg()[0], 2), "printout": proc.stdout}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the import; the fastest counts")
    parser.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        ep, bag = generate(folder, args.rows)
        gen_s = time.perf_counter() - t0
        sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in (ep, bag)}
        runs = [run(folder) for _ in range(max(args.repeat, 1))]
    best = min(runs, key=lambda r: float(r["wall_s"]))
    result = {
        "rows": args.rows, "generate_s": round(gen_s, 1), "file_mib": sizes,
        "wall_s": best["wall_s"], "cpu_s": best["cpu_s"],
        "peak_rss_mib": max(float(r["peak_rss_mib"]) for r in runs),
        "runs": [{k: v for k, v in r.items() if k != "printout"} for r in runs],
        "target_wall_s": 10, "target_peak_rss_mib": 2048,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "printout": best["printout"],
    }  # fmt: skip
    result["ok"] = bool(float(result["wall_s"]) < 10 and float(result["peak_rss_mib"]) < 2048)
    print(best["printout"])
    print(f"{'EP-Online rows':<24}{args.rows:>14,}")
    print(f"{'files (MiB)':<24}{sizes!s:>14}")
    walls = ", ".join(str(r["wall_s"]) for r in runs)
    print(f"{'wall time (s)':<24}{result['wall_s']:>14}  (fastest of {walls}; target < 10)")
    cpus = ", ".join(str(r["cpu_s"]) for r in runs)
    print(f"{'CPU time (s)':<24}{result['cpu_s']:>14}  (user + system of the import process; {cpus})")
    print(f"{'peak memory (MiB)':<24}{result['peak_rss_mib']:>14}  (largest of the runs; target < 2048)")
    loads = ", ".join(str(r["load_avg_1min"]) for r in runs)
    print(f"{'load average (1 min)':<24}{loads:>14}  (other work on the machine)")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "bench_import.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
