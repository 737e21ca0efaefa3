"""The embedded Zuidwest stock: calibration totals and determinism."""

from heatplan.buildings.defaults import DATA
from heatplan.buildings.stock import load_stock, today_mask
from heatplan.buildings.summary import summarise
from heatplan.buildings.synthetic import ZUIDWEST, embedded_pc6, generate_district, render_csv


def test_calibration_totals():
    s = summarise(load_stock())
    assert abs(s["dwellings"] - 33623) <= 0.01 * 33623
    for wijk, target in {"WK051833": 12877, "WK051834": 10161, "WK051836": 10585}.items():
        assert abs(s["by_wijk"][wijk] - target) <= 0.01 * target
    shares = {k: v / s["dwellings"] for k, v in s["by_owner_type"].items()}
    assert abs(shares["corporation"] - 0.68) <= 0.02
    assert abs(shares["private_rent"] - 0.09) <= 0.02
    assert abs(shares["owner_occupied"] - 0.23) <= 0.02
    per = {k: v / s["dwellings"] for k, v in s["by_construction_period"].items()}
    assert abs(per["1945-1980"] - 0.68) <= 0.02 and abs(per["after 1980"] - 0.27) <= 0.02
    assert abs(s["new_build_dwellings"] - 16500) <= 165
    assert abs(s["demolished_dwellings"] - 6500) <= 65
    assert abs(s["renovated_dwellings"] - 8500) <= 85
    assert len(s["by_buurt"]) == 11
    flats = sum(v for k, v in s["by_dwelling_type"].items() if k.startswith("meergezins"))
    assert abs(flats / s["dwellings"] - 0.87) <= 0.02


def test_programme_consistent_with_2027_milestones():
    b = load_stock()
    today = b[today_mask(b)]
    demolished_by_2026 = today.loc[today["demolition_year"] <= 2026, "dwellings"].sum()
    assert abs(demolished_by_2026 - 3100) <= 60
    new = b[~today_mask(b)]
    assert abs(new.loc[new["new_build_year"] <= 2027, "dwellings"].sum() - (3100 + 7100)) <= 150
    assert (new["label"].str.startswith("A")).all() and (new["cooking"] == "induction").all()
    # demolished blocks are corporation-owned (social housing replaced one for one)
    assert (today.loc[today["demolition_year"].notna(), "owner_type"] == "corporation").all()
    ids = set(b["block_id"])
    assert len(ids) == len(b)


def test_block_sizes_realistic():
    b = load_stock()
    portiek = b[b["dwelling_type"] == "meergezins: laag en midden"]
    assert portiek["dwellings"].max() <= 48
    assert b["dwellings"].max() <= 200


def test_generator_is_deterministic_and_matches_shipped_file():
    text = render_csv(generate_district(embedded_pc6(), ZUIDWEST), ZUIDWEST)
    shipped = (DATA / "zuidwest_blocks.csv").read_text(encoding="utf-8")
    assert text == shipped
