"""A person's risk-adjusted package per year, what leaving forfeits, and a rival's offer.

MODEL.md §C; formulas in ``refs/economics.md`` §1.5. Every array is shaped (people,) unless
stated; money in USD per year unless stated; times in years.

Grant model (documented in ``docs/model.md``): ``grant_per_year`` is the annualised equity grant
at the preferred price, vesting over ``vest_years`` (a cliff, then equal tranches
``vests_per_year`` times a year); when a grant has fully vested an equal one replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from talentmoat.economics.dlom import DlomModel, dlom
from talentmoat.economics.tenders import sellable_share, tender_slices, tender_wait_years


def survival(annual_attrition: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Probability of still being at the lab after ``years`` under background attrition alone.

    Args:
        annual_attrition: Annual background attrition, in [0, 1).
        years: Horizon (years), broadcastable.

    Returns:
        ``(1 − attrition)^years``, broadcast shape.
    """
    return (1.0 - np.asarray(annual_attrition, dtype=float)) ** np.asarray(years, dtype=float)


def vest_probability(
    annual_attrition: ArrayLike,
    vest_years: ArrayLike,
    cliff_years: float,
    vests_per_year: int,
) -> np.ndarray:
    """Average chance of staying to a grant's vest dates, weighted by the tranche sizes.

    A share ``cliff/V`` vests at the cliff, then ``1/(m·V)`` every ``1/m`` years to ``V``:
    ``P = (c/V)·ρ^c + Σ_{k=1}^{n} ρ^{c + k/m} / (m·V)``, ``ρ = 1 − attrition``, ``n = (V − c)·m``.

    Args:
        annual_attrition: Annual background attrition, in [0, 1).
        vest_years: Vesting period ``V`` per person (years), ``V ≥ cliff``.
        cliff_years: Cliff ``c`` (years).
        vests_per_year: Tranches per year after the cliff ``m``.

    Returns:
        Probability in [0, 1], shape of ``vest_years``.
    """
    v = np.asarray(vest_years, dtype=float)
    rho = 1.0 - np.asarray(annual_attrition, dtype=float)
    m = float(vests_per_year)
    n = np.round((v - cliff_years) * m)
    x = rho ** (1.0 / m)
    with np.errstate(invalid="ignore", divide="ignore"):
        later = np.where(x == 1.0, n, x * (1.0 - x**n) / np.where(x == 1.0, 0.5, 1.0 - x))
    return (cliff_years / v) * rho**cliff_years + rho**cliff_years * later / (m * v)


def unvested_share(
    tenure_years: ArrayLike, vest_years: ArrayLike, cliff_years: float, vests_per_year: int
) -> np.ndarray:
    """Share of the current grant still unvested at the given tenure (renewing grants).

    Args:
        tenure_years: Tenure per person (years).
        vest_years: Vesting period per person (years).
        cliff_years: Cliff (years).
        vests_per_year: Tranches per year after the cliff.

    Returns:
        Unvested share in (0, 1], shape (people,).
    """
    v = np.asarray(vest_years, dtype=float)
    t = np.mod(np.asarray(tenure_years, dtype=float), v)
    tranches = np.floor((t - cliff_years) * vests_per_year + 1e-9) / vests_per_year
    vested = np.where(t < cliff_years, 0.0, (cliff_years + tranches) / v)
    return 1.0 - np.clip(vested, 0.0, 1.0)


@dataclass(frozen=True)
class EquityTerms:
    """How the lab's private equity is valued (MODEL.md §C).

    Attributes:
        common_to_preferred: Per-share common/preferred value ratio (OPM; ≈ 0.72).
        sigma: Equity volatility per √year.
        time_to_liquidity_years: Expected wait for a liquidity event without tenders.
        dlom_model: DLOM model name.
        rate: Risk-free rate per year (Chaffe only).
        pwerm_per_dollar: When given, the PWERM value today of one dollar of grant at the
            preferred price (:func:`talentmoat.economics.pwerm` over exit scenarios); it replaces
            ``ratio · (1 − DLOM)`` for the illiquid part.
    """

    common_to_preferred: float
    sigma: float
    time_to_liquidity_years: float
    dlom_model: DlomModel
    rate: float
    pwerm_per_dollar: float | None = None


