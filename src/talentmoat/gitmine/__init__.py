"""Knowledge from git history: degree of authorship, holders, truck factor and stages.

One concept per module: :mod:`~talentmoat.gitmine.logparse` (the log format),
:mod:`~talentmoat.gitmine.source` (running git, opening exported logs, truncation checks),
:mod:`~talentmoat.gitmine.identity` (alias merging, bots), :mod:`~talentmoat.gitmine.authorship`
(DOA and holders), :mod:`~talentmoat.gitmine.truckfactor`, :mod:`~talentmoat.gitmine.stages` and
:mod:`~talentmoat.gitmine.scan` (composition into one result).
"""
