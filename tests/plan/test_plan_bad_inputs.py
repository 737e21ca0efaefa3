"""`heatplan plan` on bad input: one `Error:` line, no traceback, nothing written, the user's files kept.

Also: an earlier plan is replaced (and the command says so); a pin that forbids every year and a
block without an allowed option are named in the command's own output and in summary.json.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import heatplan.io
import heatplan.plan.pipeline
from heatplan.buildings.stock import load_stock
from heatplan.cli.main import cli
from heatplan.errors import InputError
from heatplan.plan import run_plan
from heatplan.scenario import load_scenario
from tests.bad_input import assert_user_error, checksums

LEYWEG = (78397.0, 452522.0)


@pytest.fixture(scope="module")
def stock_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four existing blocks near the Leyweg source: two in each of two buurten."""
    b = load_stock()
    b = b[b["new_build_year"].isna() & b["demolition_year"].isna() & (b["heating"] == "gas_boiler")]
    b = b.loc[np.hypot(b["x_rd"] - LEYWEG[0], b["y_rd"] - LEYWEG[1]).sort_values().index[:40]]
    two = b["buurt_code"].value_counts().index[:2]
    small = b[b["buurt_code"].isin(two)].groupby("buurt_code").head(2)
    path = tmp_path_factory.mktemp("stock") / "small.csv"
    small.to_csv(path, index=False)
    return path


