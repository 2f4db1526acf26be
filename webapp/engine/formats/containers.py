"""``docker ps`` output: the per-container template fields and the whole command's output.

Input is the container summary shape of ``GET /containers/json`` (``Id``, ``Names`` with their
leading slash, ``Image``, ``ImageID``, ``Command``, ``Created``, ``Ports``, ``Labels``,
``State``, ``Status``, ``SizeRw``, ``SizeRootFs``, ``Mounts``, ``NetworkSettings``), so the
simulator and the real-daemon engine print through the same code. Field rendering follows
docker/cli ``cli/command/formatter/container.go``; the control flow of
:func:`format_containers` follows ``cli/command/container/list.go`` and ``formatter.go``,
including the template pre-check on an empty container that produces Docker's
``failed to execute template: ...`` messages.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from .durations import human_duration
from .gofmt import GoFunc, GoMap, GoNilPtr, GoSlice, GoStruct, JsonField, quote
from .gojson import RawJSON, dumps
from .gotemplate import HEADER_FUNCS, ExecError, ParseError, Template, TemplateError
from .ps_table import default_table
from .sizes import human_size
from .table import tabwriter_format, wide_char_width

DEFAULT_TABLE_FORMAT = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
)
QUIET_FORMAT = "{{.ID}}"
JSON_FORMAT = "{{json .}}"
RAW_FORMAT = (
    "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\n"
    "created_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\n"
    "names: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\n"
)
QUIET_WARNING = "WARNING: Ignoring custom format, because both --format and --quiet are set.\n"

CONTAINER_HEADERS = {
    "ID": "CONTAINER ID",
    "Names": "NAMES",
    "Image": "IMAGE",
    "Command": "COMMAND",
    "CreatedAt": "CREATED AT",
    "RunningFor": "CREATED",
    "Ports": "PORTS",
    "State": "STATE",
    "Status": "STATUS",
    "Size": "SIZE",
    "Labels": "LABELS",
    "Mounts": "MOUNTS",
    "LocalVolumes": "LOCAL VOLUMES",
    "Networks": "NETWORKS",
    "Platform": "PLATFORM",
    "HealthStatus": "HEALTH STATUS",
    "IPAddresses": "IP ADDRESSES",
}
# Fields the v28 CLI does not have yet (it reports "can't evaluate field HealthStatus ...").
_V29_ONLY = frozenset({"HealthStatus", "IPAddresses"})


# ---------------------------------------------------------------------------------------------
# Small helpers shared with images/inspect


def truncate_id(id_: str) -> str:
    """stringid.TruncateID: drop an ``algo:`` prefix, keep 12 characters."""
    if ":" in id_:
        id_ = id_.split(":", 1)[1]
    return id_[:12]


def ellipsis(s: str, max_width: int) -> str:
    """docker/cli ``Ellipsis``: fit ``s`` into ``max_width`` columns, ending with ``…``.

    East Asian wide characters count as two columns; everything else (combining marks
    included) counts as one, which is what golang.org/x/text/width reports.
    """
    if max_width <= 0:
        return ""
    if max_width == 1:
        return s[:1]
    if s.isascii():
        if len(s) <= max_width:
            return s
        return s[: max_width - 1] + "…"
    display = []
    width = 0
    for ch in s:
        width += wide_char_width(ch)
        display.append(width)
    if width <= max_width:
        return s
    for i in range(len(display) - 1):
        if display[i] <= max_width - 1 < display[i + 1]:
            return s[: i + 1] + "…"
    return s


def command_string(path: str, args: list[str]) -> str:
    """The daemon's summary ``Command``: path and args joined by spaces, arguments containing a
    space wrapped in single quotes (moby ``daemon/container/view.go``)."""
    parts = [path]
    for a in args:
        parts.append("'" + a + "'" if " " in a else a)
    return " ".join(parts) if args else path


@lru_cache(maxsize=4096)
def display_command(cmd: str, trunc: bool) -> str:
    """The COMMAND cell: shortened to 20 columns when ``trunc``, then Go-quoted."""
    return quote(ellipsis(cmd, 20) if trunc else cmd)


def _ip_sort_key_v29(ip: str | None) -> tuple:
    """netip.Addr order: no address, then IPv4, then IPv6, each numerically."""
    if not ip:
        return (0, 0)
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return (3, ip)
    return (1 if addr.version == 4 else 2, int(addr))


def _join_host_port(host: str, port: str) -> str:
    """net.JoinHostPort: IPv6 hosts get brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def display_ports(ports: list[dict[str, Any]] | None, cli_version: int = 29) -> str:
    """docker/cli ``DisplayablePorts``: the PORTS cell.

    Sorted by private port, host IP, public port, protocol; exposed-only ports and ports
    published on the same number are merged into ranges per (IP, protocol); other published
    ports are listed one by one at the end. ``cli_version`` 28 compares IPs as strings, as the
    v28 client did; 29 compares them as addresses.
    """
    items = [dict(p) for p in (ports or [])]

    def key(p: dict[str, Any]) -> tuple:
        ip = p.get("IP") or ""
        ipk = _ip_sort_key_v29(ip) if cli_version >= 29 else (ip,)
        return (int(p.get("PrivatePort") or 0), ipk, int(p.get("PublicPort") or 0),
                p.get("Type") or "")

    items.sort(key=key)
    groups: dict[str, list[int]] = {}
    order: list[str] = []
    result: list[str] = []
    host_mappings: list[str] = []
    for p in items:
        current = int(p.get("PrivatePort") or 0)
        public = int(p.get("PublicPort") or 0)
        typ = p.get("Type") or ""
        port_key = typ
        ip = p.get("IP") or ""
        if ip:
            if public != current:
                host_mappings.append(f"{_join_host_port(ip, str(public))}->{current}/{typ}")
                continue
            port_key = ip + "/" + typ
        group = groups.get(port_key)
        if group is None:
            groups[port_key] = [current, current]
            order.append(port_key)
            continue
        if current == group[1] + 1:
            group[1] = current
            continue
        result.append(_form_group(port_key, group[0], group[1]))
        groups[port_key] = [current, current]
    for k in order:
        first, last = groups[k]
        result.append(_form_group(k, first, last))
    result.extend(host_mappings)
    return ", ".join(result)


