"""Page routes, the lifecycle JSON, health, and front-end packages served from our own origin.

Pages give the learner a sandbox id in the signed session cookie; the Socket.IO connection that
follows reads it, so reloads and reconnects land in the same sandbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from . import CONTENT_SECURITY_POLICY
from .engine import lifecycle
from .lessons import LOCALES, Catalog, LessonProgress, pick_locale, transfer
from .live import LANG_KEY, LESSON_KEY, SESSION_KEY
from .session import new_sandbox_id
from .ui_text import LANGUAGE_NAMES, LANGUAGE_TITLES, js_strings, translate

bp = Blueprint("views", __name__)

JS = "text/javascript"  # Werkzeug adds "; charset=utf-8" to text types
CSS = "text/css"
MAP = "application/json"
VENDOR_MAX_AGE = 365 * 24 * 3600  # URLs carry the package version (see `vendor_url`)

# The only files of node_modules/ the browser may fetch: path under node_modules -> MIME type.
VENDOR_FILES: dict[str, str] = {
    "@xterm/xterm/lib/xterm.js": JS,
    "@xterm/xterm/lib/xterm.js.map": MAP,
    "@xterm/xterm/lib/xterm.mjs": JS,
    "@xterm/xterm/lib/xterm.mjs.map": MAP,
    "@xterm/xterm/css/xterm.css": CSS,
    "@xterm/addon-fit/lib/addon-fit.js": JS,
    "@xterm/addon-fit/lib/addon-fit.js.map": MAP,
    "@xterm/addon-fit/lib/addon-fit.mjs": JS,
    "@xterm/addon-fit/lib/addon-fit.mjs.map": MAP,
    "socket.io-client/dist/socket.io.min.js": JS,
    "socket.io-client/dist/socket.io.min.js.map": MAP,
    "socket.io-client/dist/socket.io.esm.min.js": JS,
    "socket.io-client/dist/socket.io.esm.min.js.map": MAP,
    # The workspace editor: CodeMirror 6 and what it imports, as the packages publish them
    # (unminified ES modules), found through the page's import map (IMPORT_MAP).
    "@codemirror/commands/dist/index.js": JS,
    "@codemirror/language/dist/index.js": JS,
    "@codemirror/search/dist/index.js": JS,
    "@codemirror/state/dist/index.js": JS,
    "@codemirror/streamparser/dist/index.js": JS,
    "@codemirror/view/dist/index.js": JS,
    "@codemirror/legacy-modes/mode/dockerfile.js": JS,
    "@codemirror/legacy-modes/mode/simple-mode.js": JS,
    "@codemirror/legacy-modes/mode/shell.js": JS,
    "@codemirror/legacy-modes/mode/xml.js": JS,
    "@lezer/common/dist/index.js": JS,
    "@lezer/highlight/dist/index.js": JS,
    "@marijn/find-cluster-break/src/index.js": JS,
    "style-mod/src/style-mod.js": JS,
    "w3c-keyname/index.js": JS,
    "crelt/index.js": JS,
}
# Bare module names the editor's modules import -> their file under node_modules. The legacy modes
# are imported by path (`@codemirror/legacy-modes/mode/shell.js`); `dockerfile.js` imports
# `./simple-mode.js` relative to itself, which the map versions like the rest.
IMPORT_MAP: dict[str, str] = {
    "@codemirror/commands": "@codemirror/commands/dist/index.js",
    "@codemirror/language": "@codemirror/language/dist/index.js",
    "@codemirror/search": "@codemirror/search/dist/index.js",
    "@codemirror/state": "@codemirror/state/dist/index.js",
    "@codemirror/streamparser": "@codemirror/streamparser/dist/index.js",
    "@codemirror/view": "@codemirror/view/dist/index.js",
    "@codemirror/legacy-modes/mode/dockerfile.js": "@codemirror/legacy-modes/mode/dockerfile.js",
    "@codemirror/legacy-modes/mode/shell.js": "@codemirror/legacy-modes/mode/shell.js",
    "@codemirror/legacy-modes/mode/xml.js": "@codemirror/legacy-modes/mode/xml.js",
    "@lezer/common": "@lezer/common/dist/index.js",
    "@lezer/highlight": "@lezer/highlight/dist/index.js",
    "@marijn/find-cluster-break": "@marijn/find-cluster-break/src/index.js",
    "style-mod": "style-mod/src/style-mod.js",
    "w3c-keyname": "w3c-keyname/index.js",
    "crelt": "crelt/index.js",
}


ROUTE_COOKIE = "lab_route"
ROUTE_COOKIE_SECONDS = 30 * 24 * 3600


def route_key(sandbox_id: str) -> str:
    """The routing cookie's value: an HMAC of the sandbox id (the id itself stays secret)."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"lab-route:" + sandbox_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def ensure_sandbox_cookie() -> str:
    """The learner's sandbox id, minted into the signed cookie on the first page they load.

    Also sets `lab_route`, the cookie a proxy in front of several processes hashes to pick one:
    `lab_session` changes whenever the session does (language, lesson, class), this one never does
    for a sandbox, so a learner's requests keep reaching the process that holds their sandbox.
    """
    sandbox_id = session.get(SESSION_KEY)
    if not isinstance(sandbox_id, str) or not sandbox_id:
        sandbox_id = session[SESSION_KEY] = new_sandbox_id()
    session.permanent = True
    key = route_key(sandbox_id)
    if request.cookies.get(ROUTE_COOKIE) != key:
        @after_this_request
        def set_route_cookie(response: Response) -> Response:
            response.set_cookie(ROUTE_COOKIE, key, max_age=ROUTE_COOKIE_SECONDS, httponly=True,
                                samesite="Lax", secure=current_app.config.get(
                                    "SESSION_COOKIE_SECURE", False))
            return response
    return sandbox_id


