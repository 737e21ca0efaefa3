"""A deterministic, seeded generator of a synthetic district stock (the embedded Zuidwest default).

The blocks are **synthetic**: they are placed where the dwellings of Den Haag Zuidwest really
are (PC6 centroids and household counts), and their numbers are calibrated to public figures
(docs/stock.md), but no block is a real building or address.

Calibration targets (reference/domain-facts.md, section 2):

* dwellings per wijk: WK051833 12,877, WK051834 10,161, WK051836 10,585 (allecijfers.nl);
* ownership 68% corporation, 9% private rent, 23% owner-occupied (npzw.nl, DHIC 2022);
* construction periods 5% before 1945, 68% 1945-1980, 27% after 1980 (36% in Morgenstond);
* 87% apartments (portiek- and galerijflats), the rest rows of houses;
* housing programme to 2040 (Programmaplan Zuidwest 2022): 6,500 demolished and replaced,
  8,500 renovated, 10,000 added; by 2027 3,100 rebuilt, 400 renovated, 7,100 added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.vq import kmeans2
from scipy.spatial import cKDTree

from heatplan.buildings.demand import default_label
from heatplan.buildings.labels import EP_LABELS, label_rank

PORTIEK, GALERIJ = "meergezins: laag en midden", "meergezins: hoog"
ROW_MID, ROW_END = "rijwoning tussen", "rijwoning hoek"
CORPORATIONS = ("Staedion", "Haag Wonen")


@dataclass(frozen=True)
class DistrictSpec:
    """Calibration targets of one synthetic district."""

    dwellings_by_wijk: dict[str, int]
    #: Buurt codes of each wijk, assigned to spatial clusters in the order of ``buurt_rule``.
    buurten_by_wijk: dict[str, tuple[str, ...]]
    after_1980_share_by_wijk: dict[str, float]
    before_1945_share_by_wijk: dict[str, float]
    corporation_share: float = 0.68
    private_rent_share: float = 0.09
    ground_level_share: float = 0.13
    galerij_share: float = 0.35
    demolished: tuple[tuple[int, int], ...] = ((2026, 3100), (2036, 3400))
    renovated: tuple[tuple[int, int], ...] = ((2027, 400), (2039, 8100))
    added: tuple[tuple[int, int], ...] = ((2027, 7100), (2039, 2900))
    rebuild_delay_yr: int = 1
    first_programme_year: int = 2026
    seed: int = 20260
    id_prefix: str = "ZW"
    extra: dict[str, str] = field(default_factory=dict)


ZUIDWEST = DistrictSpec(
    dwellings_by_wijk={"WK051833": 12877, "WK051834": 10161, "WK051836": 10585},
    buurten_by_wijk={
        "WK051833": ("BU05183398", "BU05183396", "BU05183387", "BU05183399"),
        "WK051834": ("BU05183489", "BU05183488", "BU05183480"),
        "WK051836": ("BU05183638", "BU05183620", "BU05183637", "BU05183639"),
    },
    after_1980_share_by_wijk={"WK051833": 0.231, "WK051834": 0.36, "WK051836": 0.231},
    before_1945_share_by_wijk={"WK051833": 0.0, "WK051834": 0.0, "WK051836": 0.159},
)


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total``."""
    w = np.asarray(weights, float)
    raw = w / w.sum() * total
    out = np.floor(raw).astype(int)
    short = total - out.sum()
    out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


def assign_buurten(pc6: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator) -> pd.Series:
    """Cluster each wijk's PC6 areas in space, one cluster per buurt, ordered north to south."""
    out = pd.Series("", index=pc6.index, dtype=object)
    for wijk, codes in spec.buurten_by_wijk.items():
        sub = pc6[pc6["wijk_code"] == wijk]
        xy = sub[["x_rd", "y_rd"]].to_numpy(float)
        _, lab = kmeans2(xy, len(codes), seed=rng, minit="++")
        centre_y = [xy[lab == k, 1].mean() if (lab == k).any() else -np.inf for k in range(len(codes))]
        order = np.argsort(-np.asarray(centre_y))
        rank = np.empty_like(order)
        rank[order] = np.arange(len(codes))
        out[sub.index] = [codes[r] for r in rank[lab]]
    return out


