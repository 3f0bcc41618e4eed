"""The local dashboard (``talentmoat serve``): FastAPI + Jinja2, plain fetch, Plotly figures.

:mod:`~talentmoat.web.app` is the application, :mod:`~talentmoat.web.runs` its file area and
background runs, :mod:`~talentmoat.web.params` the parameters a user may move.
"""
