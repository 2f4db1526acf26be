"""The sandbox policy on a real daemon: refusals, isolation, limits, labels, orphans, reaping."""

from __future__ import annotations

import time

import pytest

from webapp.engine.docker.policy import CAPABILITIES, LABEL, Policy, session_label
from webapp.engines import DockerEngines

from .conftest import labelled_containers, new_session

pytestmark = pytest.mark.docker

# Each refused request, and words its message must contain (why it is refused).
REFUSED = [
    ("docker run -v /:/host ubuntu:20.04 true", "bind mounts"),
    ("docker run -v /etc:/etc:ro ubuntu:20.04 true", "bind mounts"),
    ("docker run --volume=/var/run/docker.sock:/var/run/docker.sock ubuntu:20.04 true", "Docker socket"),
    ("docker run --mount type=bind,source=/,target=/host ubuntu:20.04 true", "bind mounts"),
    ("docker run --mount type=bind,src=/run/docker.sock,dst=/s ubuntu:20.04 true", "Docker socket"),
    ("docker run -v data:/data ubuntu:20.04 true", "volumes are not available"),
    ("docker run --privileged ubuntu:20.04 true", "every capability"),
    ("docker run --cap-add NET_ADMIN ubuntu:20.04 true", "capabilities"),
    ("docker run --cap-add ALL ubuntu:20.04 true", "capabilities"),
    ("docker run --device /dev/null ubuntu:20.04 true", "device"),
    ("docker run --security-opt seccomp=unconfined ubuntu:20.04 true", "security options"),
    ("docker run --network host ubuntu:20.04 true", "server's own network"),
    ("docker run --net=host ubuntu:20.04 true", "server's own network"),
    ("docker run --network bridge ubuntu:20.04 true", "isolated network"),
    ("docker run --pid host ubuntu:20.04 true", "server's processes"),
    ("docker run --ipc host ubuntu:20.04 true", "inter-process"),
    ("docker run --uts host ubuntu:20.04 true", "host name"),
    ("docker run --userns host ubuntu:20.04 true", "user-namespace"),
    ("docker run --cgroupns host ubuntu:20.04 true", "control groups"),
    ("docker run -p 8080:80 httpd", "publishing ports"),
    ("docker run -P httpd", "publishing ports"),
    ("docker run --env-file /etc/environment ubuntu:20.04 true", "file on the server"),
    ("docker run -m 1g ubuntu:20.04 true", "over this sandbox's limit"),
    ("docker run -m 8m --memory-swap -1 ubuntu:20.04 true", "unlimited swap"),
    ("docker run -m 8m --memory-swap 1g ubuntu:20.04 true", "memory and swap together"),
    ("docker run --memory-reservation 8m ubuntu:20.04 true", "fixes every container's resources"),
    ("docker run --pids-limit -1 ubuntu:20.04 true", "fixes every container's resources"),
    ("docker run --read-only ubuntu:20.04 true", "does not model read-only file systems"),
    ("docker run -l lifecycle-lab.session=someone ubuntu:20.04 true", "reserved"),
    ("docker run --health-cmd true --health-interval 10ms ubuntu:20.04 true", "at most once every 1s"),
    ("docker create --privileged ubuntu:20.04", "every capability"),
    ("docker run nosuchimage", "not available in this sandbox"),
    ("docker run ubuntu@sha256:" + "0" * 64 + " true", "by digest"),
    ("docker pull nosuchimage", "not available in this sandbox"),
    ("docker -H tcp://10.0.0.1:2375 ps", "global option"),
    ("docker --context other ps", "global option"),
]


def test_every_refused_request_says_why_and_creates_nothing(make_engine, daemon) -> None:
    engine = make_engine()
    for line, why in REFUSED:
        result = engine.run(line)
        assert result.exit_code != 0, line
        assert why in result.stderr, (line, result.stderr)
        assert "refused by the Lifecycle Lab sandbox" in result.stderr, line
    assert labelled_containers(daemon, engine.session) == []
    assert engine.containers() == []


def test_exec_refuses_privileges(make_engine) -> None:
    engine = make_engine()
    assert engine.run("docker run -d --name box ubuntu:20.04 sleep 100").exit_code == 0
    result = engine.run("docker exec --privileged box id")
    assert result.exit_code != 0 and "every capability" in result.stderr
    result = engine.run("docker exec --env-file /etc/passwd box id")
    assert result.exit_code != 0 and "file on the server" in result.stderr
    assert engine.run("docker exec -e A=1 -w /tmp -u root box sh -c 'echo $A; pwd'").stdout == "1\n/tmp\n"
    assert engine.run("docker kill box").exit_code == 0


