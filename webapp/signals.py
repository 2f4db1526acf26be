"""What happens on the `/lab` consoles, as blinker signals for other layers to watch.

The console namespace sends these and knows nothing of who listens (the classroom hub mirrors the
instructor and fills the dashboard from them). The sender is the `LabNamespace`, so a subscriber
connected with `sender=lab` hears one app's consoles only (tests build many apps in one process).
Receivers are called as `receiver(lab, **fields)` with the fields listed below.
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import Namespace, Signal

log = logging.getLogger(__name__)

lab_signals = Namespace()

#: sandbox: the sandbox got an engine (created, rebuilt from its log, or reset)
engine_attached = lab_signals.signal("engine-attached")
#: sid, sandbox: a console connected to its sandbox
console_connected = lab_signals.signal("console-connected")
#: sid, sandbox: a console went away
console_closed = lab_signals.signal("console-closed")
#: sid, sandbox, line: a console line is about to run
command_started = lab_signals.signal("command-started")
#: sid, sandbox, text, stream: the running command printed `text` on `stream` (stdout or stderr)
command_output = lab_signals.signal("command-output")
#: sid, sandbox, line, result: the command returned (`result`: exit_code, stdout, stderr)
command_finished = lab_signals.signal("command-finished")
#: sandbox: the sandbox was reset to a fresh engine (by its learner or for a whole class)
sandbox_reset = lab_signals.signal("sandbox-reset")
#: sid, sandbox, progress: a console's lesson progress changed (the `progress` payload)
lesson_progress = lab_signals.signal("lesson-progress")


def notify(signal: Signal, sender: Any, **fields: Any) -> None:
    """Send `signal`, but a failing receiver is logged and never breaks the console or the others."""
    if not signal.receivers:
        return
    for receiver in signal.receivers_for(sender):
        try:
            receiver(sender, **fields)
        except Exception:
            log.exception("a receiver of %s failed", signal.name)
