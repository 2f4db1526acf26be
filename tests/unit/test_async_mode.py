"""Flask-SocketIO's async mode follows the process: gevent once gevent has patched the standard
library (gunicorn's gevent worker does so before it loads the app), threading otherwise."""

from __future__ import annotations

import subprocess
import sys

from webapp import async_mode

PROBE = "import webapp; print(webapp.async_mode())"


def test_threading_in_an_ordinary_process():
    assert async_mode() == "threading"


def test_gevent_once_gevent_has_patched_the_standard_library():
    patched = "from gevent import monkey; monkey.patch_all(); " + PROBE
    out = subprocess.run([sys.executable, "-c", patched], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "gevent"


def test_an_imported_but_unpatched_gevent_is_still_threading():
    imported = "import gevent.monkey; " + PROBE
    out = subprocess.run([sys.executable, "-c", imported], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "threading"
