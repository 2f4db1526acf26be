"""``docker inspect`` output: the indented JSON array, or one ``-f`` template line per object.

Without ``-f`` the CLI re-indents the daemon's JSON with four spaces (``json.Indent``), so the
key order is the daemon's and ``<``/``>``/``&`` stay unescaped. With ``-f`` the CLI first runs
the template on its typed Go struct (``{{.State}}`` prints ``{running true false ...}``, a
missing map key prints ``<no value>``) and, if that fails, runs it again on the raw JSON decoded
into ``map[string]interface{}`` with ``missingkey=error`` (so the error a learner sees is
``map has no entry for key "Foo"``). This module reproduces both passes; the typed pass uses
the container inspect struct layout of the v28 CLI, declared below as data.
"""

from __future__ import annotations

import re
from typing import Any

from .gofmt import (
    GoDuration,
    GoInt,
    GoMap,
    GoNilPtr,
    GoPtr,
    GoSlice,
    GoStruct,
    JsonField,
    JsonNumber,
)
from .gojson import dumps
from .gotemplate import ExecError, ParseError, Template, TemplateError

# ---------------------------------------------------------------------------------------------
# Struct layouts. Each field: (Go name, Go type, options); options is a space-separated list of
# "json=Key", "omitempty", "embed". Types: Go spellings; named types map to their underlying type.

_S = dict[str, list[tuple[str, str, str]]]

