"""Per-person pay resolved from the roster and the scenario's role defaults.

Order of precedence for each field: the roster CSV cell (or cohort field), then
``scenario.pay[role]``, then ``scenario.pay["default"]``, then the built-in defaults of
:class:`talentmoat.scenario.Pay` (refs/economics.md §8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talentmoat.roster import PAY_COLUMNS, Roster
from talentmoat.scenario import Pay, Scenario

DEFAULT_PAY_KEY = "default"
"""Key of ``scenario.pay`` that covers every role not listed."""


@dataclass(frozen=True)
class PayArrays:
    """Pay of every person, each array shaped (people,).

    Attributes:
        cash: Salary and bonus (USD a year).
        equity_grant_per_year: Equity granted per year at the preferred price (USD a year).
        vest_years: Vesting period (years).
        tenure_years: Tenure (years).
    """

    cash: np.ndarray
    equity_grant_per_year: np.ndarray
    vest_years: np.ndarray
    tenure_years: np.ndarray


def resolve_pay(scenario: Scenario, roster: Roster) -> PayArrays:
    """Fill every person's pay from the roster, then role defaults, then built-in defaults.

    Args:
        scenario: The validated scenario.
        roster: Its people.

    Returns:
        Complete pay arrays (no ``nan``).
    """
    fallback = scenario.pay.get(DEFAULT_PAY_KEY, Pay())
    role_pay = [scenario.pay.get(role, fallback) for role in roster.roles]
    out = {}
    for col in PAY_COLUMNS:
        given = roster.pay[col]
        default = np.array([getattr(p, col) for p in role_pay], dtype=float)
        out[col] = np.where(np.isnan(given), default, given)
    return PayArrays(**out)
