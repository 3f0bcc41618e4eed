"""Keyed pseudonyms: no command leaks a roster id, name, e-mail, path or digest under --anonymize.

Every command that prints people is run on two labs — a roster CSV whose ids are e-mail
addresses and whose people have names, and lean-lab's generated roster (ids like ``core-003``) —
and all its stdout, stderr and written files are searched for every id, name, e-mail, the
scenario path and every digest of the inputs. Other tests show that the pseudonyms are the
HMAC-SHA256 of the id under the key and nothing an outsider could compute from the files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import body
from talentmoat.anonymize import KEY_ENV, PSEUDONYM_HEX, key_file, pseudonym, resolve_key
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.loader import load_scenario

runner = CliRunner()
TEAM_KEY = "team-key-5b0f2c9a81d4e7"
FIRST = ["ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "john", "radia",
         "ken", "margaret", "niklaus", "sophie", "tim", "leslie"]
LAST = ["quillfeather", "hopperton", "turingham", "dijkstrom", "liskovic", "knuthby",
        "allenford", "backusson", "perlmanis", "thompsley"]
SIM = ["--reps", "3", "--quarters", "2", "-s", "tenders"]


class Lab:
    """A scenario on disk and everything about it that must not leak."""

    def __init__(self, path: Path, roster: Path | None) -> None:
        self.path = path
        lab = load_scenario(str(path))
        self.ids = list(lab.roster.ids)
        self.names = [n for n in lab.roster.names if n not in self.ids]
        files = [path] + ([roster] if roster else [])
        digests = [lab.digest, *(hashlib.sha256(f.read_bytes()).hexdigest() for f in files)]
        parts = {p for i in self.ids if "@" in i for p in i.split("@")}  # local part, domain
        surnames = {n.split()[-1] for n in self.names}
        self.secrets = [*self.ids, *self.names, *sorted(parts | surnames), *digests,
                        str(path.parent), TEAM_KEY]


def _lean_text() -> str:
    """lean-lab's YAML with a short simulation (so ``run`` is quick in a test)."""
    text = resources.files("talentmoat.scenarios").joinpath("lean-lab.yaml").read_text()
    text = text.replace("replications: 200", "replications: 3")
    return re.sub(r"quarters: 16\b", "quarters: 2", text)


@pytest.fixture(scope="module")
def cohort_lab(tmp_path_factory) -> Lab:
    """lean-lab (generated ids such as core-003) written to a folder of its own."""
    path = tmp_path_factory.mktemp("cohort") / "cohort-lab.yaml"
    path.write_text(_lean_text())
    return Lab(path, None)


