"""report.html in Debian's headless Chromium: it renders (screenshot), logs nothing, shows charts and map."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless browser test needs Debian's chromium: apt-get install -y chromium"
)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # any network request would fail (and be logged)
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip


def _run(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp / 'profile'}", *extra, page.resolve().as_uri()]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def _console_lines(stderr: str, page: Path) -> list[str]:
    """Console messages (any level) and uncaught errors from the page."""
    return [ln for ln in stderr.splitlines() if (":CONSOLE" in ln or "Uncaught" in ln) and page.name in ln]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_console_check_catches_errors(tmp_path):
    """The check below is not vacuous: a page that throws is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><script>throw new Error("kaput")</script></body></html>')
    res = _run(bad, tmp_path, f"--screenshot={tmp_path / 'bad.png'}", "--window-size=400,300")
    assert any("kaput" in ln for ln in _console_lines(res.stderr, bad)), res.stderr[-2000:]


def test_report_renders_in_chromium(plan_dir, tmp_path):
    page = plan_dir / "report.html"
    shot = tmp_path / "report.png"
    res = _run(page, tmp_path, f"--screenshot={shot}", "--window-size=1400,3000")
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists(), res.stderr[-2000:]
    assert _png_size(shot) == (1400, 3000)
    assert shot.stat().st_size > 50_000  # a blank page compresses to a few kB
    assert _console_lines(res.stderr, page) == []
    assert "ERR_NAME_NOT_RESOLVED" not in res.stderr and "net::ERR" not in res.stderr
    out = os.environ.get("HEATPLAN_TEST_ARTIFACTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(out) / "report.png")
    print(f"screenshot: {shot}")
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(shot) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 200  # charts and map, not a blank page


def test_dom_has_rendered_charts(plan_dir, tmp_path):
    res = _run(plan_dir / "report.html", tmp_path, "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    for cid in (
        "chart-measures",
        "chart-gas-free",
        "chart-cost",
        "chart-supply",
        "chart-loss",
        "chart-source",
        "map",
    ):
        assert f'id="{cid}"' in dom
    assert dom.count('class="block"') == 12 and dom.count('class="bar"') > 21