@dataclass(frozen=True)
class TenderTerms:
    """A tender programme as it affects one person's valuation (MODEL.md §C, firewall 2).

    Attributes:
        windows_per_year: Windows a year (> 0).
        holding_years: Tenure required before selling.
        cap_share_of_vested: Share of each year's vest that may be sold.
        cap_per_person_per_window: Absolute cap per window (USD), or None.
        discount: Discount of the tender price to the internal (common) price.
        fill: Expected pro-rata fill factor in [0, 1] (1 when never oversubscribed).
    """

    windows_per_year: float
    holding_years: float
    cap_share_of_vested: float
    cap_per_person_per_window: float | None
    discount: float
    fill: float


@dataclass(frozen=True)
class PackageValue:
    """Risk-adjusted package per person (USD per year except ``forfeit_stock``).

    Attributes:
        cash: Salary and bonus.
        equity: Risk-adjusted value of the part of the yearly vest that stays illiquid.
        tender: Value of the part sold in tender windows (valued as cash).
        tender_proceeds: What the holder sells in tenders a year at the tender price (USD/yr),
            the cash staff receive.
        synthetic: Expected synthetic / performance-unit payout.
        stay_value: ``cash + equity + tender + synthetic``.
        p_vest: Chance of staying to the vest dates.
        dlom: DLOM applied to the illiquid part (``nan`` when PWERM values it).
        forfeit_stock: Risk-adjusted unvested equity and units lost by leaving now (USD).
        forfeit: ``forfeit_stock`` spread over the comparison horizon (USD per year).
    """

    cash: np.ndarray
    equity: np.ndarray
    tender: np.ndarray
    tender_proceeds: np.ndarray
    synthetic: np.ndarray
    stay_value: np.ndarray
    p_vest: np.ndarray
    dlom: np.ndarray
    forfeit_stock: np.ndarray
    forfeit: np.ndarray


def package_value(
    cash: ArrayLike,
    grant_per_year: ArrayLike,
    vest_years: ArrayLike,
    tenure_years: ArrayLike,
    *,
    annual_attrition: float,
    equity: EquityTerms,
    cliff_years: float,
    vests_per_year: int,
    comparison_years: float,
    tender: TenderTerms | None = None,
    synthetic_per_year: ArrayLike = 0.0,
    synthetic_vest_years: float = 0.0,
) -> PackageValue:
    """Value each person's package per year, risk-adjusted (``stay_value``).

    Without tenders ``equity = G·ratio·P(vest)·(1 − DLOM(σ, T_liq))`` (or the PWERM value per
    dollar when the terms carry one). With tenders a year's vest is sold in slices
    (:func:`~talentmoat.economics.tenders.tender_slices`): slice ``s`` (share ``q_s``, at time
    ``t_s``) is worth ``fill · (1 − discount)`` as cash (``tender``) plus
    ``(1 − fill) · (1 − DLOM(σ, t_s))`` unsold, and what no window reaches before ``T_liq``
    keeps ``1 − DLOM(σ, T_liq)`` (MODEL.md §C). Synthetic units pay
    cash, discounted by the chance of staying to their vest date. The forfeit is the unvested
    part of the current grant at the same risk-adjusted value per dollar, plus the unvested
    units (``synthetic_per_year · synthetic_vest_years``).

    Args:
        cash: Salary and bonus per person (USD/yr).
        grant_per_year: Equity granted per year at the preferred price (USD/yr).
        vest_years: Vesting period per person (years).
        tenure_years: Tenure per person (years).
        annual_attrition: Background attrition per year (for ``P(vest)``).
        equity: How the lab's equity is valued.
        cliff_years: Vesting cliff (years).
        vests_per_year: Tranches a year after the cliff.
        comparison_years: Horizon over which a forfeit is spread to compare with yearly pay.
        tender: Tender programme, or None when there is none.
        synthetic_per_year: Expected synthetic-unit grant per person (USD/yr, before P(vest)).
        synthetic_vest_years: Vesting period of the units (years).

    Returns:
        The package values.
    """
    cash_a = np.asarray(cash, dtype=float)
    grant = np.asarray(grant_per_year, dtype=float)
    p_vest = vest_probability(annual_attrition, vest_years, cliff_years, vests_per_year)
    ratio = equity.common_to_preferred
    t_liq = equity.time_to_liquidity_years

    def illiquid(years: ArrayLike) -> np.ndarray:
        """Value per dollar at common of a holding that cannot be sold for ``years``."""
        if equity.pwerm_per_dollar is not None:
            return np.full(np.shape(years), equity.pwerm_per_dollar / ratio)
        return 1.0 - dlom(equity.dlom_model, equity.sigma, years, equity.rate)

    at_liquidity = illiquid(np.full_like(grant, t_liq))
    if tender is None:
        sold_cash = np.zeros_like(grant)
        unsold = at_liquidity
        discount = (np.full_like(grant, np.nan) if equity.pwerm_per_dollar is not None
                    else 1.0 - at_liquidity)
    else:
        price = 1.0 - tender.discount
        cap = sellable_share(tender.cap_share_of_vested, grant * ratio * price, 1.0,
                             tender.cap_per_person_per_window)
        first = tender_wait_years(tender.windows_per_year, tender.holding_years, tenure_years,
                                  t_liq)
        shares, times = tender_slices(cap, tender.windows_per_year, first, t_liq)
        sold = shares.sum(axis=-1)
        sold_cash = tender.fill * price * sold
        unsold = ((1.0 - tender.fill) * (shares * illiquid(times)).sum(axis=-1)
                  + (1.0 - sold) * at_liquidity)
        discount = (np.full_like(grant, np.nan) if equity.pwerm_per_dollar is not None
                    else 1.0 - unsold / np.maximum(1.0 - tender.fill * sold, 1e-300))
    per_dollar = ratio * (sold_cash + unsold)
    equity_value = grant * p_vest * ratio * unsold
    tender_value = grant * p_vest * ratio * sold_cash
    tender_proceeds = grant * ratio * sold_cash
    units = np.asarray(synthetic_per_year, dtype=float) * np.ones_like(grant)
    synthetic = units * survival(annual_attrition, synthetic_vest_years)
    unvested = unvested_share(tenure_years, vest_years, cliff_years, vests_per_year)
    forfeit_stock = (
        grant * np.asarray(vest_years, dtype=float) * unvested * per_dollar
        + units * synthetic_vest_years
    )
    return PackageValue(
        cash=cash_a,
        equity=equity_value,
        tender=tender_value,
        tender_proceeds=tender_proceeds,
        synthetic=synthetic,
        stay_value=cash_a + equity_value + tender_value + synthetic,
        p_vest=p_vest,
        dlom=discount,
        forfeit_stock=forfeit_stock,
        forfeit=forfeit_stock / comparison_years,
    )


