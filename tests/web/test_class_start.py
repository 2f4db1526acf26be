"""Starting a class: only a POST from our own form makes one, a few per client; real nicknames.

Flask's test client plays the browsers (its requests come from 127.0.0.1, host `localhost`).
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.classroom_helpers import csrf_token, teach

ORIGIN = {"Origin": "http://localhost"}


def classes(app) -> int:
    with sqlite3.connect(app.config["LAB_DB"]) as db:
        return db.execute("SELECT COUNT(*) FROM class_rooms").fetchone()[0]


@pytest.fixture
def app(make_app):
    return make_app(LAB_CLASS_RATE="3/minute;5/hour")


def test_a_get_never_makes_a_class(app):
    http = app.test_client()
    for _ in range(50):
        page = http.get("/teach")
        assert page.status_code == 200
        assert 'id="teach-start"' in page.get_data(as_text=True)
        assert http.get("/teach?new=1").status_code == 200
    assert classes(app) == 0
    assert teach(http).status_code == 303 and classes(app) == 1


def test_a_post_needs_our_origin_and_the_forms_token(app):
    http = app.test_client()
    token = csrf_token(http.get("/teach").get_data(as_text=True))
    assert http.post("/teach", data={}, headers=ORIGIN).status_code == 403  # no token
    assert http.post("/teach", data={"csrf_token": "forged"}, headers=ORIGIN).status_code == 403
    # Another site's page, even with a token it somehow holds, or a request naming no origin.
    other = http.post("/teach", data={"csrf_token": token},
                      headers={"Origin": "https://evil.example"})
    assert other.status_code == 403
    assert "own form" in other.get_data(as_text=True)
    assert http.post("/teach", data={"csrf_token": token}).status_code == 403
    # Another browser's token is not this one's.
    stranger = app.test_client()
    theirs = csrf_token(stranger.get("/teach").get_data(as_text=True))
    assert http.post("/teach", data={"csrf_token": theirs}, headers=ORIGIN).status_code == 403
    assert classes(app) == 0
    made = http.post("/teach", data={"csrf_token": token, "title": "Monday"},
                     headers={"Referer": "http://localhost/teach"})
    assert made.status_code == 303 and classes(app) == 1
    page = http.get(made.headers["Location"]).get_data(as_text=True)
    assert "data-join-url" in page


def test_class_starts_are_rate_limited_per_client(app):
    for _ in range(3):
        assert teach(app.test_client()).status_code == 303
    refused = teach(app.test_client())
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Too many classes" in refused.get_data(as_text=True)
    assert classes(app) == 3
    korean = app.test_client()
    korean.get("/?lang=ko")
    assert "너무 많은 수업" in teach(korean).get_data(as_text=True)
    # Another client address has its own count.
    other = app.test_client()
    form = other.get("/teach", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    made = other.post("/teach", data={"csrf_token": csrf_token(form.get_data(as_text=True))},
                      headers=ORIGIN, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert made.status_code == 303 and classes(app) == 4


def test_a_bad_class_rate_fails_at_start(make_app):
    from webapp.config import ConfigError

    with pytest.raises(ConfigError, match="LAB_CLASS_RATE"):
        make_app(LAB_CLASS_RATE="often")


# -- nicknames -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["O'Brien", "O’Brien", "Jean-Luc Picard", "김민준", "Zoë d'Arc",
                                  "R&D Team"])
def test_real_names_are_welcome(app, name):
    code = teach(app.test_client()).headers["Location"].rsplit("/", 1)[1]
    page = app.test_client().get(f"/join/{code}", query_string={"name": name})
    assert page.status_code == 200, page.get_data(as_text=True)[:400]
    assert 'id="instructor-graph"' in page.get_data(as_text=True)


def test_a_nickname_is_escaped_wherever_the_server_shows_it(app):
    code = teach(app.test_client()).headers["Location"].rsplit("/", 1)[1]
    name = """O'Brien" x='y'&amp;"""
    http = app.test_client()
    page = http.get(f"/join/{code}", query_string={"name": name})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert name not in html  # never raw
    assert 'data-name="O&#39;Brien&#34; x=&#39;y&#39;&amp;amp;"' in html
    assert '<strong id="my-name">O&#39;Brien&#34; x=&#39;y&#39;&amp;amp;</strong>' in html
    # A refused name is put back in the form, escaped too.
    taken = app.test_client().get(f"/join/{code}", query_string={"name": name})
    assert taken.status_code == 400
    assert 'value="O&#39;Brien&#34; x=&#39;y&#39;&amp;amp;"' in taken.get_data(
        as_text=True)
    refused = app.test_client().get(f"/join/{code}", query_string={"name": "<img src=x>"})
    assert refused.status_code == 400 and "<img src=x>" not in refused.get_data(as_text=True)


def start_from(http, forwarded_for: str) -> int:
    """A class start through a proxy that says the client is `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for}
    form = http.get("/teach", headers=headers)
    return http.post("/teach", data={"csrf_token": csrf_token(form.get_data(as_text=True))},
                     headers={**ORIGIN, **headers}).status_code


def test_behind_a_proxy_the_limit_counts_the_clients_it_names(make_app):
    """LAB_PROXIES=1 (nginx in front): every client comes from the proxy's address, so the
    limit counts the address X-Forwarded-For names; without it the header is ignored (forgeable)."""
    proxied = make_app(LAB_CLASS_RATE="1/minute", LAB_PROXIES=1)
    assert start_from(proxied.test_client(), "203.0.113.1") == 303
    assert start_from(proxied.test_client(), "203.0.113.2") == 303  # another client
    assert start_from(proxied.test_client(), "203.0.113.1") == 429
    direct = make_app(LAB_CLASS_RATE="1/minute")
    assert start_from(direct.test_client(), "203.0.113.3") == 303
    assert start_from(direct.test_client(), "203.0.113.4") == 429  # the same real address
