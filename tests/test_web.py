"""The dashboard API through FastAPI's TestClient: every endpoint, and every refusal."""

from __future__ import annotations

import time
from importlib import resources

import pytest
import yaml
from fastapi.testclient import TestClient

from talentmoat.errors import InputError
from talentmoat.loader import load_scenario
from talentmoat.web import app as web
from talentmoat.web.params import apply, available
from talentmoat.web.runs import Area

LEAN = "bundled:lean-lab"
BASE = "http://127.0.0.1"


def lean_text() -> str:
    return (resources.files("talentmoat.scenarios") / "lean-lab.yaml").read_text()


@pytest.fixture(scope="module")
def area_root(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def client(area_root):
    return TestClient(web.create_app(area_root), base_url=BASE)


def wait(client, run_id: str) -> dict:
    for _ in range(600):
        job = client.get(f"/api/runs/{run_id}").json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError("run did not finish")


@pytest.fixture(scope="module")
def finished(client):
    """One small run of the baseline and one strategy, with a parameter moved."""
    strategy = next(iter(load_scenario("lean-lab").scenario.strategies.keys() - {"baseline"}))
    r = client.post("/api/runs", json={"scenario": LEAN, "strategies": [strategy],
                                       "parameters": {"attrition": 0.3},
                                       "replications": 6, "quarters": 3})
    assert r.status_code == 202, r.text
    job = wait(client, r.json()["id"])
    assert job["state"] == "done" and job["done"] == job["total"] == 6, job
    return job["id"], strategy


def test_index_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/static/plotly.min.js">' in page.text
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.text) > 1_000_000
    assert "loadScenarios" in client.get("/static/dashboard.js").text


def test_scenarios_list_and_detail_come_from_the_scenario(client):
    ids = [s["id"] for s in client.get("/api/scenarios").json()]
    assert LEAN in ids
    detail = client.get(f"/api/scenarios/{LEAN}").json()
    s = load_scenario("lean-lab").scenario
    assert detail["strategies"] == {k: list(v) for k, v in s.strategies.items()}
    params = {p["key"]: p["value"] for p in detail["parameters"]}
    assert params["attrition"] == s.firm.attrition.total["default"]
    assert params["offer_multiple"] == 1.0
    assert detail["replications"] == s.simulation.replications
    assert client.get("/api/scenarios/bundled:nope").status_code == 404
    assert client.get("/api/scenarios/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_a_run_reports_progress_figures_and_its_report(client, finished, area_root):
    run_id, strategy = finished
    used = load_scenario(area_root / "inputs" / run_id / "scenario.yaml")
    assert used.scenario.firm.attrition.total["default"] == 0.3  # the parameter reached the run
    figs = client.get(f"/api/runs/{run_id}/figures").json()
    assert set(figs) == {"comparison", "cost_benefit", "parity", "lead"}
    assert figs["comparison"]["data"][0]["y"] == [strategy]
    report = client.get(f"/api/runs/{run_id}/report")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert "Executive summary" in report.text
    assert '<section id="shock">' in report.text  # the poach shock, on the run's 6 replications
    listed = {r["id"]: r for r in client.get("/api/runs").json()}
    assert listed[run_id]["strategies"] == ["baseline", strategy]
    assert listed[run_id]["replications"] == 6


@pytest.mark.parametrize("body,message", [
    ({"replications": 1001, "quarters": 3}, "replications: Input should be less than or equal"),
    ({"replications": 2, "quarters": 41}, "quarters: Input should be less than or equal to 40"),
    ({"replications": 0, "quarters": 3}, "replications: Input should be greater than"),
    ({"replications": 2, "quarters": 3, "strategies": ["magic"]}, "unknown strategy magic"),
    ({"replications": 2, "quarters": 3, "parameters": {"gravity": 1}}, "gravity: not a parameter"),
    ({"replications": 2, "quarters": 3, "parameters": {"attrition": 0.9}},
     "attrition: must be between 0.0 and 0.5"),
])
def test_bad_run_requests_are_422_with_a_message(client, body, message):
    r = client.post("/api/runs", json={"scenario": LEAN, **body})
    assert r.status_code == 422 and message in r.json()["detail"], r.text


def test_unknown_scenario_or_run_is_404(client):
    r = client.post("/api/runs", json={"scenario": "upload:../../x", "replications": 1,
                                       "quarters": 1})
    assert r.status_code == 404
    for path in ("/api/runs/0123456789ab", "/api/runs/0123456789ab/figures",
                 "/api/runs/..%2F..%2Fetc/report", "/api/runs/../../etc/passwd"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "null"}])
def test_cross_origin_state_changes_are_refused(client, headers):
    for path, kw in (("/api/runs", {"json": {"scenario": LEAN, "replications": 1,
                                              "quarters": 1}}),
                     ("/api/scenarios", {"content": lean_text()})):
        r = client.post(path, headers=headers, **kw)
        assert r.status_code == 403 and "refused" in r.json()["detail"]