def _form_group(key: str, start: int, last: int) -> str:
    parts = key.split("/")
    group_type = parts[0]
    ip = ""
    if len(parts) > 1:
        ip, group_type = parts[0], parts[1]
    group = str(start) if start == last else f"{start}-{last}"
    if ip:
        group = f"{_join_host_port(ip, group)}->{group}"
    return f"{group}/{group_type}"


# ---------------------------------------------------------------------------------------------
# Image references (distribution/reference, the parts ps needs)

_HEX64 = re.compile(r"^[a-f0-9]{64}$")
_NAME_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DOMAIN = re.compile(
    r"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$"
)
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


def parse_reference(ref: str) -> tuple[str, str, str, str] | None:
    """ParseNormalizedNamed: (domain, path, tag, digest), or None if not a valid reference."""
    if not ref or _HEX64.match(ref):
        return None
    name, digest = ref, ""
    if "@" in name:
        name, digest = name.split("@", 1)
        if not _DIGEST.match(digest):
            return None
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            return None
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        domain, path = first, rest
        if not _DOMAIN.match(domain):
            return None
    else:
        domain, path = "docker.io", name
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in path:
        path = "library/" + path
    if not all(_NAME_COMPONENT.match(c) for c in path.split("/")):
        return None
    if len(domain) + 1 + len(path) > 255:
        return None
    return domain, path, tag, digest


def familiar_name(domain: str, path: str) -> str:
    """reference.FamiliarName: ``docker.io/library/`` is implied and left out."""
    if domain == "docker.io":
        if path.startswith("library/") and path.count("/") == 1:
            return path[len("library/"):]
        return path
    return domain + "/" + path


@lru_cache(maxsize=4096)
def display_image(image: str, image_id: str, trunc: bool) -> str:
    """The IMAGE cell: as typed with --no-trunc; otherwise a short ID if the container was
    created from an ID, else the familiar reference with any digest dropped."""
    if image == "":
        return "<no image>"
    if not trunc:
        return image
    short = truncate_id(image_id)
    if short == truncate_id(image):
        return short
    parsed = parse_reference(image)
    if parsed is None:
        return image
    domain, path, tag, _digest = parsed
    s = familiar_name(domain, path)
    return s + (":" + tag if tag else "")


# ---------------------------------------------------------------------------------------------
# Go time printing


