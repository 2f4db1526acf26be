// The lifecycle table (served by the engine as JSON) and the director that turns Docker events into
// moves of container tokens along its edges. Nothing here names a state or an edge: everything is read
// from the table, so adding a transition on the server is the only edit needed.

import { mentions, stopTimeout } from './command.js';
import { pageLang, slug, t as tr, tOr } from './i18n.js';

const SIGNALS = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2',
  14: 'SIGALRM', 15: 'SIGTERM', 17: 'SIGCHLD', 19: 'SIGSTOP', 28: 'SIGWINCH',
};
export const signalName = (n) => SIGNALS[Number(n)] || tr('signal_n', { n });
const KILL = '9';

function unique(list) {
  return [...new Set(list)];
}

/**
 * The table's words in the page's language. English pages show the JSON as the engine wrote it;
 * other languages look each word up in the page's labels (webapp/ui_text.py), keyed by the ids, and
 * keep the JSON's word when a label is missing. Ids, edges and commands are never translated.
 */
function localize(json) {
  const local = pageLang() !== 'en';
  const word = (key, fallback) => (local ? tOr(key, fallback) : fallback);
  const states = (json.states || []).map((s) => ({
    ...s,
    dockerLabel: s.label, // Docker's own word, as `docker ps` prints it
    label: word(`state_${slug(s.id)}`, s.label),
    summary: word(`state_${slug(s.id)}_about`, s.summary),
  }));
  const transitions = (json.transitions || []).map((t) => {
    const internal = t.trigger === 'internal' ? '_internal' : '';
    const plain = String(t.command || '').replace(/^\(|\)$/g, '');
    return {
      ...t,
      label: word(`edge_${slug(t.edge)}`, t.edge),
      summary: word(`tr_${slug(t.edge)}_${slug(t.src ?? 'registry')}_${slug(t.dst)}${internal}`, t.summary),
      // What makes an event edge happen, e.g. "restart policy" (commands stay as typed).
      cause: String(t.command || '').startsWith('(') ? word(`cause_${slug(plain)}`, plain) : plain,
    };
  });
  return { states, transitions };
}

export class Lifecycle {
  constructor(json) {
    this.json = json;
    const local = localize(json);
    this.states = local.states;
    this.byId = new Map(this.states.map((s) => [s.id, s]));
    this.transitions = local.transitions.map((t, index) => ({
      ...t,
      src: t.src ?? null,
      events: [...(t.events || [])],
      index,
      key: `${t.edge}|${t.src ?? ''}|${t.dst}`,
    }));
    // Internal transitions are side effects inside other commands; the graph does not draw them.
    this.visible = this.transitions.filter((t) => t.trigger !== 'internal');
    // A "moving" action is the single event of some transition: it alone moves a container.
    this.moves = new Map();
    for (const t of this.visible) {
      if (t.events.length !== 1) continue;
      const action = t.events[0];
      if (!this.moves.has(action)) this.moves.set(action, []);
      this.moves.get(action).push({ src: t.src, dst: t.dst });
    }
    const fromNowhere = this.visible.find((t) => t.src === null);
    this.entry = fromNowhere ? fromNowhere.dst : (this.states[0] && this.states[0].id);
    const destroy = this.moves.get('destroy');
    this.gone = destroy && destroy.length ? destroy[0].dst : null;
    // The state a restart policy waits in: the source of an event-triggered `start`.
    const policy = this.visible.find((t) => t.trigger === 'event' && t.events.includes('start'));
    this.policyState = policy ? policy.src : null;
    // Where a health check's verdict shows: Docker reports it on running containers only.
    this.healthState = (json.health && json.health.state) || null;
  }

  label(id) {
    const s = this.byId.get(id);
    return s ? s.label : String(id);
  }

  /** The state's name with Docker's own word beside it when they differ: "종료됨 (Exited)". */
  fullLabel(id) {
    const s = this.byId.get(id);
    if (!s) return String(id);
    return s.docker && s.dockerLabel && s.dockerLabel !== s.label ? `${s.label} (${s.dockerLabel})` : s.label;
  }

  isMoving(action) {
    return this.moves.has(action);
  }

  hasEdge(from, to) {
    return this.visible.some((t) => t.src === from && t.dst === to);
  }

  edgesFrom(state) {
    return this.visible.filter((t) => t.src === state);
  }

  /** The last event of a composite transition that moves a container (e.g. `start` for `run`). */
  lastMoving(t) {
    const moving = t.events.filter((e) => this.moves.has(e));
    return moving[moving.length - 1];
  }