def nominal_package(cash: ArrayLike, grant_per_year: ArrayLike) -> np.ndarray:
    """Headline yearly package a rival multiplies: ``cash + G_pref`` (USD/yr)."""
    return np.asarray(cash, dtype=float) + np.asarray(grant_per_year, dtype=float)


def draw_multiples(
    rng: np.random.Generator, median: float, sigma: float, shape: int | tuple[int, ...]
) -> np.ndarray:
    """Draw offer multiples from a lognormal, ``median · exp(sigma · Z)``.

    Args:
        rng: Random generator (derive it from the scenario seed).
        median: Median multiple (> 0).
        sigma: Log-scale spread (≥ 0; 0 gives the median every time).
        shape: Output shape, e.g. (replications, people).

    Returns:
        Multiples, the given shape; their mean is ``median · exp(sigma² / 2)``.
    """
    return median * np.exp(sigma * rng.standard_normal(shape))


def offer_value(
    multiple: ArrayLike,
    nominal: ArrayLike,
    liquid_share: float,
    illiquid_discount: float,
    buyout_share: float,
    forfeit: ArrayLike,
) -> np.ndarray:
    """Value to the person of a rival's offer per year (MODEL.md §C).

    ``offer = multiple · nominal``; its value is the liquid part at face, the rest at the rival's
    own discount, plus the rival's buy-out of ``buyout_share`` of the yearly forfeit.

    Args:
        multiple: Offer multiple(s), broadcastable with ``nominal`` (e.g. (replications,
            people)).
        nominal: Headline package ``cash + G_pref`` (USD/yr), shape (people,).
        liquid_share: Share paid in cash or public stock, in [0, 1].
        illiquid_discount: Discount on the illiquid part, in [0, 1].
        buyout_share: Share of the forfeit the rival buys out, in [0, 1].
        forfeit: Forfeit per year (USD/yr), shape (people,).

    Returns:
        Offer value (USD/yr), broadcast shape.
    """
    face = np.asarray(multiple, dtype=float) * np.asarray(nominal, dtype=float)
    kept = liquid_share + (1.0 - liquid_share) * (1.0 - illiquid_discount)
    return face * kept + buyout_share * np.asarray(forfeit, dtype=float)
