"""Scenarios shipped with talentmoat, reachable by name."""
