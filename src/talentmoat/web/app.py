"""The local dashboard (FastAPI): pick or upload a scenario, run it, see the report's figures.

Safe as a local tool: the server answers only to loopback host names unless started with
``allow_remote``; replications, quarters and uploads are capped with clear 4xx messages;
requests name scenarios and runs only by server-made ids (see :mod:`talentmoat.web.runs`); and a
state-changing request from another origin is refused (``Origin`` / ``Sec-Fetch-Site``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware

from talentmoat import __version__
from talentmoat.cli.reporting import REPORT
from talentmoat.errors import InputError
from talentmoat.loader import Lab
from talentmoat.report import figures
from talentmoat.report.document import figure_payload
from talentmoat.web.params import available
from talentmoat.web.runs import Area
from talentmoat.web.stored import entry, listing

MAX_REPLICATIONS = 1000
MAX_QUARTERS = 40
MAX_UPLOAD_BYTES = 256 * 1024
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SAME_SITE = {"same-origin", "none"}


class RunRequest(BaseModel):
    """A run the dashboard asks for."""

    scenario: str
    strategies: list[str] = Field(default_factory=list, max_length=64)
    parameters: dict[str, float] = Field(default_factory=dict)
    replications: int = Field(ge=1, le=MAX_REPLICATIONS)
    quarters: int = Field(ge=1, le=MAX_QUARTERS)


def cross_origin(request: Request) -> str | None:
    """Why a state-changing request must be refused as cross-origin, or None."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in SAME_SITE:
        return f"cross-site request refused (Sec-Fetch-Site: {site})"
    origin = request.headers.get("origin")
    if origin is not None:
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != expected:
            return f"cross-origin request refused (Origin {origin} is not {expected})"
    return None


@cache
def _static(name: str) -> str:
    return (resources.files("talentmoat.web") / "static" / name).read_text(encoding="utf-8")


def _dashboard_figures(payload: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's figures of one run (the report's builders)."""
    return {
        "comparison": figure_payload(figures.forest_plot(payload)),
        "cost_benefit": figure_payload(figures.cost_benefit(payload)),
        "parity": figure_payload(figures.parity_chart(payload)),
        "lead": figure_payload(figures.fan_chart(payload, "lead",
                                                 "Lead over the strongest rival",
                                                 "blueprint share")),
    }


def create_app(root: Path, scenario: str | None = None, *, allow_remote: bool = False,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, store: Path | None = None) -> FastAPI:
    """The dashboard application.

    Args:
        root: The dashboard's file area (uploads, run inputs, results).
        scenario: A scenario file or bundled name to offer first.
        allow_remote: Answer to any host name (otherwise loopback names only).
        max_upload_bytes: Largest scenario upload.
        store: The results store whose past results are listed (see
            :mod:`talentmoat.web.stored`), or None for none.
    """
    area = Area(root, scenario)
    app = FastAPI(title="talentmoat", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    if not allow_remote:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOSTS)
    env = Environment(loader=PackageLoader("talentmoat.web", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))

    @app.middleware("http")
    async def refuse_cross_origin(request: Request, call_next: Any) -> Response:
        if request.method not in SAFE_METHODS:
            reason = cross_origin(request)
            if reason:
                return JSONResponse({"detail": reason}, status_code=403)
        return await call_next(request)

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": exc.render()}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        lines = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"detail": "; ".join(lines)}, status_code=422)

    def _scenario(sid: str) -> Lab:
        try:
            return area.load(sid)
        except KeyError:
            raise HTTPException(404, f"no scenario {sid!r}") from None

    def _run_dir(run_id: str) -> Path:
        try:
            return area.run_dir(run_id)
        except KeyError:
            raise HTTPException(404, f"no finished run {run_id!r}") from None

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return env.get_template("dashboard.html.j2").render(
            version=__version__, max_replications=MAX_REPLICATIONS, max_quarters=MAX_QUARTERS,
            max_upload_bytes=max_upload_bytes)

    @app.get("/static/plotly.min.js")
    def plotly_js() -> Response:
        return Response(get_plotlyjs(), media_type="text/javascript")

    @app.get("/static/dashboard.js")
    def dashboard_js() -> Response:
        return Response(_static("dashboard.js"), media_type="text/javascript")

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, str]]:
        out = []
        for sid in area.scenario_ids():
            try:
                out.append({"id": sid, "name": area.load(sid).scenario.name})
            except InputError:
                continue  # a given file that has since gone bad is not offered
        return out

    @app.get("/api/scenarios/{sid}")
    def scenario_detail(sid: str) -> dict[str, Any]:
        s = _scenario(sid).scenario
        return {
            "id": sid, "name": s.name, "description": s.description,
            "baseline": s.simulation.baseline,
            "strategies": {name: list(p) for name, p in s.strategies.items()},
            "parameters": available(s),
            "replications": min(s.simulation.replications, MAX_REPLICATIONS),
            "quarters": min(s.simulation.quarters, MAX_QUARTERS),
        }

    @app.post("/api/scenarios", status_code=201)
    async def upload(request: Request) -> dict[str, str]:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_upload_bytes:
            raise HTTPException(413, f"upload is larger than {max_upload_bytes // 1024} KiB")
        body = b""
        async for part in request.stream():
            body += part
            if len(body) > max_upload_bytes:
                raise HTTPException(413, f"upload is larger than {max_upload_bytes // 1024} KiB")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(422, "uploaded scenario: not UTF-8 text") from None
        sid = area.upload(text)
        return {"id": sid, "name": area.load(sid).scenario.name}

    @app.post("/api/runs", status_code=202)
    def start_run(req: RunRequest) -> dict[str, Any]:
        try:
            job = area.submit(req.scenario, req.strategies, req.parameters, req.replications,
                              req.quarters)
        except KeyError:
            raise HTTPException(404, f"no scenario {req.scenario!r}") from None
        except OverflowError as exc:
            raise HTTPException(429, str(exc)) from None
        return job.view()

    @app.get("/api/runs")
    def runs() -> list[dict[str, Any]]:
        return area.runs()

    @app.get("/api/runs/{run_id}")
    def run_status(run_id: str) -> dict[str, Any]:
        job = area.jobs.get(run_id)
        if job is not None:
            return job.view()
        _run_dir(run_id)
        return {"id": run_id, "state": "done"}

    @app.get("/api/runs/{run_id}/figures")
    def run_figures(run_id: str) -> dict[str, Any]:
        _run_dir(run_id)
        return _dashboard_figures(area.results(run_id))

    @app.get("/api/runs/{run_id}/report")
    def run_report(run_id: str) -> FileResponse:
        path = _run_dir(run_id) / REPORT
        if not path.exists():
            raise HTTPException(404, f"run {run_id!r} has no report")
        return FileResponse(path, media_type="text/html",
                            filename=f"talentmoat-{run_id}.html")

    @app.get("/api/store")
    def stored() -> list[dict[str, Any]]:
        return listing(store)

    @app.get("/api/store/{name}/report")
    def stored_report(name: str) -> Response:
        found = entry(store, name) if store is not None else None
        if found is None:
            raise HTTPException(404, f"no stored result {name!r}")
        if found.report is None:
            raise HTTPException(404, f"stored result {name!r} has no report")
        filename = f"talentmoat-{found.path.name.removesuffix('.duckdb')}.html"
        if found.kind == "results":
            return FileResponse(found.report, media_type="text/html", filename=filename)
        from talentmoat.cli.experiments import store_analysis
        from talentmoat.report.sweep import render_sweep_report

        return HTMLResponse(render_sweep_report(store_analysis(found.path)), headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    return app
