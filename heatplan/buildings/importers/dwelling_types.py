"""EP-Online building types and BAG pand sizes to the PBL Vesta dwelling types.

EP-Online gives a ``Gebouwtype`` and ``Gebouwsubtype`` text per label (e.g. "Rijwoning hoek",
"Appartement" / "Tussenvloer tussengevel", older files "Twee-onder-een-kap / rijwoning hoek").
The text (type and subtype together, lower case, letters and digits only) is matched by keyword,
first rule that matches wins:

==========================================================  ==============================
keyword in the text                                          type
==========================================================  ==============================
appartement, flat, portiek, galerij, maisonnette, etage,     multi-family ("meergezins")
bovenwoning, benedenwoning, meergezins, corridor
vrijstaand                                                    vrijstaand
2onder1, tweeondereen, halfvrijstaand                         2 onder 1 kap
hoek, eindwoning, kopwoning                                   rijwoning hoek
tussen, rijwoning, rijtjes, eengezins                         rijwoning tussen
==========================================================  ==============================

A multi-family dwelling is "meergezins: hoog" when its BAG pand holds at least
:data:`HIGH_RISE_MIN_DWELLINGS` dwellings, else "meergezins: laag en midden" (our estimate:
BAG has no storey count). A dwelling without an EP-Online type gets its type from the pand
size alone: 1 dwelling -> "rijwoning tussen" (the most common single-family type in the
Netherlands), 2 or more -> multi-family as above.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Intermediate codes: 0 unknown, then the rows of the table above.
UNKNOWN, DETACHED, SEMI, END_TERRACE, MID_TERRACE, MULTI = range(6)
_RULES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (MULTI, ("appartement", "flat", "portiek", "galerij", "maisonnette", "etage",
             "bovenwoning", "benedenwoning", "meergezins", "corridor")),
    (DETACHED, ("vrijstaand",)),
    (SEMI, ("2onder1", "tweeondereen", "halfvrijstaand")),
    (END_TERRACE, ("hoek", "eindwoning", "kopwoning")),
    (MID_TERRACE, ("tussen", "rijwoning", "rijtjes", "eengezins")),
)  # fmt: skip
#: Pand size (dwellings) from which a multi-family building counts as high-rise (estimate).
HIGH_RISE_MIN_DWELLINGS = 40
_NAMES = {DETACHED: "vrijstaand", SEMI: "2 onder 1 kap", END_TERRACE: "rijwoning hoek",
          MID_TERRACE: "rijwoning tussen"}  # fmt: skip
_HIGH, _LOW = 6, 7
_VESTA = np.array(["", *(_NAMES[c] for c in range(1, 5)), "", "meergezins: hoog",
                   "meergezins: laag en midden"], dtype=object)  # fmt: skip
_CLEAN = re.compile(r"[^0-9a-z]")


def type_code(text: str) -> int:
    """Intermediate type code of one EP-Online type text (0 if no rule matches)."""
    key = _CLEAN.sub("", text.lower())
    for code, words in _RULES:
        if any(w in key for w in words):
            return code
    return UNKNOWN


def type_codes(texts: pd.Series) -> np.ndarray:
    """Type codes (int8) for a series of texts; each distinct text is matched once."""
    cat = texts.fillna("").astype("category")
    lookup = np.array([type_code(str(c)) for c in cat.cat.categories] + [UNKNOWN], dtype=np.int8)
    return lookup[cat.cat.codes.to_numpy()]


def vesta_types(codes: np.ndarray, pand_dwellings: np.ndarray) -> np.ndarray:
    """PBL Vesta dwelling type per dwelling from its type code and its pand's dwelling count."""
    codes = np.asarray(codes)
    size = np.asarray(pand_dwellings)
    out = np.where(codes == UNKNOWN, MID_TERRACE, codes)
    multi = (codes == MULTI) | ((codes == UNKNOWN) & (size >= 2))
    out = np.where(multi, np.where(size >= HIGH_RISE_MIN_DWELLINGS, _HIGH, _LOW), out)
    return _VESTA[out]
