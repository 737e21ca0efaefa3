from pathlib import Path

import numpy as np
import pytest

from heatplan.buildings.schema import find_problems, read_blocks, validate_blocks
from heatplan.errors import InputError
from tests.conftest import make_blocks


def test_valid_table_is_typed():
    b = validate_blocks(make_blocks())
    assert b["dwellings"].dtype == np.int64
    assert b["floor_area_m2"].dtype == float
    assert str(b["new_build_year"].dtype) == "Int64"
    assert b["gas_m3_per_yr"].isna().all()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("label", "Z", "energy label"),
        ("dwellings", "-3", "whole number of dwellings, 1 .. 100,000"),
        ("dwellings", "1000000000000", "1 .. 100,000"),
        ("floor_area_m2", "24", "10 .. 1,000 m2 per dwelling, here 1.0 m2"),
        ("floor_area_m2", "240000", "10 .. 1,000 m2 per dwelling, here 10,000.0 m2"),
        ("dwellings", "2.5", "whole number"),
        ("floor_area_m2", "0", "> 0"),
        ("owner_type", "council", "corporation"),
        ("dwelling_type", "flat", "PBL Vesta types"),
        ("wijk_code", "0518", "WK051833"),
        ("buurt_code", "BU123", "BU05183387"),
        ("x_rd", "4.3", "RD New x"),
        ("heating", "wood", "gas_boiler"),
        ("cooking", "coal", "induction"),
        ("construction_year", "nineteen", "a year"),
    ],
)
def test_each_kind_of_problem(column, value, expected):
    raw = make_blocks()
    raw.loc[2, column] = value
    problems = find_problems(raw)
    assert len(problems) == 1
    p = problems[0]
    assert (p.row, p.column, p.value) == (4, column, value)
    assert expected in p.expected


def test_buurt_must_lie_in_wijk():
    raw = make_blocks()
    raw.loc[0, "buurt_code"] = "BU05183620"
    (p,) = find_problems(raw)
    assert p.column == "buurt_code" and "WK051834" in p.expected


def test_optional_columns_checked_when_present():
    raw = make_blocks()
    raw["demolition_year"] = ["2030", None, "20x0", ""]
    raw["gas_m3_per_yr"] = ["900", "-5", None, ""]
    problems = find_problems(raw)
    assert {(p.row, p.column) for p in problems} == {(4, "demolition_year"), (3, "gas_m3_per_yr")}


def test_all_four_problems_in_one_message(tmp_path: Path):
    raw = make_blocks().drop(columns=["cooking"])
    raw.loc[1, "block_id"] = "B0"
    raw.loc[2, "label"] = "Z"
    raw.loc[3, "dwellings"] = "-4"
    path = tmp_path / "bad.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_blocks(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "4 problem(s)" in msg
    assert "column 'cooking'" in msg and "required column" in msg
    assert "row 3, column 'block_id' = 'B0'" in msg and "already used in row 2" in msg
    assert "row 4, column 'label' = 'Z'" in msg
    assert "row 5, column 'dwellings' = '-4'" in msg


def test_semicolon_csv_and_missing_file(tmp_path: Path):
    path = tmp_path / "b.csv"
    make_blocks().to_csv(path, index=False, sep=";")
    assert len(read_blocks(path)) == 4
    with pytest.raises(InputError, match="no such file"):
        read_blocks(tmp_path / "nope.csv")


def test_binary_file_is_an_input_error(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage\x00")
    with pytest.raises(InputError):
        read_blocks(path)


def test_empty_optional_column_is_fine(tmp_path: Path):
    raw = make_blocks()
    raw["demolition_year"] = ""
    raw["street"] = ""
    path = tmp_path / "b.csv"
    raw.to_csv(path, index=False)
    b = read_blocks(path)
    assert b["demolition_year"].isna().all()


def test_empty_file_says_it_is_empty(tmp_path: Path):
    for text in ("", "\n  \n", "# only a comment\n"):
        path = tmp_path / "blocks.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=r"blocks\.csv: the file is empty"):
            read_blocks(path)


def test_header_without_rows_is_an_error(tmp_path: Path):
    path = tmp_path / "blocks.csv"
    make_blocks().iloc[:0].to_csv(path, index=False)
    with pytest.raises(InputError, match=r"blocks\.csv: a header but no blocks"):
        read_blocks(path)
