"""What an import did: counts per file and per reason, in plain words and as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from heatplan.buildings.importers.bag import BagCounts
from heatplan.buildings.importers.eponline import EpCounts


@dataclass
class BuurtCounts:
    """CBS buurten: where each dwelling's code came from."""

    source: str = ""  # the buurten file and layer
    polygons_read: int = 0
    from_column: int = 0
    by_location: int = 0
    outside_dropped: int = 0
    outside_kept: int = 0  # outside every buurt, given the nearest
    from_option: int = 0
    buurten: int = 0  # distinct buurten in the block table


@dataclass
class GasCounts:
    """Measured gas use (``--gas-use``)."""

    source: str = ""
    layout: str = ""
    rows_read: int = 0
    gas_rows: int = 0
    bad_rows: int = 0
    ranges: int = 0
    ranges_too_small: int = 0
    ranges_matched: int = 0
    dwellings_measured: int = 0
    dwellings_no_postcode: int = 0
    dwellings_no_range: int = 0
    dwellings_small_range: int = 0
    blocks_measured: int = 0
    blocks_estimated: int = 0


@dataclass
class OwnerCounts:
    """Owners (``--owners``)."""

    source: str = ""
    matched_by: str = ""
    rows_read: int = 0
    rows_matched: int = 0
    rows_not_dwelling: int = 0
    rows_outside_area: int = 0
    dwellings_matched: int = 0
    blocks_mixed: int = 0


@dataclass
class ImportReport:
    """Counts of one import, for the command's printout, ``--report`` and tests."""

    ep: EpCounts
    bag: BagCounts
    area: str = ""
    labels_matched: int = 0
    labels_no_bag_match: int = 0
    no_construction_year: int = 0
    no_location: int = 0
    areas_filled: int = 0
    dwellings: int = 0
    labels_estimated: int = 0
    blocks: int = 0
    buurten: BuurtCounts = field(default_factory=BuurtCounts)
    gas: GasCounts | None = None
    owners: OwnerCounts | None = None

    def lines(self) -> list[str]:
        """The printout, one line per figure."""
        ep, bag, bu = self.ep, self.bag, self.buurten
        area = f"{ep.outside_area:,} not of a dwelling in the area, " if self.area else ""
        out = [f"area: {self.area}"] if self.area else []
        out += [
            f"EP-Online ({ep.layout} layout): {ep.rows_read:,} rows read",
            f"  dropped: {area}{ep.non_residential:,} non-residential, {ep.permit_stage:,} permit stage, "
            f"{ep.no_vbo_id:,} without verblijfsobject id, {ep.no_label:,} without a valid label, "
            f"{ep.older_duplicates:,} older labels of the same dwelling",
            f"  labels kept: {ep.labels_kept:,}; used {self.labels_matched:,}, "
            f"no BAG match {self.labels_no_bag_match:,}",
            f"BAG ({bag.source}): {bag.rows_read:,} rows read",
            f"  dropped: {f'{bag.outside_area:,} outside the area, ' if self.area else ''}"
            f"{bag.non_residential:,} non-residential, {bag.demolished:,} demolished, "
            f"{bag.permit_stage:,} permit stage / not built, {bag.no_id + bag.duplicates:,} "
            f"without id or repeated, {self.no_construction_year:,} without construction year, "
            f"{self.no_location:,} without location"
            + (f", {bu.outside_dropped:,} outside every buurt" if bu.outside_dropped else ""),
            f"buurten: {bu.buurten:,} ({self._buurt_sources()})",
        ]
        out += self._gas_lines() + self._owner_lines()
        out += [
            f"dwellings kept: {self.dwellings:,} ({self.labels_estimated:,} labels estimated "
            f"from type x period, {self.areas_filled:,} floor areas filled)",
            f"blocks written: {self.blocks:,}",
        ]
        return out

    def _buurt_sources(self) -> str:
        bu = self.buurten
        parts = []
        if bu.from_column:
            parts.append(f"{bu.from_column:,} dwellings from the BAG buurtcode column")
        if bu.by_location or bu.source:
            parts.append(
                f"{bu.by_location:,} by location in {bu.source} ({bu.polygons_read:,} polygons read)"
            )
        if bu.outside_kept:
            parts.append(f"{bu.outside_kept:,} outside every buurt, given the nearest")
        if bu.from_option:
            parts.append(f"{bu.from_option:,} from --buurt-code")
        return "; ".join(parts) or "none"

    def _gas_lines(self) -> list[str]:
        g = self.gas
        if g is None:
            return []
        return [
            f"gas use ({g.source}, {g.layout}): {g.rows_read:,} rows read, {g.gas_rows:,} gas rows, "
            f"{g.ranges:,} postcode ranges ({g.ranges_too_small:,} with too few active connections, "
            f"{g.bad_rows:,} rows unreadable); {g.ranges_matched:,} ranges matched",
            f"  dwellings measured: {g.dwellings_measured:,}; left to the estimate: "
            f"{g.dwellings_small_range:,} in a range with too few connections, {g.dwellings_no_range:,} "
            f"outside every gas range, {g.dwellings_no_postcode:,} without postcode",
            f"  blocks with measured gas_m3_per_yr: {g.blocks_measured:,}; left to the estimate "
            f"(not every dwelling measured): {g.blocks_estimated:,}",
        ]

    def _owner_lines(self) -> list[str]:
        o = self.owners
        if o is None:
            return []
        outside = f", {o.rows_outside_area:,} outside the area" if o.rows_outside_area else ""
        return [
            f"owners ({o.source}, by {o.matched_by}): {o.rows_read:,} rows read, {o.rows_matched:,} matched "
            f"a dwelling, {o.rows_not_dwelling:,} not a dwelling kept{outside}; "
            f"{o.dwellings_matched:,} dwellings, {o.blocks_mixed:,} blocks with several owner types (mixed)",
        ]

    def to_dict(self) -> dict[str, Any]:
        """Every figure, for ``--report FILE`` (JSON)."""
        ep = {k: v for k, v in asdict(self.ep).items() if k != "columns"}
        bag = {k: v for k, v in asdict(self.bag).items() if k not in ("columns", "ids_seen")}
        return {
            "area": self.area or None,
            "ep_online": {
                **ep,
                "labels_used": self.labels_matched,
                "labels_no_bag_match": self.labels_no_bag_match,
            },
            "bag": {
                **bag,
                "no_construction_year": self.no_construction_year,
                "no_location": self.no_location,
            },
            "buurten": asdict(self.buurten),
            "gas_use": asdict(self.gas) if self.gas else None,
            "owners": asdict(self.owners) if self.owners else None,
            "dwellings": {
                "kept": self.dwellings,
                "labels_estimated": self.labels_estimated,
                "floor_areas_filled": self.areas_filled,
            },
            "blocks": self.blocks,
            "summary": self.lines(),
        }
