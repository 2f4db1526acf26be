"""Talking to the Docker daemon: plain API calls, streams, and hijacked attach/exec sockets.

The daemon comes from `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`, as the docker CLI
reads them) or the default socket. The API version is negotiated once per connection, as the CLI
does: the daemon's own version, so a 20.10 daemon is spoken to in API 1.41 and a current one in its
own dialect.

Errors come out as two exception types with the words a learner would see from the docker CLI:
`DaemonUnavailable` ("Cannot connect to the Docker daemon at ... Is the docker daemon running?") and
`ApiError` (the daemon's own message and HTTP status).

Attach and exec need the HTTP connection "hijacked" into a raw byte stream in both directions. For
unix and plain TCP daemons this module does the upgrade itself on a socket it owns, so no byte that
arrives with the response headers can be lost in a library's read buffer; other transports (TLS, ssh)
use the docker SDK's raw socket.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import docker
import requests

from ..api import ApiError, DaemonUnavailable

log = logging.getLogger(__name__)

DEFAULT_HOST = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 20.0  # seconds for an ordinary API call
PING_TIMEOUT = 1.0




def docker_host() -> str:
    """Where the daemon is: `DOCKER_HOST`, else the default unix socket."""
    return os.environ.get("DOCKER_HOST", "").strip() or DEFAULT_HOST


def unavailable_message(host: str) -> str:
    """The docker CLI's words for a daemon that does not answer."""
    return f"Cannot connect to the Docker daemon at {host}. Is the docker daemon running?"


