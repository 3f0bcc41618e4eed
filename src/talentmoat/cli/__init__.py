"""Command-line interface: ``talentmoat <command>``.

Importing a command module registers its commands on the shared Typer app.
"""

from talentmoat.cli import economics as _economics  # noqa: F401  (registers commands)
from talentmoat.cli import experiments as _experiments  # noqa: F401  (registers commands)
from talentmoat.cli import init as _init  # noqa: F401  (registers commands)
from talentmoat.cli import investors as _investors  # noqa: F401  (registers commands)
from talentmoat.cli import knowledge as _knowledge  # noqa: F401  (registers commands)
from talentmoat.cli import optimize as _optimize  # noqa: F401  (registers commands)
from talentmoat.cli import report as _report  # noqa: F401  (registers commands)
from talentmoat.cli import scan as _scan  # noqa: F401  (registers commands)
from talentmoat.cli import shock as _shock  # noqa: F401  (registers commands)
from talentmoat.cli import simulate as _simulate  # noqa: F401  (registers commands)
from talentmoat.cli.app import app


def main() -> None:
    """Run the command line (the console script is :func:`talentmoat.__main__.main`)."""
    from talentmoat.__main__ import main as run

    run()


__all__ = ["app", "main"]
