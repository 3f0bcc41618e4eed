"""The small optimization spec the optimizer tests share: three firewall levers on lean-lab."""

from __future__ import annotations


def grid_spec(name: str, replications: int, constraint: str, validation_replications: int) -> str:
    """A grid spec of 2 × 3 × 2 candidates with one constraint whose bound is ``BOUND``.

    Args:
        name: The spec's name.
        replications: Replications per candidate in the search.
        constraint: The constraint's metric and side, e.g. ``"p_parity, max"``.
        validation_replications: Replications of the out-of-sample re-check.
    """
    metric, side = (s.strip() for s in constraint.split(","))
    return f"""\
name: {name}
replications: {replications}
quarters: 8
seed: 3
levers:
  - {{name: tender_cap, path: policies.tenders.cap_share_of_vested, values: [off, 0.2]}}
  - {{name: pool, path: policies.synthetic_equity.pool_share_per_year,
     values: [off, 0.0005, 0.002]}}
  - {{name: match, path: policies.retention_grant.match_share, values: [off, 0.5]}}
constraints:
  - {{metric: {metric}, {side}: BOUND}}
validation: {{replications: {validation_replications}, seed: 4, candidates: 3}}
"""
