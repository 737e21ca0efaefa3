"""`heatplan stock import --out`: an earlier import is replaced (and said so), any other file is kept."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from heatplan.buildings.schema import read_blocks
from heatplan.cli.main import cli
from tests.bad_input import assert_user_error, checksums

FIX = Path(__file__).resolve().parent / "fixtures"
EP, BAG = FIX / "ep_online_v2.csv", FIX / "bag_verblijfsobject.csv"


def run(out: Path, bag: Path = BAG):
    return CliRunner().invoke(
        cli, ["stock", "import", "--ep-online", str(EP), "--bag", str(bag), "--out", str(out)]
    )


def test_an_earlier_import_is_replaced_and_the_command_says_so(tmp_path: Path) -> None:
    out = tmp_path / "blocks.csv"
    first = run(out)
    assert first.exit_code == 0, first.output
    assert "replaces" not in first.output
    assert out.read_text(encoding="utf-8").startswith("# heatplan stock import")
    again = run(out)
    assert again.exit_code == 0, again.output
    assert f"written: {out} (it replaces the table an earlier import wrote)" in again.output
    assert read_blocks(out)["dwellings"].sum() == 7


def test_a_file_heatplan_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    mine = tmp_path / "blocks.csv"
    mine.write_text("block_id,dwellings\nmine,4\n", encoding="utf-8")
    bag = tmp_path / "bag.csv"
    bag.write_bytes(BAG.read_bytes())
    before = checksums(tmp_path)
    assert_user_error(run(mine), "blocks.csv", "was not written by heatplan")
    assert_user_error(run(bag, bag), "bag.csv", "was not written by heatplan")  # --out is an input
    assert_user_error(run(tmp_path / "no" / "blocks.csv"), "does not exist")
    assert_user_error(run(tmp_path), "is a directory")  # click refuses a folder for a file option
    assert checksums(tmp_path) == before
