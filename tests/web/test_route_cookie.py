"""The routing cookie `lab_route`: what a proxy in front of several processes hashes on."""

import hashlib
import hmac

from tests.web.conftest import SECRET


def test_a_page_with_a_sandbox_sets_the_routing_cookie(http):
    http.get("/sandbox")
    cookie = http.get_cookie("lab_route")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.max_age == 30 * 24 * 3600
    with http.session_transaction() as session:
        sandbox_id = session["sandbox"]
    assert sandbox_id not in cookie.value  # an HMAC, never the id itself
    expected = hmac.new(SECRET.encode(), b"lab-route:" + sandbox_id.encode(),
                        hashlib.sha256).hexdigest()[:32]
    assert cookie.value == expected


def test_the_routing_cookie_stays_while_the_session_cookie_changes(http):
    http.get("/sandbox")
    route, session_cookie = http.get_cookie("lab_route").value, http.get_cookie("lab_session").value
    http.get("/sandbox?lang=ko")  # the language goes into the session: lab_session changes
    assert http.get_cookie("lab_session").value != session_cookie
    assert http.get_cookie("lab_route").value == route
    again = http.get("/sandbox")
    assert "lab_route" not in again.headers.get("Set-Cookie", "")  # not sent again once it is there


def test_no_routing_cookie_without_a_sandbox(http):
    http.get("/healthz")
    assert http.get_cookie("lab_route") is None
