"""``heatplan plan`` stopped by Ctrl-C (SIGINT) or SIGTERM while HiGHS solves (issue 17, item 2).

The command runs in a subprocess on 1,000 blocks of the embedded stock (an LP of ~10 s of CPU);
the signal is sent just after the model is handed to HiGHS. The command must stop at once (a few
CPU seconds; not when the solver is done), exit 130 / 143 with one line, leave no temporary
folder, and keep the earlier plan in ``--out`` byte for byte.
"""

from __future__ import annotations

import hashlib
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from heatplan.buildings.stock import load_stock
from heatplan.cli.main import cli


@pytest.fixture(scope="module")
def stocks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 20-block stock (for the earlier plan) and a 1,000-block one (in the solver for seconds)."""
    b = load_stock()
    b = b[b["new_build_year"].isna() & b["demolition_year"].isna()]
    folder = tmp_path_factory.mktemp("stocks")
    small, big = folder / "small.csv", folder / "big.csv"
    b.iloc[:20].to_csv(small, index=False)
    b.iloc[:1000].to_csv(big, index=False)
    return small, big


@pytest.fixture(scope="module")
def earlier_plan(stocks: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("earlier") / "plan"
    res = CliRunner().invoke(cli, ["plan", "--stock", str(stocks[0]), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("sig", "status", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                     (signal.SIGTERM, 143, "terminated")])  # fmt: skip
def test_a_signal_in_the_solver_stops_at_once_and_keeps_the_earlier_plan(
    sig: signal.Signals,
    status: int,
    word: str,
    stocks: tuple[Path, Path],
    earlier_plan: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan"
    shutil.copytree(earlier_plan, out)
    before = _digest(out)
    exe = str(Path(sys.executable).with_name("heatplan"))
    cmd = [exe, "-v", "plan", "--stock", str(stocks[1]), "--out", str(out)]
    cpu0 = _children_cpu_s()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # the INFO line logged when the model has been handed to HiGHS
        if "model built" in line:
            break
    time.sleep(1.0)
    sent, cpu_sent = time.monotonic(), sum(psutil.Process(proc.pid).cpu_times()[:2])
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=300)
    took = time.monotonic() - sent
    # CPU seconds after the signal (the LP alone needs ~10 s of CPU): the wall time depends on how
    # busy the machine is, the CPU time does not
    cpu_after = _children_cpu_s() - cpu0 - cpu_sent
    assert proc.returncode == status, stderr
    assert cpu_after < 4.0, f"{cpu_after:.1f} s of CPU ({took:.1f} s) to stop"
    assert "verifying" not in stderr, "the signal came after the solve: the test did not test HiGHS"
    lines = [ln for ln in stderr.splitlines() if ln.startswith("heatplan: ") and word in ln]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no hidden temporary folder
    assert _digest(out) == before
