"""A throwaway `redis-server`: free localhost port, no persistence, its own temporary folder."""

from __future__ import annotations

from pathlib import Path

from . import ServerProcess, ServiceUnavailable, find_binary, free_port

READY_TIMEOUT = 10.0


class RedisServer(ServerProcess):
    """redis-server on 127.0.0.1, ready once it answers PING; `url` is a `redis://` URL for
    `LAB_MESSAGE_QUEUE`. `folder` (default: a temporary one, removed by `stop()`) holds its log."""

    def __init__(self, folder: Path | None = None, *, port: int | None = None):
        binary = find_binary("redis-server", ["/usr/bin/redis-server"], package="redis-server")
        try:
            import redis
        except ImportError:
            raise ServiceUnavailable("the redis Python package is not installed") from None
        self.folder = self.own_folder(folder, "lab-redis-")
        self.port = port if port is not None else free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        try:
            super().__init__(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "yes"],
                log_path=self.folder / "redis.log", name="redis-server")
        except BaseException:
            self._remove_folder()
            raise
        client = redis.Redis.from_url(self.url)
        try:
            self.wait_until(client.ping, timeout=READY_TIMEOUT, what="answering PING",
                            errors=(redis.ConnectionError,))
        finally:
            client.close()

