"""What the lab page loads: every asset from our own origin, compressed on the wire, cacheable.

The page serves xterm.js and socket.io-client from node_modules through the app, so the app is
what compresses them (Flask-Compress) and tells the browser how long to keep them (versioned
vendor URLs: a year, immutable; our own files: revalidated with an ETag). bench/page.py measures
what this buys; these tests pin the behaviour down.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

from webapp import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
STATIC_JS = ROOT / "static" / "js"
IMPORT = re.compile(r"""^\s*import\s[^'"]*?from\s+['"](\./[^'"]+)['"]""", re.MULTILINE)
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}


class AssetLinks(HTMLParser):
    """The URLs of the scripts, stylesheets, module preloads and icons of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.preloads: list[str] = []
        self.icons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        rel = attr.get("rel", "")
        if tag == "script" and attr.get("src"):
            self.scripts.append(attr["src"])
        elif tag == "link" and rel == "stylesheet":
            self.styles.append(attr["href"])
        elif tag == "link" and rel == "modulepreload":
            self.preloads.append(attr["href"])
        elif tag == "link" and rel == "icon":
            self.icons.append(attr["href"])

    @property
    def all(self) -> list[str]:
        return self.scripts + self.styles + self.preloads + self.icons


@pytest.fixture
def site(make_app):
    """A test client of an app that serves the real front-end packages."""
    if not (NODE_MODULES / "@xterm" / "xterm" / "lib" / "xterm.mjs").is_file():
        pytest.fail("node_modules is missing: run `npm ci` in the repository (make setup does)",
                    pytrace=False)
    return make_app(LAB_NODE_MODULES=str(NODE_MODULES)).test_client()


@pytest.fixture
def links(site) -> AssetLinks:
    response = site.get("/sandbox")
    assert response.status_code == 200
    parser = AssetLinks()
    parser.feed(response.get_data(as_text=True))
    return parser


def script_and_style_urls(links: AssetLinks) -> list[str]:
    urls = list(dict.fromkeys(links.scripts + links.styles + links.preloads))
    assert any("/vendor/" in url for url in urls) and any("/static/" in url for url in urls)
    return urls


def test_every_asset_of_the_sandbox_page_comes_from_our_origin(site, links):
    assert links.scripts and links.styles and links.preloads
    for url in links.all:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        assert not parts.path.endswith(".map"), f"{url}: a source map, not a production build"
        response = site.get(url)
        assert response.status_code == 200, url
        assert response.get_data(), url


def test_the_page_preloads_the_whole_module_graph_of_app_js(links):
    """Module preloads let the browser fetch every module at once instead of import by import."""
    graph: set[str] = set()
    todo = ["app.js"]
    while todo:
        name = todo.pop()
        if name in graph:
            continue
        graph.add(name)
        source = (STATIC_JS / name).read_text(encoding="utf-8")
        todo += [spec.removeprefix("./") for spec in IMPORT.findall(source)]
    assert len(graph) > 5
    preloaded = {urlsplit(url).path for url in links.preloads}
    missing = sorted(f"/static/js/{name}" for name in graph if f"/static/js/{name}" not in preloaded)
    assert not missing, f"add these to lab_head() in templates/_lab.html: {missing}"
    vendor = [url for url in links.preloads if "/vendor/" in url]
    assert len(vendor) == 3  # xterm, its fit addon, socket.io-client: imported by app.js at boot


@pytest.mark.parametrize("encoding", sorted(DECODERS))
def test_scripts_and_styles_are_compressed_and_decompress_to_the_same_bytes(
        site, links, encoding):
    for url in script_and_style_urls(links):
        plain = site.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers, url
        packed = site.get(url, headers={"Accept-Encoding": encoding})
        assert packed.status_code == 200, url
        assert packed.headers.get("Content-Encoding") == encoding, url
        assert "accept-encoding" in packed.headers.get("Vary", "").lower(), url
        body = packed.get_data()
        assert DECODERS[encoding](body) == plain.get_data(), url
        if len(plain.get_data()) > 4096:
            assert len(body) < len(plain.get_data()) / 2, url


def test_served_files_are_the_files_on_disk(site, links):
    for url in script_and_style_urls(links):
        path = urlsplit(url).path
        if path.startswith("/vendor/"):
            disk = NODE_MODULES / path.removeprefix("/vendor/")
        else:
            disk = ROOT / path.lstrip("/")
        packed = site.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(packed.get_data()) == disk.read_bytes(), url


def test_the_page_itself_is_compressed_with_its_security_headers(site):
    plain = site.get("/sandbox", headers={"Accept-Encoding": "identity"})
    packed = site.get("/sandbox", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    # the app's policy, plus the hash of the page's import map (tests/web/test_views.py)
    assert packed.headers["Content-Security-Policy"].startswith(
        CONTENT_SECURITY_POLICY.split("script-src 'self'")[0] + "script-src 'self' 'sha256-")
    assert packed.headers["Content-Security-Policy"].endswith(
        CONTENT_SECURITY_POLICY.split("script-src 'self'")[1])
    assert "Cookie" in packed.headers["Vary"] and "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.get_data()).decode("utf-8")
    assert 'id="console"' in html
    assert len(html.encode("utf-8")) > 2 * len(packed.get_data())
    assert abs(len(html.encode("utf-8")) - len(plain.get_data())) < 200  # only the cookie differs


def test_small_responses_stay_uncompressed(site):
    response = site.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_vendor_files_are_versioned_and_cached_for_a_year(site, links):
    vendor = [url for url in script_and_style_urls(links) if url.startswith("/vendor/")]
    for url in vendor:
        assert re.search(r"[?&]v=\d+\.\d+\.\d+", url), f"{url}: no version to bust the cache"
        response = site.get(url, headers={"Accept-Encoding": "gzip"})
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age >= 365 * 24 * 3600, url


def test_our_files_are_revalidated_with_an_etag_and_answered_with_304(site, links):
    own = [url for url in script_and_style_urls(links) if url.startswith("/static/")]
    vendor = [url for url in script_and_style_urls(links) if url.startswith("/vendor/")]
    for url in own:
        first = site.get(url, headers={"Accept-Encoding": "gzip"})
        assert first.cache_control.no_cache, url  # our files change without a version in the URL
    for url in own + vendor:
        first = site.get(url, headers={"Accept-Encoding": "gzip"})
        etag = first.headers.get("ETag")
        assert etag, url
        again = site.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b"", url
        # The ETag names the encoding: a client taking another encoding gets its own copy.
        other = site.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
        assert other.status_code == 200 and other.headers["Content-Encoding"] == "br", url
