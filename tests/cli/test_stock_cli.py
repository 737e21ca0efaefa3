import json
from pathlib import Path

from click.testing import CliRunner

from heatplan.cli.main import cli
from tests.conftest import make_blocks


def test_summary_json_embedded():
    res = CliRunner().invoke(cli, ["stock", "summary", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.output)
    assert {"blocks", "dwellings", "new_build_dwellings", "by_wijk", "by_label", "by_owner_type"} <= set(s)
    assert sum(s["by_wijk"].values()) == s["dwellings"] == sum(s["by_label"].values())


def test_summary_table_and_validate(tmp_path: Path):
    path = tmp_path / "blocks.csv"
    make_blocks().to_csv(path, index=False)
    res = CliRunner().invoke(cli, ["stock", "summary", "--stock", str(path)])
    assert res.exit_code == 0 and "80 dwellings today" in res.output
    res = CliRunner().invoke(cli, ["stock", "validate", str(path)])
    assert res.exit_code == 0 and "valid, 4 blocks, 80 dwellings" in res.output


def test_bad_table_one_message_no_traceback(tmp_path: Path):
    raw = make_blocks().drop(columns=["heating"])
    raw.loc[1, "block_id"] = "B0"
    raw.loc[2, "label"] = "Z"
    raw.loc[3, "dwellings"] = "-1"
    path = tmp_path / "bad.csv"
    raw.to_csv(path, index=False)
    for args in (["stock", "validate", str(path)], ["stock", "summary", "--stock", str(path)]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 1
        assert "Traceback" not in res.output
        for needle in ("'heating'", "'B0'", "'Z'", "'-1'", "4 problem(s)"):
            assert needle in res.output


def test_missing_file(tmp_path: Path):
    res = CliRunner().invoke(cli, ["stock", "validate", str(tmp_path / "none.csv")])
    assert res.exit_code == 1 and "no such file" in res.output
