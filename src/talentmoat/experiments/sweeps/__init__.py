"""Sweep specs shipped with talentmoat (``talentmoat sweep <name>``)."""
