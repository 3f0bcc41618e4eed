"""Maximum-likelihood calibration of the move decision from an offer/decision log."""

import json

import numpy as np
import pytest
from scipy.special import expit
from typer.testing import CliRunner

from talentmoat.calibration import fit_events, read_events_csv
from talentmoat.cli import app
from talentmoat.errors import InputError

runner = CliRunner()

TRUE = {
    "alpha": float(np.log(0.1 / 0.9)),
    "beta_comp": 2.5,
    "beta_compute": 0.8,
    "beta_autonomy": 1.5,
    "beta_friction": 1.0,
}
HEADER = (
    "accepted,offer_value,stay_value,rival_compute,own_compute,rival_autonomy,own_autonomy,"
    "friction"
)


def synthetic_log(n: int, seed: int) -> str:
    """Decisions drawn from the logit with TRUE coefficients, as CSV text."""
    rng = np.random.default_rng(seed)
    stay = rng.lognormal(np.log(1e6), 0.5, n)
    ratio = rng.lognormal(np.log(1.8), 0.4, n)
    own_c = rng.lognormal(np.log(1e5), 0.3, n)
    rival_c = own_c * rng.lognormal(0.0, 0.5, n)
    own_a = rng.uniform(0.3, 0.7, n)
    rival_a = rng.uniform(0.2, 0.9, n)
    friction = rng.uniform(0.0, 1.0, n)
    u = (TRUE["alpha"] + TRUE["beta_comp"] * np.log(ratio)
         + TRUE["beta_compute"] * np.log(rival_c / own_c)
         + TRUE["beta_autonomy"] * (rival_a - own_a) - TRUE["beta_friction"] * friction)
    accepted = (rng.random(n) < expit(u)).astype(int)
    rows = zip(accepted, stay * ratio, stay, rival_c, own_c, rival_a, own_a, friction, strict=True)
    lines = [HEADER] + [",".join([str(r[0])] + [f"{x:.8g}" for x in r[1:]]) for r in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def events_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("events") / "events.csv"
    path.write_text(synthetic_log(20_000, seed=3))
    return path


def test_recovers_coefficients_within_two_standard_errors(events_file):
    result = runner.invoke(app, ["calibrate", str(events_file), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n"] == 20_000
    for name, true in TRUE.items():
        est = payload["coefficients"][name]
        assert abs(est["estimate"] - true) < 2 * est["std_error"], name
    assert 0 < payload["pseudo_r2"] < 1
    assert payload["llr_p_value"] < 1e-10
    assert "beta_comp:" in payload["snippet"] and "p_accept_at_parity:" in payload["snippet"]


def test_table_output_has_fit_line_and_snippet(events_file):
    result = runner.invoke(app, ["calibrate", str(events_file)])
    assert result.exit_code == 0
    assert "McFadden pseudo-R²" in result.stdout
    assert "behaviour:" in result.stdout


def test_snippet_validates_as_a_behaviour_section(events_file):
    import yaml

    from talentmoat.scenario import Behaviour

    fit = fit_events(read_events_csv(events_file.read_text(), "e"), "e")
    block = yaml.safe_load(fit.snippet())["behaviour"]
    Behaviour.model_validate(block)


def test_minimal_log_fits_only_alpha_and_beta_comp():
    rng = np.random.default_rng(0)
    ratio = rng.lognormal(0.5, 0.5, 2000)
    y = rng.random(2000) < expit(-2 + 2.5 * np.log(ratio))
    text = "accepted,offer_value,stay_value,rival\n" + "".join(
        f"{int(a)},{r:.6f},1,x\n" for a, r in zip(y, ratio, strict=True)
    )
    fit = fit_events(read_events_csv(text, "e"), "e")
    assert fit.names == ("alpha", "beta_comp")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "", "the file is empty"),
        ("accepted,offer_value\n1,2\n", "line 1", "missing required column 'stay_value'"),
        ("accepted,offer_value,stay_value,colour\n", "line 1, column colour", "unknown column"),
        ("accepted,offer_value,stay_value,own_compute\n1,2,1,5\n", "line 1",
         "'own_compute' needs 'rival_compute'"),
        ("accepted,offer_value,stay_value\n", "", "no decisions"),
        ("accepted,offer_value,stay_value\n1,2,1\n0,abc,1\n", "row 2 (line 3), column offer_value",
         "'abc' is not a number"),
        ("accepted,offer_value,stay_value\n1,2,-1\n", "row 1 (line 2), column stay_value",
         "out of range"),
        ("accepted,offer_value,stay_value\n0.5,2,1\n", "row 1 (line 2), column accepted",
         "not 0 or 1"),
        ("accepted,offer_value,stay_value,friction\n1,2,1,3\n", "row 1 (line 2), column friction",
         "out of range"),
        ("accepted,offer_value,stay_value\n1,2\n", "row 1 (line 2)", "has 2 fields"),
    ],
)
def test_malformed_csv_names_row_and_column(tmp_path, text, where, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = runner.invoke(app, ["calibrate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: {where}" in result.output.replace("\n", " ") or (
        not where and str(path) in result.output
    )
    assert message in result.output
    assert "Traceback" not in result.output


def test_unidentified_logs_are_rejected():
    text = "accepted,offer_value,stay_value\n" + "1,2,1\n" * 3 + "0,1,1\n" * 50
    with pytest.raises(InputError, match="at least 5 of each"):
        fit_events(read_events_csv(text, "e"), "e")
    separated = "accepted,offer_value,stay_value\n" + "1,3,1\n" * 20 + "0,1,1\n" * 20
    with pytest.raises(InputError, match=r"did not converge|fit failed"):
        fit_events(read_events_csv(separated, "e"), "e")


def test_missing_file_exit_2(tmp_path):
    result = runner.invoke(app, ["calibrate", str(tmp_path / "none.csv")])
    assert result.exit_code == 2
    assert "no such file" in result.output