STRUCTS: _S = {
    "container.InspectResponse": [
        ("ContainerJSONBase", "*container.ContainerJSONBase", "embed"),
        ("Mounts", "[]container.MountPoint", ""),
        ("Config", "*container.Config", ""),
        ("NetworkSettings", "*container.NetworkSettings", ""),
        ("ImageManifestDescriptor", "*v1.Descriptor", "omitempty"),
    ],
    "container.ContainerJSONBase": [
        ("ID", "string", "json=Id"), ("Created", "string", ""), ("Path", "string", ""),
        ("Args", "[]string", ""), ("State", "*container.State", ""), ("Image", "string", ""),
        ("ResolvConfPath", "string", ""), ("HostnamePath", "string", ""),
        ("HostsPath", "string", ""), ("LogPath", "string", ""), ("Name", "string", ""),
        ("RestartCount", "int", ""), ("Driver", "string", ""), ("Platform", "string", ""),
        ("MountLabel", "string", ""), ("ProcessLabel", "string", ""),
        ("AppArmorProfile", "string", ""), ("ExecIDs", "[]string", ""),
        ("HostConfig", "*container.HostConfig", ""),
        ("GraphDriver", "storage.DriverData", ""),
        ("SizeRw", "*int64", "omitempty"), ("SizeRootFs", "*int64", "omitempty"),
    ],
    "container.State": [
        ("Status", "string", ""), ("Running", "bool", ""), ("Paused", "bool", ""),
        ("Restarting", "bool", ""), ("OOMKilled", "bool", ""), ("Dead", "bool", ""),
        ("Pid", "int", ""), ("ExitCode", "int", ""), ("Error", "string", ""),
        ("StartedAt", "string", ""), ("FinishedAt", "string", ""),
        ("Health", "*container.Health", "omitempty"),
    ],
    "container.Health": [
        ("Status", "string", ""), ("FailingStreak", "int", ""),
        ("Log", "[]*container.HealthcheckResult", ""),
    ],
    "container.HealthcheckResult": [
        ("Start", "time.Time", ""), ("End", "time.Time", ""), ("ExitCode", "int", ""),
        ("Output", "string", ""),
    ],
    "storage.DriverData": [("Data", "map[string]string", ""), ("Name", "string", "")],
    "container.MountPoint": [
        ("Type", "mount.Type", "omitempty"), ("Name", "string", "omitempty"),
        ("Source", "string", ""), ("Destination", "string", ""),
        ("Driver", "string", "omitempty"), ("Mode", "string", ""), ("RW", "bool", ""),
        ("Propagation", "mount.Propagation", ""),
    ],
    "container.Config": [
        ("Hostname", "string", ""), ("Domainname", "string", ""), ("User", "string", ""),
        ("AttachStdin", "bool", ""), ("AttachStdout", "bool", ""), ("AttachStderr", "bool", ""),
        ("ExposedPorts", "nat.PortSet", "omitempty"), ("Tty", "bool", ""),
        ("OpenStdin", "bool", ""), ("StdinOnce", "bool", ""), ("Env", "[]string", ""),
        ("Cmd", "strslice.StrSlice", ""),
        ("Healthcheck", "*container.HealthConfig", "omitempty"),
        ("ArgsEscaped", "bool", "omitempty"), ("Image", "string", ""),
        ("Volumes", "map[string]struct {}", ""), ("WorkingDir", "string", ""),
        ("Entrypoint", "strslice.StrSlice", ""), ("NetworkDisabled", "bool", "omitempty"),
        ("MacAddress", "string", "omitempty"), ("OnBuild", "[]string", ""),
        ("Labels", "map[string]string", ""), ("StopSignal", "string", "omitempty"),
        ("StopTimeout", "*int", "omitempty"), ("Shell", "strslice.StrSlice", "omitempty"),
    ],
    "container.HealthConfig": [
        ("Test", "[]string", "omitempty"), ("Interval", "time.Duration", "omitempty"),
        ("Timeout", "time.Duration", "omitempty"), ("StartPeriod", "time.Duration", "omitempty"),
        ("StartInterval", "time.Duration", "omitempty"), ("Retries", "int", "omitempty"),
    ],
    "container.HostConfig": [
        ("Binds", "[]string", ""), ("ContainerIDFile", "string", ""),
        ("LogConfig", "container.LogConfig", ""), ("NetworkMode", "container.NetworkMode", ""),
        ("PortBindings", "nat.PortMap", ""), ("RestartPolicy", "container.RestartPolicy", ""),
        ("AutoRemove", "bool", ""), ("VolumeDriver", "string", ""),
        ("VolumesFrom", "[]string", ""), ("ConsoleSize", "[2]uint", ""),
        ("Annotations", "map[string]string", "omitempty"),
        ("CapAdd", "strslice.StrSlice", ""), ("CapDrop", "strslice.StrSlice", ""),
        ("CgroupnsMode", "container.CgroupnsMode", ""), ("DNS", "[]string", "json=Dns"),
        ("DNSOptions", "[]string", "json=DnsOptions"), ("DNSSearch", "[]string", "json=DnsSearch"),
        ("ExtraHosts", "[]string", ""), ("GroupAdd", "[]string", ""),
        ("IpcMode", "container.IpcMode", ""), ("Cgroup", "container.CgroupSpec", ""),
        ("Links", "[]string", ""), ("OomScoreAdj", "int", ""), ("PidMode", "container.PidMode", ""),
        ("Privileged", "bool", ""), ("PublishAllPorts", "bool", ""),
        ("ReadonlyRootfs", "bool", ""), ("SecurityOpt", "[]string", ""),
        ("StorageOpt", "map[string]string", "omitempty"),
        ("Tmpfs", "map[string]string", "omitempty"), ("UTSMode", "container.UTSMode", ""),
        ("UsernsMode", "container.UsernsMode", ""), ("ShmSize", "int64", ""),
        ("Sysctls", "map[string]string", "omitempty"), ("Runtime", "string", "omitempty"),
        ("Isolation", "container.Isolation", ""), ("Resources", "container.Resources", "embed"),
        ("Mounts", "[]mount.Mount", "omitempty"), ("MaskedPaths", "[]string", ""),
        ("ReadonlyPaths", "[]string", ""), ("Init", "*bool", "omitempty"),
    ],
    "container.LogConfig": [("Type", "string", ""), ("Config", "map[string]string", "")],
    "container.RestartPolicy": [
        ("Name", "container.RestartPolicyMode", ""), ("MaximumRetryCount", "int", ""),
    ],
    "nat.PortBinding": [("HostIP", "string", "json=HostIp"), ("HostPort", "string", "")],
    "container.Resources": [
        ("CPUShares", "int64", "json=CpuShares"), ("Memory", "int64", ""),
        ("NanoCPUs", "int64", "json=NanoCpus"), ("CgroupParent", "string", ""),
        ("BlkioWeight", "uint16", ""),
        ("BlkioWeightDevice", "[]*blkiodev.WeightDevice", ""),
        ("BlkioDeviceReadBps", "[]*blkiodev.ThrottleDevice", ""),
        ("BlkioDeviceWriteBps", "[]*blkiodev.ThrottleDevice", ""),
        ("BlkioDeviceReadIOps", "[]*blkiodev.ThrottleDevice", ""),
        ("BlkioDeviceWriteIOps", "[]*blkiodev.ThrottleDevice", ""),
        ("CPUPeriod", "int64", "json=CpuPeriod"), ("CPUQuota", "int64", "json=CpuQuota"),
        ("CPURealtimePeriod", "int64", "json=CpuRealtimePeriod"),
        ("CPURealtimeRuntime", "int64", "json=CpuRealtimeRuntime"),
        ("CpusetCpus", "string", ""), ("CpusetMems", "string", ""),
        ("Devices", "[]container.DeviceMapping", ""), ("DeviceCgroupRules", "[]string", ""),
        ("DeviceRequests", "[]container.DeviceRequest", ""),
        ("KernelMemory", "int64", "omitempty"), ("KernelMemoryTCP", "int64", "omitempty"),
        ("MemoryReservation", "int64", ""), ("MemorySwap", "int64", ""),
        ("MemorySwappiness", "*int64", ""), ("OomKillDisable", "*bool", ""),
        ("PidsLimit", "*int64", ""), ("Ulimits", "[]*units.Ulimit", ""),
        ("CPUCount", "int64", "json=CpuCount"), ("CPUPercent", "int64", "json=CpuPercent"),
        ("IOMaximumIOps", "uint64", ""), ("IOMaximumBandwidth", "uint64", ""),
    ],
    "blkiodev.WeightDevice": [("Path", "string", ""), ("Weight", "uint16", "")],
    "blkiodev.ThrottleDevice": [("Path", "string", ""), ("Rate", "uint64", "")],
    "container.DeviceMapping": [
        ("PathOnHost", "string", ""), ("PathInContainer", "string", ""),
        ("CgroupPermissions", "string", ""),
    ],
    "container.DeviceRequest": [
        ("Driver", "string", ""), ("Count", "int", ""), ("DeviceIDs", "[]string", ""),
        ("Capabilities", "[][]string", ""), ("Options", "map[string]string", ""),
    ],
    "units.Ulimit": [("Name", "string", ""), ("Hard", "int64", ""), ("Soft", "int64", "")],
    "mount.Mount": [
        ("Type", "mount.Type", "omitempty"), ("Source", "string", "omitempty"),
        ("Target", "string", "omitempty"), ("ReadOnly", "bool", "omitempty"),
        ("Consistency", "mount.Consistency", "omitempty"),
        ("BindOptions", "*any", "omitempty"), ("VolumeOptions", "*any", "omitempty"),
        ("ImageOptions", "*any", "omitempty"), ("TmpfsOptions", "*any", "omitempty"),
        ("ClusterOptions", "*any", "omitempty"),
    ],
    "container.NetworkSettings": [
        ("NetworkSettingsBase", "container.NetworkSettingsBase", "embed"),
        ("DefaultNetworkSettings", "container.DefaultNetworkSettings", "embed"),
        ("Networks", "map[string]*network.EndpointSettings", ""),
    ],
    "container.NetworkSettingsBase": [
        ("Bridge", "string", ""), ("SandboxID", "string", ""), ("SandboxKey", "string", ""),
        ("Ports", "nat.PortMap", ""), ("HairpinMode", "bool", ""),
        ("LinkLocalIPv6Address", "string", ""), ("LinkLocalIPv6PrefixLen", "int", ""),
        ("SecondaryIPAddresses", "[]network.Address", ""),
        ("SecondaryIPv6Addresses", "[]network.Address", ""),
    ],
    "container.DefaultNetworkSettings": [
        ("EndpointID", "string", ""), ("Gateway", "string", ""),
        ("GlobalIPv6Address", "string", ""), ("GlobalIPv6PrefixLen", "int", ""),
        ("IPAddress", "string", ""), ("IPPrefixLen", "int", ""), ("IPv6Gateway", "string", ""),
        ("MacAddress", "string", ""),
    ],
    "network.Address": [("Addr", "string", ""), ("PrefixLen", "int", "")],
    "network.EndpointSettings": [
        ("IPAMConfig", "*network.EndpointIPAMConfig", ""), ("Links", "[]string", ""),
        ("Aliases", "[]string", ""), ("MacAddress", "string", ""),
        ("DriverOpts", "map[string]string", ""), ("GwPriority", "int", ""),
        ("NetworkID", "string", ""), ("EndpointID", "string", ""), ("Gateway", "string", ""),
        ("IPAddress", "string", ""), ("IPPrefixLen", "int", ""), ("IPv6Gateway", "string", ""),
        ("GlobalIPv6Address", "string", ""), ("GlobalIPv6PrefixLen", "int", ""),
        ("DNSNames", "[]string", ""),
    ],
    "network.EndpointIPAMConfig": [
        ("IPv4Address", "string", "omitempty"), ("IPv6Address", "string", "omitempty"),
        ("LinkLocalIPs", "[]string", "omitempty"),
    ],
    "v1.Descriptor": [
        ("MediaType", "string", "json=mediaType"), ("Digest", "digest.Digest", "json=digest"),
        ("Size", "int64", "json=size"), ("URLs", "[]string", "json=urls omitempty"),
        ("Annotations", "map[string]string", "json=annotations omitempty"),
        ("Data", "any", "json=data omitempty"),
        ("Platform", "*v1.Platform", "json=platform omitempty"),
        ("ArtifactType", "string", "json=artifactType omitempty"),
    ],
    "v1.Platform": [
        ("Architecture", "string", "json=architecture"), ("OS", "string", "json=os"),
        ("OSVersion", "string", "json=os.version omitempty"),
        ("OSFeatures", "[]string", "json=os.features omitempty"),
        ("Variant", "string", "json=variant omitempty"),
    ],
}