  /** A multi-event transition of the learner's command, from `from`, that `action` is part of. */
  composite(prefer, from, action) {
    for (const name of prefer || []) {
      const t = this.visible.find((x) => x.edge === name && x.src === from
        && x.events.length > 1 && x.events.includes(action));
      if (t) return t;
    }
    return null;
  }

  /** Where `action` can take a container that is in `from`. */
  destinations(action, from) {
    const moves = this.moves.get(action) || [];
    const direct = unique(moves.filter((m) => m.src === from || this.hasEdge(from, m.dst)).map((m) => m.dst));
    return direct.length ? direct : unique(moves.map((m) => m.dst));
  }

  /** The edge to draw a move along: the learner's command first, then the event's own name. */
  pick(from, to, prefer = [], action = null) {
    const candidates = this.visible.filter((t) => t.src === from && t.dst === to);
    for (const name of prefer || []) {
      const t = candidates.find((x) => x.edge === name);
      if (t) return t;
    }
    if (from === to) return null; // a self-loop only when the command asked for it
    return candidates.find((t) => t.edge === action)
      || candidates.find((t) => t.trigger === 'event')
      || candidates[0] || null;
  }

  /** The command a learner types for an edge, filled in for a container when there is one. */
  commandFor(t, container) {
    if (!t.command || t.command.startsWith('(')) return null;
    let cmd = t.command;
    if (container) {
      cmd = cmd.replace(/\bNAME\b/g, container.name).replace(/\bIMAGE\b/g, container.image || '');
    } else {
      cmd = cmd.replace(/\s*\b(NAME|IMAGE)\b.*$/, ' ');
    }
    return cmd.endsWith(' ') ? cmd : cmd.trimEnd();
  }
}

function policyApplies(policy, exitCode, restarts) {
  if (!policy || policy === 'no') return false;
  if (policy === 'always' || policy === 'unless-stopped') return true;
  if (policy.startsWith('on-failure')) {
    if (String(exitCode) === '0') return false;
    const max = Number(policy.split(':')[1]);
    return !(Number.isFinite(max) && max > 0 && restarts >= max);
  }
  return false;
}

export function sameId(a, b) {
  if (!a || !b) return false;
  return a === b || a.startsWith(b) || b.startsWith(a);
}

/**
 * Turns events (and `state` snapshots, which are authoritative) into steps for the graph: spawn a
 * token, move it along an edge, show a badge, start or end a stop's grace period. `state` is where
 * the token is drawn once its steps are played; `truth` is the container's real state, which differs
 * only while a composite move (e.g. `run` = create + start) waits for its last event.
 */
export class Director {
  constructor(lifecycle) {
    this.lc = lifecycle;
    this.model = new Map();
  }

  reset() {
    this.model.clear();
  }

  find(id, name) {
    if (id) {
      if (this.model.has(id)) return this.model.get(id);
      for (const c of this.model.values()) if (sameId(c.id, id)) return c;
    }
    if (name) {
      for (const c of this.model.values()) if (c.name === name && c.state !== this.lc.gone) return c;
    }
    return null;
  }

  /** Containers as the graph draws them now. */
  tokens() {
    return [...this.model.values()].map((c) => ({
      id: c.id, name: c.name, image: c.image, state: c.state, status: c.status, removedAt: c.removedAt,
      health: c.health || null,
    }));
  }

  relevant(ctx, c, action) {
    if (!ctx || !ctx.command) return null;
    if (ctx.created && ctx.created.has(c.id)) return ctx;
    if (ctx.newContainer && action === 'create' && !c.seenBefore) {
      ctx.created = ctx.created || new Set();
      ctx.created.add(c.id);
      return ctx;
    }
    return mentions(ctx, c) ? ctx : null;
  }

  move(c, from, to, t, steps, event, ctx) {
    c.state = to;
    c.truth = to;
    if (to === this.lc.gone) c.removedAt = event ? Number(event.time) || null : Date.now() / 1000;
    steps.push({ type: 'move', id: c.id, name: c.name, from, to, t, event, ctx });
  }

  flush(c, steps) {
    if (!c.pending) return;
    const { t, action, event, ctx } = c.pending;
    c.pending = null;
    if (c.truth !== c.state) {
      this.move(c, c.state, c.truth, this.lc.pick(c.state, c.truth, ctx ? ctx.prefer : [], action), steps, event, ctx);
    }
  }

