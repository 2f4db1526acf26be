"""English and Korean for every fixed label: the table itself, and every page rendered in Korean.

The table (webapp/ui_text.py) must hold both languages for each key, with the same placeholders; the
lifecycle's words must follow the engine's table; every key a template or a script asks for must
exist. Then each page, in Korean, must carry the Korean table for its scripts, show no English
interface label, and offer the language switch; the choice sticks (session cookie) and
Accept-Language picks the default.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from tests.classroom_helpers import teach
from webapp.engine import lifecycle
from webapp.ui_text import JS_KEYS, UI, js_strings, strings

ROOT = Path(__file__).resolve().parents[2]
EN = strings("en")
KO = strings("ko")
HANGUL = re.compile(r"[가-힣]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Labels that are only structure around other words, the same in both languages.
SAME_IN_BOTH = {"info_token_state", "info_token_status"}


def slug(text: str) -> str:
    """The key part static/js/i18n.js `slug` makes of a piece of data ("rm -f" -> "rm_f")."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


# -- the table -----------------------------------------------------------------------------------


def test_every_label_has_english_and_korean():
    for key, pair in UI.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        en, ko = pair
        assert isinstance(en, str) and en.strip(), f"{key}: no English"
        assert isinstance(ko, str) and ko.strip(), f"{key}: no Korean"
        if key in SAME_IN_BOTH:
            continue
        assert ko != en, f"{key}: the Korean is the English"
        words = re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", en)))
        if words:  # English prose: Korean prose
            assert HANGUL.search(ko), f"{key}: the Korean has no Korean words: {ko!r}"


def test_both_languages_fill_the_same_placeholders():
    for key, (en, ko) in UI.items():
        assert set(PLACEHOLDER.findall(en)) == set(PLACEHOLDER.findall(ko)), key


def test_the_lifecycle_words_follow_the_engine_table():
    """Each state and transition of engine/lifecycle.py has its Korean, keyed as lifecycle.js
    looks it up; the English beside it is the engine's own (so a changed summary shows here)."""
    table = lifecycle.as_json()
    for state in table["states"]:
        assert EN[f"state_{slug(state['id'])}"] == state["label"]
        assert EN[f"state_{slug(state['id'])}_about"] == state["summary"]
    for t in table["transitions"]:
        internal = "_internal" if t["trigger"] == "internal" else ""
        key = f"tr_{slug(t['edge'])}_{slug(t['src'] or 'registry')}_{slug(t['dst'])}{internal}"
        assert EN.get(key) == t["summary"], f"{key} should be {t['summary']!r}"
        if t["command"].startswith("("):  # what makes an event edge happen
            plain = t["command"].strip("()")
            if re.fullmatch(r"docker .*|[A-Z0-9]+", plain):
                continue  # a command or a signal name: the same in every language
            assert EN.get(f"cause_{slug(plain)}") == plain
        if t["trigger"] != "command" and " " in t["edge"]:  # an edge named in words, not a command
            assert EN.get(f"edge_{slug(t['edge'])}") == t["edge"]


def _keys_used_in(pattern: re.Pattern[str], files: list[Path]) -> dict[str, Path]:
    used = {}
    for file in files:
        for key in pattern.findall(file.read_text(encoding="utf-8")):
            used[key] = file
    return used


def test_every_key_the_templates_ask_for_exists():
    used = _keys_used_in(re.compile(r"\bt\(\s*'([a-z0-9_]+)'\s*[,)]"), sorted(ROOT.glob("templates/*.html")))
    assert used, "the templates use t('...')"
    missing = {key: str(path.name) for key, path in used.items() if key not in UI}
    assert not missing


def test_every_key_the_scripts_ask_for_is_sent_to_them():
    scripts = sorted(ROOT.glob("static/js/*.js"))
    used = _keys_used_in(re.compile(r"\b(?:t|tr|tOr)\(\s*'([a-z0-9_]+)'"), scripts)
    assert len(used) > 50
    missing = {key: str(path.name) for key, path in used.items() if key not in JS_KEYS}
    assert not missing, "keys the scripts use but data-ui lacks"


# -- the pages in Korean -------------------------------------------------------------------------


class Visible(HTMLParser):
    """The text a person reads (and hears) on a page, outside code, scripts and lesson prose."""

    SKIP_TAGS = frozenset({"script", "style", "code", "kbd", "pre"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})
    SPOKEN = ("title", "aria-label", "placeholder", "alt", "data-empty")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.html_lang = None
        self.body_ui = None

    def skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "body":
            self.body_ui = a.get("data-ui")
        skip = tag in self.SKIP_TAGS or "prose" in (a.get("class") or "").split()
        if not self.skipping() and not skip:
            self.texts.extend(a[k] for k in self.SPOKEN if a.get(k))
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.texts.append(data.strip())


# What may stay in Latin letters on a Korean page: the product's name, a language's own name,
# Docker's state words as `docker ps` prints them, class codes, join URLs, nicknames, the lesson's
# own title and summary (checked by the lesson tests).
ALLOWED = re.compile(
    r"Lifecycle Lab|English|EN|[A-Z0-9]{6}|https?://\S+|ada"
    r"|(?:(?:Created|Running|Paused|Exited|Restarting|Dead|Removed)(?: \(\d+\))?[,.]?\s*)+"
    r"|start|pause|unpause|stop|die|rm|web|Ctrl-\w"
)


