"""Class pages: `/teach` (start a class, the instructor view), `/join` (the learner view), the QR code.

A class is started only by a POST from our own start form (same origin, and the form's CSRF token
from Flask-WTF), and only a few times per client address (`LAB_CLASS_RATE`).

The instructor's role is a secret minted here and kept in their signed session cookie (the store only
holds its hash); the `/class` namespace checks it before it sends a dashboard or accepts a command.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from ..live import LESSON_KEY
from ..ui_text import translate
from ..views import current_locale, ensure_sandbox_cookie, same_origin
from .hub import CLASS_KEY, TEACH_KEY, ClassHub, Role, join_class
from .model import ClassError, ClassRecord, hash_secret, new_code, normalize_code
from .start_limit import StartLimit

bp = Blueprint("classroom", __name__)

TEACH_KEEP = 5  # classes a browser can teach at once (secrets kept in its cookie)


def hub() -> ClassHub:
    return current_app.extensions["lab.classroom"]


def class_starts() -> StartLimit:
    return current_app.extensions["lab.class_starts"]


def _secret_for(code: str) -> str | None:
    held = session.get(TEACH_KEY)
    return held.get(code) if isinstance(held, dict) else None


def _teaches(record: ClassRecord) -> bool:
    return record.check(_secret_for(record.code))


def join_url(code: str) -> str:
    return url_for("classroom.join", code=code, _external=True)


def qr_svg(text: str, *, scale: int = 6, title: str | None = None) -> str:
    """The QR code of `text` as an inline SVG element (dark modules on white, a quiet zone)."""
    import segno

    return segno.make(text, error="m").svg_inline(
        scale=scale, border=3, dark="#000", light="#fff", omitsize=True, svgclass="qr-code",
        lineclass="qr-line", title=title or f"QR code: {text}")


def say(key: str, **values: Any) -> str:
    """A label of webapp/ui_text.py in the page's language."""
    return str(translate(current_locale(), key, **values))


def join_error(err: ClassError) -> str:
    """Why a nickname was refused, in the page's language (by the error's key in ui_text)."""
    return say(err.key, **err.params) if err.key is not None else str(err)


def _lessons() -> list[dict[str, Any]]:
    catalog = current_app.extensions.get("lab.lessons")
    if catalog is None:
        return []
    out = []
    for lesson in catalog:
        view = lesson.view(current_locale())
        out.append({"id": lesson.id, "title": view["title"],
                    "steps": [{"id": s["id"], "title": s["title"]} for s in view["steps"]]})
    return out


def _lab_cookie() -> str:
    session.pop(LESSON_KEY, None)  # the class page's console follows no lesson page
    return ensure_sandbox_cookie()


# -- the instructor --------------------------------------------------------------------------------


@bp.get("/teach")
def teach_start() -> ResponseReturnValue:
    """The class this browser teaches, if one still runs (unless `?new=1`); else the start form.

    Nothing is created here: a GET may come from anywhere (a crawler, a link on another site).
    """
    if not request.args.get("new"):
        held = session.get(TEACH_KEY)
        for code in reversed(list(held or {})):
            record = hub().active_class(code)
            if record is not None and _teaches(record):
                return redirect(url_for("classroom.teach", code=code), 303)
    return _start_form()


def _start_form(error: str | None = None, status: int = 200) -> ResponseReturnValue:
    title = (request.form.get("title") or "").strip()[:80] if request.method == "POST" else ""
    return render_template("teach_start.html", error=error, title=title,
                           csrf_token=generate_csrf()), status


