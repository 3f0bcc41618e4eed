"""The antitrust line: why the model never treats a non-poach request as a contract (refs §6).

A scenario may declare a *formal* no-poach agreement. The tool then warns, citing the legal
basis, and models the request exactly as the informal one: a norm held up only by each
investor's reputation (or repeated-game) cost, never by enforcement.
"""

from __future__ import annotations

FORMAL_AGREEMENT_WARNING = (
    "A formal no-poach agreement is declared (investors.formal_agreement). It is treated as "
    "unenforceable: the model gives it no effect beyond the informal request, which holds only "
    "as far as each investor's reputation cost makes honouring pay. Legal basis: under the US "
    "DOJ/FTC Antitrust Guidance for HR Professionals (Oct 2016), naked no-poaching agreements "
    "among employers, whether entered into directly or through a third-party intermediary, are "
    "per se illegal, and DOJ said it would proceed criminally; the DOJ/FTC Antitrust Guidelines "
    "for Business Activities Affecting Workers (Jan 2025) keep no-poach agreements per se "
    "unlawful, including unwritten gentlemen's agreements and exchanges through intermediaries. "
    "In the EU, the European Commission fined Delivery Hero and Glovo EUR 329M on 2 June 2025 "
    "in its first labour-market cartel, a no-poach that began as a no-hire clause in a "
    "minority-investor shareholders' agreement. Ask counsel before writing any such clause."
)
"""The warning shown for a declared formal agreement, with its legal basis."""


def formal_agreement_warning(formal_agreement: bool) -> str | None:
    """The warning for a declared formal no-poach agreement, or None when there is none."""
    return FORMAL_AGREEMENT_WARNING if formal_agreement else None