def test_same_origin_is_allowed_and_foreign_hosts_are_refused(client):
    ok = client.post("/api/scenarios", content=lean_text(),
                     headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 201
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_upload_validates_keeps_and_lists_a_scenario(client):
    text = lean_text().replace("name: lean-lab", "name: my-lab", 1)
    r = client.post("/api/scenarios", content=text, headers={"Content-Type": "application/yaml"})
    assert r.status_code == 201 and r.json()["name"] == "my-lab"
    sid = r.json()["id"]
    assert sid in [s["id"] for s in client.get("/api/scenarios").json()]
    assert client.get(f"/api/scenarios/{sid}").json()["name"] == "my-lab"


@pytest.mark.parametrize("content,status,message", [
    (b"name: [unclosed", 422, "invalid YAML"),
    (b"\xff\xfe", 422, "not UTF-8"),
    (b"name: x\nseed: -1\n", 422, "uploaded scenario"),
    (b"x" * (web.MAX_UPLOAD_BYTES + 1), 413, "larger than 256 KiB"),
])
def test_bad_uploads_are_refused_with_a_message(client, content, status, message):
    r = client.post("/api/scenarios", content=content)
    assert r.status_code == status and message in r.json()["detail"], r.text


def test_an_upload_may_not_name_a_roster_file(client):
    data = yaml.safe_load(lean_text())
    data["roster"] = {"csv": "../../../etc/passwd"}
    r = client.post("/api/scenarios", content=yaml.safe_dump(data))
    assert r.status_code == 422 and "roster" in r.json()["detail"]


def test_a_full_queue_is_refused(tmp_path):
    area = Area(tmp_path, max_queued=0)
    with pytest.raises(OverflowError, match="already waiting"):
        area.submit(LEAN, [], {}, 1, 1)


def test_parameters_set_their_paths_and_scale_offers():
    lab = load_scenario("lean-lab")
    data = yaml.safe_load(lean_text())
    out = apply(data, lab.scenario, {"offer_multiple": 2.0, "tender_cap": 0.5})
    medians = [r.offer_multiple.median for r in lab.scenario.rivals]
    assert [r["offer_multiple"]["median"] for r in out["rivals"]] == [2 * m for m in medians]
    keys = {p["key"]: p for p in available(lab.scenario)}
    tender = keys["tender_cap"]
    assert tender["value"] == 0.2 and tender["high"] == 1.0
    assert out["policies"]["tenders"]["cap_share_of_vested"] == 0.5
    assert data["rivals"][0]["offer_multiple"]["median"] == medians[0]  # the input is untouched
    with pytest.raises(InputError, match=r"between 0\.5 and 2\.0"):
        apply(data, lab.scenario, {"offer_multiple": 3.0})


@pytest.fixture(scope="module")
def store(tmp_path_factory, finished, area_root, sweep_store):
    """A results store: two result folders, a sweep store, an optimization store and junk."""
    import shutil

    root = tmp_path_factory.mktemp("store")
    run_id, _ = finished
    shutil.copytree(area_root / "runs" / run_id, root / "lab-a")
    shutil.copytree(area_root / "runs" / run_id, root / "lab-b")
    (root / "lab-b" / "report.html").unlink()
    shutil.copy(sweep_store, root / "tiny.duckdb")
    shutil.copy(sweep_store, root / "plan.opt.duckdb")
    (root / "notes.duckdb").write_text("not a database")
    (root / "empty").mkdir()
    shutil.copytree(root / "lab-a", root / ".hidden")
    outside = tmp_path_factory.mktemp("outside")
    shutil.copytree(root / "lab-a", outside / "secret")
    (root / "link").symlink_to(outside / "secret")
    return root


def test_the_store_lists_past_results_and_serves_their_reports(store):
    client = TestClient(web.create_app(store / "serve", store=store), base_url=BASE)
    listed = {e["name"]: e for e in client.get("/api/store").json()}
    assert set(listed) == {"lab-a", "lab-b", "tiny.duckdb", "plan.opt.duckdb"}
    assert {n: (e["kind"], e["report"]) for n, e in listed.items()} == {
        "lab-a": ("results", True), "lab-b": ("results", False),
        "tiny.duckdb": ("sweep", True), "plan.opt.duckdb": ("optimization", False)}
    assert (listed["lab-a"]["scenario"], listed["lab-a"]["replications"],
            listed["lab-a"]["quarters"]) == ("lean-lab", 6, 3)
    r = client.get("/api/store/lab-a/report")
    assert r.status_code == 200 and r.text == (store / "lab-a" / "report.html").read_text()
    assert 'filename="talentmoat-lab-a.html"' in r.headers["content-disposition"]
    sweep = client.get("/api/store/tiny.duckdb/report")
    assert sweep.status_code == 200 and 'content="talentmoat report"' in sweep.text
    assert 'filename="talentmoat-tiny.html"' in sweep.headers["content-disposition"]
    assert "tiny" in sweep.text and '<section id="provenance">' in sweep.text


@pytest.mark.parametrize("name", ["lab-b", "plan.opt.duckdb", "notes.duckdb", "empty",
                                  ".hidden", "link", "..", "%2e%2e", "..%2Flab-a", "nothing"])
def test_the_store_refuses_anything_it_did_not_list(store, name):
    client = TestClient(web.create_app(store / "serve", store=store), base_url=BASE)
    r = client.get(f"/api/store/{name}/report")
    assert r.status_code == 404, (name, r.status_code)


def test_without_a_store_nothing_is_listed(area_root):
    client = TestClient(web.create_app(area_root), base_url=BASE)
    assert client.get("/api/store").json() == []
    assert client.get("/api/store/lab-a/report").status_code == 404