# Named types and their underlying types.
NAMED: dict[str, str] = {
    "container.NetworkMode": "string", "container.IpcMode": "string",
    "container.CgroupnsMode": "string", "container.CgroupSpec": "string",
    "container.PidMode": "string", "container.UTSMode": "string",
    "container.UsernsMode": "string", "container.Isolation": "string",
    "container.RestartPolicyMode": "string", "mount.Type": "string",
    "mount.Propagation": "string", "mount.Consistency": "string", "digest.Digest": "string",
    "strslice.StrSlice": "[]string",
    "nat.PortMap": "map[nat.Port][]nat.PortBinding", "nat.PortSet": "map[nat.Port]struct {}",
}

KINDS = {"container": "container.InspectResponse"}


class _NamedStr(str):
    gotype = "string"


def _named_str(value: str, gotype: str) -> str:
    if gotype == "string":
        return value
    s = _NamedStr(value)
    s.gotype = gotype  # type: ignore[misc]
    return s


_TIME_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _go_time(text: str) -> GoStruct:
    """A ``time.Time``: prints via ``String()``, marshals back to its RFC 3339 text."""

    def as_string() -> str:
        m = _TIME_RE.match(text or "")
        if not m:
            return "0001-01-01 00:00:00 +0000 UTC"
        frac = (m.group(2) or "").rstrip("0")
        frac = "" if frac == "." else frac
        zone = m.group(3)
        if zone == "Z":
            return m.group(1).replace("T", " ") + frac + " +0000 UTC"
        off = zone.replace(":", "")
        return m.group(1).replace("T", " ") + frac + f" {off} {off[:3] if off[3:] == '00' else off}"

    return GoStruct("time.Time", {}, stringer=as_string,
                    marshal=lambda: text or "0001-01-01T00:00:00Z")


