"""The CLI answers instantly: heavy libraries load only inside the commands that need them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "scipy", "pandas", "pyarrow", "statsmodels", "numba", "networkx", "plotly",
         "jinja2", "fastapi", "uvicorn", "dask")
PROBE = """
import json, sys
sys.argv = ["talentmoat", *{args!r}]
try:
    from talentmoat.__main__ import main
    main()
except SystemExit:
    pass
finally:
    sys.stdout = sys.__stdout__
    # a module NumPy-style loaded lazily (importlib.util.LazyLoader) is not loaded until used
    print("@@" + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules
                                   and type(sys.modules[m]).__name__ != "_LazyModule")))
"""


def loaded(*args: str) -> set[str]:
    """Heavy libraries in ``sys.modules`` after ``talentmoat ARGS`` ran in a fresh process."""
    code = PROBE.format(args=list(args), heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    return set(json.loads(out.rsplit("@@", 1)[1]))


def test_help_loads_no_heavy_library():
    assert loaded("--help") == set()


def test_validate_loads_numpy_only():
    assert loaded("validate", "lean-lab") == {"numpy"}


def test_a_command_still_loads_what_it_needs():
    assert {"numpy", "scipy"} <= loaded("knowledge", "lean-lab", "--k", "2")


def test_optimize_help_loads_no_heavy_library():
    assert loaded("optimize", "--help") == set()
