"""Pages, JSON routes, security headers, the vendor allow-list and configuration."""

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from webapp import CONTENT_SECURITY_POLICY, close_app, create_app
from webapp.config import ConfigError, load_config
from webapp.engine import lifecycle
from webapp.views import IMPORT_MAP, VENDOR_FILES

EXPECTED_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
                "frame-ancestors 'none'")


@pytest.mark.parametrize("path", ["/", "/sandbox"])
def test_pages_render_and_hand_out_a_sandbox_cookie(http, path):
    response = http.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    cookie = http.get_cookie("lab_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_the_sandbox_cookie_is_stable_across_page_loads(http):
    http.get("/")
    first = http.get_cookie("lab_session").value
    http.get("/sandbox")
    with http.session_transaction() as session:
        sandbox_id = session["sandbox"]
    http.get("/")
    with http.session_transaction() as session:
        assert session["sandbox"] == sandbox_id
    assert first


def test_sandbox_page_keeps_the_stable_hooks(http):
    html = http.get("/sandbox").get_data(as_text=True)
    for hook in ('id="console"', 'id="lifecycle-graph"', 'id="event-log"', 'id="narration"'):
        assert hook in html


def test_unknown_lessons_are_404(http):
    response = http.get("/lessons/no-such-lesson")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP


IMPORT_MAP_TAG = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


def lab_page_csp(html: str) -> str:
    """The policy of a page with the editor: the app's, plus the hash of its one import map."""
    maps = IMPORT_MAP_TAG.findall(html)
    assert len(maps) == 1
    digest = base64.b64encode(hashlib.sha256(maps[0].encode("utf-8")).digest()).decode()
    return EXPECTED_CSP.replace("script-src 'self'", f"script-src 'self' 'sha256-{digest}'")


@pytest.mark.parametrize("path", ["/", "/sandbox", "/healthz", "/api/lifecycle", "/nowhere"])
def test_security_headers_on_every_response(http, path):
    response = http.get(path)
    headers = response.headers
    if path == "/sandbox":  # its import map, let in by its hash (and nothing else inline)
        assert headers["Content-Security-Policy"] == lab_page_csp(response.get_data(as_text=True))
        assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    else:
        assert headers["Content-Security-Policy"] == EXPECTED_CSP == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_lifecycle_json_is_the_engine_table(http):
    response = http.get("/api/lifecycle")
    assert response.status_code == 200
    assert response.get_json() == lifecycle.as_json()


def test_healthz(http):
    assert http.get("/healthz").get_json() == {"ok": True, "engine": "sim", "sandboxes": 0}


# -- front-end packages -------------------------------------------------------------------------------


@pytest.fixture
def node_modules(app, tmp_path):
    root = tmp_path / "node_modules"
    for path in VENDOR_FILES:
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"/* {path} */\n")
    (root / "@xterm/xterm/package.json").write_text('{"name": "@xterm/xterm", "version": "6.0.0"}')
    (root / "secret.txt").write_text("not for the browser")
    return root


@pytest.mark.parametrize("path, mimetype", [
    ("@xterm/xterm/lib/xterm.js", "text/javascript"),
    ("@xterm/xterm/css/xterm.css", "text/css"),
    ("@xterm/addon-fit/lib/addon-fit.js", "text/javascript"),
    ("socket.io-client/dist/socket.io.min.js", "text/javascript"),
])
def test_vendor_serves_allow_listed_files_with_long_caching(http, node_modules, path, mimetype):
    response = http.get(f"/vendor/{path}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.get_data(as_text=True) == f"/* {path} */\n"
    assert response.cache_control.max_age >= 30 * 24 * 3600
    assert response.cache_control.public
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "/vendor/@xterm/xterm/package.json",  # exists, but not allow-listed
    "/vendor/secret.txt",
    "/vendor/../../etc/passwd",
    "/vendor/..%2f..%2fetc%2fpasswd",
    "/vendor/@xterm/xterm/lib/../../../../etc/passwd",
    "/vendor/%2e%2e/%2e%2e/etc/passwd",
    "/vendor/",
    "/vendor/@xterm/xterm/lib/xterm.js/",
])
def test_vendor_refuses_everything_else(http, node_modules, path):
    assert http.get(path).status_code == 404


