"""Words and number formats of the report files, Dutch (default) and English."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from heatplan.errors import InputError
from heatplan.report.text_actors import ACTORS_EN, ACTORS_NL
from heatplan.report.text_grid import GRID_EN, GRID_NL

LANGUAGES = ("nl", "en")

_NL: dict[str, str] = {
    # measures (cells of the per-year columns)
    "m_insulation": "isolatie",
    "m_induction": "inductie",
    "m_connection_mt": "aansluiting MT",
    "m_connection_lt": "aansluiting LT",
    "m_connection_hp": "warmtepomp",
    "m_demolition": "sloop",
    "m_new_build": "nieuwbouw",
    # cost items
    "i_insulation": "isolatie",
    "i_induction": "inductie",
    "i_connection": "aansluiting",
    "i_heat_pump": "warmtepomp",
    "i_network": "warmtenet",
    "i_source": "bron",
    "i_gas_removal": "gas afsluiten",
    "i_gas": "gas",
    "i_co2": "CO2",
    "i_bypass_capex": "bypass (investering)",
    "i_bypass_heat_loss": "bypass (warmteverlies)",
    "i_grid_reinforcement": "netverzwaring elektriciteit",
    "i_delivery_set": "afleverset",
    "i_in_building": "inpandige leidingen",
    "i_project_management": "projectmanagement",
    "i_substation": "onderstation",
    "i_lt_booster": "LT-booster",
    "i_transfer_station": "warmteoverdrachtstation",
    "i_collective_heat_pump": "collectieve warmtepomp",
    "i_service_pipes": "aansluitleidingen",
    "i_gas_boiler": "gasketel",
    "i_maintenance": "onderhoud",
    "i_electricity": "elektriciteit",
    "i_heat_source": "warmte van bronnen",
    "i_peak_boiler_gas": "gas voor piekketels",
    "i_network_heat_loss": "warmteverlies van het net",
    "i_network_share": "aandeel in het warmtenet",
    # options
    "o_mt": "MT-warmtenet",
    "o_lt": "LT-warmtenet",
    "o_hp": "warmtepomp",
    "o_": "geen (sloop)",
    "o_reference": "referentie (gasketel)",
    "os_mt": "MT",
    "os_lt": "LT",
    "os_hp": "WP",
    "os_reference": "ref",
    # dwelling types, short (charts)
    "t_meergezins: laag en midden": "laag/midden",
    "t_meergezins: hoog": "hoogbouw",
    "t_rijwoning tussen": "rij tussen",
    "t_rijwoning hoek": "rij hoek",
    "t_2 onder 1 kap": "2-onder-1-kap",
    "t_vrijstaand": "vrijstaand",
    # schedule columns (Excel headers, with units)
    "c_block_id": "Blok",
    "c_street": "Straat",
    "c_wijk_code": "Wijk",
    "c_buurt_code": "Buurt",
    "c_owner": "Eigenaar",
    "c_dwellings": "Woningen [aantal]",
    "c_label_now": "Label nu",
    "c_label_target": "Label doel",
    "c_option": "Optie",
    "c_insulation_year": "Isolatie [jaar]",
    "c_induction_year": "Inductie [jaar]",
    "c_connection_year": "Aansluiting [jaar]",
    "c_gas_free_year": "Aardgasvrij [jaar]",
    "c_cost_eur": "Kosten [EUR, niet verdisconteerd]",
    # general
    "title": "Warmteplan",
    "summary": "Samenvatting",
    "scenario": "Scenario",
    "created": "Gemaakt (UTC)",
    "version": "heatplan-versie",
    "stock": "Woningvoorraad",
    "key_figures": "Kerncijfers",
    "dwellings_total": "Woningen in het plan",
    "blocks_total": "Blokken",
    "deadline": "Streefjaar aardgasvrij",
    "gas_free_year_reached": "Jaar waarin alles aardgasvrij is",
    "deadline_met": "Streefjaar gehaald",
    "yes": "ja",
    "no": "nee",
    "not_reached": "niet gehaald binnen de planperiode",
    "required_pace": "Benodigd tempo [woningen/jaar]",
    "earliest_gas_free_year": "Vroegst mogelijke jaar aardgasvrij",
    "cost_total_eur": "Totale kosten [EUR, niet verdisconteerd]",
    "cost_npv_eur": "Contante waarde [EUR]",
    "cost_by_item": "Kosten per post",
    "item": "Post",
    "year": "Jaar",
    "per_year": "Per jaar",
    "switched_dwellings": "Overgestapte woningen",
    "insulated_dwellings": "Geïsoleerde woningen",
    "induction_dwellings": "Woningen met inductie",
    "gas_free_share": "Aardgasvrij [%]",
    "verified": "Geverifieerd",
    "n_failing_blocks": "Blokken niet in orde",
    "solver": "Oplosser",
    "certified": "Schema bewezen optimaal (binnen de gevraagde gap)",
    "not_certified_note": "Het schema is niet bewezen optimaal: gap {gap} (gevraagd {asked}){why}. "
    "Draai het plan opnieuw met meer tijd of op een rustigere machine.",
    "stopped_by_clock": ", een tijdslimiet stopte de oplosser",
    "legend": "Legenda",
    "legend_years": "Een cel per jaar noemt de maatregelen van dat jaar:",
    "legend_empty": "Lege cel: geen maatregel in dat jaar (of niet nodig).",
    "legend_see": "Maatregelen per jaar; legenda op blad {sheet}.",
    "verified_years": "Geverifieerde jaren",
    "failing_years": "Jaren met problemen",
    "none": "geen",
    "unknown": "(onbekend)",
    # HTML report
    "contents": "Inhoud",
    "charts": "Grafieken",
    "ch_measures": "Woningen per jaar per maatregel",
    "ch_gas_free": "Aardgasvrij aandeel (cumulatief) en het streefjaar",
    "ch_cost": "Kosten per jaar per post [mln EUR, niet verdisconteerd]",
    "ch_supply": "Laagste aankomende aanvoertemperatuur [°C]",
    "ch_loss": "Warmteverlies van het net [%]",
    "ch_source": "Bronbelasting en capaciteit [MW]",
    "network": "Het warmtenet per jaar",
    "design": "ontwerp",
    "low_load": "lage last",
    "load": "belasting",
    "capacity": "capaciteit",
    "map": "Kaart",
    "map_caption": "Blokken gekleurd naar overstapjaar (grootte naar aantal woningen), "
    "het warmtenet zoals gebouwd aan het eind van de planperiode, en de bronnen.",
    "no_switch": "geen overstap",
    "source": "bron",
    "off_map": "buiten de kaart",
    "sources": "Bronnen",
    "pipes": "leidingen",
    "by_wijk": "Per wijk",
    "by_owner": "Per eigenaar",
    "wijk": "Wijk",
    "owner": "Eigenaar",
    "blocks": "Blokken",
    "dwellings": "Woningen",
    "dwellings_today": "Woningen nu",
    "new_build_dwellings": "Nieuwbouwwoningen",
    "switched_by_deadline": "Aardgasvrij in streefjaar",
    "mean_switch_year": "Gemiddeld overstapjaar",
    "cost_eur": "Kosten [EUR]",
    "rounds": "Verificatierondes",
    "round": "Ronde",
    "round_failures": "Fouten",
    "round_cuts_added": "Toegevoegde snedes",
    "round_objective_eur": "Doelfunctie [EUR]",
    "round_failing_years": "Jaren met fouten",
    "round_note": "Toelichting",
    "failing_blocks": "Blokken die de verificatie niet halen",
    "fail_reason": "Reden",
    "no_data": "geen gegevens",
    "scenario_toml": "Volledig scenario (TOML)",
    "generated_by": "Gemaakt met heatplan uit plan.nc.",
    "dim_years": "jaar",
    "share": "aandeel",
    "all_ok": "Alle geplande jaren zijn hydraulisch en thermisch geverifieerd.",
    # national cost
    "national": "Nationale kosten",
    "national_intro": "Nationale kosten volgens de PBL-methode (Vesta MAIS): investeringen als annuïteit "
    "over hun technische levensduur, onderhoud, en energie tegen prijzen zonder energiebelasting en btw, "
    "tot het eind van het evaluatievenster ({end}). Contante waarden zijn in euro's van {base}. Elk blok "
    "krijgt de optie met de laagste contante waarde tenzij een capaciteit, bron, pin of het gedeelde net "
    "dat verhindert (option_costs.csv, kolom option_reason).",
    "no_national_cost": "Dit plan.nc heeft geen nationale kosten (gemaakt met een oudere heatplan); "
    "draai het plan opnieuw.",
    "ch_national_cost": "Nationale kosten per jaar per post [mln EUR, niet verdisconteerd]",
    "mln_eur": "mln EUR",
    "national_cost_sheet": "Nationale kosten per jaar per post [EUR, niet verdisconteerd; contante waarde: "
    "maal de discontofactor]",
    "g_insulation": "isolatie",
    "g_installations": "installaties en aansluiting",
    "g_network": "warmtenet en stations",
    "g_grid_reinforcement": "netverzwaring elektriciteit",
    "g_maintenance": "onderhoud",
    "g_gas_co2": "gas en CO2",
    "g_electricity": "elektriciteit",
    "g_heat_source": "warmte van bronnen",
    "g_network_heat_loss": "warmteverlies net",
    "g_other": "overig",
    "ch_electricity": "Elektriciteitsvraag per jaar [MWh/jaar]",
    "e_heat_pumps": "warmtepompen",
    "e_lt_boosters": "LT-boosters",
    "e_collective_heat_pumps": "collectieve warmtepompen (LT)",
    "e_network_pumps": "netpompen",
    "e_induction": "inductiekoken",
    "ch_typical": "Kosten per woning per optie voor de typische blokken "
    "[EUR per woning, contante waarde; * = gekozen optie, (..) = niet toegestaan]",
    "eur_per_dwelling_npv": "EUR/woning (contante waarde {base} t/m {end})",
    "typical_blocks": "Typische blokken: het mediane blok van de grootste groepen (woningtype en label nu)",
    "group": "Groep",
    "typical_block": "Typisch blok",
    "group_dwellings": "Woningen in de groep",
    "dwelling_type": "Woningtype",
    "total": "Totaal",
    "option_mix": "Optiemix [woningen die overstappen]",
    "cost_per_dwelling": "Nationale kosten per woning per optie",
    "cpd_dwellings": "Woningen",
    "cpd_chosen_npv_eur_per_dwelling": "Gekozen: contante waarde [EUR/woning]",
    "cpd_chosen_eur_per_yr_per_dwelling": "Gekozen: in het overstapjaar [EUR/woning/jaar]",
    "cpd_allowed_npv_eur_per_dwelling": "Alle blokken die de optie mogen: contante waarde [EUR/woning]",
    "heat_per_network": "Warmte per net per jaar (verlies uit de aangelegde leidingen; Vesta/CE Delft: "
    "10,5 GJ per MT-aansluiting, 2,6 per LT-aansluiting)",
    "h_connected_dwellings": "aangesloten woningen",
    "h_heat_delivered_gj": "geleverd [GJ]",
    "h_heat_loss_gj": "verlies [GJ]",
    "h_heat_loss_pct": "verlies [%]",
    "h_vesta_heat_loss_gj": "verlies volgens Vesta [GJ]",
    "electricity_per_year": "Elektriciteitsvraag per jaar [MWh/jaar]",
    "option_costs": "Optiekosten",
    "npv_per_dwelling": "[EUR/woning, contante waarde]",
    "options_sheet": "Opties",
    "heat_electricity": "Warmte en stroom",
    "discount_factor": "Discontofactor",
}

_EN: dict[str, str] = {
    "m_insulation": "insulation",
    "m_induction": "induction",
    "m_connection_mt": "connection MT",
    "m_connection_lt": "connection LT",
    "m_connection_hp": "heat pump",
    "m_demolition": "demolition",
    "m_new_build": "new build",
    "i_insulation": "insulation",
    "i_induction": "induction",
    "i_connection": "connection",
    "i_heat_pump": "heat pump",
    "i_network": "heat network",
    "i_source": "source",
    "i_gas_removal": "gas removal",
    "i_gas": "gas",
    "i_co2": "CO2",
    "i_bypass_capex": "bypass (investment)",
    "i_bypass_heat_loss": "bypass (heat loss)",
    "i_grid_reinforcement": "electricity grid reinforcement",
    "i_delivery_set": "delivery set",
    "i_in_building": "in-building pipes",
    "i_project_management": "project management",
    "i_substation": "substation",
    "i_lt_booster": "LT booster",
    "i_transfer_station": "transfer station",
    "i_collective_heat_pump": "collective heat pump",
    "i_service_pipes": "service pipes",
    "i_gas_boiler": "gas boiler",
    "i_maintenance": "maintenance",
    "i_electricity": "electricity",
    "i_heat_source": "heat from sources",
    "i_peak_boiler_gas": "gas for peak boilers",
    "i_network_heat_loss": "network heat loss",
    "i_network_share": "share of the heat network",
    "o_mt": "MT heat network",
    "o_lt": "LT heat network",
    "o_hp": "heat pump",
    "o_": "none (demolished)",
    "o_reference": "reference (gas boiler)",
    "os_mt": "MT",
    "os_lt": "LT",
    "os_hp": "HP",
    "os_reference": "ref",
    "t_meergezins: laag en midden": "low/mid-rise",
    "t_meergezins: hoog": "high-rise",
    "t_rijwoning tussen": "terraced",
    "t_rijwoning hoek": "end-terrace",
    "t_2 onder 1 kap": "semi-detached",
    "t_vrijstaand": "detached",
    "c_block_id": "Block",
    "c_street": "Street",
    "c_wijk_code": "Wijk",
    "c_buurt_code": "Buurt",
    "c_owner": "Owner",
    "c_dwellings": "Dwellings [count]",
    "c_label_now": "Label now",
    "c_label_target": "Label target",
    "c_option": "Option",
    "c_insulation_year": "Insulation [year]",
    "c_induction_year": "Induction [year]",
    "c_connection_year": "Connection [year]",
    "c_gas_free_year": "Gas-free [year]",
    "c_cost_eur": "Cost [EUR, undiscounted]",
    "title": "Heat plan",
    "summary": "Summary",
    "scenario": "Scenario",
    "created": "Created (UTC)",
    "version": "heatplan version",
    "stock": "Building stock",
    "key_figures": "Key figures",
    "dwellings_total": "Dwellings in the plan",
    "blocks_total": "Blocks",
    "deadline": "Gas-free deadline",
    "gas_free_year_reached": "Year everything is gas-free",
    "deadline_met": "Deadline met",
    "yes": "yes",
    "no": "no",
    "not_reached": "not reached within the planning period",
    "required_pace": "Required pace [dwellings/year]",
    "earliest_gas_free_year": "Earliest possible gas-free year",
    "cost_total_eur": "Total cost [EUR, undiscounted]",
    "cost_npv_eur": "Net present value [EUR]",
    "cost_by_item": "Cost by item",
    "item": "Item",
    "year": "Year",
    "per_year": "Per year",
    "switched_dwellings": "Dwellings switched",
    "insulated_dwellings": "Dwellings insulated",
    "induction_dwellings": "Dwellings with induction",
    "gas_free_share": "Gas-free [%]",
    "verified": "Verified",
    "n_failing_blocks": "Blocks failing",
    "solver": "Solver",
    "certified": "Schedule proven optimal (within the gap asked)",
    "not_certified_note": "The schedule is not proven optimal: gap {gap} (asked {asked}){why}. "
    "Rerun the plan with more time or on a quieter machine.",
    "stopped_by_clock": ", a time limit stopped the solver",
    "legend": "Legend",
    "legend_years": "One cell per year names the measures of that year:",
    "legend_empty": "Empty cell: no measure that year (or none needed).",
    "legend_see": "Measures per year; legend on sheet {sheet}.",
    "verified_years": "Verified years",
    "failing_years": "Years with problems",
    "none": "none",
    "unknown": "(unknown)",
    "contents": "Contents",
    "charts": "Charts",
    "ch_measures": "Dwellings per year by measure",
    "ch_gas_free": "Gas-free share (cumulative) and the deadline",
    "ch_cost": "Yearly cost by item [million EUR, undiscounted]",
    "ch_supply": "Lowest arriving supply temperature [°C]",
    "ch_loss": "Network heat loss [%]",
    "ch_source": "Source load and capacity [MW]",
    "network": "The heat network per year",
    "design": "design",
    "low_load": "low load",
    "load": "load",
    "capacity": "capacity",
    "map": "Map",
    "map_caption": "Blocks coloured by switch year (size by dwellings), the heat network as built "
    "at the end of the planning period, and the sources.",
    "no_switch": "no switch",
    "source": "source",
    "off_map": "off the map",
    "sources": "Sources",
    "pipes": "pipes",
    "by_wijk": "By wijk",
    "by_owner": "By owner",
    "wijk": "Wijk",
    "owner": "Owner",
    "blocks": "Blocks",
    "dwellings": "Dwellings",
    "dwellings_today": "Dwellings today",
    "new_build_dwellings": "New-build dwellings",
    "switched_by_deadline": "Gas-free by the deadline",
    "mean_switch_year": "Mean switch year",
    "cost_eur": "Cost [EUR]",
    "rounds": "Verification rounds",
    "round": "Round",
    "round_failures": "Failures",
    "round_cuts_added": "Cuts added",
    "round_objective_eur": "Objective [EUR]",
    "round_failing_years": "Failing years",
    "round_note": "Note",
    "failing_blocks": "Blocks failing verification",
    "fail_reason": "Reason",
    "no_data": "no data",
    "scenario_toml": "Full scenario (TOML)",
    "generated_by": "Made with heatplan from plan.nc.",
    "dim_years": "year",
    "share": "share",
    "all_ok": "Every planned year passed the hydraulic and thermal verification.",
    "national": "National cost",
    "national_intro": "National costs the PBL way (Vesta MAIS): investments as annuities over their "
    "technical lifetimes, maintenance, and energy at prices without energy tax and VAT, to the end of the "
    "evaluation window ({end}). Net present values are in euros of {base}. Each block gets the option with "
    "the lowest net present value unless a capacity, a source, a pin or the shared network prevents it "
    "(option_costs.csv, column option_reason).",
    "no_national_cost": "This plan.nc has no national costs (made by an older heatplan); run the plan again.",
    "ch_national_cost": "National cost per year by item [million EUR, undiscounted]",
    "mln_eur": "million EUR",
    "national_cost_sheet": "National cost per year by item [EUR, undiscounted; net present value: times the "
    "discount factor]",
    "g_insulation": "insulation",
    "g_installations": "installations and connection",
    "g_network": "heat network and stations",
    "g_grid_reinforcement": "electricity grid reinforcement",
    "g_maintenance": "maintenance",
    "g_gas_co2": "gas and CO2",
    "g_electricity": "electricity",
    "g_heat_source": "heat from sources",
    "g_network_heat_loss": "network heat loss",
    "g_other": "other",
    "ch_electricity": "Electricity demand per year [MWh/yr]",
    "e_heat_pumps": "heat pumps",
    "e_lt_boosters": "LT boosters",
    "e_collective_heat_pumps": "collective heat pumps (LT)",
    "e_network_pumps": "network pumps",
    "e_induction": "induction cooking",
    "ch_typical": "Cost per dwelling by option for the typical blocks "
    "[EUR per dwelling, net present value; * = option chosen, (..) = not allowed]",
    "eur_per_dwelling_npv": "EUR/dwelling (NPV {base}, to {end})",
    "typical_blocks": "Typical blocks: the median block of the largest groups (dwelling type and label now)",
    "group": "Group",
    "typical_block": "Typical block",
    "group_dwellings": "Dwellings in the group",
    "dwelling_type": "Dwelling type",
    "total": "Total",
    "option_mix": "Option mix [dwellings that switch]",
    "cost_per_dwelling": "National cost per dwelling by option",
    "cpd_dwellings": "Dwellings",
    "cpd_chosen_npv_eur_per_dwelling": "Chosen: net present value [EUR/dwelling]",
    "cpd_chosen_eur_per_yr_per_dwelling": "Chosen: in the switch year [EUR/dwelling/yr]",
    "cpd_allowed_npv_eur_per_dwelling": "Every block that may take it: net present value [EUR/dwelling]",
    "heat_per_network": "Heat per network per year (loss from the pipes built; Vesta/CE Delft: 10.5 GJ "
    "per MT connection, 2.6 per LT connection)",
    "h_connected_dwellings": "dwellings connected",
    "h_heat_delivered_gj": "delivered [GJ]",
    "h_heat_loss_gj": "lost [GJ]",
    "h_heat_loss_pct": "lost [%]",
    "h_vesta_heat_loss_gj": "lost per Vesta [GJ]",
    "electricity_per_year": "Electricity demand per year [MWh/yr]",
    "option_costs": "Option costs",
    "npv_per_dwelling": "[EUR/dwelling, net present value]",
    "options_sheet": "Options",
    "heat_electricity": "Heat and electricity",
    "discount_factor": "Discount factor",
}

_NL.update(GRID_NL)
_EN.update(GRID_EN)
_NL.update(ACTORS_NL)
_EN.update(ACTORS_EN)
_STRINGS: dict[str, dict[str, str]] = {"nl": _NL, "en": _EN}


class Text(Mapping[str, str]):
    """The words of one language; an unknown key falls back to the key itself."""

    def __init__(self, lang: str) -> None:
        if lang not in _STRINGS:
            raise InputError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self._d = _STRINGS[lang]

    def __getitem__(self, key: str) -> str:
        return self._d.get(key, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def item(self, name: str) -> str:
        """The label of a cost item (its own name if unknown)."""
        return self._d.get(f"i_{name}", name)

    def option(self, name: str) -> str:
        """The label of a heat option."""
        return self._d.get(f"o_{name}", name)

    def dwelling_type(self, name: str) -> str:
        """The short label of a dwelling type (its own name if unknown)."""
        return self._d.get(f"t_{name}", name)

    def whole(self, value: float | None) -> str:
        """A whole number with thousands separators (``.`` in Dutch, ``,`` in English)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        s = f"{round(value):,}"
        return s.replace(",", ".") if self.lang == "nl" else s

    def num(self, value: float | None, digits: int = 1) -> str:
        """A number with ``digits`` decimals (decimal comma in Dutch)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        s = f"{value:,.{digits}f}"
        if self.lang == "nl":
            s = s.replace(",", "_").replace(".", ",").replace("_", ".")
        return s

    def pct(self, share: float | None, digits: int = 0) -> str:
        """A share 0..1 as a percentage."""
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return "–"
        return f"{self.num(100 * share, digits)} %"


def proof_note(solver: Mapping[str, Any], t: Text) -> str | None:
    """For a plan whose schedule is not proven optimal, one sentence saying so (None otherwise)."""
    if solver.get("certified") is not False:
        return None  # certified, or a plan from before the flag existed
    gap = solver.get("gap")
    shown = "–"
    if isinstance(gap, int | float) and math.isfinite(gap):
        shown = t.pct(gap, 2 if gap < 0.1 else 0)
    why = t["stopped_by_clock"] if "time limit" in str(solver.get("reason", "")) else ""
    return t["not_certified_note"].format(
        gap=shown,
        asked=t.pct(solver.get("mip_gap"), 2),
        why=why,
    )


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`InputError`."""
    Text(lang)
    return lang