def _split_map_type(t: str) -> tuple[str, str]:
    """``map[K]V`` -> (K, V), minding brackets inside K."""
    depth = 0
    for i in range(4, len(t)):
        c = t[i]
        if c == "[":
            depth += 1
        elif c == "]":
            if depth == 0:
                return t[4:i], t[i + 1:]
            depth -= 1
    raise ValueError(t)


def _zero(t: str, gotype: str | None = None) -> Any:
    """The zero value of a Go type, as the JSON decoder leaves absent fields."""
    gotype = gotype or t
    if t in NAMED:
        return _zero(NAMED[t], t)
    if t == "string":
        return _named_str("", gotype)
    if t == "bool":
        return False
    if t == "int":
        return 0
    if t == "time.Duration":
        return GoDuration(0)
    if t == "time.Time":
        return _go_time("")
    if t in ("int64", "int32", "uint16", "uint64", "uint", "uint8"):
        return GoInt(0, t)
    if t.startswith("*"):
        inner = t[1:]
        return GoNilPtr(gotype, [f[0] for f in STRUCTS.get(inner, [])])
    if t.startswith("[]"):
        return GoSlice(gotype=gotype, nil=True, underlying=t)
    if t.startswith("[2]"):
        return GoSlice([_zero(t[3:])] * 2, gotype=gotype, underlying=t)
    if t.startswith("map["):
        k, v = _split_map_type(t)
        return GoMap(gotype=gotype, nil=True, elem_zero=_zero(v), key_type=k, underlying=t)
    if t in STRUCTS:
        return _struct({}, t)
    return None