  flushAll() {
    const steps = [];
    for (const c of this.model.values()) this.flush(c, steps);
    return steps;
  }

  /** One Docker event; returns the steps it causes. */
  apply(event, ctx = null, resolved = null) {
    const steps = [];
    const lc = this.lc;
    if (!event || !event.Actor) return steps;
    const attrs = event.Actor.Attributes || {};
    const action = event.Action || '';
    if (event.Type !== 'container') {
      if (event.Type === 'image' && action === 'pull') {
        const t = lc.visible.find((x) => x.src === null && x.edge === 'pull');
        if (t) steps.push({ type: 'pulse', t, event });
      }
      return steps;
    }
    const id = event.Actor.ID;
    let c = this.find(id);
    if (!c) {
      if (action === 'destroy') return steps;
      c = {
        id, name: attrs.name || id.slice(0, 12), image: attrs.image || '', state: lc.entry,
        truth: lc.entry, pending: null, restart: null, restarts: 0, stopTimeout: null, removedAt: null,
        status: '', seenBefore: false, health: null,
      };
      this.model.set(id, c);
      steps.push({ type: 'spawn', id, name: c.name, image: c.image, state: c.state });
    }
    const rel = this.relevant(ctx, c, action);
    c.seenBefore = true;
    if (attrs.name && attrs.name !== c.name) {
      c.name = attrs.name;
      steps.push({ type: 'rename', id: c.id, name: c.name, event });
    }
    if (attrs.image && !c.image) c.image = attrs.image;
    if (action === 'create' && rel) {
      c.restart = rel.restart || null;
      c.stopTimeout = rel.timeout;
    }

    // What the event carried, shown next to the token once it has moved.
    const notes = [];
    if (action === 'die') {
      steps.push({ type: 'grace-end', id: c.id });
      notes.push({ type: 'badge', id: c.id, text: `exitCode=${attrs.exitCode ?? '?'}`, tone: String(attrs.exitCode) === '0' ? 'ok' : 'bad' });
    } else if (action === 'kill') {
      const signal = String(attrs.signal ?? '');
      notes.push({ type: 'badge', id: c.id, text: `signal=${signal} (${signalName(signal)})`, tone: signal === KILL ? 'bad' : 'warn' });
      if (signal === KILL) steps.push({ type: 'grace-end', id: c.id, killed: true });
      else if (rel && (rel.command === 'stop' || rel.command === 'restart')) {
        notes.push({ type: 'grace', id: c.id, seconds: stopTimeout(rel, c), signal, at: Date.now() });
      }
    } else if (action === 'oom') {
      notes.push({ type: 'badge', id: c.id, text: tr('badge_oom'), tone: 'bad' });
    } else if (action === 'destroy' || action === 'stop') {
      steps.push({ type: 'grace-end', id: c.id });
    }
    notes.push(...this.health(c, action, event));

    const done = () => steps.concat(notes);
    const prefer = rel ? rel.prefer : [];
    if (!lc.isMoving(action)) return done();
    if (c.pending) {
      const { t } = c.pending;
      if (t.events.includes(action)) {
        c.truth = lc.destinations(action, c.truth)[0] || c.truth;
        c.pending.action = action;
        if (action === lc.lastMoving(t)) {
          c.pending = null;
          this.move(c, t.src, t.dst, t, steps, event, rel);
        }
        return done();
      }
      this.flush(c, steps);
    }

    const from = c.state;
    const comp = lc.composite(prefer, from, action);
    if (comp) {
      if (action !== lc.lastMoving(comp)) {
        c.pending = { t: comp, action, event, ctx: rel };
        c.truth = lc.destinations(action, from)[0] || from;
        return done();
      }
      this.move(c, from, comp.dst, comp, steps, event, rel);
      return done();
    }

    let dsts = lc.destinations(action, from);
    if (!dsts.length) return done();
    let to = dsts[0];
    if (resolved && dsts.includes(resolved)) {
      to = resolved;
    } else if (dsts.length > 1) {
      const byCommand = dsts.filter((d) => {
        const t = lc.pick(from, d, prefer, null);
        return t && prefer.includes(t.edge);
      });
      if (byCommand.length === 1) {
        to = byCommand[0];
      } else {
        const others = dsts.filter((d) => d !== lc.policyState);
        const policy = lc.policyState && dsts.includes(lc.policyState)
          && !(rel && ['stop', 'kill', 'rm'].includes(rel.command))
          && policyApplies(c.restart, attrs.exitCode, c.restarts);
        to = policy ? lc.policyState : (others[0] || dsts[0]);
      }
    }
    if (to === lc.policyState) c.restarts += 1;
    if (to === from) {
      const loop = lc.pick(from, to, prefer, action);
      if (loop) this.move(c, from, to, loop, steps, event, rel);
      return done();
    }
    this.move(c, from, to, lc.pick(from, to, prefer, action), steps, event, rel);
    return done();
  }

