"""Economics of staying: option values, equity allocation, DLOM, tenders and packages.

Pure functions on NumPy arrays (MODEL.md §C; formulas and oracles in ``refs/economics.md``
§1–2). Re-exported here so callers write ``from talentmoat.economics import finnerty``.
"""

from talentmoat.economics.allocation import (
    opm_allocate,
    opm_common_preferred,
    opm_tranches,
    pwerm,
)
from talentmoat.economics.dlom import (
    DLOM_MODELS,
    DlomModel,
    chaffe,
    dlom,
    finnerty,
    ghaidarov,
    longstaff,
)
from talentmoat.economics.options import black_scholes, hull_white_option
from talentmoat.economics.package import (
    EquityTerms,
    PackageValue,
    TenderTerms,
    draw_multiples,
    nominal_package,
    offer_value,
    package_value,
    survival,
    unvested_share,
    vest_probability,
)
from talentmoat.economics.tenders import (
    TenderClearing,
    clear_tender,
    prorata_factor,
    sellable_share,
    tender_wait_years,
)

__all__ = [
    "DLOM_MODELS",
    "DlomModel",
    "EquityTerms",
    "PackageValue",
    "TenderClearing",
    "TenderTerms",
    "black_scholes",
    "chaffe",
    "clear_tender",
    "dlom",
    "draw_multiples",
    "finnerty",
    "ghaidarov",
    "hull_white_option",
    "longstaff",
    "nominal_package",
    "offer_value",
    "opm_allocate",
    "opm_common_preferred",
    "opm_tranches",
    "package_value",
    "prorata_factor",
    "pwerm",
    "sellable_share",
    "survival",
    "tender_wait_years",
    "unvested_share",
    "vest_probability",
]
