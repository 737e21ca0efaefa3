"""Words of the report's electricity-grid parts (section, map, workbook table), Dutch and English.

Kept apart from :mod:`heatplan.report.text`, which merges them into its languages.
"""

from __future__ import annotations

GRID_NL: dict[str, str] = {
    "grid": "Elektriciteitsnet",
    "ch_grid": "Elektriciteitsnet: winteravondpiek per jaar [MW]",
    "grid_peak": "piek",
    "grid_rating": "vermogen MS/LS-stations",
    "grid_source_synthetic": "een synthetisch net",
    "grid_source_file": "het net uit {name}",
    "grid_intro": "Het elektriciteitsnet onder het plan ({source}, {stations}): per "
    "gecontroleerd jaar de winteravondpiek door het net gerekend (loadflow).",
    "grid_reinforced": "Het plan verzwaart {stations} en {feeders}, samen "
    "€ {cost} (niet verdisconteerd), van {first} tot en met {last}.",
    "grid_no_reinforcement": "Geen netverzwaring nodig: het plan verzwaart geen stations of strengen.",
    "grid_not_fed_back": "Het net is alleen gecontroleerd: dit plan.nc plant geen netverzwaringen "
    "(gemaakt met een oudere heatplan).",
    "grid_last_year": "In {year}: piek {peak} MW; het zwaarst belaste station, {station}, op {pct} % van "
    "zijn vermogen; laagste spanning {vm} p.u. (achter {vm_station}).",
    "grid_within": "Alle stations en kabels blijven dat jaar binnen hun vermogen, alle spanningen binnen "
    "de band.",
    "grid_past_limits": "Dat jaar boven hun vermogen: stations {stations}, kabels {cables}; knooppunten "
    "buiten de spanningsband: {buses}.",
    "n_stations": "{n} MS/LS-stations",
    "n_stations_1": "{n} MS/LS-station",
    "n_feeders": "{n} LS-strengen",
    "n_feeders_1": "{n} LS-streng",
    "grid_not_converged": "In {year} convergeerde de loadflow niet: geen belasting of spanning.",
    "grid_reinforcements_per_year": "Netverzwaringen per jaar",
    "grid_per_year": "Elektriciteitsnet per jaar",
    "x_peak_mw": "Winteravondpiek [MW]",
    "x_station_loading_max_pct": "Hoogste stationsbelasting [%]",
    "x_vm_min_pu": "Laagste spanning [p.u.]",
    "x_reinforced_stations": "Verzwaarde MS/LS-stations [aantal]",
    "x_reinforced_feeders": "Verzwaarde LS-strengen [aantal]",
    "x_reinforcement_cost_eur": "Kosten netverzwaring [EUR, niet verdisconteerd]",
    "grid_map": "Elektriciteitsnet: belasting van de MS/LS-stations",
    "grid_map_caption": "Elk MS/LS-station als vierkantje, gekleurd naar zijn hoogste belasting over de "
    "planjaren (winteravondpiek, % van zijn vermogen, na een verzwaring het nieuwe vermogen); een ring om "
    "een station dat het plan verzwaart; de kabels grijs, verzwaarde kabels paars. Wijs een station aan "
    "voor zijn vermogen, hoogste belasting, laagste spanning en het jaar van verzwaring.",
    "grid_station": "station",
    "highest_loading": "hoogste belasting",
    "lowest_voltage": "laagste spanning",
    "station_reinforced": "verzwaard in {year} (naar {kva} kVA)",
    "feeders_reinforced": "strengen verzwaard in",
    "cable": "kabel",
    "cable_reinforced": "verzwaard in {year}",
    "legend_loading": "Hoogste stationsbelasting:",
    "load_low": "< 70 %",
    "load_mid": "70–100 %",
    "load_high": "> 100 % (overbelast)",
    "legend_reinforced": "station verzwaard (jaar in de tooltip)",
    "legend_cables": "kabels",
    "legend_cable_reinforced": "verzwaarde kabel",
}

GRID_EN: dict[str, str] = {
    "grid": "Electricity grid",
    "ch_grid": "Electricity grid: winter-evening peak per year [MW]",
    "grid_peak": "peak",
    "grid_rating": "MV/LV stations' rating",
    "grid_source_synthetic": "a synthetic grid",
    "grid_source_file": "the grid from {name}",
    "grid_intro": "The electricity grid under the plan ({source}, {stations}): each checked "
    "year's winter-evening peak run through the grid (load flow).",
    "grid_reinforced": "The plan reinforces {stations} and {feeders}, € {cost} "
    "in total (undiscounted), from {first} to {last}.",
    "grid_no_reinforcement": "No reinforcement needed: the plan reinforces no station or feeder.",
    "grid_not_fed_back": "The grid is only checked: this plan.nc plans no grid reinforcements (made by an "
    "older heatplan).",
    "grid_last_year": "In {year}: peak {peak} MW; the most loaded station, {station}, at {pct} % of its "
    "rating; lowest voltage {vm} p.u. (behind {vm_station}).",
    "grid_within": "That year every station and cable stays within its rating, every voltage within the "
    "band.",
    "grid_past_limits": "That year over their rating: stations {stations}, cables {cables}; buses outside "
    "the voltage band: {buses}.",
    "n_stations": "{n} MV/LV stations",
    "n_stations_1": "{n} MV/LV station",
    "n_feeders": "{n} LV feeders",
    "n_feeders_1": "{n} LV feeder",
    "grid_not_converged": "In {year} the load flow did not converge: no loading or voltage.",
    "grid_reinforcements_per_year": "Grid reinforcements per year",
    "grid_per_year": "Electricity grid per year",
    "x_peak_mw": "Winter-evening peak [MW]",
    "x_station_loading_max_pct": "Highest station loading [%]",
    "x_vm_min_pu": "Lowest voltage [p.u.]",
    "x_reinforced_stations": "MV/LV stations reinforced [count]",
    "x_reinforced_feeders": "LV feeders reinforced [count]",
    "x_reinforcement_cost_eur": "Grid reinforcement cost [EUR, undiscounted]",
    "grid_map": "Electricity grid: loading of the MV/LV stations",
    "grid_map_caption": "Each MV/LV station as a square, coloured by its highest loading over the planned "
    "years (winter-evening peak, % of its rating, after a reinforcement the new rating); a ring round a "
    "station the plan reinforces; cables grey, reinforced cables purple. Point at a station for its rating, "
    "highest loading, lowest voltage and the year it is reinforced.",
    "grid_station": "station",
    "highest_loading": "highest loading",
    "lowest_voltage": "lowest voltage",
    "station_reinforced": "reinforced in {year} (to {kva} kVA)",
    "feeders_reinforced": "feeders reinforced in",
    "cable": "cable",
    "cable_reinforced": "reinforced in {year}",
    "legend_loading": "Highest station loading:",
    "load_low": "< 70 %",
    "load_mid": "70–100 %",
    "load_high": "> 100 % (overloaded)",
    "legend_reinforced": "station reinforced (year in the tooltip)",
    "legend_cables": "cables",
    "legend_cable_reinforced": "reinforced cable",
}
