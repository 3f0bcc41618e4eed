"""The report and the dashboard in a real browser: Playwright driving Debian's Chromium.

Serial by design (one browser on two cores). Skipped only when ``/usr/bin/chromium`` is absent
(``.ci/run`` installs it); ``playwright install`` is never needed.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from talentmoat.cli import app as cli
from talentmoat.loader import load_scenario
from talentmoat.web.app import MAX_UPLOAD_BYTES, create_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium "
                                "(apt-get install -y chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on a free loopback port, in a background thread."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(tmp_path_factory.mktemp("serve")), host="127.0.0.1",
                            port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_report_from_file_renders_every_figure_offline(page, tmp_path):
    target = tmp_path / "report.html"
    r = CliRunner().invoke(cli, ["report", "lean-lab", "--reps", "6", "--quarters", "3", "-o",
                                 str(target)])
    assert r.exit_code == 0, r.output
    assert _renders_offline(page, target) == 12  # with the poach shock and person values
    assert page.locator("#shock div.figure svg.main-svg").count() >= 2


def _renders_offline(page, target: Path) -> int:
    """Open a report from ``file://``; assert every figure drew, no error, no request."""
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(target.as_uri())
    count = page.locator("div.figure").count()
    page.wait_for_function(f"document.querySelectorAll('div.figure svg.main-svg').length "
                           f">= {count}")
    drawn = page.evaluate("[...document.querySelectorAll('div.figure')].map(d => "
                          "(d.data || []).length)")
    assert all(n > 0 for n in drawn), drawn
    assert page.errors == []
    assert requests == [target.as_uri()]  # nothing but the file itself
    return count


def test_sweep_reports_render_every_figure_offline(page, tmp_path, sweep_store, sweep_analysis):
    from talentmoat.cli.reporting import write_report
    from talentmoat.report import sweep_access as sa
    from talentmoat.report.sweep import render_sweep_report

    target = tmp_path / "sweep.html"
    r = CliRunner().invoke(cli, ["report", str(sweep_store), "-o", str(target)])
    assert r.exit_code == 0, r.output
    assert _renders_offline(page, target) == target.read_text().count('class="figure-data"')
    # the made-up analysis has a PRIM box, so the trade-off and box figures are drawn too
    made_up = write_report(tmp_path / "made-up.html", render_sweep_report(sweep_analysis))
    boxes = [s for s in sa.prim_strategies(sweep_analysis)
             if sa.prim(sweep_analysis, s)["box"] is not None]
    assert boxes
    assert _renders_offline(page, made_up) == (
        len(sa.sensitivity_strategies(sweep_analysis)) + 2 * len(boxes) + 1)


def _comparison_strategies(page) -> list[str]:
    """The strategies on the comparison figure's first panel (one row each)."""
    return page.evaluate("((document.getElementById('fig-comparison').data || [])[0] || {})"
                         ".y || []")


def _run(page) -> None:
    before = page.evaluate("document.body.dataset.run || ''")
    page.click("#run")
    page.wait_for_function(f"(document.body.dataset.run || '') !== '{before}'")
    assert page.inner_text("#status") == "done"


def test_dashboard_toggling_a_strategy_and_running_updates_the_comparison(page, server):
    strategies = load_scenario("lean-lab").scenario.strategies
    target = "tenders" if "tenders" in strategies else next(
        n for n, p in strategies.items() if len(p) == 1)
    other = next(n for n, p in strategies.items() if len(p) == 1 and n != target)
    page.goto(server)
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.fill("#replications", "6")
    page.fill("#quarters", "3")
    for box in page.locator("#strategies input:not([disabled])").all():
        box.set_checked(box.get_attribute("value") == other)
    _run(page)
    assert _comparison_strategies(page) == [other]
    page.check(f"#strategies input[value='{target}']")
    _run(page)
    assert sorted(_comparison_strategies(page)) == sorted([other, target])
    assert page.locator("#runs li").count() == 2
    assert page.get_attribute("#download", "href").endswith("/report")
    assert page.errors == []


def test_dashboard_shows_the_oversize_and_bad_scenario_messages(page, server):
    page.goto(server)
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.set_input_files("#upload", files=[{"name": "big.yaml", "mimeType": "application/yaml",
                                            "buffer": b"#" * (MAX_UPLOAD_BYTES + 1)}])
    page.wait_for_function("document.getElementById('message').textContent.length > 0")
    assert "larger than 256 KiB" in page.inner_text("#message")
    page.set_input_files("#upload", files=[{"name": "bad.yaml", "mimeType": "application/yaml",
                                            "buffer": b"name: lab\nseed: [1\n"}])
    page.wait_for_function("document.getElementById('message').textContent.includes('YAML')")
    assert "invalid YAML" in page.inner_text("#message")
    page.set_input_files("#upload", files=[{"name": "bad.yaml", "mimeType": "application/yaml",
                                            "buffer": b"name: lab\nseed: 1\nblueprint: 3\n"}])
    page.wait_for_function("document.getElementById('message').textContent.includes("
                           "'blueprint')")
    assert "uploaded scenario" in page.inner_text("#message")
