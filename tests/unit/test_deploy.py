"""deploy/: the compose file's structure and the nginx site it mounts (no Docker needed).

`docker compose config` would check more, but the machines the tests run on may lack the compose
plugin; this checks what the deployment depends on: N app processes from the repo's Dockerfile that
share one secret, one PostgreSQL URL and one Redis queue, and an nginx whose upstream names exactly
those processes with the sticky rules the local cluster runs (webapp/services/nginx.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from webapp.services.nginx import site_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def app_services(doc: dict) -> dict[str, dict]:
    return {name: svc for name, svc in doc["services"].items()
            if svc.get("build", {}).get("dockerfile") == "Dockerfile"}


def test_the_app_runs_as_several_processes_built_from_the_repos_dockerfile():
    doc = compose()
    apps = app_services(doc)
    assert len(apps) >= 2
    for svc in apps.values():
        assert svc["build"]["context"] == ".."
        assert (DEPLOY / svc["build"]["context"] / "Dockerfile").is_file()
        assert {"postgres", "redis"} <= set(svc["depends_on"])
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_every_process_shares_the_secret_the_database_and_the_queue():
    apps = app_services(compose())
    envs = [svc["environment"] for svc in apps.values()]
    for key in ("LAB_SECRET_KEY", "LAB_DB", "LAB_MESSAGE_QUEUE"):
        assert len({env[key] for env in envs}) == 1, key  # cookies break if the secret differs
    env = envs[0]
    assert env["LAB_DB"].startswith("postgresql://") and "@postgres:5432/" in env["LAB_DB"]
    assert env["LAB_MESSAGE_QUEUE"] == "redis://redis:6379/0"
    assert env["LAB_SECRET_KEY"].startswith("${LAB_SECRET_KEY:?")  # required, never a default


def test_state_lives_in_volumes():
    doc = compose()
    assert "postgres-data:/var/lib/postgresql/data" in doc["services"]["postgres"]["volumes"]
    for name, svc in app_services(doc).items():
        volume = svc["volumes"][0].split(":")[0]
        assert volume in doc["volumes"], name


def test_nginx_proxies_to_exactly_the_app_services_with_the_generated_site():
    doc = compose()
    nginx = doc["services"]["nginx"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.findall(r"^\s+server (\S+) ", text, re.MULTILINE)
    assert upstream == [f"{name}:5000" for name in app_services(doc)]
    # the file is the generator's output: the tested cluster and the deployment route alike
    assert text == site_config(upstream)


def test_the_site_is_sticky_on_the_routing_cookie_and_passes_websockets():
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "map $cookie_lab_route $lab_route_key" in text
    assert '""      $remote_addr;' in text  # no cookie yet: the client address
    assert "hash $lab_route_key consistent;" in text
    assert "lab_session" not in text.replace("`lab_session`", "")  # changes with the session
    assert text.count("proxy_next_upstream error timeout;") == 1  # pages
    assert text.count("proxy_next_upstream error timeout http_503;") == 1  # a draining process
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $lab_connection_upgrade;" in text
    assert "proxy_read_timeout 3600s;" in text
    assert "X-Lab-Upstream" not in text  # the debugging header is for tests only