def go_time_string(ts: float, tz: tzinfo = UTC) -> str:
    """time.Time.String() of a Unix time: ``2006-01-02 15:04:05 -0700 MST`` (+ fraction if any)."""
    whole = int(ts // 1)
    frac_ns = round((ts - whole) * 1e9)
    dt = datetime.fromtimestamp(whole, tz)
    offset = dt.utcoffset()
    secs = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if secs < 0 else "+"
    hh, mm = divmod(abs(secs) // 60, 60)
    name = dt.tzname() or ""
    if name == "UTC" and secs == 0:
        zone = "UTC"
    elif name and not name.startswith(("UTC", "+", "-")):
        zone = name
    else:
        zone = f"{sign}{hh:02d}" + (f"{mm:02d}" if mm else "")
    frac = ""
    if frac_ns:
        frac = ("." + f"{frac_ns:09d}").rstrip("0")
    return dt.strftime("%Y-%m-%d %H:%M:%S") + frac + f" {sign}{hh:02d}{mm:02d} {zone}"


# ---------------------------------------------------------------------------------------------
# ContainerContext


class ContainerContext(GoStruct):
    """The template data for one container (``*formatter.ContainerContext``).

    Every field is a method, as in docker/cli, so ``{{json .}}`` lists them all and templates
    call them as ``{{.Names}}`` or ``{{.Label "key"}}``. ``size_used`` records whether the
    template asked for ``.Size`` (the CLI then requests sizes from the daemon).
    """

    def __init__(self, summary: dict[str, Any] | None = None, *, trunc: bool = True,
                 now: float = 0.0, tz: tzinfo = UTC, cli_version: int = 29) -> None:
        self.c = summary or {}
        self.trunc = trunc
        self.now = now
        self.tz = tz
        self.cli_version = cli_version
        self.size_used = False
        super().__init__("formatter.ContainerContext", {}, pointer=True, marshal=self.marshal_json)

    @property
    def methods(self) -> dict[str, GoFunc]:
        """Built on first use: the default table reads the fields directly and never needs them."""
        methods = self.__dict__.get("_methods")
        if methods is None:
            methods = {
                name: GoFunc(getattr(self, name), ())
                for name in ("ID", "Names", "Image", "Command", "CreatedAt", "RunningFor", "Ports",
                             "State", "Status", "Size", "Labels", "Mounts", "LocalVolumes",
                             "Networks", "Platform", "HealthStatus", "IPAddresses", "FullHeader")
                if self.cli_version >= 29 or name not in _V29_ONLY
            }
            methods["Label"] = GoFunc(self.Label, ("string",))
            self.__dict__["_methods"] = methods
        return methods

    @methods.setter
    def methods(self, value: dict[str, GoFunc]) -> None:
        if value:
            self.__dict__["_methods"] = value

    # -- fields
    def ID(self) -> str:
        id_ = self.c.get("Id") or ""
        return truncate_id(id_) if self.trunc else id_

    def Names(self) -> str:
        names = self.c.get("Names") or []
        out = []
        for n in names:
            name = n.removeprefix("/")
            if self.trunc:
                if "/" not in name:
                    return name
                continue
            out.append(name)
        return ",".join(out)

    def Image(self) -> str:
        return display_image(self.c.get("Image") or "", self.c.get("ImageID") or "", self.trunc)

    def Command(self) -> str:
        return display_command(self.c.get("Command") or "", self.trunc)

    def CreatedAt(self) -> str:
        return go_time_string(int(self.c.get("Created") or 0), self.tz)

    def RunningFor(self) -> str:
        return human_duration(self.now - int(self.c.get("Created") or 0)) + " ago"

    def Ports(self) -> str:
        return display_ports(self.c.get("Ports"), self.cli_version)

    def State(self) -> str:
        return self.c.get("State") or ""

    def Status(self) -> str:
        return self.c.get("Status") or ""

    def Size(self) -> str:
        self.size_used = True
        rw = int(self.c.get("SizeRw") or 0)
        root = int(self.c.get("SizeRootFs") or 0)
        srw = human_size(rw)
        if root > 0:
            return f"{srw} (virtual {human_size(root)})"
        return srw

    def Labels(self) -> str:
        labels = self.c.get("Labels")
        if not labels:
            return ""
        return ",".join(sorted(f"{k}={v}" for k, v in labels.items()))

    def Label(self, name: str) -> str:
        labels = self.c.get("Labels") or {}
        return labels.get(name, "")

    def Mounts(self) -> str:
        out = []
        for m in self.c.get("Mounts") or []:
            name = m.get("Name") or m.get("Source") or ""
            if self.trunc:
                name = ellipsis(name, 15)
            out.append(name)
        return ",".join(out)

    def LocalVolumes(self) -> str:
        return str(sum(1 for m in self.c.get("Mounts") or [] if m.get("Driver") == "local"))

    def _networks(self) -> dict[str, Any]:
        ns = self.c.get("NetworkSettings") or {}
        return ns.get("Networks") or {}

    def Networks(self) -> str:
        # Go iterates a map here (random order); the order given is one of its possible outputs.
        return ",".join(self._networks())

    def Platform(self) -> Any:
        desc = self.c.get("ImageManifestDescriptor") or {}
        p = desc.get("platform") if isinstance(desc, dict) else None
        if not p:
            return GoNilPtr("*formatter.Platform", stringer=True)
        text = "/".join(x for x in (p.get("os", ""), p.get("architecture", ""),
                                    p.get("variant", "")) if x)
        fields = {"Architecture": p.get("architecture", ""), "OS": p.get("os", ""),
                  "OSVersion": p.get("os.version", ""),
                  "OSFeatures": GoSlice(p.get("os.features") or [], nil=not p.get("os.features")),
                  "Variant": p.get("variant", "")}
        json = [JsonField("Architecture", "architecture"), JsonField("OS", "os"),
                JsonField("OSVersion", "os.version", True),
                JsonField("OSFeatures", "os.features", True),
                JsonField("Variant", "variant", True)]
        return GoStruct("formatter.Platform", fields, pointer=True, json=json,
                        stringer=lambda: text)

    def HealthStatus(self) -> str:
        health = self.c.get("Health")
        if isinstance(health, dict) and health.get("Status"):
            return str(health["Status"])
        status = self.c.get("Status") or ""
        if "(" not in status:
            return ""
        inner = status.split("(", 1)[1]
        if not inner.endswith(")"):
            return ""
        inner = inner[:-1]
        inner = inner.removeprefix("health: ")
        return inner if inner in ("healthy", "unhealthy", "starting") else ""

    def IPAddresses(self) -> GoSlice:
        out: list[GoStruct] = []
        for name, nw in self._networks().items():
            nw = nw or {}
            for key in ("IPAddress", "GlobalIPv6Address"):
                ip = nw.get(key) or ""
                if ip:
                    out.append(_network_ip(name, ip))
        out.sort(key=_stringer_text)
        return GoSlice(out, gotype="[]formatter.NetworkIP")

    def FullHeader(self) -> GoMap:
        return header_context(CONTAINER_HEADERS)

    # -- JSON: a map of every field, as formatter.MarshalJSON builds it
    def marshal_json(self) -> RawJSON:
        m: dict[str, Any] = {}
        for name in self.methods:
            if name in ("Label", "FullHeader"):
                continue
            m[name] = self.methods[name].fn()
        return RawJSON(dumps(m, escape_html=True, sort_keys=True))


def _network_ip(network: str, ip: str) -> GoStruct:
    return GoStruct("formatter.NetworkIP", {"Network": network, "IP": ip},
                    json=[JsonField("Network", "Network", True), JsonField("IP", "IP")],
                    stringer=lambda: f"{network}/{ip}")


def _stringer_text(value: GoStruct) -> str:
    """The struct's ``String()`` text; every ``formatter.NetworkIP`` has one."""
    assert value.stringer is not None
    return value.stringer()


def header_context(headers: dict[str, str]) -> GoMap:
    """A ``SubHeaderContext``: a map of header names with a ``Label`` method."""

    def label(name: str) -> str:
        last = name.split(".")[-1]
        return last.replace("-", " ").replace("_", " ")

    return GoMap(headers, gotype="formatter.SubHeaderContext", elem_zero="",
                 underlying="map[string]string", methods={"Label": GoFunc(label, ("string",))})


# ---------------------------------------------------------------------------------------------
# Formatter plumbing shared by ps and images (docker/cli formatter.Context)


def _final_format(fmt: str) -> tuple[bool, str]:
    """preFormat: strip ``table``, map ``json``, trim spaces, expand literal ``\\t``/``\\n``."""
    is_table = fmt.startswith("table")
    final = fmt
    if is_table:
        final = final[len("table"):]
    elif fmt == "json":
        final = JSON_FORMAT
    final = final.strip(" ")
    final = final.replace("\\t", "\t").replace("\\n", "\n")
    return is_table, final


def write_formatted(fmt: str, contexts: list[GoStruct], headers: dict[str, str]) -> str:
    """formatter.Context.Write: render every context, then lay out a table with its header.

    Errors here are Docker's ``template parsing error: ...`` (for parse *and* execution).
    """
    is_table, final = _final_format(fmt)
    try:
        tmpl = Template(final)
    except ParseError as e:
        raise TemplateError("template parsing error: " + e.message) from None
    rows: list[str] = []
    for ctx in contexts:
        try:
            rows.append(tmpl.execute(ctx))
        except ExecError as e:
            raise TemplateError("template parsing error: " + e.message) from None
        rows.append("\n")
    if not is_table:
        return "".join(rows)
    header, _err = tmpl.execute_partial(header_context(headers), funcs=HEADER_FUNCS)
    return tabwriter_format(header + "\n" + "".join(rows))


def _default_table(summaries: list[dict[str, Any]], *, quiet: bool, no_trunc: bool, size: bool,
                   now: float, tz: tzinfo, cli_version: int) -> str:
    """The default table (or -q) without the template engine: the same text, far faster.

    `docker ps` runs on every keystroke of a class; the template path costs ~0.5 ms a row, and
    :mod:`.ps_table` keeps each row's cells between calls.
    """
    if quiet:
        if no_trunc:
            return "".join((s.get("Id") or "") + "\n" for s in summaries)
        return "".join(truncate_id(s.get("Id") or "") + "\n" for s in summaries)
    headers = [CONTAINER_HEADERS[k] for k in DEFAULT_COLUMNS] + ([CONTAINER_HEADERS["Size"]] if size else [])
    return default_table(summaries, headers=headers, trunc=not no_trunc, size=size, now=now, tz=tz,
                         cli_version=cli_version)


DEFAULT_COLUMNS = ("ID", "Image", "Command", "RunningFor", "Status", "Ports", "Names")


def validate_format(fmt: str, probe: GoStruct) -> None:
    """The CLI's up-front check: parse the raw ``--format`` and run it on an empty object."""
    try:
        tmpl = Template(fmt)
    except ParseError as e:
        raise TemplateError("failed to parse template: " + e.message) from None
    try:
        tmpl.execute(probe)
    except ExecError as e:
        raise TemplateError("failed to execute template: " + e.message) from None


def container_format(fmt: str, quiet: bool, size: bool) -> str:
    """formatter.NewContainerFormat: the template text docker actually renders."""
    if fmt in ("table", ""):
        if quiet:
            return QUIET_FORMAT
        return DEFAULT_TABLE_FORMAT + ("\t{{.Size}}" if size else "")
    if fmt == "raw":
        if quiet:
            return "container_id: {{.ID}}"
        return RAW_FORMAT + ("size: {{.Size}}\\n" if size else "")
    if quiet:
        return QUIET_FORMAT
    return fmt


def ps_wants_size(fmt: str | None, quiet: bool, size: bool) -> bool:
    """Whether ``docker ps`` asks the daemon for sizes: ``-s``, or a format that uses ``.Size``."""
    if size:
        return True
    if not fmt or quiet:
        return False
    probe = ContainerContext()
    try:
        Template(fmt).execute(probe)
    except TemplateError:
        return False
    return probe.size_used


def format_containers(summaries: list[dict[str, Any]], *, fmt: str | None = None,
                      quiet: bool = False, no_trunc: bool = False, size: bool = False,
                      now: float, tz: tzinfo = UTC,
                      cli_version: int = 29) -> tuple[str, str]:
    """Everything ``docker ps`` prints for these summaries: (stdout, stderr).

    ``fmt`` is the ``--format`` value (None or "" for the default table). On a template error
    raises :class:`TemplateError` whose ``message`` is Docker's error line (exit code 1) and
    whose ``stderr`` holds any warning printed before it.
    """
    stderr = ""
    fmt = fmt or ""
    if fmt and quiet:
        stderr = QUIET_WARNING
    if fmt:
        probe = ContainerContext(now=now, tz=tz, cli_version=cli_version)
        try:
            validate_format(fmt, probe)
        except TemplateError as e:
            e.stderr = stderr
            raise
        if not quiet and not size and probe.size_used:
            size = True
    if not fmt:
        return _default_table(summaries, quiet=quiet, no_trunc=no_trunc, size=size, now=now, tz=tz,
                              cli_version=cli_version), stderr
    final = container_format(fmt, quiet, size)
    contexts = [ContainerContext(s, trunc=not no_trunc, now=now, tz=tz, cli_version=cli_version)
                for s in summaries]
    try:
        out = write_formatted(final, list(contexts), CONTAINER_HEADERS)
    except TemplateError as e:
        e.stderr = stderr
        raise
    return out, stderr
