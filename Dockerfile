# Lifecycle Lab: the web app with the embedded Docker simulator, served by gunicorn.
#
#   docker build -t lifecycle-lab .
#   docker run -p 5000:5000 -v lab-data:/data -e LAB_SECRET_KEY=<random hex> lifecycle-lab
#
# Settings are the usual LAB_* variables. State (the SQLite database with every sandbox's command
# log, and the cookie-signing key when LAB_SECRET_KEY is not given) lives in the /data volume.
#
# The real-daemon engine is opt-in, never the default: it hands the app the host's Docker daemon.
#   docker run ... -e LAB_ENGINE=docker \
#     -v /var/run/docker.sock:/var/run/docker.sock --group-add <gid owning docker.sock> lifecycle-lab

# -- front-end packages from the lockfile (the app serves them from its own origin) -------------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# -- the app -------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv

# The app finds templates/, static/, lessons/ and node_modules/ beside its package, so it runs
# from this tree (an editable install) rather than from site-packages.
WORKDIR /app
COPY pyproject.toml README.md ./
COPY webapp ./webapp
RUN pip install -e .
COPY templates ./templates
COPY static ./static
COPY lessons ./lessons
# Only the packages the pages load (see VENDOR_FILES in webapp/views.py).
COPY --from=assets /src/node_modules/@xterm ./node_modules/@xterm
COPY --from=assets /src/node_modules/socket.io-client ./node_modules/socket.io-client
# the workspace editor: CodeMirror 6 and the small modules it imports
COPY --from=assets /src/node_modules/@codemirror ./node_modules/@codemirror
COPY --from=assets /src/node_modules/@lezer ./node_modules/@lezer
COPY --from=assets /src/node_modules/@marijn ./node_modules/@marijn
COPY --from=assets /src/node_modules/style-mod ./node_modules/style-mod
COPY --from=assets /src/node_modules/w3c-keyname ./node_modules/w3c-keyname
COPY --from=assets /src/node_modules/crelt ./node_modules/crelt

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/lab lab \
    && mkdir -p /data \
    && chown lab:lab /data
ENV LAB_ENGINE=sim \
    LAB_INSTANCE=/data \
    LAB_DB=/data/lab.db
# LAB_SECRET_KEY: pass it at run time (-e or an env file); without it a key is made once and
# kept in /data, so sessions survive restarts as long as the volume does.
VOLUME ["/data"]
USER lab

EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4).status != 200)"]

# The production server: `serve --production` execs gunicorn on webapp.wsgi:app with one gevent
# worker (the learners' sandboxes and Socket.IO sessions live in one process; each open console is
# a greenlet). Scale out with more containers, sticky sessions and LAB_MESSAGE_QUEUE.
CMD ["lifecycle-lab", "serve", "--production", "--host", "0.0.0.0", "--port", "5000"]