def package_version(path: str) -> str:
    """The npm version of the package holding `path` (for cache-busting URLs), or "0"."""
    parts = path.split("/")
    package = "/".join(parts[:2] if path.startswith("@") else parts[:1])
    manifest = Path(current_app.config["LAB_NODE_MODULES"]) / package / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("version", "0"))
    except (OSError, ValueError):
        return "0"


def vendor_url(path: str) -> str:
    """Template helper: `{{ vendor_url('@xterm/xterm/lib/xterm.js') }}`, versioned for caching."""
    if path not in VENDOR_FILES:
        raise KeyError(f"{path} is not in VENDOR_FILES")
    return url_for("views.vendor", path=path, v=package_version(path))


def import_map() -> str:
    """The page's import map (JSON), naming the editor's modules by their versioned vendor URLs."""
    imports = {name: vendor_url(path) for name, path in IMPORT_MAP.items()}
    relative = "@codemirror/legacy-modes/mode/simple-mode.js"  # imported as ./simple-mode.js
    imports[url_for("views.vendor", path=relative)] = vendor_url(relative)
    return json.dumps({"imports": imports}, separators=(",", ":"), sort_keys=True)


def content_security_policy(*scripts: str) -> str:
    """The app's policy, letting in exactly these inline scripts (an import map) by their hash:
    import maps cannot come from a file, and script-src 'self' alone would block them."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts)
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}", 1)


def lab_page(template: str, **context: Any) -> ResponseReturnValue:
    """A page with the console and the workspace editor: its import map and a policy for it."""
    imports = import_map()
    response = current_app.make_response(render_template(template, import_map=imports, **context))
    response.headers["Content-Security-Policy"] = content_security_policy(imports)
    return response


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    lang = current_locale()

    def t(key: str, **values: Any) -> Any:
        """A fixed label of the interface in the page's locale (webapp/ui_text.py)."""
        return translate(lang, key, **values)

    return {"vendor_url": vendor_url, "lang": lang, "locales": LOCALES, "t": t,
            "ui_json": json.dumps(js_strings(lang), ensure_ascii=False, separators=(",", ":")),
            "lang_url": lang_url, "language_names": LANGUAGE_NAMES,
            "language_titles": LANGUAGE_TITLES}