@bp.post("/teach")
def teach_create() -> ResponseReturnValue:
    """Start a class: only from our own form (same origin and its CSRF token), a few per client."""
    try:
        if not same_origin():
            raise ValidationError("cross-site")
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return _start_form(say("teach_err_cross_site"), 403)
    if not class_starts().allow(request.remote_addr or "?"):
        response = make_response(_start_form(say("teach_err_too_many"), 429))
        response.headers["Retry-After"] = str(class_starts().retry_after(request.remote_addr or "?"))
        return response
    sandbox_id = _lab_cookie()
    secret = secrets.token_urlsafe(24)
    title = (request.form.get("title") or "").strip()[:80]
    store = hub().store
    for _ in range(20):
        record = ClassRecord(new_code(), hash_secret(secret), sandbox_id, time.time(), title)
        if store.get_class(record.code) is not None:
            continue
        try:
            store.create_class(record)
        except ClassError:  # taken by another process a moment ago
            continue
        break
    else:  # pragma: no cover - 32**6 codes
        abort(503)
    store.set_membership(sandbox_id, record.code, "teach")
    hub().set_role(sandbox_id, Role(record.code, "teach"))
    held = dict(session.get(TEACH_KEY) or {})
    held[record.code] = secret
    session[TEACH_KEY] = dict(list(held.items())[-TEACH_KEEP:])
    return redirect(url_for("classroom.teach", code=record.code), 303)


@bp.get("/teach/<code>")
def teach(code: str) -> ResponseReturnValue:
    record = hub().store.get_class(normalize_code(code))
    if record is None:
        abort(404)
    if not _teaches(record):
        return render_template("class_message.html", title=say("not_your_class"), code=record.code,
                               message=say("not_your_class_text")), 403
    sandbox_id = _lab_cookie()
    if sandbox_id != record.instructor_sandbox:  # the cookie's sandbox changed (expired): follow it
        hub().store.update_class(record.code, lambda r: setattr(r, "instructor_sandbox", sandbox_id))
    hub().store.set_membership(sandbox_id, record.code, "teach")
    hub().set_role(sandbox_id, Role(record.code, "teach"))
    url = join_url(record.code)
    lessons = _lessons()
    return render_template(
        "teach.html", klass=record, join_url=url, qr=qr_svg(url, title=say("qr_title", url=url)),
        lessons=lessons, lessons_json=json.dumps(lessons, ensure_ascii=False),
        presenter=request.args.get("present") == "1", engine=current_app.config["LAB_ENGINE"])


@bp.get("/teach/<code>/qr.svg")
def teach_qr(code: str) -> ResponseReturnValue:
    record = hub().store.get_class(normalize_code(code))
    if record is None:
        abort(404)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(join_url(record.code), scale=10)
    return Response(body, mimetype="image/svg+xml")


# -- learners --------------------------------------------------------------------------------------


@bp.get("/join")
def join_any() -> ResponseReturnValue:
    """Type a class code (or follow a link that has it)."""
    code = normalize_code(request.args.get("code") or "")
    if code:
        return redirect(url_for("classroom.join", code=code), 303)
    return render_template("join.html", klass=None, error=None, name="")


@bp.get("/join/<code>")
def join(code: str) -> ResponseReturnValue:
    normal = normalize_code(code)
    if normal != code:
        return redirect(url_for("classroom.join", code=normal, **request.args), 303)
    record = hub().store.get_class(code)
    if record is None:
        return render_template("join.html", klass=None, name="",
                               error=say("no_such_class", code=code)), 404
    if record.ended is not None:
        return render_template("class_message.html", title=say("class_over"), code=code,
                               message=say("class_over_text")), 410
    if _teaches(record):
        return redirect(url_for("classroom.teach", code=code), 303)
    sandbox_id = _lab_cookie()
    joined = session.get(CLASS_KEY)
    wanted = request.args.get("name")
    if wanted is None and isinstance(joined, dict) and joined.get("code") == code:
        wanted = joined.get("name")
    if wanted is None:
        return render_template("join.html", klass=record, error=None, name="")
    try:
        name = join_class(hub(), record, sandbox_id, wanted)
    except ClassError as err:
        return render_template("join.html", klass=record, error=join_error(err),
                               name=wanted), 400
    session[CLASS_KEY] = {"code": code, "name": name}
    return render_template("follow.html", klass=record, name=name,
                           focus_json=json.dumps(record.focus or None),
                           engine=current_app.config["LAB_ENGINE"])
