// Reading a console line the way the docker CLI would, just enough for the page to know what the
// learner asked for: which command (so the graph can animate along that command's edge), which
// containers it names, whether it attaches the terminal, and a stop timeout if one was given.
// The server does the real parsing; nothing here decides what a command does.

/** Split a line like a POSIX shell does (quotes and backslashes); never throws. */
export function shellSplit(line) {
  const words = [];
  let word = '';
  let inWord = false;
  let quote = null;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null; else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) { word += line[i + 1]; i += 1; }
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch; inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[i + 1]; i += 1; inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) { words.push(word); word = ''; inWord = false; }
    } else if (ch === '#' && !inWord) {
      break;
    } else {
      word += ch; inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

// Options that take a value, per command (the docker CLI's own flag sets, abridged).
const RUN_VALUES = new Set([
  '-a', '--attach', '--add-host', '--blkio-weight', '--cap-add', '--cap-drop', '--cgroup-parent',
  '--cgroupns', '--cidfile', '--cpu-period', '--cpu-quota', '--cpu-shares', '-c', '--cpus',
  '--cpuset-cpus', '--cpuset-mems', '--detach-keys', '--device', '--dns', '--dns-option',
  '--dns-search', '--domainname', '--entrypoint', '-e', '--env', '--env-file', '--expose', '--gpus',
  '--group-add', '--health-cmd', '--health-interval', '--health-retries', '--health-start-period',
  '--health-timeout', '-h', '--hostname', '--ip', '--ip6', '--ipc', '--isolation', '-l', '--label',
  '--label-file', '--link', '--log-driver', '--log-opt', '--mac-address', '-m', '--memory',
  '--memory-reservation', '--memory-swap', '--mount', '--name', '--network', '--net',
  '--network-alias', '--pid', '--pids-limit', '--platform', '-p', '--publish', '--pull', '--restart',
  '--runtime', '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt',
  '--sysctl', '--tmpfs', '--ulimit', '-u', '--user', '--userns', '--uts', '-v', '--volume',
  '--volumes-from', '-w', '--workdir',
]);
const VALUES = {
  run: RUN_VALUES,
  create: RUN_VALUES,
  start: new Set(['--detach-keys']),
  attach: new Set(['--detach-keys']),
  stop: new Set(['-s', '--signal', '-t', '--time', '--timeout']),
  restart: new Set(['-s', '--signal', '-t', '--time', '--timeout']),
  kill: new Set(['-s', '--signal']),
  exec: new Set(['--detach-keys', '-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir']),
  logs: new Set(['-n', '--tail', '--since', '--until']),
  events: new Set(['-f', '--filter', '--format', '--since', '--until']),
  ps: new Set(['-f', '--filter', '--format', '-n', '--last']),
  inspect: new Set(['-f', '--format', '--type']),
  wait: new Set(),
  rm: new Set(),
  pause: new Set(),
  unpause: new Set(),
  rename: new Set(),
};
const GLOBAL_VALUES = new Set(['--config', '-c', '--context', '-H', '--host', '-l', '--log-level',
  '--tlscacert', '--tlscert', '--tlskey']);

/** Parse `[docker] [global options] [container] VERB [options] [args]`. */
function parseOptions(verb, args) {
  const takes = VALUES[verb] || new Set();
  const flags = new Map();
  const positionals = [];
  const runLike = verb === 'run' || verb === 'create' || verb === 'exec';
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') { positionals.push(...args.slice(i + 1)); break; }
    if (runLike && positionals.length > (verb === 'exec' ? 1 : 0)) {
      // After the image (or the container, for exec) the rest is the container's command.
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      if (eq > 0) { flags.set(arg.slice(0, eq), arg.slice(eq + 1)); continue; }
      if (takes.has(arg)) { flags.set(arg, args[i + 1] ?? ''); i += 1; continue; }
      flags.set(arg, true);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Short options, possibly combined (-dit) or with an inline value (-t5, -eX=1).
      for (let j = 1; j < arg.length; j += 1) {
        const opt = `-${arg[j]}`;
        if (takes.has(opt)) {
          const rest = arg.slice(j + 1);
          if (rest) flags.set(opt, rest.startsWith('=') ? rest.slice(1) : rest);
          else { flags.set(opt, args[i + 1] ?? ''); i += 1; }
          break;
        }
        flags.set(opt, true);
      }
      continue;
    }
    positionals.push(arg);
  }
  return { flags, positionals };
}