def test_other_commands_are_not_available(make_engine) -> None:
    engine = make_engine()
    for line in ("docker cp box:/etc/passwd .", "docker network create evil", "docker volume ls",
                 "docker commit box", "docker update --memory 1g box",
                 "docker system prune -f"):
        result = engine.run(line)
        assert result.exit_code == 1 and "not available in this sandbox" in result.stderr, line
    # `docker build` is a command now: with an empty workspace it fails as docker does
    result = engine.run("docker build .")
    assert result.exit_code == 1
    assert "failed to read dockerfile: open Dockerfile: no such file or directory" in result.stderr


def test_two_sandboxes_cannot_see_or_touch_each_other(make_engine, daemon) -> None:
    alice, bob = make_engine(), make_engine()
    assert alice.run("docker run -d --name web ubuntu:20.04 sleep 100").exit_code == 0
    assert alice.run("docker create --name idle ubuntu:20.04").exit_code == 0
    web = {c["name"]: c["id"] for c in alice.containers()}["web"]
    assert bob.run("docker ps -a -q").stdout == ""
    assert bob.run("docker ps -a --no-trunc").stdout.count("\n") == 1  # the header only
    for line in ("docker inspect web", f"docker inspect {web[:12]}", "docker stop -t 0 web",
                 f"docker stop -t 0 {web[:6]}", "docker kill web", f"docker kill {web}",
                 "docker rm -f web", f"docker rm -f {web[:12]}", "docker rm idle", "docker pause web",
                 "docker logs web", "docker exec web true", "docker attach web", "docker rename web x",
                 "docker wait idle", f"docker top {web[:12]}", "docker start idle", "docker restart web"):
        result = bob.run(line, timeout=20)
        assert "No such" in result.stderr or result.exit_code == 0 and result.stdout == "", \
            (line, result)
    # `rm -f` of what it cannot see is silent (as for a missing container) and removes nothing
    assert {c["name"]: c["state"] for c in alice.containers()} == {"web": "running",
                                                                   "idle": "created"}
    assert bob.run("docker container prune -f").stdout == "Total reclaimed space: 0B\n"
    assert len(labelled_containers(daemon, alice.session)) == 2
    # the same bare names in another sandbox do not collide
    assert bob.run("docker run -d --name web ubuntu:20.04 sleep 100").exit_code == 0
    assert [c["name"] for c in bob.containers()] == ["web"]
    assert alice.run("docker ps --format '{{.Names}}'").stdout == "web\n"
    bob.settle()
    own = [e for e in bob.history if e.action != "prune"]  # its prune event is its own command's
    assert {e.actor_id for e in own} == {bob.containers()[0]["id"]}  # only its own events
    assert all(e.attributes.get("name") == "web" for e in own)
    assert alice.run("docker kill web").exit_code == 0
    assert bob.run("docker kill web").exit_code == 0


def test_names_are_scoped_on_the_daemon_and_shown_bare(make_engine, daemon) -> None:
    engine = make_engine()
    assert engine.run("docker run -d --name web ubuntu:20.04 sleep 100").exit_code == 0
    raw = labelled_containers(daemon, engine.session)[0]
    assert raw["Names"] == [f"/{session_label(engine.session)[:8]}-web"]
    assert engine.run("docker inspect -f '{{.Name}}' web").stdout == "/web\n"
    assert engine.run("docker ps --format '{{.Names}}'").stdout == "web\n"
    conflict = engine.run("docker run --name web ubuntu:20.04 true")
    assert conflict.exit_code == 125 and '"/web" is already in use' in conflict.stderr
    assert session_label(engine.session)[:8] not in conflict.stderr
    # Docker's own name rule applies to the bare name (the scoped one would pass it)
    for bad in ("x", "_under", "bad name", "-dash"):
        result = engine.run(f"docker create --name '{bad}' ubuntu:20.04")
        assert result.exit_code == 1 and "Invalid container name" in result.stderr, bad
    engine.run("docker rename web web2")
    engine.settle()
    assert [e.attributes.get("oldName") for e in engine.history if e.action == "rename"] == ["/web"]
    assert engine.run("docker kill web2").exit_code == 0


