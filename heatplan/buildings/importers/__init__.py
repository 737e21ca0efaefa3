"""Importers of Dutch registers into blocks.

RVO EP-Online energy labels and Kadaster BAG; CBS buurten by location, grid operators' gas use,
owners' lists.
"""

from heatplan.buildings.importers.blocks import write_blocks
from heatplan.buildings.importers.pipeline import ImportOptions, import_stock
from heatplan.buildings.importers.report import ImportReport

__all__ = ["ImportOptions", "ImportReport", "import_stock", "write_blocks"]
