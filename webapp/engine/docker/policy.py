"""The sandbox policy of the real-daemon engine, in one place.

Learners type real `docker` commands against a real, shared Docker daemon. Everything that keeps one
learner's commands from reaching the server, another learner, or more than their share of the
machine is decided here, and only here:

Ownership
    Every container carries the label `lifecycle-lab.session=<session>`, where `<session>` is a
    public hash of the sandbox id (the sandbox id itself is a secret kept in the learner's signed
    cookie, so it never goes into a label an operator's `docker inspect` shows). Container names are
    scoped on the daemon as `<short>-<name>` (the first 8 characters of the session) and shown bare
    everywhere: `ps`, `inspect`, events, error messages. The command layer never touches a container
    through anything but `Guard`: its listings are filtered by the label, and its actions take only
    an `Owned` container, which only `Guard.resolve` hands out (by full ID, exact name or unique ID
    prefix, among the learner's own containers). Another learner's container is "No such container".

Refused, with the reason (`check_*` return a `Refusal`):
    host paths (`-v /…:…`, `--mount type=bind`), the Docker socket, any volume or mount,
    `--privileged`, `--cap-add`, `--device`, `--security-opt`, host namespaces (`--network`, `--pid`,
    `--ipc`, `--uts`, `--userns host`, `--cgroupns host`), published ports, files of the server
    (`--env-file`, `--cidfile`), resource flags (the limits are fixed; only `-m`/`--memory-swap`
    within the sandbox's memory cap are allowed, and the daemon OOM-kills), reserved `lifecycle-lab.*`
    labels, global options that pick another daemon (`-H`, `--context`, ...), health checks that
    would probe more often than once a second, and every flag not on the allow-lists below. Images
    come from an allow-list only (default: the image catalogue). The words are shared with the
    simulator's refusals (engine/refusals.py).

Limits on every container (`host_config`):
    64 MiB of memory (no swap; a learner's `-m` up to it, swap then as the daemon sets it),
    64 processes, half a CPU, every capability dropped except
    `CAPABILITIES` (what the catalogue's servers need to start as root: chown their files, switch to
    their service user, bind a port under 1024, signal their children), `no-new-privileges`, a
    capped json-file log (1 MiB), and at most `max_containers` containers per learner.

Images (`docker build`, `docker tag`):
    A learner's images are built by the daemon from their workspace only (`build.py` says how and
    with which limits), labelled like their containers, and tagged on the daemon as
    `<short>-<name>:<tag>` (the scope's prefix, as for container names), shown bare everywhere; at
    most `max_images` images and tags per learner. Other learners' images are invisible (not even
    by ID); the allowed images are shared. A learner's images are removed with the sandbox.

Network:
    Each learner gets an `internal` bridge network of their own (no route out, no other learner's
    containers), carved as a /26 from a private pool, created with their first container and removed
    with the sandbox.

Life and death:
    `DockerEngine.close()` (a sandbox reaped, dropped or reset) removes the learner's containers and
    network; `sweep_orphans()` removes, at server start, everything labelled for a session that no
    longer exists.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..cli import ParsedCommand
from ..cli.values import ram_in_bytes
from ..images import CATALOGUE, normalize_ref, unavailable_image
from ..refusals import (
    BIND_WHY,
    GLOBAL_WHY,
    NAMESPACE_FLAGS,
    RESOURCE_FLAGS,
    SOCKET_WHY,
    VOLUME_WHY,
    WHY,
    flag_refusal,
)
from .connection import ApiError, Connection, DaemonUnavailable

LABEL = "lifecycle-lab.session"
RESERVED_LABEL_PREFIX = "lifecycle-lab."
NETWORK_PREFIX = "lifecycle-lab-"

#: What the catalogue's images need as root (see the module docstring); everything else is dropped.
CAPABILITIES = ("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETGID",
                "SETUID")

#: Health checks run in the container, as the learner's own execs; the one sandbox rule on them
#: (at most one probe a second) is `healthcheck.probe_rate_refusal`, applied to the create request.
HEALTH_FLAGS = frozenset({
    "health-cmd", "health-interval", "health-timeout", "health-retries", "health-start-period",
    "health-start-interval", "no-healthcheck",
})
#: `docker run`/`create` flags a learner may use (long names, as the parser files them).
RUN_FLAGS = frozenset({
    "attach", "detach", "detach-keys", "entrypoint", "env", "expose", "hostname", "init",
    "interactive", "label", "name", "network", "pull", "quiet", "restart", "rm", "sig-proxy",
    "stop-signal", "stop-timeout", "tty", "user", "workdir",
} | HEALTH_FLAGS)
EXEC_FLAGS = frozenset({"detach", "detach-keys", "env", "interactive", "tty", "user", "workdir"})
#: Global options that are harmless; the rest (-H, --context, --config, --tls...) would pick another
#: daemon or read the server's files.
GLOBAL_OPTIONS = frozenset({"debug", "log-level", "version"})

NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
INVALID_NAME = "Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"


@dataclass(frozen=True)
class Refusal:
    """A request the sandbox refuses; `message` says why, for the learner."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Policy:
    """The limits (see the module docstring); tests and deployments may change them."""

    images: frozenset[str] = frozenset(CATALOGUE)
    memory: int = 64 << 20
    pids: int = 64
    nano_cpus: int = 500_000_000
    capabilities: tuple[str, ...] = CAPABILITIES
    max_containers: int = 20
    max_images: int = 10  # images and tags a learner may own (docker build -t, docker tag)
    build_network: bool = False  # RUN steps of a build reach the network (never, by default)
    build_timeout: float = 120.0  # seconds a build may take before it is cut (and so cancelled)
    subnet_pool: str = "10.213.0.0/16"
    subnet_prefix: int = 26
    log_max_size: str = "1m"

    @classmethod
    def from_settings(cls, images: str | None = None, max_containers: int | None = None,
                      subnet_pool: str | None = None) -> Policy:
        """The policy from `LAB_DOCKER_*` settings (None: the default)."""
        kwargs: dict[str, Any] = {}
        if images:
            kwargs["images"] = frozenset(normalize_ref(r.strip()) for r in images.split(",")
                                         if r.strip())
        if max_containers:
            kwargs["max_containers"] = int(max_containers)
        if subnet_pool:
            ipaddress.ip_network(subnet_pool)  # raises ValueError when malformed
            kwargs["subnet_pool"] = subnet_pool
        return cls(**kwargs)

    def limits_text(self) -> str:
        return (f"{self.memory >> 20} MiB of memory, {self.pids} processes, "
                f"{self.nano_cpus / 1e9:g} CPU")


