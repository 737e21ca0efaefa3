"""``heatplan report DIR [--lang nl|en]``: rebuilds the three files from plan.nc; clear errors otherwise."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from heatplan.cli.report import report_cmd
from heatplan.report import REPORT_FILES
from tests.bad_input import assert_user_error, checksums
from tests.report.plan_factory import make_plan_dataset, write_plan_dir


@pytest.fixture
def bare_plan(tmp_path):
    out, _ = write_plan_dir(tmp_path / "results")
    return out


def test_report_builds_all_files_from_plan_nc_alone(bare_plan):
    (bare_plan / "schedule.csv").unlink()  # only plan.nc is needed
    res = CliRunner().invoke(report_cmd, [str(bare_plan), "--lang", "en"])
    assert res.exit_code == 0, res.output
    for name in REPORT_FILES:
        assert (bare_plan / name).stat().st_size > 1000
        assert f"wrote {bare_plan / name}" in res.output
    assert '<html lang="en">' in (bare_plan / "report.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in bare_plan.iterdir()) == sorted(
        ["plan.nc", *REPORT_FILES]
    )  # no temp files left


def test_rebuild_replaces_files(bare_plan):
    runner = CliRunner()
    assert runner.invoke(report_cmd, [str(bare_plan), "--lang", "en"]).exit_code == 0
    assert runner.invoke(report_cmd, [str(bare_plan)]).exit_code == 0
    assert '<html lang="nl">' in (bare_plan / "report.html").read_text(encoding="utf-8")


def _fails(args, *words):
    res = CliRunner().invoke(report_cmd, args)
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert res.output.startswith("Error: ")
    for w in words:
        assert w in res.output, res.output
    return res.output


def test_missing_dir(tmp_path):
    _fails([str(tmp_path / "nope")], "no such folder")


def test_file_instead_of_dir(tmp_path):
    (tmp_path / "plan.nc").write_text("x")
    _fails([str(tmp_path / "plan.nc")], "is a file, not a folder")


def test_dir_without_plan(tmp_path):
    _fails([str(tmp_path)], "has no plan.nc", "heatplan plan --out")


def test_garbage_plan(tmp_path):
    (tmp_path / "plan.nc").write_bytes(b"this is not netcdf" * 10)
    _fails([str(tmp_path)], "not a readable plan file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.nc"]


def test_plan_missing_variables(tmp_path):
    ds, _ = make_plan_dataset()
    ds.drop_vars(["owner", "connection_year"]).to_netcdf(tmp_path / "plan.nc")
    out = _fails([str(tmp_path)], "'owner' is missing", "'connection_year' is missing")
    assert out.count("is missing") == 2


def test_wrong_language_is_a_usage_error(bare_plan):
    res = CliRunner().invoke(report_cmd, [str(bare_plan), "--lang", "de"])
    assert res.exit_code == 2 and "'de' is not one of" in res.output


def test_registered_in_main_command():
    main = pytest.importorskip(
        "heatplan.cli.main", reason="heatplan.cli.main does not import (other work in progress)"
    )
    assert main.cli.commands["report"] is report_cmd


def test_file_is_written_only_when_complete(bare_plan, monkeypatch):
    """A failure while writing leaves no half-written file and keeps the earlier report."""
    assert CliRunner().invoke(report_cmd, [str(bare_plan)]).exit_code == 0
    before = (bare_plan / "report.html").read_bytes()
    import heatplan.report.html as html_mod

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(html_mod, "render_html", boom)
    res = CliRunner().invoke(report_cmd, [str(bare_plan), "--lang", "en"])
    assert res.exit_code != 0 and isinstance(res.exception, RuntimeError)
    assert (bare_plan / "report.html").read_bytes() == before
    assert not [p for p in bare_plan.iterdir() if p.name.startswith(".")]
    shutil.rmtree(bare_plan)


def test_report_files_the_user_made_are_not_overwritten(bare_plan):
    """A folder with plan.nc among the user's own files is not a heatplan plan folder."""
    (bare_plan / "report.html").write_text("<p>my own report</p>", encoding="utf-8")
    (bare_plan / "notes.txt").write_text("mine", encoding="utf-8")
    before = checksums(bare_plan)
    res = CliRunner().invoke(report_cmd, [str(bare_plan)])
    assert_user_error(res, "report.html would be replaced", "not a heatplan plan folder")
    assert checksums(bare_plan) == before


def test_report_into_a_plan_folder_written_by_heatplan(bare_plan):
    """A plan folder of heatplan's (here one from before the marker file) gets its reports rebuilt."""
    (bare_plan / "report.html").write_text("<p>an earlier report</p>", encoding="utf-8")
    res = CliRunner().invoke(report_cmd, [str(bare_plan)])
    assert res.exit_code == 0, res.output
    assert "an earlier report" not in (bare_plan / "report.html").read_text(encoding="utf-8")