class Connection:
    """One client of one daemon; thread-safe (requests' connection pool), lazily connected."""

    def __init__(self, host: str | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        self.host = host or docker_host()
        self.timeout = timeout
        self._lock = threading.Lock()
        self._api: docker.APIClient | None = None
        self._kwargs = self._client_kwargs()

    def _client_kwargs(self) -> dict[str, Any]:
        env = dict(os.environ)
        env["DOCKER_HOST"] = self.host
        try:
            kwargs = docker.utils.kwargs_from_env(environment=env)
        except docker.errors.DockerException as err:  # e.g. a TLS setting pointing nowhere
            raise DaemonUnavailable(f"{unavailable_message(self.host)} ({err})") from None
        kwargs.setdefault("base_url", self.host)
        return kwargs

    # -- the API client ----------------------------------------------------------------------------

    @property
    def unavailable(self) -> str:
        return unavailable_message(self.host)

    def api(self) -> docker.APIClient:
        """The SDK client, created (and the API version negotiated) on first use."""
        api = self._api
        if api is not None:
            return api
        with self._lock:
            if self._api is None:
                try:
                    probe = docker.APIClient(version="1.24", timeout=PING_TIMEOUT * 5, **self._kwargs)
                    try:
                        response = probe.get(probe.base_url + "/_ping", timeout=PING_TIMEOUT * 5)
                        version = response.headers.get("API-Version") or "1.41"
                    finally:
                        probe.close()
                    self._api = docker.APIClient(version=version, timeout=self.timeout, **self._kwargs)
                except (requests.exceptions.RequestException, docker.errors.DockerException,
                        OSError) as err:
                    raise DaemonUnavailable(self.unavailable) from err
            return self._api

    @property
    def version(self) -> str:
        return self.api().api_version

    def version_at_least(self, wanted: str) -> bool:
        def parts(v: str) -> tuple[int, ...]:
            return tuple(int(p) for p in v.split(".") if p.isdigit())

        return parts(self.version) >= parts(wanted)

    def close(self) -> None:
        with self._lock:
            if self._api is not None:
                self._api.close()
                self._api = None

    def ping(self, timeout: float = PING_TIMEOUT) -> bool:
        """Does the daemon answer `/_ping` within `timeout` seconds?"""
        try:
            api = self.api()
            return api.get(api.base_url + "/_ping", timeout=timeout).status_code == 200
        except (DaemonUnavailable, requests.exceptions.RequestException, OSError):
            return False

    # -- calls -------------------------------------------------------------------------------------

    def url(self, path: str, *args: str) -> str:
        """`/containers/{0}/json` with its arguments quoted, under the negotiated API version."""
        api = self.api()
        return f"{api.base_url}/v{api.api_version}" + path.format(*(quote(a, safe="") for a in args))

    def request(self, method: str, path: str, *args: str, params: dict[str, Any] | None = None,
                body: Any = None, timeout: float | None | str = "default", stream: bool = False,
                headers: dict[str, str] | None = None,
                data: bytes | None = None) -> requests.Response:
        """One API call; raises DaemonUnavailable or ApiError, else returns the response (`body`
        is sent as JSON, `data` as it is)."""
        api = self.api()
        url = self.url(path, *args)
        if timeout == "default":
            timeout = self.timeout
        try:
            response = api.request(method, url, params=_clean(params), json=body, data=data,
                                   timeout=timeout, stream=stream, headers=headers)
        except requests.exceptions.Timeout as err:
            raise DaemonUnavailable(f"the Docker daemon did not answer within {timeout:g} s "
                                    f"({self.host})") from err
        except (requests.exceptions.ConnectionError, OSError) as err:
            raise DaemonUnavailable(self.unavailable) from err
        if response.status_code >= 400:
            raise ApiError(response.status_code, _error_message(response))
        return response

    def get(self, path: str, *args: str, **kwargs: Any) -> Any:
        """GET returning parsed JSON."""
        return _json(self.request("GET", path, *args, **kwargs))

    def post(self, path: str, *args: str, **kwargs: Any) -> Any:
        """POST returning parsed JSON (None for an empty body)."""
        return _json(self.request("POST", path, *args, **kwargs))

    def delete(self, path: str, *args: str, **kwargs: Any) -> Any:
        return _json(self.request("DELETE", path, *args, **kwargs))

    # -- hijacked streams --------------------------------------------------------------------------

    def hijack(self, path: str, *args: str, params: dict[str, Any] | None = None,
               body: Any = None) -> RawStream:
        """POST with `Upgrade: tcp`: the connection becomes the container's stdin/stdout/stderr."""
        api = self.api()
        target = urlsplit(self.url(path, *args)).path
        query = urlencode(_clean(params) or {})
        data = json.dumps(body).encode() if body is not None else b""
        parsed = urlsplit(docker.utils.parse_host(self.host, tls=bool(self._kwargs.get("tls"))))
        if parsed.scheme in ("http+unix", "http"):
            try:
                if parsed.scheme == "http+unix":
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    sock.settimeout(self.timeout)
                    sock.connect(parsed.path)
                else:
                    sock = socket.create_connection((parsed.hostname, parsed.port or 2375),
                                                    timeout=self.timeout)
            except OSError as err:
                raise DaemonUnavailable(self.unavailable) from err
            head = (f"POST {target}{'?' + query if query else ''} HTTP/1.1\r\n"
                    "Host: docker\r\nUser-Agent: lifecycle-lab\r\nContent-Type: application/json\r\n"
                    f"Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: {len(data)}\r\n\r\n")
            try:
                sock.sendall(head.encode() + data)
                status, rest = _read_head(sock)
            except OSError as err:
                sock.close()
                raise DaemonUnavailable(self.unavailable) from err
            if status >= 400:
                sock.close()
                raise ApiError(status, _message_from_bytes(rest))
            sock.settimeout(None)
            return RawStream(sock, rest)
        # TLS, ssh, ...: the SDK's socket (its read buffer is empty until the stream starts).
        try:
            response = api.post(api.base_url + target, params=params, data=data or None,
                                stream=True, headers={"Connection": "Upgrade", "Upgrade": "tcp",
                                                      "Content-Type": "application/json"})
        except (requests.exceptions.ConnectionError, OSError) as err:
            raise DaemonUnavailable(self.unavailable) from err
        if response.status_code >= 400:
            raise ApiError(response.status_code, _error_message(response))
        raw = api._get_raw_response_socket(response)  # the SDK's way to the raw socket
        return RawStream(getattr(raw, "_sock", raw), b"", keep=response)


class RawStream:
    """A hijacked connection: bytes in both directions, half-close for end of input."""

    def __init__(self, sock: Any, leftover: bytes = b"", keep: Any = None):
        self.sock = sock
        self._leftover = leftover
        self._keep = keep  # the HTTP response, kept alive with its socket
        self.closed = False

    def recv(self, size: int = 65536) -> bytes:
        """Up to `size` bytes; b"" once the daemon closed the stream (or we did)."""
        if self._leftover:
            data, self._leftover = self._leftover[:size], self._leftover[size:]
            return data
        if self.closed:
            return b""
        try:
            return self.sock.recv(size)
        except OSError:
            return b""

    def send(self, data: bytes) -> bool:
        if self.closed or not data:
            return False
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def close_write(self) -> None:
        """End of input: the daemon closes the container's stdin (as `docker` does on EOF)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


def demux(stream: RawStream) -> Iterator[tuple[int, bytes]]:
    """Frames of a multiplexed (non-TTY) stream: (1 stdout | 2 stderr, payload)."""
    buffer = b""
    while True:
        while len(buffer) < 8:
            chunk = stream.recv()
            if not chunk:
                return
            buffer += chunk
        kind, size = struct.unpack(">BxxxL", buffer[:8])
        buffer = buffer[8:]
        while len(buffer) < size:
            chunk = stream.recv()
            if not chunk:
                if buffer:
                    yield kind, buffer
                return
            buffer += chunk
        yield kind, buffer[:size]
        buffer = buffer[size:]


def demux_chunks(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """The same framing over an HTTP body read in chunks (`docker logs` of a non-TTY container)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= 8:
            kind, size = struct.unpack(">BxxxL", buffer[:8])
            if len(buffer) < 8 + size:
                break
            yield kind, buffer[8:8 + size]
            buffer = buffer[8 + size:]


def shutdown_response(response: requests.Response) -> None:
    """Close a streaming response from another thread, waking up its reader at once."""
    try:
        # Private urllib3 internals, as docker's CancellableStream reaches them: a missing link
        # raises AttributeError, caught below, so the chain is left untyped on purpose.
        raw_response: Any = response.raw
        fp = raw_response._fp.fp
        raw = getattr(fp, "raw", fp)
        sock = getattr(raw, "_sock", raw)
        sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
    with contextlib.suppress(Exception):  # already closed, or closed half-way
        response.close()


def _clean(params: dict[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = 1 if value else 0
        elif isinstance(value, dict):
            value = json.dumps(value)
        out[key] = value
    return out


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _error_message(response: requests.Response) -> str:
    try:
        data = response.json()
        if isinstance(data, dict) and data.get("message"):
            return str(data["message"])
    except ValueError:
        pass
    return response.text.strip() or f"{response.status_code} {response.reason}"


def _message_from_bytes(data: bytes) -> str:
    text = data.decode(errors="replace").strip()
    try:
        value = json.loads(text)
        if isinstance(value, dict) and value.get("message"):
            return str(value["message"])
    except ValueError:
        pass
    return text


def _read_head(sock: socket.socket) -> tuple[int, bytes]:
    """Read the HTTP response head; returns (status, the bytes after it, incl. an error body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the daemon closed the connection")
        data += chunk
        if len(data) > 65536:
            raise OSError("response head too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        raise OSError(f"unexpected answer {lines[0]!r}") from None
    if status >= 400:
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        sock.settimeout(2.0)
        try:
            while length is not None and len(rest) < length:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                rest += chunk
        except OSError:
            pass
    return status, rest
