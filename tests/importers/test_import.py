"""EP-Online + BAG import on hand-counted fixtures (tests/importers/fixtures/make_fixtures.py).

Hand count of the fixtures:

EP-Online, 11 rows (same in v2 and v4): 1 non-residential (Gebouwklasse U, vbo 05), 1 permit
stage (vbo 02, label A), 1 without verblijfsobject id (a houseboat), 1 older label of vbo 01
(C of 2015; B of 2020 is kept) -> 7 labels kept: vbo 01 B, 02 D, 03 E, 06 F, 07 G, 10 A+, 99 B.
Of these 07 (demolished in BAG) and 99 (not in BAG) have no BAG match -> 5 used.

BAG, 12 rows: 05 non-residential (winkelfunctie), 07 and 08 demolished (pand gesloopt), 09
permit stage (bouw gestart), 11 twice -> 7 dwellings: 01..04 in pand 01, 06 in pand 02, 10 and
11 in pand 05 (10 is woonfunctie + winkelfunctie, kept; pand 05 has a demolition permit only,
kept). 04 and 11 have no label -> 2 labels estimated: both "meergezins: laag en midden"
(pand of 4 and of 2 dwellings); 04 built 1965 -> D, 11 built 1990 -> C (Vesta default labels).

Blocks by pand:
- pand 01: 4 dwellings, 60+70+80+90 = 300 m2, 1965; labels by area E 80, D 70+90, B 60 ->
  weighted median D (cumulative 80 < 150 <= 240); centroid (80015, 452005).
- pand 02: 1 dwelling, 120.5 m2, 1930, F, rijwoning tussen, (80200, 452200).
- pand 05: 2 dwellings, 150 m2; years 1985 (100 m2), 1990 (50 m2) -> 1985; labels C 50, A+ 100
  -> A+ (50 < 75 <= 150); buurt BU05183620 (wijk WK051836); centroid (80105, 452110).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from heatplan.buildings.importers import ImportOptions, import_stock
from heatplan.buildings.schema import read_blocks
from heatplan.cli.main import cli

FIX = Path(__file__).resolve().parent / "fixtures"
EP = {"v2": FIX / "ep_online_v2.csv", "v4": FIX / "ep_online_v4.csv"}
BAG = {"csv": FIX / "bag_verblijfsobject.csv", "gpkg": FIX / "bag_light.gpkg"}
P = "05181000000000"

EXPECTED = pd.DataFrame(
    {
        "block_id": [P + "01", P + "02", P + "05"],
        "dwellings": [4, 1, 2],
        "floor_area_m2": [300.0, 120.5, 150.0],
        "construction_year": [1965, 1930, 1985],
        "label": ["D", "F", "A+"],
        "dwelling_type": ["meergezins: laag en midden", "rijwoning tussen", "meergezins: laag en midden"],
        "x_rd": [80015.0, 80200.0, 80105.0],
        "y_rd": [452005.0, 452200.0, 452110.0],
        "street": ["Dreef", "Oord", "Dreef"],
    }
)


def _options(bag: str, **kw: str) -> ImportOptions:
    # The GeoPackage has no buurtcode column: the buurt comes from the command line.
    return ImportOptions(buurt_code="BU05183387" if bag == "gpkg" else None, **kw)


@pytest.mark.parametrize("bag", ["csv", "gpkg"])
@pytest.mark.parametrize("layout", ["v2", "v4"])
def test_blocks_match_hand_count(layout: str, bag: str) -> None:
    blocks, report = import_stock(EP[layout], BAG[bag], _options(bag))
    got = blocks[EXPECTED.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, EXPECTED, check_dtype=False)
    ep, b = report.ep, report.bag
    assert ep.layout == layout
    assert (ep.rows_read, ep.non_residential, ep.permit_stage, ep.no_vbo_id, ep.older_duplicates) == (
        11,
        1,
        1,
        1,
        1,
    )
    assert (ep.labels_kept, report.labels_matched, report.labels_no_bag_match) == (7, 5, 2)
    assert (b.rows_read, b.non_residential, b.demolished, b.permit_stage, b.duplicates) == (12, 1, 2, 1, 1)
    assert (report.dwellings, report.labels_estimated, report.blocks) == (7, 2, 3)
    assert blocks["dwellings"].sum() == 7
    assert set(blocks["owner"]) == {"onbekend"} and set(blocks["owner_type"]) == {"mixed"}
    assert set(blocks["heating"]) == {"gas_boiler"} and set(blocks["cooking"]) == {"gas"}
    wijk = {"csv": ["WK051833", "WK051833", "WK051836"], "gpkg": ["WK051833"] * 3}[bag]
    assert blocks["wijk_code"].tolist() == wijk
    assert (blocks["buurt_code"].str[2:8] == blocks["wijk_code"].str[2:]).all()


def test_block_by_postcode_and_by_column() -> None:
    blocks, _ = import_stock(EP["v4"], BAG["csv"], ImportOptions(block_by="postcode"))
    by_pc = blocks.set_index("block_id")
    assert by_pc["dwellings"].to_dict() == {"2531AA": 6, "2531AB": 1}
    # 2531AA: labels E 80, D 70+90, C 50, B 60, A+ 100 (450 m2): D at cumulative 240 >= 225.
    assert by_pc.loc["2531AA", "label"] == "D"
    assert by_pc.loc["2531AA", "floor_area_m2"] == 450.0
    assert by_pc.loc["2531AA", "construction_year"] == 1965  # 300 of 450 m2 built 1965
    assert by_pc.loc["2531AA", "buurt_code"] == "BU05183387"  # 4 of 6 dwellings
    streets, _ = import_stock(EP["v2"], BAG["csv"], ImportOptions(block_by="Openbare ruimte naam"))
    assert streets.set_index("block_id")["dwellings"].to_dict() == {"Dreef": 6, "Oord": 1}


def test_cli_writes_valid_table_and_summary_runs(tmp_path: Path) -> None:
    out = tmp_path / "blocks.csv"
    runner = CliRunner()
    res = runner.invoke(cli, ["stock", "import", "--ep-online", str(EP["v4"]), "--bag", str(BAG["gpkg"]),
                              "--buurt-code", "BU05183387", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "11 rows read" in res.output and "12 rows read" in res.output
    assert "1 non-residential, 1 permit stage" in res.output
    assert "2 demolished" in res.output and "no BAG match 2" in res.output
    assert "dwellings kept: 7 (2 labels estimated" in res.output
    assert "blocks written: 3" in res.output
    table = read_blocks(out)
    assert table["dwellings"].tolist() == [4, 1, 2]
    assert np.isnan(table["gas_m3_per_yr"]).all()
    res = runner.invoke(cli, ["stock", "summary", "--stock", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert '"dwellings": 7' in res.output


@pytest.mark.parametrize(
    ("ep", "bag", "needle"),
    [
        ("bag", "bag", "Missing column(s): bagverblijfsobjectid, energieklasse"),
        ("v4", "ep", "Missing column(s): identificatie, gebruiksdoel"),
        ("missing", "bag", "no such file"),
        ("binary", "bag", "binary file"),
    ],
)
def test_bad_input_is_one_clear_message(tmp_path: Path, ep: str, bag: str, needle: str) -> None:
    files = {"bag": BAG["csv"], "ep": EP["v2"], "v4": EP["v4"], "missing": tmp_path / "nope.csv",
             "binary": tmp_path / "x.csv"}  # fmt: skip
    files["binary"].write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    out = tmp_path / "blocks.csv"
    res = CliRunner().invoke(cli, ["stock", "import", "--ep-online", str(files[ep]), "--bag",
                                   str(files[bag]), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 1
    assert needle in res.output
    assert str(files[ep] if ep != "v4" else files[bag]) in res.output
    assert "Traceback" not in res.output
    assert not out.exists() and list(tmp_path.glob(".blocks.csv*")) == []


def test_missing_buurt_code_is_explained(tmp_path: Path) -> None:
    out = tmp_path / "blocks.csv"
    res = CliRunner().invoke(cli, ["stock", "import", "--ep-online", str(EP["v2"]), "--bag",
                                   str(BAG["gpkg"]), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 1
    assert "7 dwelling(s) have no CBS buurt code" in res.output and "--buurt-code" in res.output
    assert not out.exists()


def test_gpkg_without_verblijfsobject_layer(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "two.gpkg"
    for layer in ("a", "b"):
        gpd.GeoDataFrame({"n": [1]}, geometry=[Point(0, 0)], crs="EPSG:28992").to_file(path, layer=layer)
    res = CliRunner().invoke(cli, ["stock", "import", "--ep-online", str(EP["v2"]), "--bag", str(path),
                                   "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert res.exit_code == 1
    assert "no layer 'verblijfsobject'" in res.output and "a, b" in res.output


def test_bad_buurt_code_option(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["stock", "import", "--ep-online", str(EP["v2"]), "--bag",
                                   str(BAG["gpkg"]), "--buurt-code", "Moerwijk",
                                   "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert res.exit_code == 1
    assert "--buurt-code 'Moerwijk': expected a CBS buurt code like BU05183387" in res.output


def test_buurt_code_without_prefix_and_owner_options(tmp_path: Path) -> None:
    opts = ImportOptions(buurt_code="0518 36 20", owner="Staedion", owner_type="corporation")
    blocks, _ = import_stock(EP["v2"], BAG["gpkg"], opts)
    assert set(blocks["buurt_code"]) == {"BU05183620"} and set(blocks["wijk_code"]) == {"WK051836"}
    assert set(blocks["owner"]) == {"Staedion"} and set(blocks["owner_type"]) == {"corporation"}


def test_area_placeholder_and_missing_year(tmp_path: Path) -> None:
    # vbo 04: area 999999 (BAG "unknown") -> median of the other dwellings' areas
    # (50, 60, 70, 80, 100, 120.5 -> 75); vbo 06: no bouwjaar -> EP-Online v4 Bouwjaar (1930);
    # v2 has no Bouwjaar, so there vbo 06 is dropped for want of a construction year.
    text = BAG["csv"].read_text(encoding="utf-8")
    text = text.replace("0518010000000004,90,", "0518010000000004,999999,")
    text = text.replace("Oord,2,2531AB,1930,", "Oord,2,2531AB,,")
    bag = tmp_path / "bag.csv"
    bag.write_text(text, encoding="utf-8")
    blocks, report = import_stock(EP["v4"], bag)
    assert report.areas_filled == 1 and report.no_construction_year == 0
    assert blocks.set_index("block_id").loc[P + "01", "floor_area_m2"] == 60 + 70 + 80 + 75
    assert blocks.set_index("block_id").loc[P + "02", "construction_year"] == 1930
    blocks, report = import_stock(EP["v2"], bag)
    assert report.no_construction_year == 1 and report.dwellings == 6
    assert P + "02" not in set(blocks["block_id"])
