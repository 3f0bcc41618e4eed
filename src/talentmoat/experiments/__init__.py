"""Experiments at scale: parameter sweeps, global sensitivity, scenario discovery, robustness.

A sweep spec (:mod:`~talentmoat.experiments.spec`) names a base scenario, its uncertainties and
a design (:mod:`~talentmoat.experiments.design`); :mod:`~talentmoat.experiments.executor` runs
its points as tasks (:mod:`~talentmoat.experiments.tasks`) on any ``concurrent.futures``
executor into a DuckDB store (:mod:`~talentmoat.experiments.store`);
:mod:`~talentmoat.experiments.analyze` reads it back with SALib, PRIM
(:mod:`~talentmoat.experiments.prim`) and robustness
(:mod:`~talentmoat.experiments.robustness`).
"""
