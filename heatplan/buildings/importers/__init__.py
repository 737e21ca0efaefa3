"""Importers of Dutch registers: RVO EP-Online energy labels and Kadaster BAG, into blocks."""

from heatplan.buildings.importers.pipeline import (
    ImportOptions,
    ImportReport,
    import_stock,
    write_blocks,
)

__all__ = ["ImportOptions", "ImportReport", "import_stock", "write_blocks"]
