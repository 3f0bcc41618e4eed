"""Investors (MODEL.md §F): the non-poach request, the proxy problem and the antitrust line.

Pure functions: :mod:`~talentmoat.investors.payoff` (does facilitating a hire pay?),
:mod:`~talentmoat.investors.cascade` (independent cascade of a talent map over a NetworkX
graph), :mod:`~talentmoat.investors.antitrust` (the warning for a formal agreement) and
:mod:`~talentmoat.investors.syndicate` (the three composed on one scenario).
:mod:`~talentmoat.investors.valuation` prices each key person's departure to each portfolio
company with the simulation (it imports :mod:`talentmoat.sim`, so it is imported on its own).
"""

from talentmoat.investors.antitrust import FORMAL_AGREEMENT_WARNING, formal_agreement_warning
from talentmoat.investors.cascade import EDGE_PROBABILITY, Spread, independent_cascade
from talentmoat.investors.payoff import (
    cooperation_sustainable,
    defects,
    facilitation_gain,
    facilitation_payoff,
    repeated_game_threshold,
    self_enforcing_cost,
)
from talentmoat.investors.syndicate import (
    Syndicate,
    assess_syndicate,
    companies_of,
    key_offers_per_year,
    key_people,
    syndicate_graph,
)

__all__ = [
    "EDGE_PROBABILITY",
    "FORMAL_AGREEMENT_WARNING",
    "Spread",
    "Syndicate",
    "assess_syndicate",
    "companies_of",
    "cooperation_sustainable",
    "defects",
    "facilitation_gain",
    "facilitation_payoff",
    "formal_agreement_warning",
    "independent_cascade",
    "key_offers_per_year",
    "key_people",
    "repeated_game_threshold",
    "self_enforcing_cost",
    "syndicate_graph",
]
