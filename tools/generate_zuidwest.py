"""Regenerate the embedded, synthetic Zuidwest block stock (heatplan/data/zuidwest_blocks.csv).

    python tools/generate_zuidwest.py

Deterministic: the same code and seed give the same file (a test checks this).
"""

from __future__ import annotations

from heatplan.buildings.synthetic import ZUIDWEST, write_embedded_stock

if __name__ == "__main__":
    path = write_embedded_stock(ZUIDWEST)
    print(f"wrote {path}")
