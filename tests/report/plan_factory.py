"""A small synthetic plan that follows notes/plan-format.md: 12 blocks, 3 owners, 2 regimes, 2026..2032."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w
import xarray as xr

YEARS = list(range(2026, 2033))
#: a plan whose schedule a time limit left unproven (what summary.json's solver figures say then)
SOLVER = {"status": "time_limit", "certified": False, "gap": 1.13, "mip_gap": 0.01, "time_s": 1.2,
          "reason": "gap 113% (asked 1%) after the time limit of 5 s stopped the LP relaxation"}  # fmt: skip
DEADLINE = 2031
ITEMS = [
    "insulation",
    "induction",
    "connection",
    "heat_pump",
    "network",
    "source",
    "gas_removal",
    "gas",
    "co2",
]
# An owner name that breaks Excel's sheet-name rules (too long, forbidden characters).
LONG_OWNER = "VvE 'De Dreven' / Zuidwest [blok 2]: eigenaar*?"
OWNERS = ["Staedion", "HaagWonen", LONG_OWNER]

# block_id, owner, wijk, buurt, street, dwellings, label_now, label_target, option,
# insulation, induction, connection, demolition, new_build
_ROWS = [
    ("B00", 0, "WK051833", "BU05183387", "Venendreef", 48, "E", "B", "mt", 2026, 2026, 2027, None, None),
    ("B01", 0, "WK051833", "BU05183387", "Venendreef", 32, "D", "B", "mt", 2027, 2027, 2028, None, None),
    ("B02", 0, "WK051833", "BU05183396", "Zichtenburglaan", 64, "C", "B", "mt", 2028, 2028, 2029, None, None),
    ("B03", 0, "WK051834", "BU05183480", "Erasmusweg", 24, "G", "", "", None, None, None, 2029, None),
    ("B04", 1, "WK051834", "BU05183480", "Erasmusweg", 40, "B", "B", "mt", None, 2026, 2026, None, None),
    ("B05", 1, "WK051834", "BU05183488", "Lozerlaan", 56, "E", "A", "lt", 2029, 2030, 2030, None, None),
    ("B06", 1, "WK051834", "BU05183489", "Lozerlaan", 16, "F", "B", "mt", 2030, 2030, 2031, None, None),
    ("B07", 1, "WK051836", "BU05183620", "Moerweg", 80, "A", "A", "lt", None, None, 2028, None, 2028),
    ("B08", 2, "WK051836", "BU05183620", "Moerweg", 8, "C", "A", "hp", 2031, 2031, 2032, None, None),
    ("B09", 2, "WK051836", "BU05183637", "Loosduinseweg", 12, "D", "B", "mt", 2029, 2029, 2029, None, None),
    ("B10", 2, "WK051836", "BU05183638", "Melis Stokelaan", 20, "E", "A", "lt", 2030, 2031, 2031, None, None),
    ("B11", 2, "WK051836", "BU05183639", "Melis Stokelaan", 36, "D", "B", "mt", 2031, 2032, 2032, None, None),
]


def schedule_table() -> pd.DataFrame:
    """The block rows (schedule.csv columns plus street, coordinates, demolition/new-build years)."""
    rng = np.random.default_rng(7)
    recs = []
    for i, r in enumerate(_ROWS):
        bid, o, wijk, buurt, street, dw, now, tgt, opt, ins, ind, con, dem, nb = r
        # like heatplan.optimisation: a demolished block is off gas in its demolition year
        gas_free = dem if opt == "" else max(x for x in (ind, con) if x is not None)
        recs.append({
            "block_id": bid, "wijk_code": wijk, "buurt_code": buurt, "owner": OWNERS[o], "dwellings": dw,
            "label_now": now, "label_target": tgt, "option": opt, "insulation_year": ins,
            "induction_year": ind, "connection_year": con, "gas_free_year": gas_free,
            "cost_eur": 0.0 if opt == "" else float(dw * 21345.678 + rng.uniform(0, 999.999)),
            "street": street, "owner_type": "owner_occupied" if o == 2 else "corporation",
            "x_rd": 77500.0 + 180.0 * (i % 4) + 11.5 * i, "y_rd": 452000.0 + 150.0 * (i // 4),
            "demolition_year": dem, "new_build_year": nb,
        })  # fmt: skip
    df = pd.DataFrame(recs)
    for c in (
        "insulation_year",
        "induction_year",
        "connection_year",
        "gas_free_year",
        "demolition_year",
        "new_build_year",
    ):
        df[c] = pd.array(df[c], dtype="Int64")
    return df


_STR_COLS = (
    "wijk_code",
    "buurt_code",
    "owner",
    "owner_type",
    "street",
    "label_now",
    "label_target",
    "option",
)
_YEAR_COLS = ("insulation_year", "induction_year", "connection_year", "gas_free_year", "demolition_year",
              "new_build_year")  # fmt: skip
NOTE_0 = "2 blocks below required supply temperature"
FAIL_B06 = "supply 63.1 °C < 65.0 °C required (label F) in 2031"
SCHEDULE_CSV_COLUMNS = [
    "block_id", "wijk_code", "buurt_code", "owner", "dwellings", "label_now", "label_target", "option",
    "insulation_year", "induction_year", "connection_year", "gas_free_year", "cost_eur",
]  # fmt: skip


def _flt(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _per_year(df: pd.DataFrame, col: str) -> np.ndarray:
    return np.array([int(df.loc[df[col] == y, "dwellings"].sum()) for y in YEARS])


def _cost_by_year(df: pd.DataFrame) -> np.ndarray:
    """Split each block's cost over items and years (its connection year) so the total is kept."""
    out = np.zeros((len(YEARS), len(ITEMS)))
    split = np.array([0.35, 0.08, 0.2, 0.02, 0.2, 0.05, 0.02, 0.06, 0.02])
    for r in df.itertuples():
        y = r.connection_year if not pd.isna(r.connection_year) else YEARS[0]
        out[YEARS.index(int(y))] += r.cost_eur * split
    return out