def _convert(v: Any, t: str, gotype: str | None = None) -> Any:
    """Decode a JSON value into the Go value of type ``t`` (what json.Unmarshal would make)."""
    gotype = gotype or t
    if t in NAMED:
        return _convert(v, NAMED[t], t)
    if v is None:
        return _zero(t, gotype)
    if t == "any":
        return v
    if t == "string":
        return _named_str(v if isinstance(v, str) else str(v), gotype)
    if t == "bool":
        return bool(v)
    if t == "int":
        return int(v)
    if t == "time.Duration":
        return GoDuration(int(v))
    if t == "time.Time":
        return _go_time(v if isinstance(v, str) else "")
    if t in ("int64", "int32", "uint16", "uint64", "uint", "uint8"):
        return GoInt(int(v), t)
    if t.startswith("*"):
        inner = t[1:]
        if inner in STRUCTS:
            return _struct(v, inner, pointer=True)
        if inner == "any":
            return v
        return GoPtr(_convert(v, inner), gotype)
    if t.startswith("[2]"):
        items = list(v)[:2] + [None] * (2 - len(list(v)[:2]))
        return GoSlice([_convert(x, t[3:]) for x in items], gotype=gotype, underlying=t)
    if t.startswith("[]"):
        return GoSlice([_convert(x, t[2:]) for x in v], gotype=gotype, underlying=t)
    if t.startswith("map["):
        kt, vt = _split_map_type(t)
        if vt == "struct {}":
            empty = GoStruct("struct {}", {})
            return GoMap({k: empty for k in v}, gotype=gotype, elem_zero=empty, key_type=kt,
                         underlying=t)
        return GoMap({k: _convert(x, vt) for k, x in v.items()}, gotype=gotype,
                     elem_zero=_zero(vt), key_type=kt, underlying=t)
    if t in STRUCTS:
        return _struct(v, t)
    return v


