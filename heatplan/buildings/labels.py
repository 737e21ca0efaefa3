"""Energy labels: order, the EP-Online to envelope-label mapping, label steps and policy.

EP-Online registers an *energy* label (A+++++ .. G, primary fossil energy per m2 including the
installations). PBL Vesta's key figures are per *envelope* ("schil") label G .. A. heatplan
states one explicit assumption (docs/stock.md): for a dwelling heated by a gas boiler the
envelope label equals the EP-Online label, with A+ .. A+++++ counted as envelope label A.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

#: EP-Online labels, worst first.
EP_LABELS: tuple[str, ...] = (
    "G", "F", "E", "D", "C", "B", "A", "A+", "A++", "A+++", "A++++", "A+++++",
)  # fmt: skip
#: Vesta envelope labels, worst first.
ENVELOPE_LABELS: tuple[str, ...] = ("G", "F", "E", "D", "C", "B", "A")

_RANK = {lab: i for i, lab in enumerate(EP_LABELS)}


def label_rank(labels: pd.Series | Iterable[str]) -> np.ndarray:
    """Rank of each label, 0 for G up to 11 for A+++++ (-1 where not a label)."""
    s = pd.Series(list(labels) if not isinstance(labels, pd.Series) else labels, dtype=object)
    return s.map(_RANK).fillna(-1).astype(int).to_numpy()


def is_label(value: object) -> bool:
    """True if ``value`` is one of the EP-Online labels."""
    return isinstance(value, str) and value in _RANK


def to_envelope(labels: pd.Series) -> pd.Series:
    """Map EP-Online labels to Vesta envelope labels (A+ .. A+++++ become A)."""
    return labels.where(~labels.isin(EP_LABELS[7:]), "A")


def better_of(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise the better of two label series."""
    take_a = label_rank(a) >= label_rank(b)
    return pd.Series(np.where(take_a, a.to_numpy(), b.to_numpy()), index=a.index)


def worst_label_for_supply(
    supply_temp_c: float, required_supply_c: Mapping[str, float], design_drop_k: float
) -> str | None:
    """Weakest envelope label a network of nominal ``supply_temp_c`` can serve (None if none)."""
    ok = [lab for lab in ENVELOPE_LABELS if required_supply_c[lab] <= supply_temp_c - design_drop_k]
    return ok[0] if ok else None


def required_supply_temp_c(labels: pd.Series, required_supply_c: Mapping[str, float]) -> pd.Series:
    """Supply temperature (deg C) that must arrive at each block for its label."""
    return to_envelope(labels).map(dict(required_supply_c)).astype(float)