function flag(flags, ...names) {
  for (const name of names) if (flags.has(name)) return flags.get(name);
  return undefined;
}

/**
 * What a console line asks for. `verb` is null for anything that is not a docker command.
 * `prefer` lists lifecycle edge names this command would move along, best first.
 */
export function parseCommand(line) {
  const words = shellSplit(line || '');
  const info = {
    line: line || '', words, verb: null, prefer: [], targets: [], flags: new Map(), positionals: [],
    attach: null, name: null, image: null, restart: null, timeout: null, newContainer: false,
  };
  if (words[0] !== 'docker') return info;
  let i = 1;
  while (i < words.length && words[i].startsWith('-')) {
    if (GLOBAL_VALUES.has(words[i])) i += 1;
    i += 1;
  }
  let verb = words[i];
  if (verb === 'container' && i + 1 < words.length) { i += 1; verb = words[i]; }
  if (!verb) return info;
  if (verb === 'remove') verb = 'rm';
  if (verb === 'ls' || verb === 'list') verb = 'ps';
  info.verb = verb;
  const { flags, positionals } = parseOptions(verb, words.slice(i + 1));
  info.flags = flags;
  info.positionals = positionals;
  switch (verb) {
    case 'run':
    case 'create': {
      info.newContainer = true;
      info.name = flag(flags, '--name') || null;
      info.image = positionals[0] || null;
      info.restart = flag(flags, '--restart') || null;
      const stopTimeout = Number(flag(flags, '--stop-timeout'));
      if (Number.isFinite(stopTimeout) && flags.has('--stop-timeout')) info.timeout = stopTimeout;
      info.targets = info.name ? [info.name] : [];
      info.prefer = verb === 'run' ? ['run', 'create'] : ['create'];
      if (verb === 'run' && !flag(flags, '-d', '--detach')) {
        info.attach = {
          container: info.name,
          stdin: Boolean(flag(flags, '-i', '--interactive')),
          tty: Boolean(flag(flags, '-t', '--tty')),
          kind: 'run',
        };
      }
      break;
    }
    case 'start':
      info.targets = positionals;
      info.prefer = ['start'];
      if (flag(flags, '-a', '--attach') || flag(flags, '-i', '--interactive')) {
        info.attach = {
          container: positionals[0] || null,
          stdin: Boolean(flag(flags, '-i', '--interactive')),
          tty: true,
          kind: 'start',
        };
      }
      break;
    case 'attach':
      info.targets = positionals.slice(0, 1);
      info.attach = {
        container: positionals[0] || null, stdin: !flag(flags, '--no-stdin'), tty: true, kind: 'attach',
      };
      break;
    case 'exec':
      info.targets = positionals.slice(0, 1);
      if (!flag(flags, '-d', '--detach')) {
        info.attach = {
          container: positionals[0] || null,
          stdin: Boolean(flag(flags, '-i', '--interactive')),
          tty: Boolean(flag(flags, '-t', '--tty')),
          kind: 'exec',
        };
      }
      break;
    case 'stop':
    case 'restart': {
      info.targets = positionals;
      info.prefer = [verb];
      const t = flag(flags, '-t', '--time', '--timeout');
      if (t !== undefined && t !== true && Number.isFinite(Number(t))) info.timeout = Number(t);
      break;
    }
    case 'rm':
      info.targets = positionals;
      info.prefer = flag(flags, '-f', '--force') ? ['rm -f', 'rm'] : ['rm'];
      break;
    case 'prune':
      info.prefer = ['rm'];
      break;
    case 'rename':
      info.targets = positionals.slice(0, 2);
      info.prefer = ['rename'];
      break;
    case 'logs':
    case 'wait':
    case 'inspect':
    case 'top':
    case 'port':
    case 'stats':
      info.targets = positionals;
      break;
    default:
      info.targets = positionals;
      info.prefer = [verb];
  }
  return info;
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
