"""`heatplan network simulate` on bad input: one `Error:` line, nothing written, the user's files kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import heatplan.networks.layout
from heatplan.cli.main import cli
from tests.bad_input import assert_user_error, checksums
from tests.networks.helpers import make_sources, net_blocks


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A three-block stock and its sources; laying out a network fails the test (checks come first)."""
    stock = tmp_path / "blocks.csv"
    optional = ["gas_m3_per_yr", "demolition_year", "renovation_year", "new_build_year", "street"]
    net_blocks([(60, 0), (120, 0), (180, 10)], ["B", "C", "D"], [20, 12, 8]).drop(columns=optional).to_csv(
        stock, index=False
    )
    sources = tmp_path / "sources.csv"
    make_sources().to_csv(sources, index=False)

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("laid out a network before the checks")

    monkeypatch.setattr(heatplan.networks.layout, "build_layout", boom)
    return stock, sources


def simulate(stock: Path, sources: Path, out: Path):
    args = ["network", "simulate", "--stock", str(stock), "--sources", str(sources), "--out", str(out)]
    return CliRunner().invoke(cli, args)


def test_out_holding_the_users_files_is_refused(files: tuple[Path, Path], tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    before = checksums(tmp_path)
    assert_user_error(simulate(*files, out), "mine", "notes.txt", "never deletes")
    assert checksums(tmp_path) == before


def test_a_plan_folder_is_not_replaced_by_a_simulation(files: tuple[Path, Path], tmp_path: Path):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "plan.nc").write_text("a plan", encoding="utf-8")
    before = checksums(tmp_path)
    assert_user_error(simulate(*files, out), "holds a heatplan plan, not a network simulation")
    assert checksums(tmp_path) == before


@pytest.mark.parametrize(
    ("column", "value", "needles"),
    [
        ("capacity_mw", "six", ("row 2, column 'capacity_mw' = 'six'", "capacity in MW")),
        ("supply_temp_c", "", ("row 2, column 'supply_temp_c'",)),
        ("available_year", "2030.5", ("row 2, column 'available_year' = '2030.5'",)),
        ("x_rd", "4.3", ("row 2, column 'x_rd'", "RD New x")),
        ("regime", "hot", ("row 2, column 'regime' = 'hot'", "mt or lt")),
        (
            "peak_boiler_mw",
            "-1",
            ("row 2, column 'peak_boiler_mw' = '-1'", "boiler capacity in MW (0 .. 10000)"),
        ),
        ("peak_boiler_mw", "lots", ("row 2, column 'peak_boiler_mw' = 'lots'", "or empty")),
    ],
)
def test_bad_number_in_the_sources_file(files, tmp_path: Path, column: str, value: str, needles):
    stock, sources = files
    df = pd.read_csv(sources, dtype=str)
    df.loc[0, column] = value
    df.to_csv(sources, index=False)
    before = checksums(tmp_path)
    assert_user_error(simulate(stock, sources, tmp_path / "out"), "sources.csv", *needles)
    assert checksums(tmp_path) == before


def test_peak_boilers_at_an_lt_source_are_refused(files, tmp_path: Path):
    stock, sources = files
    df = pd.read_csv(sources, dtype=str).assign(regime="lt", supply_temp_c="55", return_temp_c="35")
    df["peak_boiler_mw"] = "5"
    df.to_csv(sources, index=False)
    before = checksums(tmp_path)
    needles = ("row 2, column 'peak_boiler_mw' = '5'", "0 or empty at an lt source")
    assert_user_error(simulate(stock, sources, tmp_path / "out"), "sources.csv", *needles)
    assert checksums(tmp_path) == before


@pytest.mark.parametrize(
    ("text", "needle"), [("", "the file is empty"), ("source_id,name\n", "missing column(s)")]
)
def test_empty_sources_file(files, tmp_path: Path, text: str, needle: str):
    stock, sources = files
    sources.write_text(text, encoding="utf-8")
    assert_user_error(simulate(stock, sources, tmp_path / "out"), "sources.csv", needle)
    assert not (tmp_path / "out").exists()


def test_sources_with_a_header_and_no_rows(files, tmp_path: Path):
    stock, sources = files
    make_sources().iloc[:0].to_csv(sources, index=False)
    assert_user_error(simulate(stock, sources, tmp_path / "out"), "sources.csv", "no sources")


def test_empty_connected_file_and_no_standing_block(files, tmp_path: Path):
    stock, sources = files
    ids = tmp_path / "ids.txt"
    ids.write_text("\n", encoding="utf-8")
    args = [
        "network",
        "simulate",
        "--stock",
        str(stock),
        "--sources",
        str(sources),
        "--out",
        str(tmp_path / "o"),
    ]
    res = CliRunner().invoke(cli, [*args, "--connected", str(ids)])
    assert_user_error(res, "ids.txt", "the file is empty")
    first = pd.read_csv(stock, dtype=str)["block_id"].iloc[0]
    ids.write_text(f"{first}\nnope\n", encoding="utf-8")
    assert_user_error(CliRunner().invoke(cli, [*args, "--connected", str(ids)]), "nope")
    table = pd.read_csv(stock, dtype=str)
    table["new_build_year"] = "2030"
    table.to_csv(stock, index=False)
    assert_user_error(CliRunner().invoke(cli, args), "no block stands in 2026")
    assert not (tmp_path / "o").exists()
