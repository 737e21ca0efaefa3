"""CBS buurten by location, one area out of the national files, measured gas use, owners.

The inputs are the hand-counted fixtures of test_import.py (7 dwellings kept) plus small files
written here. Dwellings kept, with point, postcode and house number:

    vbo 01 (80000, 452000) 2531AA 1   pand 01
    vbo 02 (80010, 452000) 2531AA 3   pand 01
    vbo 03 (80020, 452010) 2531AA 5   pand 01
    vbo 04 (80030, 452010) 2531AA 7   pand 01
    vbo 06 (80200, 452200) 2531AB 2   pand 02
    vbo 10 (80100, 452100) 2531AA 11  pand 05
    vbo 11 (80110, 452120) 2531AA 13  pand 05

Buurten (RD boxes x0, y0, x1, y1):

    BU05180101 wijk WK051801  79990 451990 80015 452050  -> 01, 02
    BU05180102 wijk WK051801  80015 451990 80300 452100  -> 03, 04, and 10 on its top edge
    BU05180201 wijk WK051802  80015 452100 80300 452150  -> 11 (10 lies on its bottom edge:
                                                            the smaller code BU05180102 wins)
    BU06030001 wijk WK060300  80150 452150 80400 452500  -> 06 (municipality GM0603)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from heatplan.buildings.importers import ImportOptions, import_stock
from heatplan.cli.main import cli

FIX = Path(__file__).resolve().parent / "fixtures"
EP = FIX / "ep_online_v4.csv"
BAG_GPKG = FIX / "bag_light.gpkg"
P = "05181000000000"
BUURTEN = [
    ("BU05180101", "WK051801", "GM0518", (79990, 451990, 80015, 452050)),
    ("BU05180102", "WK051801", "GM0518", (80015, 451990, 80300, 452100)),
    ("BU05180201", "WK051802", "GM0518", (80015, 452100, 80300, 452150)),
    ("BU06030001", "WK060300", "GM0603", (80150, 452150, 80400, 452500)),
]
# house number -> (buurt, wijk) by hand
BY_HOUSE = {
    "1": "BU05180101",
    "3": "BU05180101",
    "5": "BU05180102",
    "7": "BU05180102",
    "2": "BU06030001",
    "11": "BU05180102",
    "13": "BU05180201",
}


def write_buurten(path: Path, rows: list = BUURTEN, crs: int = 28992, layer: str = "buurten") -> Path:
    """A CBS wijk- en buurtkaart lookalike: layers gemeenten (first) and buurten."""
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {
            "buurtcode": [r[0] for r in rows],
            "buurtnaam": [f"Buurt {r[0]}" for r in rows],
            "wijkcode": [r[1] for r in rows],
            "gemeentecode": [r[2] for r in rows],
            "water": "NEE",
        },
        geometry=[box(*r[3]) for r in rows],
        crs="EPSG:28992",
    ).to_crs(crs)
    gem = frame.dissolve("gemeentecode").reset_index()[["gemeentecode", "geometry"]]
    gem.to_file(path, layer="gemeenten", driver="GPKG", engine="pyogrio")
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path


def bag_csv_without_buurt(tmp_path: Path) -> Path:
    frame = pd.read_csv(FIX / "bag_verblijfsobject.csv", dtype=str).drop(columns="buurtcode")
    path = tmp_path / "bag.csv"
    frame.to_csv(path, index=False)
    return path


def run(args: list[str]) -> object:
    return CliRunner().invoke(cli, ["stock", "import", *args])


@pytest.mark.parametrize("bag", ["csv", "gpkg"])
@pytest.mark.parametrize("crs", [28992, 4326])
def test_every_dwelling_lands_in_the_hand_checked_buurt(tmp_path: Path, bag: str, crs: int) -> None:
    buurten = write_buurten(tmp_path / "wijkenbuurten.gpkg", crs=crs)
    path = bag_csv_without_buurt(tmp_path) if bag == "csv" else BAG_GPKG
    blocks, report = import_stock(EP, path, ImportOptions(buurten=buurten, block_by="huisnummer"))
    got = blocks.set_index("block_id")
    expected = dict(BY_HOUSE)
    if crs != 28992:  # a point on a boundary is not exactly on it after two reprojections
        got, expected = got.drop(index="11"), {k: v for k, v in expected.items() if k != "11"}
    assert got["buurt_code"].to_dict() == expected
    wijk = {b[0]: b[1] for b in BUURTEN}
    assert got["wijk_code"].to_dict() == {h: wijk[b] for h, b in expected.items()}
    assert (report.buurten.by_location, report.buurten.from_column, report.buurten.outside_dropped) == (
        7,
        0,
        0,
    )
    assert report.buurten.buurten == 4


def test_blocks_by_pand_carry_the_buurt_of_most_dwellings(tmp_path: Path) -> None:
    buurten = write_buurten(tmp_path / "b.gpkg")
    blocks, _ = import_stock(EP, BAG_GPKG, ImportOptions(buurten=buurten))
    got = blocks.set_index("block_id")[["buurt_code", "wijk_code"]]
    # pand 01: 2 in BU05180101, 2 in BU05180102 -> tie, the smaller code; pand 05: 10 in
    # BU05180102 (boundary), 11 in BU05180201 -> tie, BU05180102.
    assert got.to_dict("index") == {
        P + "01": {"buurt_code": "BU05180101", "wijk_code": "WK051801"},
        P + "02": {"buurt_code": "BU06030001", "wijk_code": "WK060300"},
        P + "05": {"buurt_code": "BU05180102", "wijk_code": "WK051801"},
    }


def test_outside_every_buurt_dropped_or_kept(tmp_path: Path) -> None:
    buurten = write_buurten(tmp_path / "b.gpkg", rows=BUURTEN[:3])  # without GM0603: vbo 06 outside
    blocks, report = import_stock(EP, BAG_GPKG, ImportOptions(buurten=buurten, block_by="huisnummer"))
    assert "2" not in set(blocks["block_id"]) and report.buurten.outside_dropped == 1
    assert report.dwellings == 6 and "1 outside every buurt" in "\n".join(report.lines())
    opts = ImportOptions(buurten=buurten, block_by="huisnummer", outside="keep")
    blocks, report = import_stock(EP, BAG_GPKG, opts)
    # nearest: BU05180201 (50 m below 06) rather than BU05180102 (100 m)
    assert blocks.set_index("block_id").loc["2", "buurt_code"] == "BU05180201"
    assert report.buurten.outside_kept == 1 and report.dwellings == 7


def test_buurtcode_column_still_wins(tmp_path: Path) -> None:
    frame = pd.read_csv(FIX / "bag_verblijfsobject.csv", dtype=str)
    frame.loc[frame["huisnummer"] == "13", "buurtcode"] = ""  # vbo 11: by location
    path = tmp_path / "bag.csv"
    frame.to_csv(path, index=False)
    buurten = write_buurten(tmp_path / "b.gpkg")
    blocks, report = import_stock(EP, path, ImportOptions(buurten=buurten, block_by="huisnummer"))
    got = blocks.set_index("block_id")["buurt_code"].to_dict()
    assert got["1"] == "BU05183387" and got["11"] == "BU05183620" and got["13"] == "BU05180201"
    assert (report.buurten.from_column, report.buurten.by_location) == (6, 1)


def test_one_municipality_out_of_the_files(tmp_path: Path) -> None:
    buurten = write_buurten(tmp_path / "b.gpkg")
    # GM0518's box is 79990..80300 x 451990..452150: the GeoPackage is read for it alone (8 of 12
    # rows); the CSV is read whole, and 06, 07, 08 and 09 fall outside the box.
    for bag, read, outside in ((BAG_GPKG, 8, 0), (bag_csv_without_buurt(tmp_path), 12, 4)):
        blocks, report = import_stock(EP, bag, ImportOptions(buurten=buurten, gemeente="0518"))
        assert blocks["block_id"].tolist() == [P + "01", P + "05"]  # pand 02 (vbo 06) lies in GM0603
        assert report.area == "municipality GM0518"
        assert (report.bag.rows_read, report.bag.outside_area, report.dwellings) == (read, outside, 6)
        # EP-Online: 11 rows; those of vbo 06, 07 and 99 (no dwelling in the area) and 05 (a shop) are
        # dropped while streaming; the houseboat without id is counted as such.
        assert report.ep.outside_area == 4 and report.ep.no_vbo_id == 1
        assert report.ep.labels_kept == 4 and report.labels_matched == 4  # 01, 02, 03, 10


def test_bbox_and_area_polygon(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Polygon

    blocks, report = import_stock(
        EP, BAG_GPKG, ImportOptions(buurt_code="BU05183387", bbox=(79990, 451990, 80050, 452050))
    )
    assert blocks["block_id"].tolist() == [P + "01"] and blocks["dwellings"].tolist() == [4]
    # an L: 01, 02 and 03 inside; 04 (80030, 452010) inside its box but outside the L
    ell = Polygon(
        [(79995, 451995), (80035, 451995), (80035, 452005), (80025, 452005), (80025, 452015), (79995, 452015)]
    )
    area = tmp_path / "area.geojson"
    gpd.GeoDataFrame(geometry=[ell], crs="EPSG:28992").to_crs(4326).to_file(area, driver="GeoJSON")
    blocks, report = import_stock(EP, BAG_GPKG, ImportOptions(buurt_code="BU05183387", area=area))
    assert blocks["dwellings"].tolist() == [3] and blocks["floor_area_m2"].tolist() == [60 + 70 + 80]
    assert report.bag.outside_area == 1


STEDIN = (
    "NETBEHEERDER\tNETGEBIED\tSTRAATNAAM\tPOSTCODE_VAN\tPOSTCODE_TOT\tWOONPLAATS\tLANDCODE\tPRODUCTSOORT\t"
    "VERBRUIKSSEGMENT\tAANSLUITINGEN_AANTAL\tLEVERINGSRICHTING_PERC\tFYSIEKE_STATUS_PERC\t"
    "SOORT_AANSLUITING_PERC\tSOORT_AANSLUITING\tSJV_GEMIDDELD\tSJV_LAAG_TARIEF_PERC\tSLIMME_METER_PERC\n"
    '"8716874000009"\t"Stedin"\t"Dreef"\t"2531AA"\t"2531AA"\t"\'S-GRAVENHAGE"\t"NL"\t"GAS"\t"KVB"\t20\t100,00\t'
    '100,00\t80,00\t"G4"\t1234,50\t0,00\t90,00\n'
    '"8716874000009"\t"Stedin"\t"Dreef"\t"2531AA"\t"2531AA"\t"\'S-GRAVENHAGE"\t"NL"\t"ELK"\t"KVB"\t20\t90,00\t'
    '100,00\t50,00\t"3x25"\t2500,00\t60,00\t90,00\n'
    '"8716874000009"\t"Stedin"\t"Oord"\t"2531AB"\t"2531AB"\t"\'S-GRAVENHAGE"\t"NL"\t"GAS"\t"KVB"\t12\t100,00\t'
    '75,00\t100,00\t"G4"\t900,00\t0,00\t90,00\n'
)
ENEXIS = (
    "NETBEHEERDER;NETGEBIED;STRAATNAAM;POSTCODE_VAN;POSTCODE_TOT;WOONPLAATS;LANDCODE;PRODUCTSOORT;"
    "VERBRUIKSSEGMENT;AANSLUITINGEN_AANTAL;LEVERINGSRICHTING_PERC;FYSIEKE_STATUS_PERC;SOORT_AANSLUITING_PERC;"
    "SOORT_AANSLUITING;SJV_GEMIDDELD;SJV_LAAG_TARIEF_PERC;SLIMME_METER_PERC\n"
    "Enexis B.V.;ENEXIS;Dreef;2531AA;2531AA;DEN HAAG;NL;GAS;KVB;20;100;100;100;G4;1234,5;0;90\n"
    "Enexis B.V.;ENEXIS;Oord;2531AB;2531AB;DEN HAAG;NL;GAS;KVB;12;100;75;100;G4;900;0;90\n"
)
# up to 2013 (Liander): other names, one range over both postcodes, split over two streets
LIANDER_OLD = (
    "MEETVERANTWOORDELIJKE,NETBEHEERDER,NETGEBIED,STRAATNAAM,POSTCODE_VAN,POSTCODE_TOT,WOONPLAATS,LANDCODE,"
    "PRODUCTSOORT,VERBRUIKSSEGMENT,Aantal Aansluitingen,%Leveringsrichting,%Fysieke status,"
    "%Defintieve aansl (NRM),%Soort aansluiting,Soort aansluiting Naam,SJV,%SJV laag tarief,%Slimme Meter\n"
    "Liander,Liander N.V.,LIANDER,Dreef,2531AA,2531AB,DEN HAAG,NL,GAS,KVB,30,100,100,100,100,G4,1000,0,0\n"
    "Liander,Liander N.V.,LIANDER,Oord,2531AA,2531AB,DEN HAAG,NL,GAS,KVB,10,100,100,100,100,G4,1400,0,0\n"
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # pand 01: 4 x 1234.5; pand 02 (2531AB): 12 x 75 % = 9 active < 10 -> estimate; pand 05: 2 x 1234.5
        ("stedin.csv", STEDIN, {P + "01": 4938.0, P + "02": None, P + "05": 2469.0}),
        ("enexis.csv", ENEXIS, {P + "01": 4938.0, P + "02": None, P + "05": 2469.0}),
        # one range 2531AA-2531AB: (30 x 1000 + 10 x 1400) / 40 = 1100 per dwelling
        ("liander.csv", LIANDER_OLD, {P + "01": 4400.0, P + "02": 1100.0, P + "05": 2200.0}),
    ],
)
def test_gas_use_per_block_as_hand_computed(tmp_path: Path, name: str, text: str, expected: dict) -> None:
    gas = tmp_path / name
    gas.write_text(text, encoding="utf-8")
    blocks, report = import_stock(EP, BAG_GPKG, ImportOptions(buurt_code="BU05183387", gas_use=gas))
    got = blocks.set_index("block_id")["gas_m3_per_yr"]
    assert {k: (None if np.isnan(v) else v) for k, v in got.items()} == expected
    g = report.gas
    assert g is not None and g.gas_rows == 2
    if name != "liander.csv":
        assert (g.ranges, g.ranges_too_small, g.ranges_matched) == (2, 1, 1)
        assert (g.dwellings_measured, g.dwellings_small_range, g.blocks_measured) == (6, 1, 2)


def test_gas_use_written_and_read_back(tmp_path: Path) -> None:
    from heatplan.buildings.schema import read_blocks

    gas, out, rep = tmp_path / "g.csv", tmp_path / "blocks.csv", tmp_path / "report.json"
    gas.write_text(STEDIN, encoding="utf-8")
    res = run(
        [
            "--ep-online",
            str(EP),
            "--bag",
            str(BAG_GPKG),
            "--buurt-code",
            "BU05183387",
            "--gas-use",
            str(gas),
            "--report",
            str(rep),
            "--out",
            str(out),
        ]
    )
    assert res.exit_code == 0, res.output
    assert "blocks with measured gas_m3_per_yr: 2" in res.output
    table = read_blocks(out)
    assert table["gas_m3_per_yr"].tolist()[0] == 4938.0 and np.isnan(table["gas_m3_per_yr"].tolist()[1])
    data = json.loads(rep.read_text())
    assert data["gas_use"]["dwellings_measured"] == 6 and data["blocks"] == 3
    assert data["bag"]["rows_read"] == 12 and data["ep_online"]["rows_read"] == 11


def _owners(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "owners.csv"
    path.write_text(text, encoding="utf-8")
    return path


V = "05180100000000"


@pytest.mark.parametrize("by", ["id", "address"])
def test_owners_mixed_blocks_name_the_dominant_owner(tmp_path: Path, by: str) -> None:
    if by == "id":
        text = (
            f"verblijfsobject_id;owner;owner_type\n{V}01;Staedion;corporation\n{V}02;Staedion;corporatie\n"
            f"{V}03;particulier;koop\n{V}05;Staedion;corporation\n{V}10;Haag Wonen;corporation\n"
            f"{V}11;Haag Wonen;corporation\n"
        )
    else:
        text = (
            "postcode,huisnummer,huisletter,toevoeging,eigenaar,eigenaar_type\n"
            "2531 AA,1,,,Staedion,corporation\n"
            "2531AA,3,,,Staedion,corporation\n2531aa,5,,,particulier,owner_occupied\n"
            "2531AA,9,,,Staedion,corporation\n2531AA,11,,,Haag Wonen,corporation\n"
            "2531AA,13,,,Haag Wonen,corporation\n"
        )
    owners = _owners(tmp_path, text)
    blocks, report = import_stock(EP, BAG_GPKG, ImportOptions(buurt_code="BU05183387", owners=owners))
    got = blocks.set_index("block_id")[["owner", "owner_type"]].to_dict("index")
    # pand 01: Staedion 2, particulier 1, one dwelling unlisted (default type mixed) -> mixed, Staedion
    assert got[P + "01"] == {"owner": "Staedion", "owner_type": "mixed"}
    assert got[P + "02"] == {"owner": "onbekend", "owner_type": "mixed"}  # unlisted: the defaults
    assert got[P + "05"] == {"owner": "Haag Wonen", "owner_type": "corporation"}
    o = report.owners
    assert o is not None and (o.rows_read, o.rows_matched, o.rows_not_dwelling) == (6, 5, 1)
    assert (o.dwellings_matched, o.blocks_mixed) == (5, 1)


def test_owner_type_default_makes_an_unlisted_block_uniform(tmp_path: Path) -> None:
    owners = _owners(tmp_path, f"vbo_id,owner,owner_type\n{V}10,Haag Wonen,corporation\n")
    opts = ImportOptions(
        buurt_code="BU05183387", owners=owners, owner="particulier", owner_type="owner_occupied"
    )
    blocks, _ = import_stock(EP, BAG_GPKG, opts)
    got = blocks.set_index("block_id")[["owner", "owner_type"]].to_dict("index")
    assert got[P + "01"] == {"owner": "particulier", "owner_type": "owner_occupied"}
    assert got[P + "05"] == {"owner": "Haag Wonen", "owner_type": "mixed"}


def _bad_case(tmp_path: Path, case: str) -> tuple[list[str], str]:
    """Arguments and the expected words of each bad input."""
    import geopandas as gpd
    from shapely.geometry import Point

    base = ["--ep-online", str(EP), "--bag", str(BAG_GPKG)]
    if case == "buurten_no_polygons":
        path = tmp_path / "points.gpkg"
        gpd.GeoDataFrame(
            {"buurtcode": ["BU05180101"]}, geometry=[Point(80000, 452000)], crs="EPSG:28992"
        ).to_file(path, layer="buurten")
        return [*base, "--buurten", str(path)], "no polygon layer"
    if case == "buurten_no_code":
        path = write_buurten(tmp_path / "b.gpkg")
        frame = gpd.read_file(path, layer="buurten").drop(columns="buurtcode")
        path2 = tmp_path / "nocode.gpkg"
        frame.to_file(path2, layer="buurten")
        return [*base, "--buurten", str(path2)], "has no column 'buurtcode'"
    if case == "gas_unknown":
        path = tmp_path / "gas.csv"
        path.write_text("postcode;verbruik_m3\n2531AA;1200\n", encoding="utf-8")
        return [
            *base,
            "--buurt-code",
            "BU05183387",
            "--gas-use",
            str(path),
        ], "Missing column(s): POSTCODE_VAN"
    if case == "owners_unknown":
        path = _owners(
            tmp_path, f"vbo_id,owner,owner_type\n{V}01,Staedion,corporation\n{V}77,Vestia,corporation\n"
        )
        return [*base, "--buurt-code", "BU05183387", "--owners", str(path)], "line 3: 0518010000000077"
    if case == "owner_type_unknown":
        path = _owners(tmp_path, f"vbo_id,owner,owner_type\n{V}01,Staedion,woningbouw\n")
        return [*base, "--buurt-code", "BU05183387", "--owners", str(path)], "line 2, column 'owner_type'"
    if case == "no_label_matches":
        ep = tmp_path / "ep.csv"
        ep.write_text(EP.read_text(encoding="utf-8-sig").replace("05180100", "03630100"), encoding="utf-8")
        return ["--ep-online", str(ep), "--bag", str(BAG_GPKG), "--buurt-code", "BU05183387"], (
            "not one of its 7 labels is of a BAG dwelling"
        )
    if case == "gemeente_without_buurten":
        return [*base, "--gemeente", "GM0518"], "--gemeente needs --buurten"
    if case == "gemeente_unknown":
        return [*base, "--buurten", str(write_buurten(tmp_path / "b.gpkg")), "--gemeente", "GM0599"], (
            "no buurten of municipality GM0599"
        )
    if case == "bbox_empty":
        return [*base, "--buurt-code", "BU05183387", "--bbox", "0,300000,100,300100"], (
            "no verblijfsobject inside the area to import"
        )
    if case == "header_only_ep":
        ep = tmp_path / "ep.csv"
        ep.write_text(EP.read_text(encoding="utf-8-sig").splitlines()[2] + "\n", encoding="utf-8")
        args = ["--ep-online", str(ep), "--bag", str(BAG_GPKG), "--buurt-code", "BU05183387"]
        return args, "a header but no rows"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\n" if case == "empty_ep" else b"")
    args = {
        "empty_ep": ["--ep-online", str(empty), "--bag", str(BAG_GPKG)],
        "empty_bag": ["--ep-online", str(EP), "--bag", str(empty)],
        "empty_gas": [*base, "--gas-use", str(empty)],
        "empty_owners": [*base, "--owners", str(empty)],
    }[case]
    return [*args, "--buurt-code", "BU05183387"], f"{empty}: the file is empty"


BAD = [
    "buurten_no_polygons",
    "buurten_no_code",
    "gas_unknown",
    "owners_unknown",
    "owner_type_unknown",
    "no_label_matches",
    "gemeente_without_buurten",
    "gemeente_unknown",
    "empty_ep",
    "empty_bag",
    "empty_gas",
    "empty_owners",
    "bbox_empty",
    "header_only_ep",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_error_and_nothing_written(tmp_path: Path, case: str) -> None:
    args, needle = _bad_case(tmp_path, case)
    out, rep = tmp_path / "out" / "blocks.csv", tmp_path / "out" / "report.json"
    out.parent.mkdir()
    res = run([*args, "--report", str(rep), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert needle in res.output, res.output
    assert res.output.count("Error:") == 1 and "Traceback" not in res.output
    assert list(out.parent.iterdir()) == []