@pytest.fixture
def no_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a plan gets as far as laying out networks."""

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the plan laid out networks before the check")

    monkeypatch.setattr(heatplan.plan.pipeline, "lay_out", boom)


def plan(stock: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["plan", "--stock", str(stock), "--out", str(out), *extra])


def test_out_holding_the_users_files_is_refused_and_kept(stock_csv: Path, tmp_path: Path, no_layout):
    out = tmp_path / "mydir"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    (out / "photo.jpg").write_bytes(b"\xff\xd8 not really a photo")
    before = checksums(tmp_path)
    res = plan(stock_csv, out)
    assert_user_error(res, "mydir", "notes.txt", "never deletes")
    assert checksums(tmp_path) == before


def test_earlier_plan_with_a_user_file_inside_is_refused(stock_csv: Path, tmp_path: Path, no_layout):
    out = tmp_path / "results"
    out.mkdir()
    for name in ("plan.nc", "summary.json", "schedule.csv"):
        (out / name).write_text("earlier", encoding="utf-8")
    (out / "my_comments.docx").write_text("mine", encoding="utf-8")
    before = checksums(tmp_path)
    assert_user_error(plan(stock_csv, out), "earlier heatplan plan", "my_comments.docx")
    assert checksums(tmp_path) == before


def test_another_kind_of_output_is_not_replaced(stock_csv: Path, tmp_path: Path, no_layout):
    out = tmp_path / "sweep"
    (out / "scenarios").mkdir(parents=True)
    (out / "scenarios.csv").write_text("scenario\n", encoding="utf-8")
    before = checksums(tmp_path)
    assert_user_error(plan(stock_csv, out), "holds a heatplan sweep, not a plan")
    assert checksums(tmp_path) == before


@pytest.mark.parametrize(
    ("make", "needles"),
    [
        (lambda t: t / "nofolder" / "out", ("nofolder", "does not exist")),
        (lambda t: (t / "afile").write_text("x") and t / "afile", ("afile", "is a file")),
    ],
)
def test_out_that_cannot_be_a_folder(stock_csv: Path, tmp_path: Path, make, needles, no_layout):
    out = make(tmp_path)
    before = checksums(tmp_path)
    assert_user_error(plan(stock_csv, out), *needles)
    assert checksums(tmp_path) == before


def test_out_in_a_read_only_folder(stock_csv: Path, tmp_path: Path, monkeypatch, no_layout):
    """The temporary folder cannot be made: one message, not a PermissionError traceback."""
    ro = tmp_path / "readonly"
    ro.mkdir()
    ro.chmod(0o555)

    def denied(*_a: object, dir: str = "", **_k: object) -> str:  # as root, chmod does not stop us
        raise PermissionError(13, "Permission denied", os.path.join(dir, ".out.tmp"))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    try:
        assert_user_error(plan(stock_csv, ro / "out"), "readonly", "cannot write in the folder")
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


SCENARIOS = {
    "empty price path": ("[prices]\ngas_eur_per_m3 = {}\n", ("prices.gas_eur_per_m3", "at least one")),
    "pin year outside the model": (
        '[[pins]]\nblock_id = "X"\nyear = 2060\n',
        ("pins[1].year = 2060", "outside the modelled years 2026-2050"),
    ),
    "pin forbidding a year before the start": (
        '[[pins]]\nblock_id = "X"\nforbid_years = [2020]\n',
        ("pins[1].forbid_years = 2020",),
    ),
    "per_buurt not a buurt code": (
        '[options.per_buurt]\nMoerwijk = ["mt"]\n',
        ("options.per_buurt", "'Moerwijk' is not a CBS buurt code", "BU + 8 digits"),
    ),
    "owner budget not a number": (
        '[budget.per_owner_eur_per_yr]\nStaedion = "lots"\n',
        ("budget.per_owner_eur_per_yr", "'lots'"),
    ),
    "empty scenario file": ("", ("the file is empty", "heatplan init")),
    "not-a-number capacity": ("[capacity]\nswitch_dwellings_per_yr = nan\n", ("finite number",)),
}


@pytest.mark.parametrize("case", list(SCENARIOS))
def test_bad_scenario_fails_before_layout(case: str, stock_csv: Path, tmp_path: Path, no_layout):
    text, needles = SCENARIOS[case]
    sc = tmp_path / "s.toml"
    sc.write_text(text, encoding="utf-8")
    before = checksums(tmp_path)
    res = plan(stock_csv, tmp_path / "out", "--scenario", str(sc))
    assert_user_error(res, "s.toml", *needles)
    assert checksums(tmp_path) == before


def test_names_in_the_scenario_must_be_in_the_stock(stock_csv: Path, tmp_path: Path, no_layout):
    stock = load_stock(stock_csv)
    bid, buurt = str(stock["block_id"].iloc[0]), str(stock["buurt_code"].iloc[0])
    wrong_buurt = buurt[:-1] + ("0" if buurt[-1] != "0" else "1")
    cases = {
        f'[[pins]]\nblock_id = "{bid[:-1]}"\nyear = 2030\nname = "calendar"\n': (
            f"pins[1] ('calendar'): block_id = '{bid[:-1]}'", "not a block in the stock", f"'{bid}'"
        ),
        f'[options.per_buurt]\n{wrong_buurt} = ["mt"]\n': (
            f"options.per_buurt names buurt '{wrong_buurt}'", "no block in the stock", f"'{buurt}'"
        ),
        "[budget.per_owner_eur_per_yr]\nStedion = 1e6\n": (
            "owner 'Stedion'", "did you mean 'Staedion'?"
        ),
    }  # fmt: skip
    sc = tmp_path / "s.toml"
    for text, needles in cases.items():
        sc.write_text(text, encoding="utf-8")
        before = checksums(tmp_path)
        assert_user_error(plan(stock_csv, tmp_path / "out", "--scenario", str(sc)), "s.toml", *needles)
        assert checksums(tmp_path) == before


def test_bad_stock_files(stock_csv: Path, tmp_path: Path, no_layout):
    lines = stock_csv.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    dw, fa = header.index("dwellings"), header.index("floor_area_m2")
    absurd = lines[1].split(",")
    absurd[dw] = "1000000000000"
    tiny = lines[2].split(",")
    tiny[fa] = "5"
    cases = {
        "": ("the file is empty",),
        lines[0] + "\n": ("a header but no blocks",),
        "\n".join([lines[0], ",".join(absurd)]) + "\n": ("row 2, column 'dwellings'", "1 .. 100,000"),
        "\n".join([lines[0], ",".join(tiny)]) + "\n": ("row 2, column 'floor_area_m2'", "m2 per dwelling"),
    }
    bad = tmp_path / "blocks.csv"
    for text, needles in cases.items():
        bad.write_text(text, encoding="utf-8")
        before = checksums(tmp_path)
        assert_user_error(plan(bad, tmp_path / "out"), "blocks.csv", *needles)
        assert checksums(tmp_path) == before


def test_empty_stock_is_refused_before_layout(stock_csv: Path, no_layout):
    stock = load_stock(stock_csv)
    with pytest.raises(InputError, match="holds no blocks"):
        run_plan(stock.iloc[:0], load_scenario(None))
    gone = stock.assign(demolition_year=stock["demolition_year"].fillna(2026))
    with pytest.raises(InputError, match="every block is demolished by 2026"):
        run_plan(gone, load_scenario(None))


def test_pin_and_blocks_without_option_are_named_and_an_earlier_plan_replaced(
    stock_csv: Path, tmp_path: Path
):
    stock = load_stock(stock_csv)
    pinned = str(stock["block_id"].iloc[0])
    other_buurt = str(stock["buurt_code"].iloc[-1])
    lost = stock.loc[stock["buurt_code"] == other_buurt, "block_id"].tolist()
    sc = tmp_path / "s.toml"
    sc.write_text(
        "[years]\nstart = 2026\ndeadline = 2028\nhorizon_end = 2030\n"
        "[solver]\ntime_limit_s = 30.0\n[verification]\nmax_rounds = 1\n"
        f'[[pins]]\nblock_id = "{pinned}"\nname = "wait for the renovation"\n'
        "forbid_years = [2026, 2027, 2028]\n"
        f'[options.per_buurt]\n{other_buurt} = ["mt"]\n'
        "[networks.mt]\nsupply_temp_c = 41.0\nreturn_temp_c = 30.0\n",  # MT at 41 °C serves no label
        encoding="utf-8",
    )
    out = tmp_path / "results"  # an earlier plan, written before plans carried the marker file
    out.mkdir()
    (out / "plan.nc").write_text("old", encoding="utf-8")
    (out / "summary.json").write_text("{}", encoding="utf-8")
    res = plan(stock_csv, out, "--scenario", str(sc))
    assert res.exit_code == 0, res.output
    assert "Error:" not in res.output
    warning = "pin 1 ('wait for the renovation') forbids every year 2026-2028"
    assert f"Warning: {warning}" in res.output
    assert "The pin 'wait for the renovation' (pin 1) forbids the connection of block " + pinned in res.output
    assert f"{len(lost)} block(s) have no allowed heat option: {', '.join(lost)}" in res.output
    assert "No single yearly limit" not in res.output
    assert "(it replaces the earlier plan there)" in res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert not s["deadline_met"]
    assert len(s["warnings"]) == 1 and s["warnings"][0].startswith(warning)
    assert any("wait for the renovation" in line for line in s["diagnostics"])
    assert (out / heatplan.io.MARKER).is_file() and heatplan.io.output_kind(out) == "plan"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_stock_that_needs_nothing_is_refused_before_layout(stock_csv: Path, tmp_path: Path, no_layout):
    stock = load_stock(stock_csv)
    cases = {
        "gas_free.csv": stock.assign(heating="district_heating", cooking="induction"),
        "demolished.csv": stock.assign(demolition_year=2030),  # before the deadline 2040
    }
    for name, table in cases.items():
        table.to_csv(tmp_path / name, index=False)
        before = checksums(tmp_path)
        assert_user_error(plan(tmp_path / name, tmp_path / "out"), name, "no block needs a measure")
        assert checksums(tmp_path) == before


def test_existing_customers_above_their_source_are_refused_before_layout(
    stock_csv: Path, tmp_path: Path, no_layout
):
    """Three times the stock's district heating near Leyweg: more than Leyweg and its peak boilers carry."""
    full = load_stock()
    dh = full[(full["heating"] == "district_heating") & full["new_build_year"].isna()]
    dh = dh.assign(dwellings=dh["dwellings"] * 3, floor_area_m2=dh["floor_area_m2"] * 3)
    path = tmp_path / "with_dh.csv"
    pd.concat([load_stock(stock_csv), dh]).to_csv(path, index=False)
    before = checksums(tmp_path)
    assert_user_error(
        plan(path, tmp_path / "out"),
        "embedded zuidwest_sources.csv: row 2, source_id = 'leyweg_geothermal'",
        "already on district heating",
        "capacity_mw + peak_boiler_mw = 11.50 MW",
    )
    assert checksums(tmp_path) == before
