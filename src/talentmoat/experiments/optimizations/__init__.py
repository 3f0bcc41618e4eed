"""Optimization specs shipped with talentmoat (``talentmoat optimize SCENARIO --spec NAME``)."""
