"""Derive heatplan's own key-figure tables from PBL Vesta MAIS kentallen.

Run from the repository root with the shared reference folder beside it:

    python tools/derive_kentallen.py ../shared/reference/vesta-kentallen

Writes ``heatplan/data/kentallen_demand.csv`` and ``heatplan/data/kentallen_insulation.csv``
in heatplan's own (long) layout. Source of every figure: PBL Vesta MAIS kentallen,
Startanalyse 2025 update (data/Kentallen, 2025-01-20), file 20241112_Woningen_BAG.csv.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

LABELS = ["G", "F", "E", "D", "C", "B", "A"]
STEPS = ["GD", "FD", "ED", "GC", "FC", "EC", "DC", "GB", "FB", "EB", "DB", "CB"]
OUT = Path(__file__).resolve().parents[1] / "heatplan" / "data"


def main(src: Path) -> None:
    raw = pd.read_csv(src / "20241112_Woningen_BAG.csv", sep=";", encoding="utf-8-sig")
    demand_rows = []
    for _, r in raw.iterrows():
        for lab in LABELS:
            demand_rows.append(
                {
                    "dwelling_type": r["type_str"],
                    "period": r["bouwjaar_str"],
                    "default_label": r["Default_label"],
                    "label": lab,
                    "space_heat_gj_per_dwelling": r[f"Vrv_{lab}_asl"],
                    "space_heat_gj_per_m2": r[f"Vrv_{lab}_opp"],
                    "hot_water_gj_per_dwelling": r["Vww_asl"],
                    "hot_water_gj_per_m2": r["Vww_opp"],
                    "cooking_gj_per_dwelling": r["Vk_asl"],
                    "cooking_gj_per_m2": r["Vk_opp"],
                }
            )
    ins_rows = []
    for _, r in raw.iterrows():
        for step in STEPS:
            k = f"Ki_S{step}"
            ins_rows.append(
                {
                    "dwelling_type": r["type_str"],
                    "period": r["bouwjaar_str"],
                    "from_label": step[0],
                    "to_label": step[1],
                    "min_eur_per_dwelling": r[f"{k}_min_asl"],
                    "min_eur_per_m2": r[f"{k}_min_opp"],
                    "max_eur_per_dwelling": r[f"{k}_max_asl"],
                    "max_eur_per_m2": r[f"{k}_max_opp"],
                }
            )
    header = (
        "# Derived from PBL Vesta MAIS kentallen, Startanalyse 2025 update "
        "(data/Kentallen, 2025-01-20), 20241112_Woningen_BAG.csv; by tools/derive_kentallen.py\n"
    )
    for name, rows in (("kentallen_demand.csv", demand_rows), ("kentallen_insulation.csv", ins_rows)):
        path = OUT / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(header)
            pd.DataFrame(rows).to_csv(fh, index=False, float_format="%.6g")
        print(f"wrote {path} ({len(rows)} rows)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