def english_leaks(texts: list[str]) -> list[str]:
    return [x for x in texts if re.search(r"[A-Za-z]{3,}", x) and not HANGUL.search(x)
            and not ALLOWED.fullmatch(x)]


def read(res) -> Visible:
    page = Visible()
    page.feed(res.get_data(as_text=True))
    return page


def class_pages(app) -> dict[str, tuple]:
    """Every class page in Korean: the instructor's dashboard, the join forms, a learner's view."""
    teacher = app.test_client()
    teacher.get("/?lang=ko")
    start = teach(teacher)
    assert start.status_code == 303
    teach_url = start.headers["Location"]
    code = teach_url.rstrip("/").rsplit("/", 1)[1]
    learner = app.test_client()
    learner.get("/join?lang=ko")
    return {"teach": (teacher, teach_url), "join": (learner, "/join"),
            "join-code": (learner, f"/join/{code}"),
            "follow": (learner, f"/join/{code}?name=ada")}


@pytest.fixture
def korean_pages(app):
    """path -> (client, url) for every kind of page, each client having chosen Korean."""
    http = app.test_client()
    http.get("/?lang=ko")
    pages = {"course": (http, "/"), "sandbox": (http, "/sandbox"),
             "lesson": (http, "/lessons/lifecycle"), "challenge": (http, "/lessons/clean-stops")}
    pages.update(class_pages(app))
    return pages


@pytest.mark.parametrize("kind", ["course", "sandbox", "lesson", "challenge", "teach", "join",
                                  "join-code", "follow"])
def test_each_page_in_korean_leaks_no_english_label(korean_pages, kind):
    client, url = korean_pages[kind]
    res = client.get(url)
    assert res.status_code == 200, url
    page = read(res)
    assert page.html_lang == "ko"
    assert json.loads(page.body_ui) == js_strings("ko"), "the scripts get the Korean table"
    assert not english_leaks(page.texts), url
    html = res.get_data(as_text=True)
    switch = re.search(r'<nav class="lang-switch"[^>]*>(.*?)</nav>', html, re.DOTALL)
    assert switch, "the language switch"
    assert 'hreflang="en"' in switch.group(1) and 'lang=en' in switch.group(1)
    assert 'aria-current="true">한국어' in switch.group(1)


def test_the_class_pages_show_their_korean_labels(app):
    pages = class_pages(app)
    client, url = pages["teach"]
    html = client.get(url).get_data(as_text=True)
    for key in ("goto_send", "reset_all", "end_class", "presenter_mode", "dashboard_empty",
                "col_last_error", "class_join_kicker"):
        assert KO[key] in html and EN[key] not in html, key
    assert 'aria-label="' + KO["heatmap_label"] in html
    assert '<span id="learner-count">0</span>명' in html  # the live counters stay in the sentence
    client, url = pages["follow"]
    html = client.get(url).get_data(as_text=True)
    for key in ("view_follow", "view_own", "instructor_title", "instructor_sent_kicker"):
        assert KO[key] in html and EN[key] not in html, key
    assert '<strong id="my-name">ada</strong>' in html


def test_join_errors_and_class_messages_in_korean(app):
    pages = class_pages(app)
    client, url = pages["join-code"]
    assert KO["join_pick_name"] in client.get(url).get_data(as_text=True)
    bad = client.get(url, query_string={"name": "<b>"})
    assert bad.status_code == 400 and str(escape(KO["join_err_chars"])) in bad.get_data(as_text=True)
    assert client.get(url, query_string={"name": "ada"}).status_code == 200
    other = app.test_client()
    other.get("/?lang=ko")
    taken = other.get(url, query_string={"name": "ada"})
    assert taken.status_code == 400
    assert KO["join_err_taken"].format(name="ada") in taken.get_data(as_text=True)
    missing = other.get("/join/ZZZZZZ")
    assert missing.status_code == 404
    assert KO["no_such_class"].format(code="ZZZZZZ") in missing.get_data(as_text=True)
    teach_url = pages["teach"][1]
    stranger = other.get(teach_url)
    assert stranger.status_code == 403 and KO["not_your_class"] in stranger.get_data(as_text=True)


def test_english_pages_keep_the_english_labels(app):
    """The same pages without a choice (and an English browser) stay English."""
    http = app.test_client()
    teach(http)
    html = http.get("/teach", follow_redirects=True, headers={"Accept-Language": "en-US"}).get_data(
        as_text=True)
    assert '<html lang="en">' in html and EN["goto_send"] in html and KO["goto_send"] not in html
    page = Visible()
    page.feed(html)
    assert EN["dashboard_empty"] in english_leaks(page.texts), "the leak check sees English"


def test_the_choice_sticks_and_accept_language_sets_the_default(app):
    korean_browser = app.test_client()
    res = korean_browser.get("/join", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert read(res).html_lang == "ko" and KO["join_type_code"] in res.get_data(as_text=True)
    chosen = korean_browser.get("/join?lang=en", headers={"Accept-Language": "ko-KR"})
    assert read(chosen).html_lang == "en"
    later = korean_browser.get("/sandbox", headers={"Accept-Language": "ko-KR"})
    assert read(later).html_lang == "en", "?lang= is remembered over Accept-Language"