# --------------------------------------------------------------------------------------------------
# Checks on a parsed command (pure: no daemon)
# --------------------------------------------------------------------------------------------------


def check_global(cmd: ParsedCommand) -> Refusal | None:
    for name in cmd.global_options:
        if name not in GLOBAL_OPTIONS:
            return Refusal(GLOBAL_WHY.format(name=name))
    return None


def check_memory(cmd: ParsedCommand, policy: Policy) -> Refusal | None:
    """`-m` up to the sandbox's memory cap, `--memory-swap` up to twice it (memory and swap
    together; what the daemon gives a container with `-m` alone); too small a value is the
    daemon's to refuse, in its own words."""
    memory = ram_in_bytes(cmd.text("memory") or "0")
    swap = ram_in_bytes(cmd.text("memory-swap") or "0")
    cap = policy.memory
    if memory > cap:
        return Refusal(f"--memory {cmd.text('memory')} is over this sandbox's limit: a container may "
                       f"have at most {cap >> 20} MiB of memory (-m {cap >> 20}m)")
    if swap == -1:
        return Refusal("--memory-swap -1 (unlimited swap) is not allowed: memory and swap together "
                       f"may be at most {2 * cap >> 20} MiB in this sandbox")
    if swap > 2 * cap:
        return Refusal(f"--memory-swap {cmd.text('memory-swap')} is over this sandbox's limit: "
                       f"memory and swap together may be at most {2 * cap >> 20} MiB")
    return None


