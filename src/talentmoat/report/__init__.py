"""Figures and the offline HTML report (Plotly + Jinja2), shared with the dashboard.

:mod:`~talentmoat.report.access` reads the results payload, :mod:`~talentmoat.report.figures`
turns payloads into Plotly figures, :mod:`~talentmoat.report.document` assembles the report.
All pure; the CLI and the dashboard do the I/O.
"""