def _struct(d: dict[str, Any], t: str, pointer: bool = False) -> GoStruct:
    """Build a struct from a JSON object; embedded structs read the same object."""
    fields: dict[str, Any] = {}
    json: list[JsonField] = []
    for name, typ, opts in STRUCTS[t]:
        optlist = opts.split()
        key = name
        for o in optlist:
            if o.startswith("json="):
                key = o[5:]
        embedded = "embed" in optlist
        json.append(JsonField(name, key, "omitempty" in optlist, embedded))
        if embedded:
            inner_t = typ.lstrip("*")
            fields[name] = _struct(d if isinstance(d, dict) else {}, inner_t,
                                  pointer=typ.startswith("*"))
        elif isinstance(d, dict) and key in d:
            fields[name] = _convert(d[key], typ)
        else:
            fields[name] = _zero(typ)
    return GoStruct(t, fields, pointer=pointer, json=json)


def typed_object(obj: dict[str, Any], kind: str = "container") -> GoStruct | None:
    """The Go struct the CLI decodes an inspect response into (None for unknown kinds)."""
    t = KINDS.get(kind)
    if t is None:
        return None
    return _struct(obj, t)


def raw_object(v: Any) -> Any:
    """The response decoded into ``interface{}`` with ``UseNumber``: maps, slices, json.Number."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return JsonNumber(dumps(v))
    if isinstance(v, dict):
        return {k: raw_object(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [raw_object(x) for x in v]
    return v


def sort_maps(obj: Any, t: str) -> Any:
    """A copy of a JSON object with the keys of every Go *map* field sorted, as a Go daemon
    writes them; struct fields (and unknown keys) keep their order."""
    if t in NAMED:
        t = NAMED[t]
    t = t.lstrip("*")
    if obj is None:
        return None
    if t.startswith("[]") and isinstance(obj, list):
        return [sort_maps(x, t[2:]) for x in obj]
    if t.startswith("map[") and isinstance(obj, dict):
        _k, vt = _split_map_type(t)
        return {k: sort_maps(obj[k], vt) for k in sorted(obj)}
    if t in STRUCTS and isinstance(obj, dict):
        types: dict[str, str] = {}
        stack = [t]
        while stack:
            for name, typ, opts in STRUCTS[stack.pop()]:
                if "embed" in opts.split():
                    stack.append(typ.lstrip("*"))
                    continue
                key = next((o[5:] for o in opts.split() if o.startswith("json=")), name)
                types[key] = typ
        return {k: sort_maps(v, types[k]) if k in types else v for k, v in obj.items()}
    return obj


def format_inspect(objects: list[dict[str, Any]], fmt: str | None = None, *,
                   kind: str = "container") -> str:
    """What ``docker inspect`` prints on stdout for the objects found.

    Without ``fmt``: the indented JSON array (``[]`` when nothing was found). With ``fmt``:
    one line per object, or a lone newline if nothing was printed. A malformed template raises
    :class:`TemplateError` with exit code 64; objects whose template fails raise one
    :class:`TemplateError` (exit code 1) joining their messages, with ``stdout`` holding what
    was printed for the others. The caller adds its own ``Error: No such object`` lines.
    """
    t = KINDS.get(kind)
    if not fmt or fmt == "json":
        if not objects:
            return "[]\n"
        docs = [sort_maps(o, t) if t else o for o in objects]
        return dumps(docs, "    " if not fmt else None, escape_html=False) + "\n"
    try:
        tmpl = Template(fmt)
    except ParseError as e:
        raise TemplateError("template parsing error: " + e.message, exit_code=64) from None
    out: list[str] = []
    errors: list[str] = []
    for obj in objects:
        typed = typed_object(obj, kind)
        if typed is not None:
            try:
                out.append(tmpl.execute(typed) + "\n")
                continue
            except ExecError:
                pass
        try:
            out.append(tmpl.execute(raw_object(obj), missingkey="error") + "\n")
        except ExecError as e:
            errors.append("template parsing error: " + e.message)
    stdout = "".join(out) or "\n"
    if errors:
        raise TemplateError("\n".join(errors), exit_code=1, stdout=stdout)
    return stdout