def check_run(cmd: ParsedCommand, policy: Policy | None = None) -> Refusal | None:
    """`docker run` / `create` options."""
    for name, value in cmd.options.items():
        if name in ("memory", "memory-swap"):
            refusal = check_memory(cmd, policy or Policy())
            if refusal is not None:
                return refusal
            continue
        if name in RUN_FLAGS:
            if name == "network":
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if str(v) == "host":
                        return Refusal(NAMESPACE_FLAGS["network"])
                    if str(v) not in ("none", "default"):
                        return Refusal(f"--network {v} is not allowed: containers run on your own "
                                       "isolated network (or use --network none)")
            if name == "label":
                for item in value if isinstance(value, list) else [value]:
                    if str(item).startswith(RESERVED_LABEL_PREFIX):
                        return Refusal(f"labels starting with {RESERVED_LABEL_PREFIX!r} are reserved "
                                       "for the sandbox")
            continue
        refusal = _flag_refusal(name, value)
        if refusal is not None:
            return refusal
    return None


def check_exec(cmd: ParsedCommand) -> Refusal | None:
    for name, value in cmd.options.items():
        if name in EXEC_FLAGS:
            continue
        refusal = _flag_refusal(name, value)
        if refusal is not None:
            return refusal
    return None


def check_options(cmd: ParsedCommand, allowed: Iterable[str] | None = None) -> Refusal | None:
    """Other commands: every flag is harmless unless listed as refused (e.g. `pull --all-tags`)."""
    if cmd.command == "pull" and cmd.get("all-tags"):
        return Refusal(WHY["all-tags"])
    if allowed is not None:
        for name, value in cmd.options.items():
            if name not in allowed:
                refusal = _flag_refusal(name, value)
                if refusal is not None:
                    return refusal
    return None


def _flag_refusal(name: str, value: object) -> Refusal:
    """The shared words (engine/refusals.py) for a flag this engine does not allow."""
    return Refusal(flag_refusal(name, value))


def check_image(policy: Policy, ref: str) -> Refusal | None:
    """Only images on the allow-list (familiar `repository:tag` form)."""
    if "@" in ref:
        return Refusal(f"image '{ref}': images by digest are not allowed; use one of the sandbox's "
                       f"images ({allowed_images_text(policy)})")
    if normalize_ref(ref) in policy.images:
        return None
    return Refusal(unavailable_image(normalize_ref(ref), list(policy.images)))


def allowed_images_text(policy: Policy) -> str:
    return ", ".join(sorted(r.removesuffix(":latest") for r in policy.images))


def validate_name(name: str) -> ApiError | None:
    """Docker's own rule for container names, applied to the learner's bare name (the scoped name
    on the daemon would otherwise accept `_under` or `x`)."""
    if not NAME_RE.match(name):
        return ApiError(400, INVALID_NAME.format(name))
    return None


# --------------------------------------------------------------------------------------------------
# A learner's scope: label, names, and what the learner is shown
# --------------------------------------------------------------------------------------------------


def session_label(sandbox_id: str) -> str:
    """The public session value for a sandbox id (its secret never goes into a label)."""
    return hashlib.sha256(f"lifecycle-lab:{sandbox_id}".encode()).hexdigest()[:20]


