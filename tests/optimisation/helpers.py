"""Tiny instances for the optimisation tests: synthetic blocks, a stand-in radial network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.buildings.schema import validate_blocks
from heatplan.optimisation.network import NetworkInput
from heatplan.scenario import Scenario

TYPES = ("meergezins: laag en midden", "rijwoning tussen", "meergezins: hoog", "rijwoning hoek")
LABELS = ("D", "E", "C", "F", "B", "G")


def make_blocks(n: int, seed: int = 0, **cols: object) -> pd.DataFrame:
    """``n`` valid blocks in two buurten of one wijk, gas boilers and gas cooking by default."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "block_id": [f"b{i}" for i in range(n)],
            "wijk_code": "WK051833",
            "buurt_code": ["BU05183301" if i % 2 == 0 else "BU05183302" for i in range(n)],
            "owner": ["Staedion" if i % 3 else "particulier" for i in range(n)],
            "owner_type": ["corporation" if i % 3 else "owner_occupied" for i in range(n)],
            "dwellings": rng.integers(4, 40, n),
            "floor_area_m2": 0.0,
            "construction_year": rng.choice([1955, 1962, 1968, 1972], n),
            "dwelling_type": [TYPES[i % len(TYPES)] for i in range(n)],
            "label": [LABELS[i % len(LABELS)] for i in range(n)],
            "x_rd": 79000.0 + 100.0 * np.arange(n),
            "y_rd": 452000.0 + 50.0 * (np.arange(n) % 3),
            "heating": "gas_boiler",
            "cooking": "gas",
        }
    )
    for k, v in cols.items():
        df[k] = v
    df["floor_area_m2"] = cols.get("floor_area_m2", df["dwellings"] * 70.0)
    return validate_blocks(df)


def tree_network(
    blocks: pd.DataFrame,
    regime: str,
    cap_factor: float = 2.0,
    source_id: str = "s1",
    eur_per_m: float = 1500.0,
) -> NetworkInput:
    """A radial tree: source -> trunk (all blocks) -> two branches (even / odd blocks) -> service pipes."""
    ids = blocks["block_id"].tolist()
    even, odd = ids[0::2], ids[1::2]
    edges = [("trunk", "src", "j0", 400.0), ("br_even", "j0", "je", 200.0), ("br_odd", "j0", "jo", 300.0)]
    members = [("trunk", ids), ("br_even", even), ("br_odd", odd)]
    for b in ids:
        j = "je" if b in even else "jo"
        edges.append((f"svc_{b}", j, f"n_{b}", 30.0))
        members.append((f"svc_{b}", [b]))
    e = pd.DataFrame(edges, columns=["edge_id", "from_node", "to_node", "length_m"])
    e["kind"] = np.where(e["edge_id"].str.startswith("svc"), "service", "main")
    e["source_id"] = source_id
    eb = pd.DataFrame([(k, b) for k, bs in members for b in bs], columns=["edge_id", "block_id"])
    design = {k: 60.0 * len(bs) for k, bs in members}
    sizing = pd.DataFrame(
        {
            "edge_id": e["edge_id"],
            "cost_eur": e["length_m"] * eur_per_m,
            "design_peak_kw": [design[k] for k in e["edge_id"]],
            "capacity_kw": [design[k] * cap_factor for k in e["edge_id"]],
        }
    )
    bs = pd.DataFrame({"block_id": ids, "source_id": source_id})
    return NetworkInput(regime, e, eb, bs, sizing)


def sources_table(
    mt_mw: float = 50.0, lt_mw: float = 50.0, mt_year: int = 2000, lt_year: int = 2000
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["s1", "s2"],
            "name": ["mt source", "lt source"],
            "regime": ["mt", "lt"],
            "x_rd": [79000.0, 79100.0],
            "y_rd": [452000.0, 452000.0],
            "supply_temp_c": [70.0, 55.0],
            "return_temp_c": [40.0, 35.0],
            "capacity_mw": [mt_mw, lt_mw],
            "available_year": [mt_year, lt_year],
        }
    )


def small_scenario(**kw: object) -> Scenario:
    base = {
        "years": {"start": 2026, "deadline": 2029, "horizon_end": 2032},
        "capacity": {"switch_dwellings_per_yr": None},
    }
    base.update(kw)
    # every type may take a heat pump unless a test says otherwise (the cases predate eligibility)
    base["options"] = {"hp_excluded_dwelling_types": (), **dict(kw.get("options", {}))}  # type: ignore[arg-type]
    return Scenario.model_validate(base)


def instance(
    n: int = 3,
    seed: int = 1,
    blocks: pd.DataFrame | None = None,
    cap_factor: float = 2.0,
    eur_per_m: float = 1500.0,
    mt_mw: float = 50.0,
    **scenario: object,
):
    """ModelInputs of a tiny instance: ``n`` blocks, years 2026-2028, both networks as trees."""
    from heatplan.optimisation.inputs import build_inputs

    b = make_blocks(n, seed=seed) if blocks is None else blocks
    sc = small_scenario(years={"start": 2026, "deadline": 2028, "horizon_end": 2030}, **scenario)
    nets = {
        "mt": tree_network(b, "mt", cap_factor, "s1", eur_per_m),
        "lt": tree_network(b, "lt", cap_factor, "s2", eur_per_m),
    }
    return build_inputs(b, sc, nets, sources_table(mt_mw=mt_mw))
