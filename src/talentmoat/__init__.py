"""talentmoat: how much of an AI lab's know-how sits in a few people, and what keeps it in."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("talentmoat")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
