"""The real-daemon engine: the simulator's interface on a locked-down Docker daemon.

`DockerEngine` (engine.py) runs the learner's docker commands (commands.py) on their own labelled
containers, under the sandbox policy (policy.py: the one place the rules live), bridging terminals
(streams.py), following the daemon's event stream and health (events.py) and showing each learner
their view of the shared images (images.py). connection.py talks to the daemon.
"""

from .connection import ApiError, Connection, DaemonUnavailable, docker_host
from .engine import DockerEngine
from .policy import Policy, session_label, sweep_orphans

__all__ = ["ApiError", "Connection", "DaemonUnavailable", "DockerEngine", "Policy", "docker_host",
           "session_label", "sweep_orphans"]
