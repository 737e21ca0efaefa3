"""Words of the report's "who pays what" parts (workbook sheet, owner-sheet columns, section), nl and en.

Kept apart from :mod:`heatplan.report.text`, which merges them into its languages.
"""

from __future__ import annotations

ACTORS_NL: dict[str, str] = {
    "who_pays": "Wie betaalt wat",
    "actor_sheet": "Per partij",
    # actors (heatplan.planfile: a block's owner and occupant by its owner type, and the other parties)
    "a_corporation": "woningcorporatie",
    "a_private_landlord": "particuliere verhuurder",
    "a_owner_occupier": "eigenaar-bewoner",
    "a_owners_association": "VvE",
    "a_tenant": "huurder",
    "a_household": "huishouden (koop)",
    "a_heat_company": "warmtebedrijf",
    "a_electricity_grid_operator": "netbeheerder elektriciteit",
    "a_gas_grid_operator": "netbeheerder gas",
    "a_government": "overheid",
    "a_lender": "financier",
    # owner types
    "ot_corporation": "corporatiewoningen",
    "ot_private_rent": "particuliere huur",
    "ot_owner_occupied": "koopwoningen",
    "ot_mixed": "gemengd (VvE)",
    # the sheet "Per partij"
    "actor_title": "Wie betaalt wat: netto per partij per jaar [EUR, niet verdisconteerd]",
    "actor_note": "+ = de partij betaalt, − = de partij ontvangt. De kosten (investeringen als annuïteit, "
    "onderhoud, energie) tellen over alle partijen op tot de nationale kosten; overdrachten (rekeningen, "
    "tarieven, huur, aansluitbijdrage, financiering), belastingen en subsidies tellen op tot nul.",
    "actor_total": "Totaal alle partijen [EUR]",
    "actor_national": "Nationale kosten [EUR]",
    "actor_bypass": "waarvan bypass, bij geen partij geboekt [EUR]",
    "actor_npv": "Contante waarde {first} t/m {end} [EUR]",
    "actor_npv_change": "Verschil met niets doen (alleen gasketels), contante waarde {first} t/m {end} [EUR]",
    "actor": "Partij",
    "owner_type": "Eigendom",
    "per_owner_type": "Per eigendomstype (woningen die van het gas af gaan)",
    "wp_dwellings_off_gas": "Woningen van het gas af",
    "wp_owner_investment_eur_per_dwelling": "Investering eigenaar [EUR/woning, incl. btw, vóór subsidie]",
    "wp_subsidy_eur_per_dwelling": "Subsidie ISDE [EUR/woning]",
    "wp_median_change_eur_per_month": "Verandering woonlasten, mediaan [EUR/maand per woning]",
    "wp_share_within_tolerance": "Woonlasten gelijk (± € {tol}/maand) [%]",
    "wp_share_woonlastenneutraal": "Woonlastenneutraal (stijging ≤ € {tol}/maand) [%]",
    # owner-sheet columns
    "c_owner_invest_eur": "Investering eigenaar [EUR, incl. btw en aansluitbijdrage, vóór subsidie]",
    "c_isde_eur": "Subsidie ISDE [EUR, ontvangen]",
    "c_housing_year": "Woonlasten vergeleken in [jaar]",
    "c_housing_before": "Woonlasten zonder maatregelen [EUR/maand per woning]",
    "c_housing_after": "Woonlasten met maatregelen [EUR/maand per woning]",
    "c_housing_change": "Woonlasten huurder/bewoner: verandering [EUR/maand per woning]",
    "c_woonlastenneutraal": "Woonlastenneutraal (stijging ≤ € {tol}/maand)",
    "c_owner_invest_year": "Investering eigenaar {year} [EUR]",
    # the section in report.html
    "who_pays_intro": "Wat elke partij per jaar netto betaalt (+) of ontvangt (−), volgens de "
    "actorboekhouding in plan.nc (actor_costs.csv). De kosten tellen over alle partijen op tot de "
    "nationale kosten{bypass}; rekeningen, tarieven, huur, aansluitbijdrage, financiering, belastingen en "
    "subsidies gaan van de ene partij naar de andere en tellen op tot nul.",
    "who_pays_bypass": " (zonder de bypasses, die bij geen partij geboekt zijn: € {eur} over de planjaren)",
    "ch_actors": "Netto per partij per jaar [mln EUR, niet verdisconteerd; + betaalt, − ontvangt]",
    "npv_by_actor": "Per partij",
    "sum_plan_years": "Som {first}–{last} [EUR]",
    "housing_sentence": "Van de {dwellings} woningen die van het gas af gaan, blijven bij {level} de "
    "maandelijkse woonlasten gelijk (binnen ± € {tol}); {neutral} is woonlastenneutraal (de woonlasten "
    "stijgen hoogstens € {tol} per maand).",
    "housing_rule_sentence": "De regel dat de woonlasten van corporatiehuurders gelijk blijven staat aan: "
    "bij {n} van de {m} corporatieblokken lukt dat niet.",
}

