"""Per-process memos of pure results, keyed on the bytes of what they depend on.

The commands of one run, and a sweep's or optimizer's points, mostly share one
compartmentalization plan, one calibration and one valuation; each is computed once per process
(a worker keeps its own). A key is a SHA-256 digest: :func:`content_key` for what a scenario's
baseline depends on, :func:`arrays_key` for arrays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

if TYPE_CHECKING:
    from talentmoat.loader import Lab

T = TypeVar("T")


class Memo(Generic[T]):
    """At most ``size`` results by key; the oldest goes first when full."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[bytes, T] = {}

    def get(self, key: bytes, compute: Callable[[], T]) -> T:
        """The result stored under ``key``, computed by ``compute()`` the first time."""
        if key not in self._items:
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = compute()
        return self._items[key]


def arrays_key(*arrays: np.ndarray, extra: object = None) -> bytes:
    """SHA-256 of arrays' shapes, dtypes and bytes, and of ``repr(extra)``."""
    h = hashlib.sha256(repr(extra).encode())
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(repr((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes())
    return h.digest()


def content_key(lab: Lab) -> bytes:
    """SHA-256 of what a computation on the scenario's baseline depends on.

    The scenario but its names, the strategies other than the baseline and (when the baseline
    has no policy) the policies' parameters; plus the roster.
    """
    s = lab.scenario
    own = s.strategies.get(s.simulation.baseline, [])
    data = s.model_dump(mode="json", exclude={"name", "description", "strategies", "policies"})
    extra = s.policies.model_dump(mode="json") if own else None
    h = hashlib.sha256(json.dumps([data, s.simulation.baseline, own, extra], sort_keys=True,
                                  default=str).encode())
    r = lab.roster
    h.update(json.dumps([r.ids, r.roles]).encode())
    h.update(arrays_key(r.K, *(r.pay[c] for c in sorted(r.pay))))
    return h.digest()
