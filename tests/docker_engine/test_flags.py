"""The real-daemon engine says what the simulator says: the same refusal words (engine/refusals.py),
`docker --version`'s one line, the prune events, `-u`."""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.docker.policy import Policy
from webapp.engine.refusals import LIMITS_TEXT
from webapp.engine.sim.engine import SimEngine

pytestmark = pytest.mark.docker

SAME_WORDS = [
    "docker run -v /etc:/host ubuntu:20.04 true",
    "docker run --mount type=volume,dst=/data ubuntu:20.04 true",
    "docker run --network host ubuntu:20.04 true",
    "docker run --privileged ubuntu:20.04 true",
    "docker run --cpus 1 ubuntu:20.04 true",
    "docker run --read-only ubuntu:20.04 true",
    "docker exec --privileged x true",
    "docker -H tcp://example:2375 ps",
    "docker images --tree",
    "docker logs --details x",
]


def test_the_limits_in_the_shared_words_are_the_policys() -> None:
    assert Policy().limits_text() == LIMITS_TEXT


@pytest.mark.parametrize("line", SAME_WORDS)
def test_both_engines_refuse_in_the_same_words(make_engine, line: str) -> None:
    real = make_engine().run(line)
    sim = SimEngine(VirtualClock(), seed=1).run(line)
    assert "refused by the Lifecycle Lab sandbox" in sim.stderr
    assert (real.exit_code, real.stderr) == (sim.exit_code, sim.stderr)


def test_version_flag_is_one_line(make_engine) -> None:
    engine = make_engine()
    for line in ("docker --version", "docker -v"):
        result = engine.run(line)
        assert result.exit_code == 0
        assert result.stdout.startswith("Docker version ") and result.stdout.count("\n") == 1


def test_prunes_publish_their_prune_event(make_engine) -> None:
    engine = make_engine()
    engine.run("docker run --name gone ubuntu:20.04 true")
    assert engine.run("docker container prune -f").exit_code == 0
    engine.settle()
    found = [e for e in engine.history if e.action == "prune"]
    assert [(e.type, e.actor_id, e.attributes.get("reclaimed")) for e in found] == [
        ("container", "", "0")]
    engine.run("docker image prune -f")
    assert [e.type for e in engine.history if e.action == "prune"] == ["container", "image"]


def test_user_on_the_real_engine(make_engine) -> None:
    engine = make_engine()
    result = engine.run("docker run --rm -u www-data ubuntu:20.04 id")
    assert result.stdout == "uid=33(www-data) gid=33(www-data) groups=33(www-data)\n"
    result = engine.run("docker run -u foo --name uf ubuntu:20.04 id")
    assert result.exit_code == 125
    assert "unable to find user foo: no matching entries in passwd file" in result.stderr