@pytest.fixture(scope="module")
def named_lab(tmp_path_factory) -> Lab:
    """lean-lab's people in a roster CSV: ids are e-mail addresses and everyone has a name."""
    folder = tmp_path_factory.mktemp("named")
    base = load_scenario("lean-lab").roster
    comps = load_scenario("lean-lab").scenario.blueprint.ids
    pay = list(base.pay)
    lines = [",".join(["id", "name", "role", *(f"k.{c}" for c in comps), *pay])]
    for i in range(base.size):
        first, last = FIRST[i % len(FIRST)], LAST[i // len(FIRST)]
        cells = [f"{first}.{last}@deepcore.example", f"{first.title()} {last.title()}",
                 base.roles[i], *(f"{v:.6f}" for v in base.K[i]),
                 *("" if v != v else f"{v:g}" for v in (base.pay[c][i] for c in pay))]
        lines.append(",".join(cells))
    roster = folder / "people.csv"
    roster.write_text("\n".join(lines) + "\n")
    text = re.sub(r"\nroster:\n.*?\n(?=knowledge:)", "\nroster:\n  csv: people.csv\n\n",
                  _lean_text(), flags=re.S)
    path = folder / "named-lab.yaml"
    path.write_text(text)
    return Lab(path, roster)


def _written(folder: Path) -> str:
    """Everything under ``folder``: raw bytes, and Parquet files decoded (names and values)."""
    parts = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts.append(f.name)
        parts.append(f.read_bytes().decode("latin-1"))
        if f.suffix == ".parquet":
            frame = pd.read_parquet(f)
            parts.append(" ".join(map(str, frame.columns)))
            parts.append(frame.to_csv(index=False))
    return "\n".join(parts)


def _invoke(args: list[str], env: dict[str, str] | None = None):
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result


def _everything(result, out: Path) -> str:
    return "\n".join([result.stdout, result.stderr, _written(out) if out.exists() else ""])


def _leaks(text: str, lab: Lab) -> list[str]:
    lowered = text.lower()
    return [s for s in lab.secrets if s.lower() in lowered]


# (command, options); "OUT" is replaced by a fresh results folder.
CASES = [
    ("knowledge", []), ("knowledge", ["--json"]),
    ("plan", []), ("plan", ["--json"]),
    ("value", []), ("value", ["--json"]), ("value", ["--person", "FIRST_ID"]),
    ("compute", []), ("compute", ["--json"]),
    ("investors", []), ("investors", ["--json"]),
    ("simulate", [*SIM, "--out", "OUT"]), ("simulate", [*SIM, "--out", "OUT", "--json"]),
    ("compare", [*SIM, "--out", "OUT"]), ("compare", [*SIM, "--out", "OUT", "--json"]),
    ("run", ["--out", "OUT"]),
]


@pytest.mark.parametrize("which", ["named_lab", "cohort_lab"])
@pytest.mark.parametrize(("command", "options"), CASES, ids=[" ".join(c[:1] + tuple(c[1][-1:]))
                                                             for c in CASES])
def test_anonymized_output_and_files_leak_nothing(which, command, options, request, tmp_path):
    lab: Lab = request.getfixturevalue(which)
    out = tmp_path / "out"
    args = [command, str(lab.path),
            *(str(out) if o == "OUT" else lab.ids[0] if o == "FIRST_ID" else o for o in options)]
    plain = _invoke(args)
    shown = _everything(plain, out)
    # the check can fail: without --anonymize the JSON, the person table or the written
    # summary names people, the path or the digest
    if "--json" in options or "OUT" in options or "FIRST_ID" in options or command in (
            "knowledge",):
        assert _leaks(shown, lab), "control: the plain output should name something"
    out2 = tmp_path / "out2"
    args = [str(out2) if a == str(out) else a for a in args]
    anonymized = _invoke([*args, "--anonymize"], env={KEY_ENV: TEAM_KEY})
    assert _leaks(_everything(anonymized, out2), lab) == []
    if "--json" in options and command in ("knowledge", "plan", "value", "compute"):
        assert "person-" in anonymized.stdout  # people are there, under pseudonyms


def _real_and_shown(lab: Lab, command: str, key_env: dict[str, str]) -> tuple[dict, dict]:
    plain = json.loads(_invoke([command, str(lab.path), "--json"]).stdout)
    anon = json.loads(_invoke([command, str(lab.path), "--json", "--anonymize"],
                              env=key_env).stdout)
    return plain, anon


def test_pseudonyms_are_the_keyed_hmac_and_agree_across_commands(named_lab):
    key = TEAM_KEY.encode()
    env = {KEY_ENV: TEAM_KEY}

    def expected(real_id: str) -> str:
        mac = hmac.new(key, f"person\x00{real_id}".encode(), hashlib.sha256).hexdigest()
        return f"person-{mac[:PSEUDONYM_HEX]}"

    plain, anon = _real_and_shown(named_lab, "knowledge", env)
    assert [p["id"] for p in anon["key_people"]] == [expected(p["id"])
                                                      for p in plain["key_people"]]
    assert anon["truck_factor"]["people"] == [expected(i)
                                              for i in plain["truck_factor"]["people"]]
    for command in ("value", "compute"):
        plain, anon = _real_and_shown(named_lab, command, env)
        assert [p["id"] for p in anon["people"]] == [expected(p["id"]) for p in plain["people"]]
    plain, anon = _real_and_shown(named_lab, "plan", env)
    assert [a["id"] for a in anon["assignments"]] == [expected(a["id"])
                                                       for a in plain["assignments"]]
    # provenance: a keyed digest instead of the plain one, and no path
    assert anon["source"] == "(anonymized)" and "scenario_sha256" not in anon
    digest = load_scenario(str(named_lab.path)).digest
    assert anon["scenario_hmac_sha256"] == hmac.new(
        key, f"digest\x00{digest}".encode(), hashlib.sha256).hexdigest()


def test_value_person_row_is_labelled_by_the_pseudonym(named_lab):
    real = named_lab.ids[3]
    shown = _invoke(["value", str(named_lab.path), "--person", real, "--anonymize"],
                    env={KEY_ENV: TEAM_KEY}).stdout
    assert pseudonym(real, TEAM_KEY.encode()) in shown and real not in shown


def _unkeyed_candidates(value: str, context: list[str]) -> set[str]:
    """Every hex string an outsider could compute from an id and the public files."""
    messages = [value, value.casefold(), f"person\x00{value}"]
    for c in context:
        messages += [f"{c}\x00{value}", f"{c}{value}", f"{value}{c}", f"{c}:{value}"]
    out = set()
    for algorithm in ("md5", "sha1", "sha256", "sha512", "blake2b", "sha3_256"):
        for m in messages:
            out.add(hashlib.new(algorithm, m.encode()).hexdigest())
    for c in context:  # an HMAC keyed by something printed or public is no better
        out.add(hmac.new(c.encode(), f"person\x00{value}".encode(), hashlib.sha256).hexdigest())
        out.add(hmac.new(c.encode(), value.encode(), hashlib.sha256).hexdigest())
    return out


def test_knowing_the_scenario_and_its_digest_does_not_give_the_pseudonyms(cohort_lab):
    plain, anon = _real_and_shown(cohort_lab, "knowledge", {KEY_ENV: TEAM_KEY + "x"})
    shown = [p["id"].removeprefix("person-") for p in anon["key_people"]]
    assert len(shown) == 10 and all(len(s) == PSEUDONYM_HEX for s in shown)
    lab = load_scenario(str(cohort_lab.path))
    context = [lab.digest, hashlib.sha256(cohort_lab.path.read_bytes()).hexdigest(),
               cohort_lab.path.read_text(), lab.scenario.name, "talentmoat:gitmine", ""]
    # an attacker tries every id of the roster (they are guessable: role-NNN) with every
    # unkeyed hash of the id and the public inputs; the old scheme sha256(digest\0id) included
    old = {hashlib.sha256(f"{lab.digest}\x00{i}".encode()).hexdigest()[:10]
           for i in lab.roster.ids}
    candidates = set().union(*(_unkeyed_candidates(i, context) for i in lab.roster.ids))
    assert not any(s[:10] in old for s in shown)
    assert not any(c.startswith(s) for s in shown for c in candidates)
    # while the key holder maps each pseudonym back (same order as the real ranking)
    key = (TEAM_KEY + "x").encode()
    assert anon["key_people"][0]["id"] == pseudonym(plain["key_people"][0]["id"], key)


def test_different_keys_give_different_pseudonyms_for_everyone():
    ids = list(load_scenario("lean-lab").roster.ids)
    one = [pseudonym(i, b"k" * 16) for i in ids]
    two = [pseudonym(i, b"j" * 16) for i in ids]
    assert all(a != b for a, b in zip(one, two, strict=True))
    assert len(set(one)) == len(ids)  # and no two people share one
    assert pseudonym("x", b"k" * 16, prefix="dev") != pseudonym("x", b"k" * 16)


def test_key_file_is_made_once_with_owner_only_permissions(private_config, cohort_lab):
    path = key_file()
    assert path == private_config / "talentmoat" / "anonymize.key" and not path.exists()
    first = json.loads(_invoke(["knowledge", str(cohort_lab.path), "--json", "--anonymize"])
                       .stdout)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", text)
    again = json.loads(_invoke(["knowledge", str(cohort_lab.path), "--json", "--anonymize"])
                       .stdout)
    assert again["key_people"] == first["key_people"] and path.read_text() == text
    plain = json.loads(_invoke(["knowledge", str(cohort_lab.path), "--json"]).stdout)
    key = text.strip().encode()
    assert [p["id"] for p in first["key_people"]] == [pseudonym(p["id"], key)
                                                       for p in plain["key_people"]]
    # a teammate given the file's text (variable or option) gets the same pseudonyms
    for env, extra in (({KEY_ENV: text.strip()}, ["--anonymize"]),
                       (None, ["--anonymize-key", text])):
        shared = json.loads(_invoke(["knowledge", str(cohort_lab.path), "--json", *extra],
                                    env=env).stdout)
        assert shared["key_people"] == first["key_people"]
    assert text.strip() not in json.dumps(first)


def test_key_file_defaults_to_dot_config_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert key_file() == tmp_path / ".config" / "talentmoat" / "anonymize.key"
    key = resolve_key()
    assert key_file().exists() and resolve_key() == key
    assert stat.S_IMODE(key_file().parent.stat().st_mode) == 0o700


def test_a_key_file_others_can_read_is_refused(cohort_lab):
    resolve_key()
    os.chmod(key_file(), 0o644)
    result = runner.invoke(app, ["knowledge", str(cohort_lab.path), "--anonymize"])
    assert result.exit_code == 2 and result.stdout == ""
    assert str(key_file()) in result.stderr and "0644" in result.stderr
    assert "chmod 600" in result.stderr


def test_a_short_key_is_refused_and_names_where_it_came_from(cohort_lab, monkeypatch):
    result = runner.invoke(app, ["plan", str(cohort_lab.path), "--anonymize-key", "short"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--anonymize-key" in result.stderr and "at least 16" in result.stderr
    monkeypatch.setenv(KEY_ENV, "tiny")
    with pytest.raises(InputError, match=KEY_ENV):
        resolve_key()


def test_anonymize_key_option_alone_anonymizes(cohort_lab):
    out = json.loads(_invoke(["knowledge", str(cohort_lab.path), "--json",
                              "--anonymize-key", TEAM_KEY]).stdout)
    assert all(p["id"].startswith("person-") for p in out["key_people"])
    assert "scenario_sha256" not in out


def test_simulate_summary_under_anonymize_has_a_keyed_digest_only(cohort_lab, tmp_path):
    out = tmp_path / "res"
    _invoke(["simulate", str(cohort_lab.path), *SIM, "--out", str(out), "--anonymize"],
            env={KEY_ENV: TEAM_KEY})
    prov = json.loads((out / "summary.json").read_text())["provenance"]
    digest = load_scenario(str(cohort_lab.path)).digest
    assert "scenario_sha256" not in prov and prov["source"] == "(anonymized)"
    assert prov["scenario_hmac_sha256"] == hmac.new(
        TEAM_KEY.encode(), f"digest\x00{digest}".encode(), hashlib.sha256).hexdigest()


ALICE = ("Alice Liddell", "Alice@Wonder.example")
BOB = ("Bob Builder", "bob@site.example")


def test_scan_pseudonyms_are_keyed_hmacs_of_the_email(make_repo, tmp_path):
    repo = make_repo()
    repo.commit(ALICE, 1, {"data/a.py": body("a"), "data/b.py": body("b")})
    repo.commit(BOB, 2, {"model/c.py": body("c", 40)})
    roster = tmp_path / "anon.csv"
    args = ["scan", str(repo.path), "--anonymize"]
    as_json = _invoke([*args, "--json", "--roster-out", str(roster)], env={KEY_ENV: TEAM_KEY})
    as_table = _invoke(args, env={KEY_ENV: TEAM_KEY})
    key = TEAM_KEY.encode()

    def expected(email: str) -> str:
        mac = hmac.new(key, f"dev\x00{email.casefold()}".encode(), hashlib.sha256).hexdigest()
        return f"dev-{mac[:PSEUDONYM_HEX]}"

    names = {h["name"] for h in json.loads(as_json.stdout)["top_holders"]}
    assert names == {expected(ALICE[1]), expected(BOB[1])}
    old = {hashlib.sha256(f"talentmoat:gitmine\x00{e.casefold()}".encode()).hexdigest()[:10]
           for _, e in (ALICE, BOB)}
    assert not any(n.removeprefix("dev-")[:10] in old for n in names)  # the unsalted scheme
    written = roster.read_text()
    for text in (as_json.stdout, as_json.stderr, as_table.stdout, as_table.stderr, written):
        lowered = text.lower()
        for secret in ("alice", "liddell", "bob", "builder", "wonder", "site.example",
                       str(repo.path).lower(), TEAM_KEY):
            assert secret not in lowered, secret
    # without --anonymize the roster ids are the same keyed pseudonyms (never an e-mail)
    plain = tmp_path / "plain.csv"
    _invoke(["scan", str(repo.path), "--roster-out", str(plain)], env={KEY_ENV: TEAM_KEY})
    ids = {line.split(",")[0] for line in plain.read_text().splitlines()[1:]}
    assert ids == names and "Alice Liddell" in plain.read_text()