def _dwellings_per_pc6(pc6: pd.DataFrame, spec: DistrictSpec) -> pd.Series:
    out = pd.Series(0, index=pc6.index)
    for wijk, total in spec.dwellings_by_wijk.items():
        sub = pc6[pc6["wijk_code"] == wijk]
        out[sub.index] = _largest_remainder(sub["households_2019"].to_numpy() + 0.01, total)
    return out


def _merge_small(pc6: pd.DataFrame, n: pd.Series, min_dwellings: int = 8) -> pd.Series:
    """Merge PC6 areas with fewer than ``min_dwellings`` into the nearest larger one.

    The nearest larger area of the same wijk takes their dwellings, so there are no isolated
    one-dwelling "blocks".
    """
    out = n.copy()
    for _wijk, sub in pc6.groupby("wijk_code"):
        big = sub.index[out[sub.index] >= min_dwellings]
        small = sub.index[(out[sub.index] > 0) & (out[sub.index] < min_dwellings)]
        if len(big) == 0 or len(small) == 0:
            continue
        tree = cKDTree(pc6.loc[big, ["x_rd", "y_rd"]].to_numpy(float))
        _, nearest = tree.query(pc6.loc[small, ["x_rd", "y_rd"]].to_numpy(float))
        for i, k in zip(small, nearest, strict=True):
            out[big[k]] += out[i]
            out[i] = 0
    return out


def _typology(pc6: pd.DataFrame, n: pd.Series, spec: DistrictSpec, rng: np.random.Generator) -> pd.Series:
    """Per PC6: rows of houses for the least dense areas, galerij flats for the densest."""
    density = n / pc6["area_m2"].clip(lower=200) * rng.lognormal(0.0, 0.35, len(pc6))
    order = density.sort_values().index
    cum = n[order].cumsum() / n.sum()
    typ = pd.Series(PORTIEK, index=pc6.index, dtype=object)
    typ[order[cum.to_numpy() <= spec.ground_level_share]] = ROW_MID
    typ[order[cum.to_numpy() > 1.0 - spec.galerij_share]] = GALERIJ
    return typ


