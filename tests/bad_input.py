"""Helpers for bad-input tests: one `Error:` line, no traceback, the user's files untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import Result


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones too), by relative path; folders as 'dir'."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


def assert_user_error(res: Result, *needles: str) -> str:
    """Exit status 1 (2: a click usage error), no traceback, one `Error:` line, every needle in the output."""
    assert res.exit_code in (1, 2), (res.exit_code, res.output, res.exception)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, res.output
    for needle in needles:
        assert needle in res.output, (needle, res.output)
    return errors[0]
