"""``heatplan sweep`` stopped with Ctrl-C (SIGINT) after one scenario, then run again."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from heatplan.batch.sweep import finished_names

GRID = """
[grid]
override_sets = [""]
[grid.parameters]
"capacity.switch_dwellings_per_yr" = [2400.0, 300.0, 200.0]
"""


def test_interrupted_sweep_keeps_finished_scenarios_and_resumes(
    tmp_path: Path, scenario_file: Path, small_stock_csv: Path
) -> None:
    exe = str(Path(sys.executable).with_name("heatplan"))
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID, encoding="utf-8")
    out = tmp_path / "sweep"
    cmd = [exe, "sweep", "--scenario", str(scenario_file), "--grid", str(grid), "--out", str(out)]
    cmd += ["--stock", str(small_stock_csv), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not finished_names(out) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    finished = finished_names(out)
    assert proc.returncode == 130, err
    assert f"interrupted: {len(finished)} scenario(s) finished" in err
    assert 1 <= len(finished) < 3
    # a scenario cut off mid-way may leave only a hidden temporary folder, never a finished one
    assert all(p.name.startswith(".") for p in (out / "scenarios").iterdir() if p.name not in finished)
    stamps = {n: (out / "scenarios" / n / "summary.json").stat().st_mtime_ns for n in finished}
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{3 - len(finished)} run now, {len(finished)} finished before" in again.stdout
    assert all((out / "scenarios" / n / "summary.json").stat().st_mtime_ns == t for n, t in stamps.items())
    assert len(finished_names(out)) == 3
    assert "INFO distributed" not in again.stderr  # Dask's own log lines only with -v
    assert not list((out / "scenarios").glob(".*"))  # the restart removed the temporary leftovers