@dataclass
class Scope:
    """One learner: their label value, name prefix, network, and the rewriting of what they see."""

    session: str
    prefix: str = field(init=False)
    _re: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.prefix = self.session[:8]
        self._re = re.compile(r"(?<![0-9A-Za-z_.-])" + re.escape(self.prefix) + "-")

    @property
    def label(self) -> str:
        return f"{LABEL}={self.session}"

    @property
    def network(self) -> str:
        return f"{NETWORK_PREFIX}{self.prefix}"

    def filters(self, extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
        """API filters that keep to this learner's containers (plus `extra`, ANDed)."""
        out = {key: list(values) for key, values in (extra or {}).items()}
        out.setdefault("label", []).append(self.label)
        return out

    def scoped(self, name: str) -> str:
        return f"{self.prefix}-{name.lstrip('/')}"

    def bare(self, name: str) -> str:
        slash = name.startswith("/")
        core = name[1:] if slash else name
        if core.startswith(self.prefix + "-"):
            core = core[len(self.prefix) + 1:]
        return ("/" if slash else "") + core

    def owns_name(self, name: str) -> bool:
        return name.lstrip("/").startswith(self.prefix + "-")

    def image_tag(self, familiar: str) -> str:
        """A learner's image name (`repo:tag`, familiar form) as tagged on the daemon."""
        return f"{self.prefix}-{familiar}"

    def owns_image(self, image: dict[str, Any]) -> bool:
        """An image this learner built (their label), whatever its tags."""
        return ((image.get("Labels") or (image.get("Config") or {}).get("Labels") or {})
                .get(LABEL) == self.session)

    def text(self, text: str) -> str:
        """Daemon text (an error message) with every scoped name shown bare."""
        return self._re.sub("", text) if text else text

    def labels(self, labels: dict[str, str] | None) -> dict[str, str] | None:
        if labels is None:
            return None
        return {k: v for k, v in labels.items() if k != LABEL}

    def summary(self, data: dict[str, Any]) -> dict[str, Any]:
        """A `GET /containers/json` element as the learner sees it."""
        out = dict(data)
        out["Names"] = [self.bare(n) for n in data.get("Names") or []]
        if isinstance(out.get("Image"), str):
            out["Image"] = self.bare(out["Image"])
        if "Labels" in out:
            out["Labels"] = self.labels(out["Labels"]) or {}
        return out

    def inspect(self, data: dict[str, Any]) -> dict[str, Any]:
        """`GET /containers/{id}/json` as the learner sees it."""
        out = dict(data)
        out["Name"] = self.bare(data.get("Name", ""))
        config = dict(data.get("Config") or {})
        if isinstance(config.get("Image"), str):
            config["Image"] = self.bare(config["Image"])
        if "Labels" in config:
            config["Labels"] = self.labels(config["Labels"]) or {}
        out["Config"] = config
        return out

    def event_attributes(self, attrs: dict[str, str]) -> dict[str, str]:
        out = {k: v for k, v in attrs.items() if k != LABEL}
        for key in ("name", "oldName", "image"):
            if key in out:
                out[key] = self.bare(out[key])
        return out


# --------------------------------------------------------------------------------------------------
# Container settings
# --------------------------------------------------------------------------------------------------


def host_config(policy: Policy, scope: Scope, *, restart: str, retries: int, auto_remove: bool,
                init: bool | None, network: str | None, memory: int = 0,
                memory_swap: int = 0) -> dict[str, Any]:
    """The HostConfig of every container: the learner's few choices, then the sandbox's limits.

    Without `-m` the sandbox's memory applies, with no swap; a learner's `-m`/`--memory-swap`
    (already checked against the cap by `check_memory`) go to the daemon as typed, so it
    validates them and fills in the swap as it would anywhere."""
    if memory == 0 and memory_swap <= 0:
        memory, memory_swap = policy.memory, policy.memory
    return {
        "RestartPolicy": {"Name": restart, "MaximumRetryCount": retries} if restart != "no"
        else {"Name": "no", "MaximumRetryCount": 0},
        "AutoRemove": auto_remove,
        "Init": init,
        "NetworkMode": "none" if network == "none" else scope.network,
        "Memory": memory,
        "MemorySwap": memory_swap,
        "PidsLimit": policy.pids,
        "NanoCpus": policy.nano_cpus,
        "CapDrop": ["ALL"],
        "CapAdd": list(policy.capabilities),
        "SecurityOpt": ["no-new-privileges"],
        "Privileged": False,
        "PublishAllPorts": False,
        "ReadonlyRootfs": False,
        "LogConfig": {"Type": "json-file", "Config": {"max-size": policy.log_max_size,
                                                       "max-file": "1"}},
    }


POLICY_WARNING_WORDS = ("memory", "swap", "pids", "cpu", "CPU", "capabilit", "oom")


def learner_warnings(warnings: Iterable[str] | None) -> list[str]:
    """Create warnings worth showing: those caused by the sandbox's own limits are not the learner's
    doing (a kernel without swap accounting warns about every memory limit) and are dropped."""
    return [w for w in warnings or [] if not any(word in w for word in POLICY_WARNING_WORDS)]


# --------------------------------------------------------------------------------------------------
# Guard: the only way the command layer reaches containers
# --------------------------------------------------------------------------------------------------


class NotFound(ApiError):
    def __init__(self, message: str):
        super().__init__(404, message)


@dataclass(frozen=True)
class Owned:
    """A container of this learner (only `Guard.resolve`/`create` make these)."""

    id: str
    name: str  # bare
    summary: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class Guard:
    """Container operations for one learner; every one is limited to the learner's own containers."""

    def __init__(self, connection: Connection, policy: Policy, scope: Scope):
        self.conn = connection
        self.policy = policy
        self.scope = scope
        self._network_ready = False

    # -- seeing ----------------------------------------------------------------------------------------

    def listing(self, *, all: bool = True, filters: dict[str, list[str]] | None = None,
                limit: int | None = None, size: bool = False) -> list[dict[str, Any]]:
        """The learner's containers, newest first, as the daemon lists them (names still scoped)."""
        params: dict[str, Any] = {"all": all, "filters": self.scope.filters(filters), "size": size}
        if limit is not None and limit > 0:
            params["limit"] = limit
        data = self.conn.get("/containers/json", params=params) or []
        return [c for c in data if any(self.scope.owns_name(n) for n in c.get("Names") or [])
                and (c.get("Labels") or {}).get(LABEL) == self.scope.session]

    def resolve(self, ref: str, listing: list[dict[str, Any]] | None = None) -> Owned:
        """A container argument, as the daemon resolves one (full ID, exact name, unique ID prefix),
        among the learner's containers only."""
        if ref == "":
            raise NotFound("No such container: ")
        containers = listing if listing is not None else self.listing()
        for c in containers:
            if c["Id"] == ref:
                return self._owned(c)
        wanted = self.scope.scoped(ref)
        for c in containers:
            if any(n.lstrip("/") == wanted for n in c.get("Names") or []):
                return self._owned(c)
        if re.fullmatch(r"[0-9a-f]+", ref):
            matches = [c for c in containers if c["Id"].startswith(ref)]
            if len(matches) > 1:
                raise ApiError(400, f"multiple IDs found with provided prefix: {ref}")
            if matches:
                return self._owned(matches[0])
        raise NotFound(f"No such container: {ref}")

    def _owned(self, summary: dict[str, Any]) -> Owned:
        names = summary.get("Names") or ["/"]
        return Owned(summary["Id"], self.scope.bare(names[0]).lstrip("/"), summary)

    def inspect(self, owned: Owned) -> dict[str, Any]:
        """The raw inspect data (scoped names; `Scope.inspect` shows it to the learner)."""
        return self.conn.get("/containers/{0}/json", owned.id)

    def count(self) -> int:
        return len(self.listing())

    # -- making ----------------------------------------------------------------------------------------

    def create(self, config: dict[str, Any], name: str | None, *, restart: str, retries: int,
               auto_remove: bool, init: bool | None, network: str | None,
               taken: Callable[[], set[str]] | None = None, memory: int = 0,
               memory_swap: int = 0) -> tuple[Owned, list[str]]:
        """Create a container with the learner's config and the sandbox's label and limits.

        Returns it and the daemon's warnings worth showing. Raises ApiError (as the daemon would) or
        a Refusal-carrying ApiError when the learner is at their container cap.
        """
        if name is not None:
            problem = validate_name(name)
            if problem is not None:
                raise problem
        existing = self.listing()
        if len(existing) >= self.policy.max_containers:
            raise LimitReached(f"this sandbox already has {len(existing)} containers, its limit: "
                               "remove some first (docker rm, docker container prune)")
        if name is None:
            used = {self.scope.bare(n).lstrip("/") for c in existing for n in c.get("Names") or []}
            name = _generated_name(used)
        if network != "none":
            self.ensure_network()
        body = dict(config)
        labels = dict(body.get("Labels") or {})
        labels[LABEL] = self.scope.session
        body["Labels"] = labels
        body["HostConfig"] = host_config(self.policy, self.scope, restart=restart, retries=retries,
                                         auto_remove=auto_remove, init=init, network=network,
                                         memory=memory, memory_swap=memory_swap)
        created = self.conn.post("/containers/create", params={"name": self.scope.scoped(name)},
                                 body=body)
        return (Owned(created["Id"], name, {}), learner_warnings(created.get("Warnings")))

    def ensure_network(self) -> None:
        """The learner's isolated network: an internal bridge on a /26 of the pool of its own."""
        if self._network_ready:
            return
        name = self.scope.network
        try:
            self.conn.get("/networks/{0}", name)
            self._network_ready = True
            return
        except ApiError as err:
            if err.status != 404:
                raise
        pool = ipaddress.ip_network(self.policy.subnet_pool)
        used = set()
        for net in self.conn.get("/networks") or []:
            for conf in ((net.get("IPAM") or {}).get("Config") or []):
                if conf.get("Subnet"):
                    try:
                        used.add(ipaddress.ip_network(conf["Subnet"], strict=False))
                    except ValueError:
                        pass
        blocks = [b for b in pool.subnets(new_prefix=self.policy.subnet_prefix)
                  if not any(b.overlaps(u) for u in used)]
        random.shuffle(blocks)
        last: ApiError | None = None
        for block in blocks[:8]:
            try:
                self.conn.post("/networks/create", body={
                    "Name": name, "Driver": "bridge", "Internal": True, "CheckDuplicate": True,
                    "Labels": {LABEL: self.scope.session},
                    "IPAM": {"Driver": "default", "Config": [{"Subnet": str(block)}]},
                })
                self._network_ready = True
                return
            except ApiError as err:
                if err.status == 409 or "already exists" in err.message:
                    self._network_ready = True
                    return
                last = err  # overlapping with a network made in the meantime: try another block
        raise last or ApiError(500, f"no free subnet left in {self.policy.subnet_pool} for the "
                                    "sandbox's network")

    # -- acting ------------------------------------------------------------------------------------------

    def post(self, owned: Owned, action: str, *, params: dict[str, Any] | None = None,
             timeout: float | None | str = "default") -> Any:
        """`POST /containers/{id}/<action>` (start, stop, kill, pause, unpause, restart, wait,
        resize, rename) on one of the learner's containers."""
        return self.conn.post("/containers/{0}/" + action, owned.id, params=params, timeout=timeout)

    def rename(self, owned: Owned, new: str) -> None:
        problem = validate_name(new)
        if problem is not None:
            raise problem
        self.conn.post("/containers/{0}/rename", owned.id, params={"name": self.scope.scoped(new)})

    def remove(self, owned: Owned, *, force: bool) -> None:
        self.conn.delete("/containers/{0}", owned.id, params={"force": force, "v": True})

    def prune(self, filters: dict[str, list[str]] | None = None) -> dict[str, Any]:
        """`docker container prune`, limited by the learner's label.

        The daemon runs one prune at a time and answers another learner's meanwhile with 409 "a
        prune operation is already running": on a shared daemon that is not this learner's doing,
        so wait for the other prune (a few seconds at most) and prune then."""
        import time

        deadline = time.monotonic() + 10.0
        while True:
            try:
                return self.conn.post("/containers/prune",
                                      params={"filters": self.scope.filters(filters)}) or {}
            except ApiError as err:
                if err.status != 409 or "prune operation is already running" not in err.message \
                        or time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def attach(self, owned: Owned, params: dict[str, Any]) -> Any:
        return self.conn.hijack("/containers/{0}/attach", owned.id, params=params)

    def logs(self, owned: Owned, params: dict[str, Any]) -> Any:
        return self.conn.request("GET", "/containers/{0}/logs", owned.id, params=params,
                                 stream=True, timeout=None if params.get("follow") else "default")

    def top(self, owned: Owned, params: dict[str, Any] | None = None) -> Any:
        return self.conn.get("/containers/{0}/top", owned.id, params=params)

    def exec_create(self, owned: Owned, body: dict[str, Any]) -> str:
        return self.conn.post("/containers/{0}/exec", owned.id, body=body)["Id"]

    # -- the end -----------------------------------------------------------------------------------------

    def remove_all(self) -> list[str]:
        """Remove every container of this learner, and their network (sandbox reaped)."""
        removed = [c["Id"] for c in self.listing()]
        _remove_containers(self.conn, removed)
        remove_networks(self.conn, {self.scope.session})
        remove_images(self.conn, lambda prefix, session: session == self.scope.session
                      or prefix == self.scope.prefix)
        self._network_ready = False
        return removed


class LimitReached(ApiError):
    def __init__(self, message: str):
        super().__init__(403, message)


def _generated_name(used: set[str]) -> str:
    from ..sim.names import generate

    rng = random.Random()
    for retry in range(12):
        name = generate(rng, min(retry, 1))
        if name not in used:
            return name
    return generate(rng, 1) + str(rng.randrange(1000))


def _remove_containers(conn: Connection, ids: list[str], timeout: float = 30.0) -> None:
    """Remove these containers (force), waiting out removals already in progress (--rm)."""
    import time

    pending = list(ids)
    deadline = time.monotonic() + timeout
    while pending:
        busy = []
        for cid in pending:
            try:
                conn.delete("/containers/{0}", cid, params={"force": True, "v": True}, timeout=60)
            except ApiError as err:
                if err.status == 404:
                    continue
                if err.status == 409 and time.monotonic() < deadline:  # being removed already
                    busy.append(cid)
                    continue
                raise
        pending = busy
        if pending:
            time.sleep(0.1)


def remove_networks(conn: Connection, sessions: set[str] | None) -> None:
    """Remove the sandbox networks of these sessions (None: of every session)."""
    nets = conn.get("/networks", params={"filters": {"label": [LABEL]}}) or []
    for net in nets:
        value = (net.get("Labels") or {}).get(LABEL)
        if sessions is None or value in sessions:
            try:
                conn.delete("/networks/{0}", net["Id"])
            except ApiError:
                pass  # in use by a container being removed; the next sweep takes it


SCOPED_TAG = re.compile(r"^([0-9a-f]{8})-")


def remove_images(conn: Connection, whose: Callable[[str | None, str | None], bool],
                  images: frozenset[str] | None = None) -> list[str]:
    """Remove learners' images: every tag `<prefix>-…` and every image labelled for a session, for
    which `whose(prefix, session)` holds. Scoped tags are looked for only on labelled images and on
    the allowed ones (a learner may `docker tag` those), never on an operator's own images."""
    removed = []
    allowed = images if images is not None else frozenset(CATALOGUE)
    for image in conn.get("/images/json") or []:
        session = (image.get("Labels") or {}).get(LABEL)
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        shared = any(normalize_ref(t) in allowed for t in tags)
        mine = session is not None and whose(None, session)
        for tag in tags:
            match = SCOPED_TAG.match(tag)
            if match and (session is not None or shared) and (mine or whose(match.group(1), None)):
                try:
                    conn.delete("/images/{0}", tag, params={"force": True})
                    removed.append(tag)
                except ApiError:
                    pass  # gone already, or in use by a container being removed
        if mine:
            try:
                conn.delete("/images/{0}", image["Id"], params={"force": True})
                removed.append(image["Id"])
            except ApiError:
                pass
    return removed


def sweep_orphans(conn: Connection, live: set[str]) -> list[str]:
    """Remove every container (and network) labelled for a session not in `live`; returns the IDs.

    Run when the server starts: containers of sandboxes that no longer exist (a crash, a restart
    after their learners left) would otherwise run forever.
    """
    removed = []
    containers = conn.get("/containers/json", params={"all": True,
                                                      "filters": {"label": [LABEL]}}) or []
    for c in containers:
        value = (c.get("Labels") or {}).get(LABEL)
        if value is not None and value not in live:
            removed.append(c["Id"])
    _remove_containers(conn, removed)
    nets = conn.get("/networks", params={"filters": {"label": [LABEL]}}) or []
    stale = {label for n in nets
             if (label := (n.get("Labels") or {}).get(LABEL)) is not None} - live
    if stale:
        remove_networks(conn, stale)
    prefixes = {session[:8] for session in live}
    remove_images(conn, lambda prefix, session: (session is not None and session not in live)
                  or (prefix is not None and prefix not in prefixes))
    return removed


__all__ = [
    "BIND_WHY",
    "CAPABILITIES",
    "LABEL",
    "NAMESPACE_FLAGS",
    "RESOURCE_FLAGS",
    "SOCKET_WHY",
    "VOLUME_WHY",
    "WHY",
    "DaemonUnavailable",
    "Guard",
    "LimitReached",
    "NotFound",
    "Owned",
    "Policy",
    "Refusal",
    "Scope",
    "check_exec",
    "check_global",
    "check_image",
    "check_options",
    "check_run",
    "host_config",
    "session_label",
    "sweep_orphans",
    "validate_name",
]
