"""talentmoat: how much of an AI lab's know-how sits in a few people, and what keeps it in."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata on first use (keeps start-up light)."""
    if name != "__version__":
        raise AttributeError(f"module 'talentmoat' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("talentmoat")
    except PackageNotFoundError:  # running from a source tree without an install
        return "0.0.0+src"


__all__ = ["__version__"]