def _network() -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    n = len(YEARS)
    mt_t = np.array([68.5, 67.9, 67.2, 66.8, 66.1, 65.4, 65.0])
    lt_t = np.array([np.nan, np.nan, 53.9, 53.5, 52.8, 52.1, 51.7])
    return {
        "min_supply_temp_c": (("year", "regime"), np.stack([mt_t, lt_t], axis=1)),
        "heat_loss_pct": (
            ("year", "regime"),
            np.stack([np.linspace(14, 9, n), np.where(np.isnan(lt_t), np.nan, 12.0)], 1),
        ),
        "low_load_min_supply_temp_c": (("year", "regime"), np.stack([mt_t - 6, lt_t - 5], axis=1)),
        "source_load_mw": (
            ("year", "source"),
            np.stack([np.linspace(1.2, 6.5, n), np.linspace(0, 2.1, n)], 1),
        ),
        "source_capacity_mw": (
            ("year", "source"),
            np.stack([np.full(n, 8.0), np.array([0, 0, 3, 3, 3, 3, 3.0])], 1),
        ),
    }


def _pipes() -> dict[str, tuple[tuple[str, ...], object]]:
    ids = ["mt:e0", "mt:e1", "mt:e2", "mt:e3", "mt:e4", "mt:e5", "lt:e0", "lt:e1", "lt:e2", "lt:e3"]
    fx = np.array([77300, 77500, 77700, 77900, 77500, 77700, 78300, 77900, 78100, 77700.0])
    fy = np.array([451800, 452000, 452000, 452000, 452150, 452150, 452600, 452300, 452300, 452300.0])
    return {
        "pipe_regime": (("pipe",), np.array([p.split(":")[0] for p in ids], dtype=object)),
        "pipe_from_x_rd": (("pipe",), fx),
        "pipe_from_y_rd": (("pipe",), fy),
        "pipe_to_x_rd": (("pipe",), fx + 180.0),
        "pipe_to_y_rd": (("pipe",), fy + np.array([200, 0, 0, 150, 0, 150, -300, 0, 150, 0.0])),
        "pipe_dn": (("pipe",), np.array([200, 150, 125, 80, 100, 65, 150, 100, 80, 50])),
        "pipe_length_m": (("pipe",), np.array([270.0, 180, 180, 234, 180, 234, 350, 180, 234, 180])),
        "pipe_build_year": (
            ("pipe",),
            np.array([2026, 2026, 2027, 2029, 2028, 2031, 2028, 2030, 2031, np.nan]),
        ),
        "pipe_kind": (
            ("pipe",),
            np.array(["main"] * 4 + ["service"] * 2 + ["main"] * 2 + ["service"] * 2, dtype=object),
        ),
        "_ids": ((), ids),  # type: ignore[dict-item]
    }


