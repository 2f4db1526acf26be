"""The simulator's answers where Docker fails a start before anything runs, and the fixes of issue 14:
users (-u), taken host ports, missing networks, -t without -i, prune events, signals to a paused
container. Each expectation was recorded on a real daemon (see tests/conformance/scenarios)."""

from __future__ import annotations

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.engine.sim.users import UnknownUser, id_line, resolve


def _engine() -> SimEngine:
    return SimEngine(VirtualClock(), seed=7)


def _events(engine: SimEngine, since: int = 0) -> list[tuple[str, str, str]]:
    return [(e.type, e.action, e.attributes.get("name", "")) for e in list(engine.history)[since:]]


def _status(engine: SimEngine, name: str) -> str:
    return engine.run(f"docker ps -a --filter name=^{name}$ --format '{{{{.Status}}}}'").stdout.strip()


# -- -u/--user ---------------------------------------------------------------------------------------


PASSWD = "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/bin/sh\n"
GROUP = "root:x:0:\nadm:x:4:www-data\nwww-data:x:33:\n"


def test_user_forms_resolve_as_moby_sys_user() -> None:
    assert id_line(resolve("", PASSWD, GROUP)) == "uid=0(root) gid=0(root) groups=0(root)\n"
    assert id_line(resolve("www-data", PASSWD, GROUP)) == \
        "uid=33(www-data) gid=33(www-data) groups=33(www-data),4(adm)\n"
    assert id_line(resolve("33", PASSWD, GROUP)).startswith("uid=33(www-data) gid=33(www-data)")
    assert id_line(resolve("1000", PASSWD, GROUP)) == "uid=1000 gid=0(root) groups=0(root)\n"
    assert id_line(resolve("1000:1000", PASSWD, GROUP)) == "uid=1000 gid=1000 groups=1000\n"
    assert id_line(resolve("www-data:root", PASSWD, GROUP)) == \
        "uid=33(www-data) gid=0(root) groups=0(root)\n"
    for spec, words in (("foo", "unable to find user foo: no matching entries in passwd file"),
                        ("root:foo", "unable to find group foo: no matching entries in group file")):
        try:
            resolve(spec, PASSWD, GROUP)
        except UnknownUser as err:
            assert str(err) == words
        else:
            raise AssertionError(spec)


def test_run_user_shows_in_id_whoami_ps_and_inspect() -> None:
    engine = _engine()
    result = engine.run("docker run -u www-data --name u1 ubuntu:20.04 sh -c 'id; whoami'")
    assert result.stdout == "uid=33(www-data) gid=33(www-data) groups=33(www-data)\nwww-data\n"
    assert engine.run("docker inspect -f '{{.Config.User}}' u1").stdout == "www-data\n"
    result = engine.run("docker run --rm -u 1000 ubuntu:20.04 whoami")
    assert (result.exit_code, result.stderr) == (1, "whoami: cannot find name for user ID 1000\n")
    engine.run("docker run -d -u 33 --name u2 ubuntu:20.04 sleep 100")
    assert "www-data" in engine.run("docker top u2").stdout
    assert engine.run("docker exec u2 id -u").exit_code == 0
    assert engine.run("docker exec -u root u2 whoami").stdout == "root\n"


def test_unknown_user_fails_the_start_and_leaves_the_container_created() -> None:
    engine = _engine()
    mark = len(engine.history)
    result = engine.run("docker run -u foo --name uf ubuntu:20.04 id")
    assert result.exit_code == 125
    assert result.stderr.startswith("docker: Error response from daemon: unable to find user foo: "
                                    "no matching entries in passwd file\n")
    assert _status(engine, "uf") == "Created"
    assert [a for _, a, _ in _events(engine, mark)] == ["create", "attach"]
    state = engine.run("docker inspect -f '{{.State.ExitCode}} {{.State.Error}}' uf").stdout
    assert state == "128 unable to find user foo: no matching entries in passwd file\n"
    engine.run("docker run -d --name up ubuntu:20.04 sleep 100")
    result = engine.run("docker exec -u foo up id")
    assert (result.exit_code, result.stderr) == (
        1, "Error response from daemon: unable to find user foo: no matching entries in passwd file\n")


# -- ports and networks -------------------------------------------------------------------------------


def test_a_taken_port_leaves_the_second_container_created_until_the_port_is_free() -> None:
    engine = _engine()
    assert engine.run("docker run -d -p 8080:80 --name web1 nginx").exit_code == 0
    mark = len(engine.history)
    result = engine.run("docker run -d -p 8080:80 --name web2 nginx")
    assert result.exit_code == 125
    assert len(result.stdout.strip()) == 64  # the ID comes first, as docker/cli prints it
    assert "driver failed programming external connectivity on endpoint web2 (" in result.stderr
    assert "Bind for 0.0.0.0:8080 failed: port is already allocated" in result.stderr
    assert [a for _, a, n in _events(engine, mark)] == ["create"]
    assert _status(engine, "web2") == "Created"
    again = engine.run("docker start web2")
    assert again.exit_code == 1 and "port is already allocated" in again.stderr
    assert _status(engine, "web2") == "Created"
    engine.run("docker rm -f web1")
    assert engine.run("docker start web2").exit_code == 0
    assert _status(engine, "web2").startswith("Up")
    assert engine.run("docker stop -t 1 web2").exit_code == 0


