"""Caps on what one command may be asked to do; shared by the scenario schema and the CLI.

Kept apart from :mod:`talentmoat.scenario` so the command line can state them in its options
without loading the schema.
"""

MAX_REPLICATIONS = 1_000_000
"""Most Monte Carlo replications of one run (hours of work on a lab of 150)."""
MAX_QUARTERS = 400
"""Longest horizon (quarters)."""
MAX_SEED = 2**63 - 1
"""Largest root seed."""