def lang_url(code: str) -> str:
    """This page in another locale: the same route and query, with `?lang=code`."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if request.endpoint and request.url_rule is not None and request.method == "GET":
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=code)
    return f"{request.script_root}{request.path}?lang={code}"


@bp.app_template_filter("keys")
def keys_filter(data: str) -> str:
    """Keystrokes of a solution as a learner reads them: `exit\\r` -> `exit ⏎`."""
    names = {"\r": " ⏎", "\n": " ⏎", "\x10": "Ctrl-P ", "\x11": "Ctrl-Q ", "\x03": "Ctrl-C ",
             "\x04": "Ctrl-D "}
    return "".join(names.get(ch, ch) for ch in data).strip()


# -- lessons -------------------------------------------------------------------------------------------


def current_locale() -> str:
    """`?lang=` (remembered in the session), else the remembered choice, else Accept-Language."""
    wanted = request.args.get("lang")
    if wanted:
        chosen = pick_locale(wanted)
        if session.get(LANG_KEY) != chosen:
            session[LANG_KEY] = chosen
        return chosen
    remembered = session.get(LANG_KEY)
    return pick_locale(remembered if isinstance(remembered, str) else None,
                       [lang for lang, _ in request.accept_languages])


def catalog() -> Catalog:
    return current_app.extensions["lab.lessons"]


def learner_progress(sandbox_id: str) -> dict[str, LessonProgress]:
    """The learner's progress per lesson: live when their sandbox is in memory, else as stored."""
    manager = current_app.extensions["lab"]
    sandbox = manager.get(sandbox_id)
    state = sandbox.extras.get("lessons") if sandbox is not None else None
    if state is not None:
        with sandbox.lock:
            return dict(state.tracker.progress)
    out = {}
    for lesson_id, data in manager.store.load_progress(sandbox_id).items():
        found = catalog().get(lesson_id)
        if found is not None:
            out[lesson_id] = LessonProgress.from_data(found, data)
    return out


def _lesson_view(lesson_id: str) -> dict[str, Any]:
    sandbox_id = ensure_sandbox_cookie()
    progress = learner_progress(sandbox_id).get(lesson_id)
    view = catalog().view(lesson_id, current_locale(), set(progress.done) if progress else set())
    if view is None:
        abort(404)
    return view


@bp.get("/")
def index() -> ResponseReturnValue:
    return _course_map()