def test_a_missing_network_fails_the_start_not_the_create() -> None:
    engine = _engine()
    result = engine.run("docker run -d --network mynet --name n1 ubuntu:20.04 sleep 100")
    assert result.exit_code == 125
    assert "docker: Error response from daemon: network mynet not found\n" in result.stderr
    assert _status(engine, "n1") == "Created"
    assert engine.run("docker create --network mynet --name n2 ubuntu:20.04").exit_code == 0
    assert engine.run("docker start n2").stderr.startswith(
        "Error response from daemon: network mynet not found\n")
    engine.run("docker run -d --network none --name n3 ubuntu:20.04 sleep 100")
    assert engine.run("docker inspect -f '{{.HostConfig.NetworkMode}}' n3").stdout == "none\n"


# -- -t without -i ------------------------------------------------------------------------------------


def test_a_tty_without_stdin_keeps_the_shell_up_and_attach_only_watches_it() -> None:
    engine = _engine()
    assert engine.run("docker run -dt --name dt ubuntu:20.04").exit_code == 0
    engine.clock.advance(5)  # type: ignore[attr-defined]
    assert _status(engine, "dt").startswith("Up")
    # No -i: the container's stdin is not attached (docker/cli attaches stdin only when
    # Config.OpenStdin), so keys go nowhere, and with a TTY the CLI proxies no signal: Ctrl-C ends
    # the client, the shell keeps running.
    job = engine.execute("docker attach dt", tty=True)
    with engine.lock:
        job.send("exit\r")
    engine.clock.advance(0.5)  # type: ignore[attr-defined]
    assert not job.done and job.stdout == ""
    with engine.lock:
        job.interrupt()
    assert engine.wait(job, 1) and job.exit_code == 130
    assert _status(engine, "dt").startswith("Up")
    result = engine.run("docker exec dt echo reachable")
    assert result.stdout == "reachable\n"
    engine.run("docker run -d --name dnot ubuntu:20.04")
    assert _status(engine, "dnot").startswith("Exited (0)")


# -- prune events -------------------------------------------------------------------------------------


def test_prunes_log_their_prune_event() -> None:
    engine = _engine()
    engine.run("docker run --name gone ubuntu:20.04 true")
    mark = len(engine.history)
    engine.run("docker container prune -f")
    prune = list(engine.history)[-1]
    assert (prune.type, prune.action, prune.actor_id, prune.attributes) == (
        "container", "prune", "", {"reclaimed": "0"})
    assert [a for _, a, _ in _events(engine, mark)] == ["destroy", "prune"]
    engine.run("docker image prune -f")
    last = list(engine.history)[-1]
    assert (last.type, last.action, last.attributes) == ("image", "prune", {"reclaimed": "0"})
    mark = len(engine.history)
    engine.run("docker image prune")  # not confirmed: nothing pruned, no event
    assert len(engine.history) == mark


# -- signals to a paused container --------------------------------------------------------------------


def _actions(engine: SimEngine, mark: int, name: str) -> list[str]:
    return [e.action + (f" {e.attributes['signal']}" if "signal" in e.attributes else "")
            for e in list(engine.history)[mark:] if e.attributes.get("name") == name]


def test_stopping_a_paused_container_unpauses_after_the_kill_event() -> None:
    engine = _engine()
    engine.run("docker run -d --name pz ubuntu:20.04 sleep 100")
    engine.run("docker pause pz")
    mark = len(engine.history)
    assert engine.run("docker stop -t 1 pz").exit_code == 0
    assert _actions(engine, mark, "pz") == ["kill 15", "unpause", "kill 9", "die", "stop"]
    assert engine.run("docker inspect -f '{{.State.ExitCode}}' pz").stdout == "137\n"


def test_signals_to_a_paused_container_follow_kill_with_signal() -> None:
    engine = _engine()
    engine.run("docker run -d --name pk ubuntu:20.04 sleep 100")
    engine.run("docker pause pk")
    mark = len(engine.history)
    engine.run("docker kill -s TERM pk")  # no StopSignal: any signal resumes it
    assert _actions(engine, mark, "pk") == ["kill 15", "unpause"]
    assert _status(engine, "pk").startswith("Up") and "Paused" not in _status(engine, "pk")
    engine.run("docker pause pk")
    mark = len(engine.history)
    engine.run("docker kill pk")  # SIGKILL: the resume finds the task stopped, no unpause
    assert _actions(engine, mark, "pk") == ["kill 9", "die"]
    engine.run("docker run -d --name nx nginx")  # StopSignal SIGQUIT: TERM does not resume
    engine.run("docker pause nx")
    mark = len(engine.history)
    engine.run("docker kill -s TERM nx")
    assert _actions(engine, mark, "nx") == ["kill 15"]
    assert "(Paused)" in _status(engine, "nx")
