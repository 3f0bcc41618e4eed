"""``talentmoat investors``: each investor's payoff table, decision, threshold and map spread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from talentmoat.cli.app import app, console, err_console, guarded, np, print_json
from talentmoat.cli.knowledge import JsonOpt, ScenarioArg
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, People, input_fields, output_key
from talentmoat.cli.safe import safe

if TYPE_CHECKING:  # the heavy modules load inside the commands that use them
    from talentmoat.investors import Syndicate
    from talentmoat.investors.valuation import Valuation
    from talentmoat.loader import Lab


def warn_antitrust(lab: Lab) -> None:
    """Print the formal-agreement warning on stderr when the scenario declares one."""
    from talentmoat.investors import formal_agreement_warning

    text = formal_agreement_warning(lab.scenario.investors.formal_agreement)
    if text:
        err_console.print(f"[bold yellow]warning[/] {safe(text)}", highlight=False)


def _moved(mask: np.ndarray, mapped: np.ndarray) -> dict[str, int]:
    return {"people": int(mask.sum()), "key_people": int((mask & mapped).sum())}


def investors_payload(lab: Lab, key: bytes | None) -> dict[str, Any]:
    """Everything the command reports, as plain data (USD; offers per quarter or year).

    Args:
        lab: The lab.
        key: The pseudonym key under ``--anonymize`` (no path or digest of the inputs), or None.
    """
    from talentmoat.investors import (
        assess_syndicate,
        cooperation_sustainable,
        formal_agreement_warning,
        key_offers_per_year,
    )
    from talentmoat.investors.valuation import unvalued, value_losses
    from talentmoat.lab_economics import require_firm
    from talentmoat.sim.setup import initial_lead

    s = lab.scenario
    require_firm(lab)
    K = lab.roster.K
    lead0 = initial_lead(lab)
    priced = value_losses(lab) if s.investors.syndicate else None
    loss = unvalued(lab) if priced is None else priced.loss
    free = assess_syndicate(lab, K, loss, requested=False)
    asked = assess_syndicate(lab, K, loss, requested=True)
    offers_free = key_offers_per_year(lab, free, K)
    offers_asked = key_offers_per_year(lab, asked, K)
    rows = []
    for v, investor in enumerate(s.investors.syndicate):
        own = np.flatnonzero(asked.investor_of == v)
        max_gain = float(asked.self_enforcing[v])
        defecting = bool(asked.facilitated[own].any())
        spread = asked.spreads[v]
        reached = {n: float(p) for n, p in zip(spread.nodes, spread.reach, strict=True)
                   if n != investor.name and p > 0}
        rows.append({
            "name": investor.name,
            "stake": investor.stake,
            "agreed_to_request": investor.agreed_to_request,
            "reputation_cost": investor.reputation_cost,
            "deterrent": float(asked.deterrent[v]),
            "decision": "defects" if defecting else "honours",
            "self_enforcing_reputation_cost": max_gain,
            "repeated_game": {
                "discount_factor": investor.discount_factor,
                "deal_flow_loss_per_year": investor.deal_flow_loss_per_year,
                "threshold": float(asked.repeated_threshold[v]),
                "sustainable": bool(cooperation_sustainable(
                    max_gain, investor.discount_factor, investor.deal_flow_loss_per_year)),
            },
            "parties_reached_expected": spread.expected_spread - 1.0,
            "reach": reached,
            "cascade_exact": spread.exact,
            "key_offers_per_year": {"without_request": float(offers_free[v]),
                                    "with_request": float(offers_asked[v])},
            "companies": [_company(free, asked, k) for k in own],
        })
    return {
        "scenario": s.name,
        **input_fields(lab, key),
        "lead0": lead0,
        "enforcement": s.investors.enforcement,
        "leak_depth": s.investors.leak_depth,
        "key_people": int(asked.mapped.sum()),
        "formal_agreement": s.investors.formal_agreement,
        "warning": formal_agreement_warning(s.investors.formal_agreement),
        "value_model": None if priced is None else _value_model(priced, People(lab, key)),
        "investors": rows,
    }


def _value_model(v: Valuation, names: People) -> dict[str, Any]:
    """``ΔV_lab(i → p)`` per key person and party (USD, mean and paired 95 % CI)."""
    return {
        "replications": v.replications, "rounds": v.rounds, "converged": v.converged,
        "decisions_changed_per_round": list(v.changed), "parties": list(v.parties),
        "people": [{"id": names.ids[i], "role": names.roles[i], "value_lost_discounted": {
            party: {"mean": float(v.loss[k, i]), "low": float(v.low[k, i]),
                    "high": float(v.high[k, i])} for k, party in enumerate(v.parties)}}
            for i in sorted(v.people, key=lambda i: -float(v.loss[:, i].max()))],
    }


def _company(free: Syndicate, asked: Syndicate, k: int) -> dict[str, Any]:
    company = asked.companies[k]
    v = asked.investor_of[k]
    gain = asked.gain[k]  # s_vp·uplift − s_v·ΔV_lab(i → p), shape (N,), NaN off the map
    upside = company.stake * company.uplift_per_hire
    known = gain[~np.isnan(gain)]
    if not known.size:
        known = np.array([np.nan])
    return {
        "name": company.name,
        "stake": company.stake,
        "ai_hires_per_year": company.ai_hires_per_year,
        "uplift_per_hire": company.uplift_per_hire,
        "company_gain_per_hire": upside,
        "lab_loss_max": float(upside - known.min()),
        "gain_max": float(known.max()),
        "gain_min": float(known.min()),
        "payoff_max_with_request": float(known.max()
                                         - asked.honours[v] * asked.deterrent[v]),
        "moved_without_request": _moved(free.facilitated[k], free.mapped),
        "moved_with_request": _moved(asked.facilitated[k], asked.mapped),
        "offers_per_quarter": {"without_request": float(free.company_rate[k]),
                               "with_request": float(asked.company_rate[k])},
    }


def _mn(usd: float) -> str:
    return f"${usd / 1e6:,.1f}M"


def _bn(usd: float) -> str:
    return f"${usd / 1e9:,.2f}B"


def print_investors(payload: dict[str, Any]) -> None:
    """The payoff table and the spread table."""
    table = Table(title=f"{safe(payload['scenario'])}: facilitating a hire into a portfolio "
                  "company pays s_vp·uplift − s_v·ΔV_lab(i → p) − honours·deterrent",
                  title_justify="left")
    for col in ("investor", "s_v", "company", "s_vp", "s_vp·uplift", "max s_v·ΔV", "deterrent",
                "payoff (best case)", "moves (no request)", "moves (request)", "offers/qtr"):
        table.add_column(col, justify="left" if col in ("investor", "company") else "right")
    for inv in payload["investors"]:
        for c in inv["companies"] or [None]:
            if c is None:
                table.add_row(safe(inv["name"]), f"{inv['stake']:.1%}", "—", *["—"] * 8)
                continue
            free, asked = c["moved_without_request"], c["moved_with_request"]
            table.add_row(
                safe(inv["name"]), f"{inv['stake']:.1%}", safe(c["name"]),
                f"{c['stake']:.0%}", _mn(c["company_gain_per_hire"]), _mn(c["lab_loss_max"]),
                _mn(inv["deterrent"]) if inv["agreed_to_request"] else "not asked",
                _mn(c["payoff_max_with_request"]),
                f"{free['people']} ({free['key_people']} key)",
                f"{asked['people']} ({asked['key_people']} key)",
                f"{c['offers_per_quarter']['without_request']:.2f} → "
                f"{c['offers_per_quarter']['with_request']:.2f}",
            )
    console.print(table)
    spread = Table(title=f"Under the request ({payload['enforcement']} enforcement; talent map "
                   f"of {payload['key_people']} key people, leak depth {payload['leak_depth']})",
                   title_justify="left")
    for col in ("investor", "decision", "self-enforcing at", "repeated game δ/(1−δ)·L",
                "parties reached", "extra offers/yr to key people"):
        spread.add_column(col, justify="left" if col in ("investor", "decision") else "right")
    for inv in payload["investors"]:
        rg = inv["repeated_game"]
        offers = inv["key_offers_per_year"]
        spread.add_row(
            safe(inv["name"]), inv["decision"], _mn(inv["self_enforcing_reputation_cost"]),
            f"{_mn(rg['threshold'])} ({'holds' if rg['sustainable'] else 'fails'})",
            f"{inv['parties_reached_expected']:.2f}",
            f"{offers['without_request']:.2f} → {offers['with_request']:.2f}",
        )
    console.print(spread)
    vm = payload["value_model"]
    prices = Table(title="ΔV_lab(i → p): discounted lab value lost when i leaves to p at the "
                   f"start, against nobody leaving ({vm['replications']} replications, common "
                   "random numbers; mean and 95 % CI)", title_justify="left")
    for col in ("id", "role", *vm["parties"]):
        prices.add_column(safe(col), justify="left" if col in ("id", "role") else "right")
    for person in vm["people"]:
        cells = [f"{_bn(c['mean'])} ({_bn(c['low'])} to {_bn(c['high'])})"
                 for c in person["value_lost_discounted"].values()]
        prices.add_row(safe(person["id"]), safe(person["role"]), *cells)
    console.print(prices)
    settled = (f"settled in {vm['rounds']} rounds" if vm["converged"] else
               f"NOT settled after {vm['rounds']} rounds (the last round's prices are used)")
    console.print(
        "ΔV_lab comes from the simulation (MODEL.md §F, §I): the one-person shock of each key "
        "person to each portfolio company on the baseline, priced and routed to a fixed point "
        f"({settled}; decisions changed per round: "
        f"{', '.join(map(str, vm['decisions_changed_per_round']))}). Only the people on the "
        "talent map are priced, and only they can be moved. 'Moves' counts the people for "
        "whom facilitating pays; offers/qtr includes offers made through a leaked map.",
        highlight=False,
    )


@app.command()
@guarded
def investors(
    scenario: ScenarioArg, json: JsonOpt = False, anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Each investor's payoff from facilitating hires, its decision, and where its map leaks."""
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    key = output_key(anonymize, anonymize_key)
    warn_antitrust(lab)
    payload = investors_payload(lab, key)
    if json:
        print_json(payload)
    elif not payload["investors"]:
        console.print(f"{safe(payload['source'])}: no investors (section investors.syndicate "
                      "is empty)")
    else:
        print_investors(payload)