def test_every_container_carries_the_label_and_the_limits(make_engine, daemon) -> None:
    engine = make_engine()
    for line in ("docker run -d --name c1 ubuntu:20.04 sleep 100",
                 "docker create --name c2 -it ubuntu:20.04",
                 "docker run --name c3 --rm=false --init --restart on-failure:2 ubuntu:20.04 true",
                 "docker run -d --restart always --name c4 ubuntu:20.04 sleep 100",
                 "docker run -d --network none --name c5 ubuntu:20.04 sleep 100",
                 "docker run --name c6 -u 1000 -w /tmp -h box -e X=1 ubuntu:20.04 true",
                 "docker run ubuntu:20.04 true"):
        assert engine.run(line).exit_code == 0, line
    raw = labelled_containers(daemon, engine.session)
    assert len(raw) == 7
    for summary in raw:
        data = daemon.get("/containers/{0}/json", summary["Id"])
        host = data["HostConfig"]
        assert data["Config"]["Labels"][LABEL] == session_label(engine.session)
        assert host["Memory"] == 64 << 20 and host["MemorySwap"] == 64 << 20
        assert host["PidsLimit"] == 64
        assert host["NanoCpus"] == 500_000_000
        assert host["CapDrop"] == ["ALL"] and sorted(host["CapAdd"]) == sorted(CAPABILITIES)
        assert host["SecurityOpt"] == ["no-new-privileges"]
        assert host["Privileged"] is False and not host.get("Binds") and not host.get("Mounts")
        assert not host.get("PortBindings")
        assert host["NetworkMode"] in (f"lifecycle-lab-{session_label(engine.session)[:8]}", "none")
        # the learner never sees the sandbox's label
        learner = engine.run(f"docker inspect -f '{{{{json .Config.Labels}}}}' {summary['Id'][:12]}")
        assert LABEL not in learner.stdout
    network = daemon.get("/networks/{0}", f"lifecycle-lab-{session_label(engine.session)[:8]}")
    assert network["Internal"] is True
    # the limits as the container's own cgroups see them (v1 or v2 paths)
    limits = engine.run("docker run --rm ubuntu:20.04 sh -c 'cat /sys/fs/cgroup/pids.max "
                        "/sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory.max "
                        "/sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null'").stdout.split()
    assert limits == ["64", str(64 << 20)]
    status = engine.run("docker run --rm ubuntu:20.04 cat /proc/self/status").stdout
    assert "CapEff:\t00000000000004fb" in status  # exactly CAPABILITIES
    assert "NoNewPrivs:\t1" in status
    engine.run("docker rm -f c1 c4 c5")


def test_the_per_learner_container_cap(make_engine) -> None:
    engine = make_engine(policy=Policy(max_containers=2))
    assert engine.run("docker create --name one ubuntu:20.04").exit_code == 0
    assert engine.run("docker create --name two ubuntu:20.04").exit_code == 0
    result = engine.run("docker run --name three ubuntu:20.04 true")
    assert result.exit_code == 125 and "already has 2 containers" in result.stderr
    assert engine.run("docker rm one").exit_code == 0
    assert engine.run("docker run --name three ubuntu:20.04 true").exit_code == 0


def test_images_come_from_the_allow_list_and_rmi_hides_them_for_one_learner(make_engine) -> None:
    alice = make_engine(policy=Policy(images=frozenset({"ubuntu:20.04", "hello-world:latest"})))
    bob = make_engine()
    listed = alice.run("docker images --format '{{.Repository}}:{{.Tag}}'").stdout.splitlines()
    assert sorted(listed) == ["hello-world:latest", "ubuntu:20.04"]
    assert "not available" in alice.run("docker run --rm alpine true").stderr
    removed = alice.run("docker rmi hello-world")
    assert removed.exit_code == 0 and removed.stdout.startswith("Untagged: hello-world:latest\n")
    assert "hello-world" not in alice.run("docker images").stdout
    assert all(i["ref"] != "hello-world:latest" for i in alice.images())
    assert any(i["ref"] == "hello-world:latest" for i in bob.images())  # nobody else lost it
    run = alice.run("docker run --rm hello-world")
    assert run.exit_code == 0 and "Unable to find image 'hello-world:latest' locally" in run.stderr
    assert "Hello from Docker!" in run.stdout
    assert [e.action for e in alice.history if e.type == "image"] == ["untag", "delete", "pull"]