  /**
   * A container's health check, from its events: `health_status: X` is Docker's verdict; a start
   * (re)sets a checked container to `starting`; pausing or dying leaves Docker reading `unhealthy`
   * (said quietly: the token has left Running, where the badge shows).
   */
  health(c, action, event) {
    let health = null;
    let quiet = false;
    if (action.startsWith('health_status: ')) health = action.slice('health_status: '.length);
    else if (action === 'start' && c.health) health = 'starting';
    else if ((action === 'die' || action === 'pause') && c.health) {
      health = 'unhealthy';
      quiet = true;
    }
    if (!health || health === c.health) return [];
    c.health = health;
    return [{ type: 'health', id: c.id, name: c.name, health, quiet, event }];
  }

  /** Bring the model in line with a `state` snapshot (authoritative); returns the steps. */
  reconcile(snapshot, ctx = null) {
    const steps = [];
    const lc = this.lc;
    const seen = new Set();
    for (const s of snapshot || []) {
      if (!s || !s.name) continue;
      let c = this.find(s.id, s.name);
      if (!c) {
        c = {
          id: s.id || s.name, name: s.name, image: s.image || '', state: s.state, truth: s.state,
          pending: null, restart: null, restarts: 0, stopTimeout: null, removedAt: null,
          status: s.status || '', seenBefore: true, health: s.health || null,
        };
        this.model.set(c.id, c);
        seen.add(c.id);
        steps.push({ type: 'spawn', id: c.id, name: c.name, image: c.image, state: c.state, appear: true });
        continue;
      }
      seen.add(c.id);
      if (s.id && s.id.length > c.id.length && s.id.startsWith(c.id)) {
        // Prefer the full ID once we know it (events carry it).
        this.model.delete(c.id);
        steps.push({ type: 'reid', id: c.id, newId: s.id });
        c.id = s.id;
        this.model.set(c.id, c);
      }
      if (s.name !== c.name) {
        c.name = s.name;
        steps.push({ type: 'rename', id: c.id, name: c.name });
      }
      c.image = s.image || c.image;
      if ((s.status || '') !== c.status || s.exit_code !== c.exitCode) {
        c.status = s.status || '';
        c.exitCode = s.exit_code;
        steps.push({ type: 'status', id: c.id, status: c.status, exitCode: s.exit_code });
      }
      if ((s.health || null) !== (c.health || null)) {
        c.health = s.health || null;
        steps.push({ type: 'health', id: c.id, name: c.name, health: c.health, quiet: true });
      }
      if (c.pending && c.truth === s.state) this.flush(c, steps);
      if (c.pending) c.pending = null;
      if (c.state !== s.state && lc.byId.has(s.state)) {
        const rel = ctx && mentions(ctx, c) ? ctx : null;
        this.move(c, c.state, s.state, lc.pick(c.state, s.state, rel ? rel.prefer : [], null), steps, null, rel);
      }
    }
    for (const c of this.model.values()) {
      if (seen.has(c.id) || c.state === lc.gone) continue;
      if (c.pending) c.pending = null;
      const rel = ctx && mentions(ctx, c) ? ctx : null;
      this.move(c, c.state, lc.gone, lc.pick(c.state, lc.gone, rel ? rel.prefer : [], 'destroy'), steps, null, rel);
    }
    return steps;
  }

  /** Forget removed containers (their tokens have faded out). */
  prune(id) {
    const c = this.find(id);
    if (c && c.state === this.lc.gone) this.model.delete(c.id);
  }
}

/** The containers as they were right after `events[index]` (for rewinding the graph). */
export function modelAt(lifecycle, entries, index) {
  const director = new Director(lifecycle);
  for (let i = 0; i <= index && i < entries.length; i += 1) {
    const { event, ctx, resolved } = entries[i];
    director.apply(event, ctx, resolved);
  }
  director.flushAll();
  const at = entries[index] ? Number(entries[index].event.time) : 0;
  // Removed containers stay visible for a moment after their removal, as they do live.
  return director.tokens().filter((c) => c.state !== lifecycle.gone || (c.removedAt !== null && at - c.removedAt <= 5));
}
