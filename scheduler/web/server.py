"""The web app's routes (FastAPI): pages over `scheduler.app`, jobs in workers."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import math
import pickle
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler import app as jobs_app
from scheduler.errors import InputError
from scheduler.model.report import Violation, capped_per_kind
from scheduler.web import views
from scheduler.web.jobs import FINISHED, QUEUED, RUNNING, Item, Runner, Store, new_id
from scheduler.web.work import ROSTER, load_view, program_path, roster_path

log = logging.getLogger("scheduler.web")
HERE = Path(__file__).parent
#: An upload larger than this is refused before any reader sees it (the readers'
#: own limit is the same 20 MB a file).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
#: A solve's seed is the solver's, a 32-bit number.
MIN_SEED, MAX_SEED = 0, 2**31 - 1
CSRF_COOKIE, TOKEN_COOKIE = "roster_csrf", "roster_token"
#: The sample program's CSV folder (in the repository beside the package).
SAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "inputs" / "hartford"


@dataclass(frozen=True)
class WebSettings:
    workspace: Path = Path("outputs/web")
    token: str | None = None  # required of every request when set
    parallel: int | None = None  # jobs at once; None: one per 2 cores
    sample: Path = SAMPLE_FOLDER
    run_jobs: bool = True  # False in tests that look at queued jobs only
    # Host names a request may be addressed to (any port); None: any. `serve` sets them
    # without a token: a page of another site whose name resolves to 127.0.0.1 (DNS
    # rebinding) is then refused, so it cannot read the rosters from the browser.
    allowed_hosts: frozenset[str] | None = None


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    store = Store(settings.workspace)
    runner = Runner(store, settings.parallel)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        if settings.run_jobs:
            runner.start()
        yield
        runner.close()

    web = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    web.state.store, web.state.runner = store, runner
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html
    env = templates.env
    env.globals.update(heat_colour=views.heat_colour, team_colours=views.TEAM_COLOURS)
    env.globals["weekdays"] = views.WEEKDAYS
    web.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
        context.update(request=request, csrf=csrf, store=store)
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    @web.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """With a token configured, every page and download requires it (a cookie set
        by the login form); without one, only requests addressed to this computer's
        own names (no DNS rebinding); security headers on every answer."""
        if settings.allowed_hosts is not None:
            named = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
            if named not in settings.allowed_hosts:
                return Response(
                    "This address is not the roster app's: open http://127.0.0.1/ with "
                    "its port instead.",
                    status_code=421,
                    media_type="text/plain",
                )
        if settings.token is not None and request.url.path not in ("/login",):
            given = request.cookies.get(TOKEN_COOKIE, "")
            if not hmac.compare_digest(given.encode(), settings.token.encode()):
                if request.url.path.startswith("/static/"):
                    return Response("Sign in first.", status_code=401)
                return RedirectResponse("/login", status_code=303)
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
        )
        return response

    def check_csrf(request: Request, csrf: str) -> None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
            raise HTTPException(403, "This form has expired: reload the page and try again.")

    @web.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return page(request, "error.html", error.status_code, message=error.detail)

    @web.exception_handler(RequestValidationError)
    async def bad_form(request: Request, error: RequestValidationError) -> Response:
        """A form the pages never send (a field missing or of the wrong kind): a page
        that says so, not the framework's JSON."""
        fields = sorted({str(e["loc"][-1]) for e in error.errors() if e.get("loc")})
        named = f" ({', '.join(fields)})" if fields else ""
        return page(
            request,
            "error.html",
            422,
            message=f"This form could not be read{named}: reload the page and try again.",
        )

    @web.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        reference = new_id()[:8]
        log.error("error %s on %s", reference, request.url.path, exc_info=error)
        return page(
            request,
            "error.html",
            500,
            message=f"Something went wrong on the server (reference {reference}). "
            "The details are in the server's log.",
        )

    def item_or_404(item_id: str, *kinds: str) -> Item:
        item = store.get(item_id)
        if item is None or (kinds and item.kind not in kinds):
            raise HTTPException(404, "No such page.")
        return item

    # --- login -------------------------------------------------------------------
    @web.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        return page(request, "login.html")

    @web.post("/login")
    async def login(request: Request, token: str = Form(""), csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        if settings.token is None or not hmac.compare_digest(
            token.encode(), settings.token.encode()
        ):
            return page(request, "login.html", 401, wrong=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    # --- home and program --------------------------------------------------------
    @web.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return page(
            request,
            "home.html",
            programs=store.items("program"),
            jobs=[i for i in store.items() if i.kind != "program"],
        )

    @web.get("/program", response_class=HTMLResponse)
    async def program_form(request: Request) -> Response:
        return page(request, "program_upload.html", programs=store.items("program"))

    @web.post("/program")
    async def program_upload(request: Request, file: UploadFile, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        with tempfile.TemporaryDirectory(prefix="roster-upload-") as temporary:
            try:
                source = await receive(file, Path(temporary), (".xlsx", ".zip"))
                loaded = jobs_app.load_program(source)
            except InputError as error:
                return page(
                    request,
                    "program_upload.html",
                    400,
                    issues=error.issues,
                    filename=file.filename,
                    programs=store.items("program"),
                )
            item_id = new_id()
            folder = store.folder(item_id)
            if source.is_dir():
                name = "program"
                shutil.copytree(source, folder / name)
            else:
                folder.mkdir()
                name = "program.xlsx"
                shutil.copyfile(source, folder / name)
        store.add(
            "program",
            loaded.value.name,
            item_id=item_id,
            status=FINISHED,
            params={"file": name, "warnings": list(loaded.warnings), "upload": file.filename},
        )
        return RedirectResponse(f"/program/{item_id}", status_code=303)

    @web.post("/program/sample")
    async def program_sample(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        item_id = new_id()
        folder = store.folder(item_id)
        folder.mkdir()
        built = jobs_app.build_sample(settings.sample, folder / "program.xlsx")
        loaded = jobs_app.load_program(built.path)
        store.add(
            "program",
            loaded.value.name,
            item_id=item_id,
            status=FINISHED,
            params={"file": "program.xlsx", "warnings": list(loaded.warnings), "upload": "sample"},
        )
        return RedirectResponse(f"/program/{item_id}", status_code=303)

    @web.get("/template")
    async def template() -> Response:
        folder = store.workspace / "template"
        folder.mkdir(exist_ok=True)
        written = jobs_app.write_template(folder / "input_template.xlsx")
        return FileResponse(written.path, filename="input_template.xlsx")

    @web.get("/program/{item_id}", response_class=HTMLResponse)
    async def program_page(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id, "program")
        problem = jobs_app.load_program(program_path(store, item_id)).value
        return page(
            request,
            "program.html",
            item=item,
            summary=views.summary(problem),
            heat=views.demand_heat(problem),
            solves=[i for i in store.items("solve") if i.program_id == item_id],
        )

    # --- jobs ----------------------------------------------------------------------
    @web.post("/program/{item_id}/solve")
    async def start_solve(
        request: Request,
        item_id: str,
        csrf: str = Form(""),
        time_limit: float = Form(30.0),
        seed: int = Form(0),
    ) -> Response:
        check_csrf(request, csrf)
        item = item_or_404(item_id, "program")
        time_limit = seconds(time_limit)
        if not MIN_SEED <= seed <= MAX_SEED:
            raise HTTPException(400, f"Seed {seed}: expected a whole number from 0 to {MAX_SEED}.")
        job = store.add(
            "solve",
            f"Roster for {item.title}",
            program_id=item_id,
            params={"time_limit": time_limit, "seed": seed, "roster_file": ROSTER},
        )
        return RedirectResponse(f"/jobs/{job}", status_code=303)

    @web.get("/jobs/{item_id}", response_class=HTMLResponse)
    async def job_page(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id)
        return page(request, "job.html", item=item, **job_context(item))

    @web.get("/jobs/{item_id}/progress", response_class=HTMLResponse)
    async def job_progress(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id)
        return page(request, "job_progress.html", item=item, **job_context(item))

    def job_context(item: Item) -> dict[str, Any]:
        queue = sorted(store.items(status=QUEUED), key=lambda i: i.created)
        position = next((n for n, i in enumerate(queue, 1) if i.id == item.id), None)
        context: dict[str, Any] = {
            "position": position,
            "chart": views.progress_chart(item.progress),
            "last": item.progress[-1] if item.progress else None,
            "has_roster": roster_path(store, item) is not None and item.done,
        }
        folder = store.folder(item.id)
        if item.kind == "repair" and (folder / "changes.json").is_file():
            context["changes"] = json.loads((folder / "changes.json").read_text())
        if item.kind == "plan" and (folder / "scenarios.json").is_file():
            context["scenarios"] = json.loads((folder / "scenarios.json").read_text())
            frontier = json.loads((folder / "frontier.json").read_text())
            context["frontier"] = frontier_chart(frontier)
        if item.kind == "simulate" and (folder / "simulation.pickle").is_file():
            result = pickle.loads((folder / "simulation.pickle").read_bytes())
            context["simulation"] = simulation_chart(result)
        return context

    @web.post("/jobs/{item_id}/stop")
    async def stop_job(request: Request, item_id: str, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        item_or_404(item_id)
        runner.stop(item_id)
        return RedirectResponse(f"/jobs/{item_id}", status_code=303)

    @web.get("/download/{item_id}/{index}")
    async def download(item_id: str, index: int) -> Response:
        item = item_or_404(item_id)
        path = store.file(item, index)
        if path is None or not item.done:
            raise HTTPException(404, "No such file.")
        return FileResponse(path, filename=path.name)

    @web.get("/download/{item_id}/calendars.zip")
    async def calendars(item_id: str) -> Response:
        raise HTTPException(404, "No such file.")

    # --- roster ----------------------------------------------------------------------
    @web.get("/roster/{item_id}", response_class=HTMLResponse)
    async def roster_page(
        request: Request,
        item_id: str,
        view: str = "grid",
        page_number: int = 1,
        day: str | None = None,
        by: str = "zone",
    ) -> Response:
        item = item_or_404(item_id, "solve", "repair", "check")
        loaded = load_view(store, item) if item.done else None
        if loaded is None:
            raise HTTPException(404, "This job has no roster.")
        problem, roster, evaluation = loaded
        days = views.days_of(problem)
        chosen = next((d for d in days if d.isoformat() == day), days[0])
        context: dict[str, Any] = {
            "item": item,
            "view": view,
            "days": days,
            "day": chosen,
            "by": "person" if by == "person" else "zone",
            "evaluation": evaluation,
            "problem": problem,
        }
        if view == "timeline":
            context["timeline"] = views.timeline(problem, roster, chosen, context["by"])
        elif view == "coverage":
            context["coverage"] = views.coverage(problem, evaluation, chosen)
        elif view == "hours":
            pass
        elif view == "score":
            context["score"] = views.score(evaluation)
            context["contributors"] = views.contributors(evaluation)
        else:
            context["view"] = "grid"
            context["grid"] = views.grid(problem, roster, page_number)
        return page(request, "roster.html", **context)

    @web.post("/roster/{item_id}/publish")
    async def publish(request: Request, item_id: str, csrf: str = Form("")) -> Response:
        """Calendars (zip) and printable schedules of a roster, as a finished item."""
        check_csrf(request, csrf)
        item = item_or_404(item_id, "solve", "repair", "check")
        source = roster_path(store, item)
        if source is None or item.program_id is None:
            raise HTTPException(404, "This job has no roster.")
        job = store.add(
            "publish",
            f"Calendars of {item.title}",
            status=RUNNING,
            program_id=item.program_id,
            parent_id=item.id,
        )
        folder = store.folder(job)
        outcome = jobs_app.publish(source, program_path(store, item.program_id), folder / "out")
        archive = folder / "calendars.zip"
        temporary = folder / ".calendars.zip.tmp"
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in outcome.calendars:
                bundle.write(path, path.name)
        temporary.replace(archive)
        files = ["calendars.zip", str(outcome.schedules.relative_to(folder))]
        store.update(
            job,
            status=FINISHED,
            files=files,
            lines=list(outcome.lines),
            exit_code=outcome.exit_code,
        )
        return RedirectResponse(f"/jobs/{job}", status_code=303)

    # --- check ------------------------------------------------------------------------
    @web.get("/check", response_class=HTMLResponse)
    async def check_form(request: Request) -> Response:
        return page(request, "check_upload.html", programs=store.items("program"))

    @web.post("/check")
    async def check_upload(
        request: Request, file: UploadFile, program_id: str = Form(""), csrf: str = Form("")
    ) -> Response:
        check_csrf(request, csrf)
        program = item_or_404(program_id, "program")
        with tempfile.TemporaryDirectory(prefix="roster-upload-") as temporary:
            try:
                source = await receive(file, Path(temporary), (".xlsx",))
                item_id = new_id()
                folder = store.folder(item_id)
                folder.mkdir()
                try:
                    shutil.copyfile(source, folder / "checked_roster.xlsx")
                    # In a worker thread: a roster at the row limit takes seconds to
                    # check, and the other pages must not wait for it.
                    outcome = await asyncio.to_thread(
                        jobs_app.check,
                        folder / "checked_roster.xlsx",
                        program_path(store, program_id),
                        out=folder / "hr_report.xlsx",
                    )
                except BaseException:
                    shutil.rmtree(folder)
                    raise
            except InputError as error:
                return page(
                    request,
                    "check_upload.html",
                    400,
                    issues=error.issues,
                    filename=file.filename,
                    programs=store.items("program"),
                )
        from scheduler.web.work import save_view

        save_view(folder, outcome.problem, outcome.roster, outcome.evaluation)
        store.add(
            "check",
            f"Check of {file.filename or 'a roster'} for {program.title}",
            item_id=item_id,
            status=FINISHED,
            program_id=program_id,
            params={"roster_file": "checked_roster.xlsx"},
        )
        store.update(
            item_id,
            exit_code=outcome.exit_code,
            lines=list(outcome.lines),
            files=["hr_report.xlsx", "checked_roster.xlsx"],
        )
        return RedirectResponse(f"/check/{item_id}", status_code=303)

    @web.get("/check/{item_id}", response_class=HTMLResponse)
    async def check_page(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id, "check")
        loaded = load_view(store, item)
        assert loaded is not None
        _, roster, evaluation = loaded
        cap = jobs_app.FINDINGS_PER_KIND  # as the reports list them: a page stays readable
        violations, not_listed = capped_per_kind(evaluation.hard_violations, _rule, cap)
        return page(
            request,
            "check.html",
            item=item,
            evaluation=evaluation,
            roster=roster,
            violations=violations,
            not_listed=not_listed,
            rejected=roster.rejected_rows[:cap],
        )

    # --- repair ------------------------------------------------------------------------
    @web.get("/repair/{item_id}", response_class=HTMLResponse)
    async def repair_form(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id, "solve", "repair", "check")
        loaded = load_view(store, item) if item.done else None
        if loaded is None:
            raise HTTPException(404, "This job has no roster.")
        problem, roster, _ = loaded
        working = sorted({a.employee_id for a in roster.assignments})
        names = {p.employee_id: p.name for p in problem.staff}
        return page(
            request,
            "repair.html",
            item=item,
            people=[(e, names.get(e, e)) for e in working],
            days=views.days_of(problem),
            shifts=problem.shifts,
        )

    @web.post("/repair/{item_id}")
    async def start_repair(
        request: Request,
        item_id: str,
        csrf: str = Form(""),
        employee_id: str = Form(""),
        day: str = Form(""),
        shift_id: str = Form(""),
        now: str = Form(""),
        time_limit: float = Form(20.0),
    ) -> Response:
        check_csrf(request, csrf)
        item = item_or_404(item_id, "solve", "repair", "check")
        callout = f"{employee_id}:{day}" + (f":{shift_id}" if shift_id else "")
        job = store.add(
            "repair",
            f"Repair of {item.title}: {callout}",
            program_id=item.program_id,
            parent_id=item.id,
            params={
                "unavailable": [callout],
                "now": now,
                "roster_file": ROSTER,
                "time_limit": seconds(time_limit),
            },
        )
        return RedirectResponse(f"/jobs/{job}", status_code=303)

    # --- plan, demand, simulation ---------------------------------------------------------
    @web.get("/plan/{item_id}", response_class=HTMLResponse)
    async def plan_form(request: Request, item_id: str) -> Response:
        item = item_or_404(item_id, "program")
        return page(
            request,
            "plan.html",
            item=item,
            plans=[i for i in store.items("plan") if i.program_id == item_id],
        )

    @web.post("/plan/{item_id}")
    async def start_plan(
        request: Request,
        item_id: str,
        scenarios: UploadFile | None = None,
        hiring: UploadFile | None = None,
        csrf: str = Form(""),
        time_limit: float = Form(30.0),
        frontier: bool = Form(False),
    ) -> Response:
        check_csrf(request, csrf)
        item = item_or_404(item_id, "program")
        job = new_id()
        params: dict[str, Any] = {
            "time_limit": seconds(time_limit),
            "frontier": frontier,
        }
        uploads = (
            (scenarios, (".csv", ".xlsx"), "scenarios"),
            (hiring, (".csv",), "hiring"),
        )
        for upload, suffixes, stem in uploads:
            if upload is None or not upload.filename:
                continue
            store.folder(job).mkdir(exist_ok=True)
            try:
                received = await receive(upload, store.folder(job), suffixes, stem)
            except InputError as error:  # a 400 page with the message, nothing kept
                shutil.rmtree(store.folder(job))
                return page(
                    request,
                    "plan.html",
                    400,
                    item=item,
                    issues=error.issues,
                    filename=upload.filename,
                    plans=[i for i in store.items("plan") if i.program_id == item_id],
                )
            params[f"{stem}_file"] = received.name
        store.add(
            "plan", f"Hiring plan for {item.title}", item_id=job, program_id=item_id, params=params
        )
        return RedirectResponse(f"/jobs/{job}", status_code=303)

    @web.get("/demand", response_class=HTMLResponse)
    async def demand_form(request: Request) -> Response:
        rosters = [
            i
            for i in store.items()
            if i.kind in ("solve", "repair", "check")
            and i.done
            and roster_path(store, i) is not None
        ]
        return page(request, "demand.html", programs=store.items("program"), rosters=rosters)

    @web.post("/demand")
    async def start_demand(
        request: Request,
        calls: UploadFile,
        csrf: str = Form(""),
        program_id: str = Form(""),
        roster_id: str = Form(""),
    ) -> Response:
        check_csrf(request, csrf)
        job = new_id()
        if roster_id:
            roster = item_or_404(roster_id, "solve", "repair", "check")
            kind, title, program_id = (
                "simulate",
                f"Simulation of {roster.title}",
                roster.program_id or "",
            )
        else:
            program = item_or_404(program_id, "program")
            kind, title = "demand", f"Demand from calls for {program.title}"
        store.folder(job).mkdir()
        try:
            received = await receive(calls, store.folder(job), (".csv",), "calls")
        except InputError as error:
            shutil.rmtree(store.folder(job))
            return page(
                request,
                "demand.html",
                400,
                issues=error.issues,
                programs=store.items("program"),
                rosters=[],
            )
        store.add(
            kind,
            title,
            item_id=job,
            program_id=program_id,
            parent_id=roster_id or None,
            params={"calls_file": received.name},
        )
        return RedirectResponse(f"/jobs/{job}", status_code=303)

    return web


def _rule(violation: Violation) -> str:
    return violation.rule


async def receive(
    upload: UploadFile, folder: Path, suffixes: tuple[str, ...], stem: str = "upload"
) -> Path:
    """Save an upload under a name of our own (its name only gives the kind), at most
    MAX_UPLOAD_BYTES; a zip's CSV files go to a folder of their own, flat."""
    from scheduler.errors import InputIssue

    name = upload.filename or ""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix not in suffixes:
        raise InputError(
            InputIssue(
                sheet="upload", message=f"expected a {' or '.join(suffixes)} file, not {name!r}"
            )
        )
    target = folder / f"{stem}{suffix}"
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise InputError(
                    InputIssue(sheet="upload", message="the file is larger than 20 MB")
                )
            out.write(chunk)
    if suffix != ".zip":
        return target
    return unzip_csvs(target, folder / "program")


def unzip_csvs(archive: Path, folder: Path) -> Path:
    """The CSV files of a zip into `folder`, by their base names; anything else in it,
    too many files or too many bytes refused."""
    from scheduler.errors import InputIssue

    def refuse(message: str) -> InputError:
        return InputError(InputIssue(sheet="upload", message=message))

    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise refuse("not a zip file") from None
    with bundle:
        members = [m for m in bundle.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise refuse(f"more than {MAX_ZIP_MEMBERS} files in the zip")
        folder.mkdir()
        total = 0
        for member in members:
            base = member.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if base.startswith(".") or base.startswith("__MACOSX"):
                continue
            if not base.lower().endswith(".csv"):
                continue  # e.g. a README beside the CSVs
            if "/" in base or not base or (folder / base).exists():
                raise refuse(f"{member.filename!r}: two files of that name in the zip")
            with bundle.open(member) as source, (folder / base).open("wb") as out:
                while chunk := source.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_UPLOAD_BYTES:
                        raise refuse("the zip's files unpack to more than 20 MB")
                    out.write(chunk)
    return folder


def seconds(time_limit: float) -> float:
    """A form's time limit, from 1 s to an hour; not a number at all is refused (NaN
    passes through min and max)."""
    if not math.isfinite(time_limit):
        raise HTTPException(400, "Time limit: expected a number of seconds, e.g. 30.")
    return min(max(time_limit, 1.0), 3600.0)


def frontier_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    if not points:
        return {"points": [], "line": ""}
    costs = [p["cost"] for p in points]
    low, high = min(costs), max(costs)
    span = (high - low) or 1.0
    hires = max(p["hires"] for p in points) or 1
    placed = [
        {**p, "x": 30 + 260 * p["hires"] / hires, "y": 130 - 110 * (p["cost"] - low) / span}
        for p in points
    ]
    return {"points": placed, "line": " ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in placed)}


def simulation_chart(result: Any) -> dict[str, Any]:
    """Share within target by zone (all hours) and by hour (all zones)."""
    from scheduler.model.simulation import ALL

    by_zone = [g for g in result.groups if g.hour is None and g.team == ALL and g.zone != ALL]
    by_hour = [g for g in result.groups if g.hour is not None and g.zone == ALL and g.team == ALL]

    def share(group: Any) -> float | None:
        return None if group.within_target is None else group.within_target.mean

    return {
        "zones": [(g.zone, share(g), g.calls) for g in by_zone],
        "hours": [(g.hour, share(g), g.calls) for g in by_hour],
        "groups": len(result.groups),
    }


def day_of(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