def test_orphans_are_removed_when_the_server_starts(make_engine, daemon, tmp_path) -> None:
    from webapp import close_app, create_app
    from webapp.store import SandboxRecord, Store

    kept, orphaned = new_session(), new_session()
    make_engine(kept).run("docker run -d --name keep ubuntu:20.04 sleep 100")
    orphan_engine = make_engine(orphaned)
    orphan_engine.run("docker run -d --name lost ubuntu:20.04 sleep 100")
    orphan_engine.shutdown()  # a server that went away without removing its sandbox's containers
    db = tmp_path / "lab.db"
    store = Store(db)
    store.create(SandboxRecord(kept, 1, time.time(), time.time()))  # a live sandbox
    store.close()
    app = create_app({"LAB_ENGINE": "docker", "LAB_DB": str(db), "LAB_INSTANCE": str(tmp_path),
                      "LAB_REAP_INTERVAL": 0, "TESTING": True})
    try:
        assert app.config["LAB_ENGINE_LABEL"] == "docker"
        assert labelled_containers(daemon, orphaned) == []
        assert len(labelled_containers(daemon, kept)) == 1
    finally:
        close_app(app)


def test_reaping_and_resetting_remove_a_sandbox_s_containers(daemon, tmp_path) -> None:
    from webapp.engine.docker import Policy as EnginePolicy
    from webapp.session import SandboxManager
    from webapp.store import Store

    store = Store(tmp_path / "lab.db")
    manager = SandboxManager(store, idle_seconds=60, engines=DockerEngines(daemon, EnginePolicy()))
    try:
        first = manager.open(new_session())
        job = first.run("docker run -d --name r1 ubuntu:20.04 sleep 100")
        with first.lock:
            assert job.exit_code == 0
        assert len(labelled_containers(daemon, first.id)) == 1
        # reset: a fresh sandbox under the same id, without the old containers
        manager.reset(first)
        assert labelled_containers(daemon, first.id) == []
        first.run("docker run -d --name r2 ubuntu:20.04 sleep 100")
        second = manager.open(new_session())
        second.run("docker create --name r3 ubuntu:20.04")
        assert manager.reap(now=first.last_active + 30) == []  # not idle yet
        assert len(labelled_containers(daemon, first.id)) == 1
        gone = manager.reap(now=max(first.last_active, second.last_active) + 61)
        assert sorted(gone) == sorted([first.id, second.id])
        assert labelled_containers(daemon, first.id) == []
        assert labelled_containers(daemon, second.id) == []
    finally:
        manager.close()
        store.close()


def test_a_server_restart_keeps_and_readopts_a_sandbox(daemon, tmp_path) -> None:
    from webapp.engine.docker import Policy as EnginePolicy
    from webapp.session import SandboxManager
    from webapp.store import Store

    store = Store(tmp_path / "lab.db")
    sandbox_id = new_session()
    manager = SandboxManager(store, engines=DockerEngines(daemon, EnginePolicy()))
    manager.open(sandbox_id).run("docker run -d --name stays ubuntu:20.04 sleep 100")
    manager.close()  # shutdown: containers stay
    assert len(labelled_containers(daemon, sandbox_id)) == 1
    manager = SandboxManager(store, engines=DockerEngines(daemon, EnginePolicy()))
    try:
        sandbox = manager.open(sandbox_id)
        assert [c["name"] for c in sandbox.engine.containers()] == ["stays"]
        assert sandbox.log_length == 1
        manager.remove(sandbox_id)  # forgotten: containers go
        assert labelled_containers(daemon, sandbox_id) == []
    finally:
        manager.close()
        store.close()


def test_an_evicted_sandbox_keeps_its_containers_and_is_readopted(daemon, tmp_path) -> None:
    from webapp.engine.docker import Policy as EnginePolicy
    from webapp.session import SandboxManager
    from webapp.store import Store

    store = Store(tmp_path / "lab.db")
    sandbox_id = new_session()
    manager = SandboxManager(store, engines=DockerEngines(daemon, EnginePolicy()), evict_seconds=60)
    try:
        first = manager.open(sandbox_id)
        first.run("docker run -d --name stays ubuntu:20.04 sleep 100")
        assert manager.evict(now=first.last_active + 61) == [sandbox_id]  # no console has it open
        assert len(manager) == 0 and store.ids() == [sandbox_id]
        assert len(labelled_containers(daemon, sandbox_id)) == 1  # still on the daemon
        again = manager.open(sandbox_id)
        assert again is not first
        assert [c["name"] for c in again.engine.containers()] == ["stays"]
        assert again.log_length == 1
        manager.remove(sandbox_id)
        assert labelled_containers(daemon, sandbox_id) == []
    finally:
        manager.close()
        store.close()