def _course_map(message: tuple[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    """The course map; `message`: (kind, text) about an import, shown above the lessons."""
    sandbox_id = ensure_sandbox_cookie()
    progress = learner_progress(sandbox_id)
    completed = {i for i, p in progress.items() if p.completed}
    steps_done = {i: len(p.done) for i, p in progress.items()}
    return render_template("index.html", lessons=catalog().listing(current_locale(), completed),
                           steps_done=steps_done, message=message), status


# -- progress files (webapp/lessons/transfer.py) -------------------------------------------------------


def same_origin() -> bool:
    """A form post from one of our own pages: its Origin (else Referer) names this host. With the
    SameSite=Lax cookie this keeps other sites from posting into a learner's progress."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


@bp.get("/progress/export")
def export_progress() -> ResponseReturnValue:
    """This learner's progress as a file to keep or to import elsewhere."""
    sandbox_id = ensure_sandbox_cookie()
    document = transfer.export_progress(learner_progress(sandbox_id), time.time())
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename={transfer.FILENAME}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/progress/import")
def import_progress_page() -> ResponseReturnValue:
    """The form lives on the course map (a language switch after a failed import lands here)."""
    return redirect(url_for("views.index", **request.args), 303)


@bp.post("/progress/import")
def import_progress() -> ResponseReturnValue:
    """Merge an exported file into this learner's progress, then show the course map."""
    lang = current_locale()
    if not same_origin():
        return _course_map(("error", translate(lang, "import_cross_site")), 403)
    limit = transfer.MAX_BYTES
    if request.content_length is None or request.content_length > limit + 16 * 1024:
        error = transfer.TransferError("import_too_large", str(limit // 1024))
        return _course_map(("error", _import_error(lang, error)), 413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _course_map(("error", translate(lang, "import_no_file")), 400)
    try:
        imported = transfer.parse_progress_file(upload.stream.read(limit + 1))
    except transfer.TransferError as err:
        return _course_map(("error", _import_error(lang, err)), 413 if
                           err.reason == "import_too_large" else 400)
    report = _merge(ensure_sandbox_cookie(), imported)
    flash(_import_summary(lang, report), "ok")
    return redirect(url_for("views.index"), 303)


def _merge(sandbox_id: str, imported: dict[str, transfer.ImportedLesson]) -> transfer.ImportReport:
    manager = current_app.extensions["lab"]
    sandbox = manager.get(sandbox_id)
    state = sandbox.extras.get("lessons") if sandbox is not None else None
    if state is not None:
        with sandbox.lock:
            report = transfer.merge_live(state.tracker, imported, sandbox.engine)
        relay = current_app.extensions["lab.namespace"].lessons
        if relay is not None:  # a lesson tab open on this sandbox shows the imported steps now
            relay.refresh(sandbox)
        return report
    return transfer.merge_stored(manager.store, sandbox_id, catalog(), imported, time.time())


def _import_error(lang: str, err: transfer.TransferError) -> str:
    return f"{translate(lang, 'import_failed')} {translate(lang, err.reason, detail=err.detail)}"


def _import_summary(lang: str, report: transfer.ImportReport) -> str:
    count = len(report.lessons)
    parts = [translate(lang, "import_done_one") if count == 1 else
             translate(lang, "import_done", n=count)]
    if report.unknown_lessons:
        parts.append(translate(lang, "import_unknown_lessons", n=len(report.unknown_lessons),
                               names=", ".join(report.unknown_lessons)))
    if report.unknown_steps:
        parts.append(translate(lang, "import_unknown_steps", n=len(report.unknown_steps),
                               names=", ".join(report.unknown_steps)))
    return " ".join(str(p) for p in parts)


@bp.get("/sandbox")
def sandbox() -> ResponseReturnValue:
    ensure_sandbox_cookie()
    session.pop(LESSON_KEY, None)  # this console follows no lesson
    return lab_page("sandbox.html", engine=current_app.config["LAB_ENGINE"])


@bp.get("/lessons/<lesson_id>")
def lesson(lesson_id: str) -> ResponseReturnValue:
    view = _lesson_view(lesson_id)
    session[LESSON_KEY] = lesson_id  # the console this page opens follows this lesson
    following = catalog().get(view["next"]) if view.get("next") else None
    return lab_page("lesson.html", lesson=view, engine=current_app.config["LAB_ENGINE"],
                    next_kind=following.kind if following is not None else None)


@bp.get("/api/lessons")
def lessons_json() -> ResponseReturnValue:
    sandbox_id = ensure_sandbox_cookie()
    completed = {i for i, p in learner_progress(sandbox_id).items() if p.completed}
    return jsonify({"locale": current_locale(),
                    "lessons": catalog().listing(current_locale(), completed)})


@bp.get("/api/lessons/<lesson_id>")
def lesson_json(lesson_id: str) -> ResponseReturnValue:
    return jsonify(_lesson_view(lesson_id))


@bp.get("/api/lessons/<lesson_id>/progress")
def lesson_progress_json(lesson_id: str) -> ResponseReturnValue:
    """`{lesson, steps: [{id, done}], active, ...}` (the `progress` message) for this learner."""
    sandbox_id = ensure_sandbox_cookie()
    found = catalog().get(lesson_id)
    if found is None:
        abort(404)
    progress = learner_progress(sandbox_id).get(lesson_id)
    if progress is None:  # not started: nothing done, the first step active
        progress = LessonProgress(found)
    manager = current_app.extensions["lab"]
    live = manager.get(sandbox_id)
    if live is not None:
        with live.lock:
            return jsonify(progress.payload(live.engine))
    return jsonify(progress.payload(None))


@bp.get("/api/lifecycle")
def lifecycle_json() -> ResponseReturnValue:
    return jsonify(lifecycle.as_json())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    manager = current_app.extensions["lab"]
    return jsonify({"ok": True, "engine": current_app.config["LAB_ENGINE"],
                    "sandboxes": len(manager)})


@bp.get("/vendor/<path:path>")
def vendor(path: str) -> ResponseReturnValue:
    mimetype = VENDOR_FILES.get(path)
    if mimetype is None:
        abort(404)
    file = Path(current_app.config["LAB_NODE_MODULES"]) / path
    if not file.is_file():
        abort(404)
    response = send_file(file, mimetype=mimetype, max_age=VENDOR_MAX_AGE, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