@pytest.mark.parametrize("page", ["/sandbox", "/lessons/why-exit"])
def test_the_editor_pages_import_map_names_only_served_files(http, page):
    response = http.get(page)
    html = response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == lab_page_csp(html)
    imports = json.loads(IMPORT_MAP_TAG.search(html).group(1))["imports"]
    assert set(IMPORT_MAP) <= set(imports)
    for url in imports.values():
        path = url.split("?")[0].removeprefix("/vendor/")
        assert path in VENDOR_FILES, url
    for inline in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html):
        assert 'type="importmap"' in inline, "no other inline script"


def test_every_module_the_editor_imports_is_in_the_import_map():
    """Each vendor ES module's bare imports resolve through IMPORT_MAP (so the browser finds them)."""
    root = Path(__file__).resolve().parents[2] / "node_modules"
    if not (root / "@codemirror/view/dist/index.js").is_file():
        pytest.skip("node_modules is not installed")
    importing = re.compile(r"""(?:^|[;\s])(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]""", re.MULTILINE)
    for path in VENDOR_FILES:
        if not path.endswith(".js") or "codemirror" not in path and path not in IMPORT_MAP.values():
            continue
        text = (root / path).read_text(encoding="utf-8")
        for name in importing.findall(text):
            if name.startswith("."):
                target = str(Path(path).parent / name).replace("\\", "/")
                assert target in VENDOR_FILES, (path, name)
            else:
                assert name in IMPORT_MAP, (path, name)


def test_vendor_404_when_npm_has_not_installed_the_file(http):
    assert http.get("/vendor/@xterm/xterm/lib/xterm.js").status_code == 404


def test_vendor_url_carries_the_package_version(app, node_modules):
    from webapp.views import vendor_url

    with app.test_request_context():
        assert vendor_url("@xterm/xterm/lib/xterm.js") == "/vendor/@xterm/xterm/lib/xterm.js?v=6.0.0"
        assert vendor_url("@xterm/addon-fit/lib/addon-fit.js").endswith("?v=0")
        with pytest.raises(KeyError):
            vendor_url("left-pad/index.js")


# -- configuration --------------------------------------------------------------------------------------


def test_config_reads_lab_environment_variables_and_overrides_win():
    env = {"LAB_RATE": "5", "LAB_IDLE_SECONDS": "60", "LAB_MAX_LINE": "100"}
    config = load_config({"LAB_MAX_LINE": 200}, environ=env)
    assert config["LAB_RATE"] == 5.0
    assert config["LAB_IDLE_SECONDS"] == 60.0
    assert config["LAB_MAX_LINE"] == 200
    assert config["LAB_ENGINE"] == "sim"


@pytest.mark.parametrize("env, message", [
    ({"LAB_ENGINE": "docker", "LAB_CLOCK": "virtual"}, "LAB_CLOCK must be real"),
    ({"LAB_FALLBACK": "podman"}, "expected sim"),
    ({"LAB_ENGINE": "podman"}, "expected one of"),
    ({"LAB_RATE": "fast"}, "expected a float"),
    ({"LAB_RATE": "0"}, "must be positive"),
    ({"LAB_IDLE_SECONDS": "-1"}, "must not be negative"),
    ({"LAB_CLOCK": "sundial"}, "expected one of"),
])
def test_bad_settings_fail_at_startup_with_a_clear_message(env, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ=env)


def test_secret_key_is_kept_in_the_instance_folder_so_cookies_survive_a_restart(tmp_path):
    config = {"LAB_INSTANCE": str(tmp_path / "instance"), "LAB_DB": str(tmp_path / "lab.db"),
              "LAB_REAP_INTERVAL": 0, "LAB_CLOCK": "virtual"}
    first = create_app(config)
    http = first.test_client()
    http.get("/sandbox")
    cookie = http.get_cookie("lab_session").value
    close_app(first)
    second = create_app(config)
    try:
        assert second.secret_key == first.secret_key
        assert len(second.secret_key) >= 32
        http2 = second.test_client()
        http2.set_cookie("lab_session", cookie)
        with http2.session_transaction() as session:
            assert session.get("sandbox")
        assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        close_app(second)
