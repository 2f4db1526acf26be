"""The WSGI entry for production serving: `gunicorn -w 1 -k gevent webapp.wsgi:app`.

Flask-SocketIO keeps each learner's sandbox and Socket.IO session in the memory of one process, so
gunicorn runs one worker per process (`-w 1`; scale out with more processes behind a sticky proxy and
`LAB_MESSAGE_QUEUE`). Under gunicorn's gevent worker (the default of `serve --production`) the app
runs Flask-SocketIO in gevent mode (`webapp.async_mode`) and each websocket is a greenlet; under
`-k gthread --threads N` it runs in threading mode and a websocket holds one of the N threads for as
long as it is open.
Settings come from the `LAB_*` environment variables, as for `lifecycle-lab serve`.
"""

from __future__ import annotations

import atexit

from . import close_app, create_app, heap

app = create_app()
heap.settle()  # after start-up: see webapp/heap.py
atexit.register(close_app, app)  # stop the sandbox clocks and close the database on shutdown
