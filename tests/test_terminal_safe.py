"""Terminal-safe output: hostile names reach the terminal as visible, inert text.

A hostile string carries an ANSI colour, an OSC window-title sequence ended by BEL, Rich markup
and an emoji code. Wherever such a string can enter — an author name in a git history, a
person's id and role in a roster CSV, the scenario, rival, investor and strategy names of a
scenario, a file name in an error message — the output must hold no control character and must
show the text as written.
"""

from __future__ import annotations

from importlib import resources

import pytest
from typer.testing import CliRunner

from conftest import ROSTER, body
from talentmoat.cli import app
from talentmoat.cli.safe import safe

runner = CliRunner()
HOSTILE = "Mal\x1b[31mlory\x1b]0;pwned\x07 [bold]b[/bold] :x: Jones"
VISIBLE = [r"Mal\x1b[31mlory\x1b]0;pwned\x07", "[bold]b[/bold]", ":x:"]
"""Space-free pieces of the escaped text (a table may wrap a cell at its spaces)."""


def _controls(text: str) -> list[str]:
    """Characters other than newline that are not printable (ESC, BEL, CR, bidi overrides …)."""
    return [c for c in text if c not in "\n " and not c.isprintable()]


def _assert_inert_and_visible(text: str) -> None:
    assert _controls(text) == []
    for piece in VISIBLE:
        assert piece in text, piece
    assert "❌" not in text  # the emoji code stayed text


def test_safe_escapes_controls_markup_and_keeps_plain_text():
    assert safe("Ada Lovelace, ümlaut 名前") == "Ada Lovelace, ümlaut 名前"
    assert safe(HOSTILE) == r"Mal\x1b[31mlory\x1b]0;pwned\x07 \[bold]b\[/bold] :x: Jones"
    assert safe("a\nb\r\tc\x7f\x9b") == r"a\x0ab\x0d\x09c\x7f\x9b"
    assert safe("evil\u202etxt.exe\u200b") == r"evil\u202etxt.exe\u200b"
    assert safe(3) == "3"


def test_scan_table_shows_a_hostile_author_name_inert(make_repo):
    repo = make_repo()
    repo.commit((HOSTILE, "mallory@evil.example"), 1, {"a.py": body("a"), "b.py": body("b")})
    repo.commit(("Ann", "ann@example.org"), 2, {"c.py": body("c")})
    result = runner.invoke(app, ["scan", str(repo.path)])
    assert result.exit_code == 0, result.output
    _assert_inert_and_visible(result.output)


@pytest.fixture
def hostile_roster(tiny):
    """The tiny scenario whose first person's id and role are hostile."""
    text = ROSTER.replace("a,Ada,core", f'"{HOSTILE}",Ada,"{HOSTILE}"')
    return tiny(roster=text)


def test_knowledge_table_shows_a_hostile_roster_id_and_role_inert(hostile_roster):
    result = runner.invoke(app, ["knowledge", str(hostile_roster)])
    assert result.exit_code == 0, result.output
    _assert_inert_and_visible(result.output)


def test_an_error_echoing_a_hostile_cell_is_inert(tiny):
    path = tiny(roster=ROSTER + f'"{HOSTILE}",X,eng,0.1,0.1,0.1\n"{HOSTILE}",Y,eng,0,0,0\n')
    result = runner.invoke(app, ["knowledge", str(path)])
    assert result.exit_code == 2
    assert "duplicate id" in result.stderr
    _assert_inert_and_visible(result.stderr)


def test_an_error_naming_a_hostile_file_name_is_inert(tmp_path):
    result = runner.invoke(app, ["knowledge", str(tmp_path / f"{HOSTILE}.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    _assert_inert_and_visible(result.stderr)


def hostile_yaml(tag: str) -> str:
    """:data:`HOSTILE` (with ``tag`` appended) as a double-quoted YAML scalar."""
    return f'"{HOSTILE} {tag}"'.replace("\x1b", r"\e").replace("\x07", r"\a")


@pytest.fixture(scope="module")
def hostile_lab(tmp_path_factory):
    """lean-lab with a hostile scenario name, rival name, investor name and strategy name."""
    text = resources.files("talentmoat.scenarios").joinpath("lean-lab.yaml").read_text()
    text = text.replace("name: lean-lab", f"name: {hostile_yaml('lab')}", 1)
    text = text.replace("hyperscaler", hostile_yaml("rival"))  # and the ties that name it
    text = text.replace("- name: crossover-fund", f"- name: {hostile_yaml('fund')}")
    text = text.replace("  tenders: [tenders]", f"  {hostile_yaml('strategy')}: [tenders]")
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("command", [
    ["value"], ["compute"], ["investors"], ["knowledge"], ["plan"], ["validate"],
    ["compare", "--reps", "2", "--quarters", "2", "-s", "HOSTILE"],
])
def test_hostile_scenario_names_are_inert_in_every_table(hostile_lab, command, tmp_path):
    args = [f"{HOSTILE} strategy" if a == "HOSTILE" else a for a in command]
    extra = ["--out", str(tmp_path / "res")] if command[0] == "compare" else []
    result = runner.invoke(app, [args[0], str(hostile_lab), *args[1:], *extra])
    assert result.exit_code == 0, result.output
    _assert_inert_and_visible(result.output)


def test_an_echoed_history_line_is_inert(tmp_path):
    log, files = tmp_path / "h.log", tmp_path / "files.txt"
    log.write_text(f"@@commit {'a' * 40}\t1700000000\tAnn\tann@example.org\n{HOSTILE}\n")
    files.write_text("a.py\n")
    result = runner.invoke(app, ["scan", "--log", str(log), "--files", str(files)])
    assert result.exit_code == 2
    assert "line 2: unexpected line" in result.stderr
    _assert_inert_and_visible(result.stderr)