def _split(n: int, typ: str, rng: np.random.Generator) -> list[int]:
    """Split ``n`` dwellings into realistic block sizes for the typology."""
    if typ == ROW_MID:
        lo, hi, step = 6, 16, 1
    elif typ == GALERIJ:
        lo, hi, step = 40, 200, 10
    else:
        lo, hi, step = 8, 48, 8
    sizes: list[int] = []
    left = n
    while left > 0:
        s = int(rng.integers(lo // step, hi // step + 1)) * step
        s = min(s, left)
        if 0 < left - s < lo:
            s = left if left <= hi else left - lo
        sizes.append(s)
        left -= s
    return sizes


def _place_blocks(pc6: pd.DataFrame, n: pd.Series, typ: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """One row per block: PC6, wijk, buurt, typology, dwellings, jittered position."""
    rows = []
    for i in pc6.index[n > 0]:
        r = pc6.loc[i]
        spread = float(min(np.sqrt(r["area_m2"]) / 3.0, 60.0))
        for k, size in enumerate(_split(int(n[i]), str(typ[i]), rng)):
            dx, dy = rng.normal(0.0, spread, 2) if size < n[i] else (0.0, 0.0)
            rows.append(
                {
                    "pc6": r["pc6"],
                    "wijk_code": r["wijk_code"],
                    "buurt_code": r["buurt_code"],
                    "typology": typ[i],
                    "dwellings": size,
                    "k": k,
                    "x_rd": round(r["x_rd"] + dx, 1),
                    "y_rd": round(r["y_rd"] + dy, 1),
                }
            )
    return pd.DataFrame(rows)


def _fill_quota(weights: pd.Series, key: pd.Series, quota: float) -> pd.Series:
    """Take rows in ``key`` order until their ``weights`` reach ``quota``; boolean mask."""
    order = key.sort_values(kind="stable").index
    cum = weights[order].cumsum()
    take = order[(cum - weights[order] / 2).to_numpy() < quota]
    return pd.Series(weights.index.isin(take), index=weights.index)


def _construction_years(b: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator) -> pd.Series:
    """Construction year per block, hitting the era shares per wijk (eras clustered by PC6)."""
    years = pd.Series(0, index=b.index)
    pc_key = b.groupby("pc6")["x_rd"].transform(lambda s: rng.random())
    for wijk in spec.dwellings_by_wijk:
        m = b["wijk_code"] == wijk
        total = b.loc[m, "dwellings"].sum()
        rows_first = pc_key[m] - (b.loc[m, "typology"] == ROW_MID) * 0.5
        after = _fill_quota(b.loc[m, "dwellings"], rows_first, spec.after_1980_share_by_wijk[wijk] * total)
        rest = b.loc[m].index[~after.to_numpy()]
        before = _fill_quota(
            b.loc[rest, "dwellings"], pc_key[rest], spec.before_1945_share_by_wijk[wijk] * total
        )
        idx_after, idx_before = after[after].index, before[before].index
        idx_mid = rest.difference(idx_before)
        years[idx_after] = rng.integers(1981, 2021, len(idx_after))
        years[idx_before] = rng.integers(1925, 1945, len(idx_before))
        years[idx_mid] = np.clip(rng.normal(1959, 6, len(idx_mid)).round(), 1946, 1980).astype(int)
    return years


def _owners(b: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Owner type and owner per block: corporations mostly own the flats."""
    total = b["dwellings"].sum()
    bias = np.where(b["typology"] == ROW_MID, 0.6, 0.0) + rng.random(len(b))
    corp = _fill_quota(b["dwellings"], pd.Series(bias, b.index), spec.corporation_share * total)
    rest = b.index[~corp.to_numpy()]
    private = _fill_quota(
        b.loc[rest, "dwellings"], pd.Series(rng.random(len(rest)), rest), spec.private_rent_share * total
    )
    owner_type = pd.Series("owner_occupied", index=b.index, dtype=object)
    owner_type[corp] = "corporation"
    owner_type[private[private].index] = "private_rent"
    owner = owner_type.map({"owner_occupied": "particulier", "private_rent": "particuliere verhuurder"})
    which = rng.random(len(b)) < 0.55
    owner[corp] = np.where(which[corp.to_numpy()], CORPORATIONS[0], CORPORATIONS[1])
    return pd.DataFrame({"owner_type": owner_type, "owner": owner})


def _labels(b: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Labels spread around Vesta's default label per type and period (-2..+2 steps)."""
    base = label_rank(default_label(b))
    step = rng.choice([-2, -1, 0, 1, 2], size=len(b), p=[0.08, 0.22, 0.40, 0.22, 0.08])
    rank = np.clip(base + step, 0, 6)
    return pd.Series(np.array(EP_LABELS)[rank], index=b.index)


def _existing_attributes(b: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Type, area, year, owner, label, heating and cooking of today's blocks."""
    out = b.copy()
    ends = (out["typology"] == ROW_MID) & (out["k"] % 3 == 0)
    out["dwelling_type"] = np.where(ends, ROW_END, out["typology"])
    per_dwelling = np.where(
        out["typology"] == ROW_MID,
        rng.uniform(85, 115, len(b)),
        np.where(out["typology"] == GALERIJ, rng.uniform(55, 80, len(b)), rng.uniform(58, 75, len(b))),
    )
    out["floor_area_m2"] = (per_dwelling * out["dwellings"]).round(0)
    out["construction_year"] = _construction_years(out, spec, rng)
    out = out.join(_owners(out, spec, rng))
    out["label"] = _labels(out, rng)
    u = rng.random(len(b))
    out["heating"] = np.select(
        [(out["typology"] == GALERIJ) & (u < 0.22), u > 0.94, (out["construction_year"] > 1995) & (u < 0.1)],
        ["block_heating", "district_heating", "heat_pump"],
        "gas_boiler",
    )
    newer = out["construction_year"] > 2005
    out["cooking"] = np.where((rng.random(len(b)) < 0.1) | newer, "induction", "gas")
    return out


def _schedule(
    weights: pd.Series,
    key: pd.Series,
    milestones: tuple[tuple[int, int], ...],
    start: int,
    rng: np.random.Generator,
) -> pd.Series:
    """Assign years to rows in ``key`` order, milestone by milestone.

    Each milestone (last year, dwellings) gets its quota, spread evenly over the years since the
    previous milestone.
    """
    years = pd.Series(pd.NA, index=weights.index, dtype="Int64")
    remaining = key.sort_values(kind="stable").index
    first = start
    for last, quota in milestones:
        take = _fill_quota(weights[remaining], pd.Series(np.arange(len(remaining)), remaining), quota)
        chosen = remaining[take.to_numpy()]
        years[chosen] = rng.integers(first, last + 1, len(chosen))
        remaining = remaining.difference(chosen, sort=False)
        first = last + 1
    return years


def _programme(b: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Demolition and renovation years of today's corporation blocks (spatially clustered)."""
    out = b.copy()
    corp_old = (out["owner_type"] == "corporation") & out["construction_year"].between(1946, 1975)
    area_key = out.groupby("pc6")["x_rd"].transform(lambda s: rng.random())
    worse_first = area_key + 0.05 * label_rank(out["label"])
    cand = out.index[corp_old & (out["typology"] == PORTIEK)]
    out["demolition_year"] = pd.array([pd.NA] * len(out), "Int64")
    out.loc[cand, "demolition_year"] = _schedule(
        out.loc[cand, "dwellings"], worse_first[cand], spec.demolished, spec.first_programme_year, rng
    )
    cand = out.index[corp_old & out["demolition_year"].isna()]
    out["renovation_year"] = pd.array([pd.NA] * len(out), "Int64")
    out.loc[cand, "renovation_year"] = _schedule(
        out.loc[cand, "dwellings"], area_key[cand], spec.renovated, spec.first_programme_year, rng
    )
    return out


def _new_builds(
    b: pd.DataFrame, pc6: pd.DataFrame, spec: DistrictSpec, rng: np.random.Generator
) -> pd.DataFrame:
    """Replacement blocks for every demolished block, and blocks that add dwellings."""
    gone = b[b["demolition_year"].notna()]
    repl = gone[["pc6", "wijk_code", "buurt_code", "dwellings", "x_rd", "y_rd", "owner", "owner_type"]].copy()
    repl["new_build_year"] = (gone["demolition_year"] + spec.rebuild_delay_yr).astype("Int64")
    repl["x_rd"] += 8.0
    total_added = sum(q for _, q in spec.added)
    big = pc6.sort_values("area_m2", ascending=False).head(60)
    sizes = _split(total_added, GALERIJ, rng)
    site = big.iloc[np.arange(len(sizes)) % len(big)]
    add = pd.DataFrame(
        {
            "pc6": site["pc6"].to_numpy(),
            "wijk_code": site["wijk_code"].to_numpy(),
            "buurt_code": site["buurt_code"].to_numpy(),
            "dwellings": sizes,
            "x_rd": (site["x_rd"].to_numpy() + rng.normal(0, 25, len(sizes))).round(1),
            "y_rd": (site["y_rd"].to_numpy() + rng.normal(0, 25, len(sizes))).round(1),
        }
    )
    kind = rng.choice(["corporation", "private_rent", "owner_occupied"], len(add), p=[0.3, 0.35, 0.35])
    add["owner_type"] = kind
    add["owner"] = np.where(
        kind == "corporation",
        CORPORATIONS[0],
        np.where(kind == "private_rent", "particuliere verhuurder", "particulier"),
    )
    add["new_build_year"] = _schedule(
        add["dwellings"],
        pd.Series(rng.random(len(add)), add.index),
        spec.added,
        spec.first_programme_year,
        rng,
    )
    add["new_build_year"] = add["new_build_year"].fillna(spec.added[-1][0])
    new = pd.concat([repl, add], ignore_index=True)
    new["dwelling_type"] = np.where(new["dwellings"] > 48, GALERIJ, PORTIEK)
    new["floor_area_m2"] = (new["dwellings"] * rng.uniform(60, 85, len(new))).round(0)
    new["construction_year"] = new["new_build_year"].astype(int)
    new["label"], new["heating"], new["cooking"] = "A+++", "district_heating", "induction"
    return new


def generate_district(pc6: pd.DataFrame, spec: DistrictSpec = ZUIDWEST) -> pd.DataFrame:
    """Generate a synthetic block table from PC6 centroids and household counts (deterministic)."""
    rng = np.random.default_rng(spec.seed)
    pc6 = pc6[pc6["wijk_code"].isin(list(spec.dwellings_by_wijk))].reset_index(drop=True)
    pc6 = pc6.assign(buurt_code=assign_buurten(pc6, spec, rng))
    n = _merge_small(pc6, _dwellings_per_pc6(pc6, spec))
    blocks = _place_blocks(pc6, n, _typology(pc6, n, spec, rng), rng)
    blocks = _programme(_existing_attributes(blocks, spec, rng), spec, rng)
    new = _new_builds(blocks, pc6, spec, rng)
    out = pd.concat([blocks, new], ignore_index=True)
    out["new_build_year"] = out["new_build_year"].astype("Int64")
    seq = out.groupby("pc6").cumcount() + 1
    out["block_id"] = [f"{spec.id_prefix}-{p}-{k:02d}" for p, k in zip(out["pc6"], seq, strict=True)]
    out["street"] = ""
    out["gas_m3_per_yr"] = np.nan
    cols = [
        "block_id",
        "wijk_code",
        "buurt_code",
        "owner",
        "owner_type",
        "dwellings",
        "floor_area_m2",
        "construction_year",
        "dwelling_type",
        "label",
        "x_rd",
        "y_rd",
        "heating",
        "cooking",
        "gas_m3_per_yr",
        "demolition_year",
        "renovation_year",
        "new_build_year",
        "street",
        "pc6",
    ]
    return out[cols]


HEADER = (
    "# SYNTHETIC block stock of Den Haag Zuidwest, generated by heatplan.buildings.synthetic "
    "(seed {seed}); calibrated to public figures (docs/stock.md). NOT real buildings or addresses.\n"
    "# Positions follow the PC6 centroids and household counts of the DHZW study "
    "(marcopellegrinoit/DHZW_locations, GPL-3.0; CBS/PDOK open data).\n"
)


def embedded_pc6() -> pd.DataFrame:
    """The PC6 centroids and household counts shipped with the package."""
    from heatplan.buildings.defaults import DATA

    with (DATA / "zuidwest_pc6.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


def render_csv(blocks: pd.DataFrame, spec: DistrictSpec) -> str:
    """The block table as the CSV text that is shipped (header comment included)."""
    return HEADER.format(seed=spec.seed) + blocks.to_csv(index=False, lineterminator="\n")


def write_embedded_stock(spec: DistrictSpec = ZUIDWEST) -> str:
    """Regenerate ``heatplan/data/zuidwest_blocks.csv`` (a source checkout only)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "zuidwest_blocks.csv"
    path.write_text(render_csv(generate_district(embedded_pc6(), spec), spec), encoding="utf-8")
    return str(path)