def make_plan_dataset() -> tuple[xr.Dataset, pd.DataFrame]:
    """A plan Dataset following plan-format.md and the schedule table it was built from."""
    df = schedule_table()
    yrs = np.array(YEARS)
    con = _flt(df["connection_year"])
    today = df["new_build_year"].isna().to_numpy()
    gf = _flt(df["gas_free_year"])
    on_gas = today[:, None] & (yrs[None, :] < np.nan_to_num(gf, nan=9999)[:, None])
    gas_m3 = np.where(on_gas, df["dwellings"].to_numpy()[:, None] * 1000.0, 0.0)
    switched = _per_year(df, "connection_year")
    # share of today's dwellings off gas (demolished ones count as off gas), as heatplan.plan reports it
    dw = df["dwellings"].to_numpy()
    share = np.array([dw[today & (gf <= y)].sum() for y in YEARS]) / dw[today].sum()
    cby = _cost_by_year(df)
    pipes = _pipes()
    pipe_ids = pipes.pop("_ids")[1]
    data: dict[str, object] = {
        **{c: (("block",), df[c].to_numpy(dtype=object)) for c in _STR_COLS},
        "dwellings": (("block",), df["dwellings"].to_numpy(dtype=np.int64)),
        "x_rd": (("block",), df["x_rd"].to_numpy()),
        "y_rd": (("block",), df["y_rd"].to_numpy()),
        **{c: (("block",), _flt(df[c])) for c in _YEAR_COLS},
        "cost_eur": (("block",), df["cost_eur"].to_numpy()),
        "verified_ok": (("block",), df["block_id"].ne("B06").to_numpy()),
        "fail_reason": (("block",), np.where(df["block_id"].eq("B06"), FAIL_B06, "").astype(object)),
        "gas_m3": (("block", "year"), gas_m3),
        "connected": (("block", "year"), yrs[None, :] >= np.nan_to_num(con, nan=9999)[:, None]),
        "cost_eur_by_year": (("year", "item"), cby),
        "cost_npv_eur": (("item",), cby.sum(axis=0) * 0.9),
        "switched_dwellings": (("year",), switched),
        "insulated_dwellings": (("year",), _per_year(df, "insulation_year")),
        "induction_dwellings": (("year",), _per_year(df, "induction_year")),
        "gas_free_share": (("year",), share),
        "verified": (("year",), np.array([True, True, True, True, True, False, True])),
        "n_failing_blocks": (("year",), np.array([0, 0, 0, 0, 0, 1, 0])),
        **_network(),
        "source_name": (("source",), np.array(["Leyweg geothermie", "WKO Moerwijk"], dtype=object)),
        "source_x_rd": (("source",), np.array([77250.0, 78350.0])),
        "source_y_rd": (("source",), np.array([451750.0, 452650.0])),
        "source_regime": (("source",), np.array(["mt", "lt"], dtype=object)),
        "source_capacity_mw_nominal": (("source",), np.array([8.0, 3.0])),
        "available_year": (("source",), np.array([2026.0, 2028.0])),
        **pipes,
        "round_failures": (("round",), np.array([2, 0])),
        "round_cuts_added": (("round",), np.array([2, 0])),
        "round_objective_eur": (("round",), np.array([31.2e6, 31.5e6])),
        "round_failing_years": (("round",), np.array(["2029,2030", ""], dtype=object)),
        "round_note": (("round",), np.array([NOTE_0, "all years pass"])),
    }  # fmt: skip
    coords = {
        "block": df["block_id"].to_numpy(dtype=object), "year": yrs, "item": np.array(ITEMS, dtype=object),
        "regime": np.array(["mt", "lt"], dtype=object), "source": np.array(["S1", "S2"], dtype=object),
        "pipe": np.array(pipe_ids, dtype=object), "round": np.array([0, 1]),
    }  # fmt: skip
    ds = xr.Dataset(data, coords=coords)  # type: ignore[arg-type]
    npv = {k: float(v) for k, v in zip(ITEMS, cby.sum(axis=0) * 0.9, strict=True)}
    summary = {
        "scenario": "base", "dwellings": int(df["dwellings"].sum()), "deadline": DEADLINE,
        "gas_free_year_reached": 2032, "deadline_met": False,
        "gas_free_share_by_year": dict(zip(map(str, YEARS), share.tolist(), strict=True)),
        "cost_npv_eur": {"total": sum(npv.values()), "by_item": npv}, "verified_years": YEARS[:5] + YEARS[6:],
        "failing_years": [2031], "rounds": 2, "solver": SOLVER,
        "required_pace_dwellings_per_yr": 61.5, "earliest_gas_free_year": 2032,
    }  # fmt: skip
    scen = {"name": "base", "years": {"start": 2026, "deadline": DEADLINE, "horizon_end": 2032}}
    ds.attrs.update({
        "scenario_name": "base", "scenario_toml": tomli_w.dumps(scen), "summary_json": json.dumps(summary),
        "heatplan_version": "0.1.0", "package_versions": json.dumps({"pandapipes": "0.x"}),
        "created_utc": "2026-11-28T19:00:00Z", "stock_source": "synthetic test plan",
    })  # fmt: skip
    return ds, df


def write_plan_dir(out: Path) -> tuple[Path, pd.DataFrame]:
    """Write plan.nc and schedule.csv (from the table, independently of heatplan.report) to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    ds, df = make_plan_dataset()
    ds.to_netcdf(out / "plan.nc")
    csv = df[SCHEDULE_CSV_COLUMNS].copy()
    csv["cost_eur"] = csv["cost_eur"].round(2)  # whole cents, as heatplan plan writes it
    csv.to_csv(out / "schedule.csv", index=False)
    return out, df