ACTORS_EN: dict[str, str] = {
    "who_pays": "Who pays what",
    "actor_sheet": "Per actor",
    "a_corporation": "housing corporation",
    "a_private_landlord": "private landlord",
    "a_owner_occupier": "owner-occupier",
    "a_owners_association": "owners' association",
    "a_tenant": "tenant",
    "a_household": "household (owner-occupied)",
    "a_heat_company": "heat company",
    "a_electricity_grid_operator": "electricity grid operator",
    "a_gas_grid_operator": "gas grid operator",
    "a_government": "government",
    "a_lender": "lender",
    "ot_corporation": "corporation dwellings",
    "ot_private_rent": "private rent",
    "ot_owner_occupied": "owner-occupied",
    "ot_mixed": "mixed (owners' association)",
    "actor_title": "Who pays what: net per actor per year [EUR, undiscounted]",
    "actor_note": "+ = the actor pays, − = the actor receives. The costs (investments as annuities, "
    "maintenance, energy) sum over all actors to the national cost; transfers (bills, tariffs, rent, "
    "connection contribution, financing), taxes and subsidies sum to zero.",
    "actor_total": "Total all actors [EUR]",
    "actor_national": "National cost [EUR]",
    "actor_bypass": "of which bypass, booked on no actor [EUR]",
    "actor_npv": "Net present value {first} to {end} [EUR]",
    "actor_npv_change": "Difference from doing nothing (gas boilers only), net present value {first} to "
    "{end} [EUR]",
    "actor": "Actor",
    "owner_type": "Owner type",
    "per_owner_type": "By owner type (dwellings that go off gas)",
    "wp_dwellings_off_gas": "Dwellings off gas",
    "wp_owner_investment_eur_per_dwelling": "Owner's investment [EUR/dwelling, incl. VAT, before subsidy]",
    "wp_subsidy_eur_per_dwelling": "ISDE subsidy [EUR/dwelling]",
    "wp_median_change_eur_per_month": "Change in housing costs, median [EUR/month per dwelling]",
    "wp_share_within_tolerance": "Housing costs level (± € {tol}/month) [%]",
    "wp_share_woonlastenneutraal": "Woonlastenneutraal (rise ≤ € {tol}/month) [%]",
    "c_owner_invest_eur": "Owner's investment [EUR, incl. VAT and connection contribution, before subsidy]",
    "c_isde_eur": "ISDE subsidy [EUR, received]",
    "c_housing_year": "Housing costs compared in [year]",
    "c_housing_before": "Housing costs without measures [EUR/month per dwelling]",
    "c_housing_after": "Housing costs with measures [EUR/month per dwelling]",
    "c_housing_change": "Tenant's/household's housing costs: change [EUR/month per dwelling]",
    "c_woonlastenneutraal": "Woonlastenneutraal (rise ≤ € {tol}/month)",
    "c_owner_invest_year": "Owner's investment {year} [EUR]",
    "who_pays_intro": "What each actor pays (+) or receives (−) net per year, from plan.nc's actor "
    "accounting (actor_costs.csv). The costs sum over all actors to the national cost{bypass}; bills, "
    "tariffs, rent, connection contribution, financing, taxes and subsidies go from one actor to another "
    "and sum to zero.",
    "who_pays_bypass": " (without the bypasses, which are booked on no actor: € {eur} over the planning "
    "years)",
    "ch_actors": "Net per actor per year [million EUR, undiscounted; + pays, − receives]",
    "npv_by_actor": "By actor",
    "sum_plan_years": "Sum {first}–{last} [EUR]",
    "housing_sentence": "Of the {dwellings} dwellings that go off gas, {level} keep their monthly housing "
    "costs level (within ± € {tol}); {neutral} are woonlastenneutraal (housing costs rise by at most € {tol} "
    "a month).",
    "housing_rule_sentence": "The rule that corporation tenants' housing costs stay level is on: "
    "{n} of the {m} corporation blocks cannot be held level.",
}
