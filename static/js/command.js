// What the learner's command asked for, as the server read it. The server sends a `command` message
// with a summary of the parsed line before any of the command's output or events (docs/protocol.md;
// built by webapp/command_summary.py from its own docker parser and the lifecycle table), so the
// page keeps no copy of docker's flags: it reads which command ran, which containers it names, the
// lifecycle edge it asks for, whether it holds the terminal, and a stop timeout, from that summary.

/**
 * The context a command's events are read in. `parsed` is the server's summary (null for a line
 * that is not a docker command, or before the summary has arrived). `prefer` lists the lifecycle
 * edges the command moves along, best first; `attach` is a copy the page may complete (a container
 * named only by its `create` event); the director adds `created`, the ids the command created.
 */
export function commandContext(line, parsed = null) {
  const p = parsed && typeof parsed === 'object' ? parsed : {};
  return {
    line: line || '',
    command: p.command || null,
    targets: Array.isArray(p.targets) ? p.targets : [],
    prefer: p.edge ? [p.edge] : [],
    attach: p.attach ? { ...p.attach } : null,
    newContainer: Boolean(p.new_container),
    name: p.name || null,
    image: p.image || null,
    restart: p.restart || null,
    timeout: typeof p.timeout === 'number' ? p.timeout : null,
  };
}

/** Does this command name the container (by name, or by an ID prefix of at least 2 characters)? */
export function mentions(info, container) {
  if (!info || !container) return false;
  return info.targets.some((t) => t && (t === container.name
    || (container.id && t.length >= 2 && container.id.startsWith(t))));
}

/** The grace period `docker stop` waits before SIGKILL: -t, else the container's --stop-timeout, else 10 s. */
export function stopTimeout(info, container) {
  if (info && info.timeout !== null && info.timeout !== undefined) return info.timeout;
  if (container && container.stopTimeout !== null && container.stopTimeout !== undefined) {
    return container.stopTimeout;
  }
  return 10;
}
