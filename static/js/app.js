// The lab page: wires the console, the graph, the event log and the narration to the server's
// Socket.IO namespace (protocol in DESIGN.md). Third-party modules come from our own origin; their
// URLs are in data-* attributes of the page (no inline scripts: the CSP forbids them).

import { commandContext, mentions } from './command.js';
import { LabConsole } from './console.js';
import { h, replaceChildren, store } from './dom.js';
import { eventContainerName, eventTime } from './format.js';
import { Graph } from './graph.js';
import { wireGraphEnlarge } from './graph-enlarge.js';
import { t, tParts } from './i18n.js';
import { LessonPage } from './lesson.js';
import { Director, Lifecycle, modelAt, signalName } from './lifecycle.js';
import { describeMove, Narration } from './narration.js';
import { installSplits } from './split.js';
import { Timeline } from './timeline.js';

const SPEED_KEY = 'lifecycle-lab.speed';
const REPLAY_SPEED_KEY = 'lifecycle-lab.replay-speed';
const RECONCILE_DELAY = 120;
const FULL_RETRY_SECONDS = 20; // a server that refused us for being full is asked again after this

const $ = (id) => document.getElementById(id);

function unique(list) {
  return [...new Set(list)];
}

/** `run` a console line. A server that is restarting answers `{"retry": true}` without running it
 * (docs/protocol.md): the line is sent once more after the socket has reconnected (to the process
 * started again, or through the proxy to another), so it runs exactly once. The ack of a command
 * that was over at once carries the messages it sent this console (`inline`): they are handled
 * here, in order, by the same listeners as if each had come on its own. */
function runOnce(socket, line, retried = false) {
  return new Promise((resolve) => {
    socket.emit('run', { line, streamed: true, inline: true }, (ack) => {
      if (ack && ack.retry && !retried) {
        socket.once('connect', () => runOnce(socket, line, true).then(resolve));
        return;
      }
      for (const message of (ack && Array.isArray(ack.messages) ? ack.messages : [])) {
        if (!Array.isArray(message) || typeof message[0] !== 'string') continue;
        for (const listener of socket.listeners(message[0])) listener(message[1]);
      }
      resolve(ack);
    });
  });
}

class Lab {
  constructor(root) {
    this.root = root;
    this.mode = 'live';
    this.cmd = null;
    this.recent = null;
    this.snapshot = null;
    this.reconcileTimer = null;
    this.lc = null;
    this.lifecycleText = '';
    this.replayRun = null;
    this.console = null;
    this.workspace = null; // the files panel (static/js/editor.js), on pages that have one
    this.socket = null;
    this.pastNew = 0; // events that arrived while the graph shows the past
    this.fullTimer = null;
    this.fullNoticed = false;

    this.narration = new Narration($('narration'));
    this.info = $('graph-info');
    this.graph = new Graph($('lifecycle-graph'), {
      onMove: (step) => this.onMove(step),
      onSelect: (name) => this.onSelect(name),
      onEdge: (t) => this.onEdge(t),
      onInfo: (detail) => this.renderInfo(detail),
      onGrace: ({ name, seconds, signal }) => {
        if (this.mode === 'past') return;
        this.narration.say(t('narrate_grace', { name, signal: signalName(signal), s: seconds }), 'wait');
      },
      onVanish: (id) => { if (this.mode === 'live' && this.director) this.director.prune(id); },
      onHealth: (step) => this.onHealth(step),
    });
    this.graph.autoVanish = true;
    this.timeline = new Timeline({
      list: $('event-log'),
      filter: $('event-filter'),
      empty: $('event-empty'),
      onRewind: (index) => this.rewind(index),
    });
    this.lesson = root.dataset.lab === 'lesson'
      ? new LessonPage(root, { toast: (message, tone) => this.toast(message, tone) }) : null;
    this.setStatus('offline', t('connecting'));
    // The graph does not wait for the terminal or the socket code: it draws as soon as it can.
    this.loadLifecycle();
    this.wireControls();
  }

  /** Once the terminal and Socket.IO modules are loaded: the console and the connection (and the
   * workspace editor, when the page has one and its modules loaded). */
  connect({ Terminal, FitAddon, io, Workspace = null }) {
    const root = this.root;
    this.socket = io(root.dataset.namespace || '/lab', {
      path: root.dataset.socketPath || '/socket.io',
      withCredentials: true,
      // Which page this console is on (the server may use it to follow a lesson's progress).
      auth: { page: root.dataset.lab, lesson: root.dataset.lesson || null, lang: document.documentElement.lang || 'en' },
    });
    const socket = this.socket;
    this.console = new LabConsole($('console'), {
      Terminal,
      FitAddon,
      conn: {
        connected: () => socket.connected,
        // The terminal shows the `output` messages: the ack need not repeat them (docs/protocol.md).
        run: (line) => runOnce(socket, line),
        input: (data) => socket.emit('input', { data }),
        complete: (line, cursor) => socket.timeout(4000).emitWithAck('complete', { line, cursor }),
      },
      hooks: {
        onStart: (line) => this.onCommandStart(line),
        onEnd: (line, result) => this.onCommandEnd(line, result),
        echoesInterrupt: () => !(this.cmd && this.cmd.attach && this.cmd.attach.tty),
      },
    });
    // The terminal's size on the page (hooks for tests and tools: data-cols, data-rows).
    const host = $('console');
    const size = () => { host.dataset.cols = String(this.console.term.cols); host.dataset.rows = String(this.console.term.rows); };
    this.console.term.onResize(size);
    size();
    this.wireConsoleControls();
    this.wireSocket();
    const files = $('workspace');
    if (files && Workspace) {
      // subscribed before the connection's first messages are handled: `files` comes with them
      this.workspace = new Workspace(files, { socket, toast: (message, tone) => this.toast(message, tone) });
    }
    this.renderInfo(null);
    this.console.start();
    if (this.lesson) this.lesson.attach(socket, this.console);
  }

  // -- set-up ------------------------------------------------------------------------------------------

  async loadLifecycle() {
    // The graph does not wait for the socket: draw it from the JSON endpoint straight away.
    try {
      const res = await fetch(this.root.dataset.lifecycleUrl, { credentials: 'same-origin' });
      if (res.ok && !this.lc) this.setLifecycle(await res.json());
    } catch {
      /* the hello event brings the table too */
    }
  }

  setLifecycle(json) {
    const text = JSON.stringify(json);
    if (text === this.lifecycleText) return;
    this.lifecycleText = text;
    this.lc = new Lifecycle(json);
    const old = this.director;
    this.director = new Director(this.lc);
    if (old) for (const entry of this.timeline.entries) this.director.apply(entry.event, entry.ctx, entry.resolved);
    this.graph.setLifecycle(this.lc);
    if (old) this.graph.renderModel(this.liveTokens());
    if (this.lesson) this.lesson.setLifecycle(this.lc);
    this.root.classList.add('lab--ready');
    this.renderInfo(null);
  }

  wireControls() {
    const speed = $('speed');
    if (speed) {
      speed.value = String(store.get(SPEED_KEY, '1'));
      if (!speed.value) speed.value = '1';
      this.graph.setSpeed(speed.value);
      speed.addEventListener('change', () => {
        store.set(SPEED_KEY, speed.value);
        if (this.mode !== 'replay') this.graph.setSpeed(speed.value);
      });
    }
    const replaySpeed = $('replay-speed');
    if (replaySpeed) {
      replaySpeed.value = String(store.get(REPLAY_SPEED_KEY, '2'));
      if (!replaySpeed.value) replaySpeed.value = '2';
      replaySpeed.addEventListener('change', () => store.set(REPLAY_SPEED_KEY, replaySpeed.value));
    }
    const select = $('container-select');
    if (select) {
      select.addEventListener('change', () => {
        this.graph.selectByName(select.value || null);
        this.renderInfo(null);
      });
    }
    const live = $('back-to-live');
    if (live) live.addEventListener('click', () => this.backToLive());
    const prev = $('time-prev');
    const next = $('time-next');
    if (prev) prev.addEventListener('click', () => this.step(-1));
    if (next) next.addEventListener('click', () => this.step(1));
    const replay = $('replay');
    if (replay) replay.addEventListener('click', () => (this.mode === 'replay' ? this.backToLive() : this.replay()));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.mode !== 'live' && !e.target.closest('#console')) this.backToLive();
    });
  }

  wireConsoleControls() {
    this.shrinkGraph = wireGraphEnlarge(document.querySelector('.panel--graph'), $('graph-enlarge'));
    const sr = $('sr-toggle');
    if (sr) {
      const sync = () => sr.setAttribute('aria-pressed', this.console.screenReaderMode ? 'true' : 'false');
      sync();
      sr.addEventListener('click', () => {
        this.console.setScreenReaderMode(!this.console.screenReaderMode);
        sync();
        this.toast(this.console.screenReaderMode ? t('screen_reader_on') : t('screen_reader_off'));
      });
    }
    const clear = $('console-clear');
    if (clear) clear.addEventListener('click', () => { this.console.clearScreen(); this.console.focus(); });
    const reset = $('reset-sandbox');
    if (reset) {
      let armed = null;
      reset.addEventListener('click', () => {
        if (!armed) {
          reset.textContent = t('reset_confirm');
          reset.classList.add('tool--danger-armed');
          armed = setTimeout(() => {
            armed = null;
            reset.textContent = t('reset');
            reset.classList.remove('tool--danger-armed');
          }, 4000);
          return;
        }
        clearTimeout(armed);
        armed = null;
        reset.textContent = t('reset');
        reset.classList.remove('tool--danger-armed');
        this.socket.emit('reset', {});
        this.console.output(`\x1b[2m${t('reset_done')}\x1b[0m\n`);
      });
    }
  }

  wireSocket() {
    const s = this.socket;
    s.on('connect', () => {
      this.fullNoticed = false;
      this.setStatus('idle', t('ready'));
    });
    s.on('disconnect', () => {
      this.setStatus('offline', t('offline_retrying'));
      $('console').dataset.ready = 'false';
      this.console.abandon(t('connection_lost'));
    });
    s.on('connect_error', (err) => {
      // The server refused us for being full: Socket.IO will not retry on its own, so we do.
      if (err && err.data && err.data.code === 'server_full') this.serverFull(true);
      else this.setStatus('offline', t('offline_retrying'));
    });
    s.on('hello', (data) => this.onHello(data || {}));
    s.on('command', (data) => this.onCommand(data));
    s.on('engine_event', (event) => this.onEvent(event));
    // The events one command caused, in order, in one message (docs/protocol.md).
    s.on('engine_events', (data) => {
      for (const event of (data && Array.isArray(data.events) ? data.events : [])) this.onEvent(event);
    });
    s.on('state', (data) => this.onState(data));
    s.on('output', (data) => this.console.output(data && data.data));
    s.on('error', (data) => {
      if (data && data.code === 'server_full') this.serverFull(false);
      else this.toast((data && data.message) || t('server_error'), 'error');
    });
  }

  /**
   * Every sandbox of the server is in use. Refused at connect: say so and ask again in a while.
   * Refused a command: say so (the console shows the refusal too); the next command may get in.
   */
  serverFull(atConnect) {
    this.toast(t('server_full'), 'error');
    if (!atConnect) {
      this.setStatus('full', t('server_full'));
      return;
    }
    clearInterval(this.fullTimer);
    if (this.console && !this.fullNoticed) this.console.output(`\x1b[33m${t('server_full')}\x1b[0m\n`);
    this.fullNoticed = true; // once, not at every retry
    let left = FULL_RETRY_SECONDS;
    const tick = () => {
      if (this.socket.connected) {
        clearInterval(this.fullTimer);
        return;
      }
      if (left <= 0) {
        clearInterval(this.fullTimer);
        this.setStatus('full', t('connecting'));
        this.socket.connect();
        return;
      }
      this.setStatus('full', t('server_full_retry', { s: left }));
      left -= 1;
    };
    tick();
    this.fullTimer = setInterval(tick, 1000);
  }

  // -- server events -----------------------------------------------------------------------------------

  onHello(data) {
    if (data.lifecycle) this.setLifecycle(data.lifecycle);
    if (!this.lc) return;
    const engine = $('engine-name');
    if (engine && data.engine) engine.textContent = data.engine === 'sim' ? t('engine_sim') : data.engine;
    this.stopReplay();
    this.mode = 'live';
    this.showBanner(null);
    this.director.reset();
    this.timeline.reset(Array.isArray(data.history) ? data.history : []);
    for (const entry of this.timeline.entries) this.director.apply(entry.event, null);
    this.director.flushAll();
    this.graph.autoVanish = true;
    this.graph.renderModel(this.liveTokens());
    this.narration.clear();
    this.updateContainers();
    if (this.console && !this.console.busy) this.setStatus('idle', t('ready'));
    if (this.console) $('console').dataset.ready = 'true'; // page hook, see docs/protocol.md
  }

  liveTokens() {
    return this.director.tokens().filter((c) => c.state !== this.lc.gone);
  }

  onEvent(event) {
    if (!event || !event.Actor || !this.director) return;
    const ctx = this.cmd;
    const entry = this.timeline.add(event, ctx);
    const steps = this.director.apply(event, ctx);
    for (const step of steps) {
      if (step.type === 'move' && step.event === event) entry.resolved = step.to;
    }
    if (ctx && ctx.attach && !ctx.attach.container && event.Action === 'create' && ctx.created && ctx.created.has(event.Actor.ID)) {
      ctx.attach.container = eventContainerName(event);
      this.showBusy(ctx);
    }
    if (this.mode === 'live') for (const step of steps) this.graph.play(step);
    else if (this.mode === 'past') this.newWhilePast();
    if (this.reconcileTimer) this.scheduleReconcile();
    if (steps.some((s) => s.type === 'spawn' || s.type === 'rename')) this.updateContainers();
  }

  onState(data) {
    const list = Array.isArray(data) ? data : (data && Array.isArray(data.containers) ? data.containers : null);
    if (!list) return;
    this.snapshot = list;
    this.scheduleReconcile();
  }

  scheduleReconcile() {
    clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = null;
      this.reconcile();
    }, RECONCILE_DELAY);
  }

  reconcile() {
    if (!this.snapshot || !this.director) return;
    const steps = this.director.reconcile(this.snapshot, this.cmd || this.recent);
    for (const step of steps) {
      if (step.type === 'move') {
        // Remember the correction, so rewinds and replays draw the same thing.
        const entry = this.timeline.lastFor(step.id);
        if (entry && this.lc.isMoving(entry.event.Action)) entry.resolved = step.to;
      }
      if (this.mode === 'live') this.graph.play(step);
    }
    this.updateContainers();
  }

  // -- the console -----------------------------------------------------------------------------------

  onCommandStart(line) {
    // Nothing is known of the line until the server's `command` message (it precedes the events).
    this.cmd = commandContext(line);
    this.showBusy(this.cmd);
  }

  /** The server's summary of the line that is running, sent before any of its output or events. */
  onCommand(data) {
    if (!data || !this.cmd || data.line !== this.cmd.line) return;
    this.cmd = commandContext(data.line, data.parsed);
    this.showBusy(this.cmd);
  }

  showBusy(info) {
    const a = info.attach;
    if (a && a.stdin) {
      const who = a.container || t('the_container');
      this.setStatus('attached', t(info.command === 'exec' ? 'exec_status' : 'attached_status', { name: who }));
    } else if (a) {
      this.setStatus('busy', t('watching_status', { name: a.container || t('the_container') }));
    } else {
      this.setStatus('busy', t('running_status'));
    }
    const el = $('console-status');
    if (el) el.title = info.line;
  }

  onCommandEnd(line, result) {
    // The ack repeats the summary: enough when the `command` message did not come (an older server).
    const info = this.cmd && this.cmd.command ? this.cmd : commandContext(line, result && result.parsed);
    this.cmd = null;
    this.recent = info;
    setTimeout(() => { if (this.recent === info) this.recent = null; }, 2500);
    if (this.director) {
      for (const step of this.director.flushAll()) if (this.mode === 'live') this.graph.play(step);
    }
    const online = this.socket && this.socket.connected;
    if (result && result.code === 'server_full') this.setStatus('full', t('server_full'));
    else this.setStatus(online ? 'idle' : 'offline', online ? t('ready') : t('offline_retrying'));
    if (!this.director) return;
    // Select the container the learner just worked with, so a click on an edge targets it.
    let name = null;
    if (info.created && info.created.size) {
      const id = [...info.created].pop();
      const c = this.director.find(id);
      if (c && c.state !== this.lc.gone) name = c.name;
    } else {
      const c = [...this.director.model.values()].find((x) => x.state !== this.lc.gone && mentions(info, x));
      if (c) name = c.name;
    }
    if (name) {
      this.graph.selectByName(name);
      this.updateContainers();
      if (!this.infoDetail) this.renderInfo(null);
    }
    if (Number(result.exit_code) !== 0 && !result.lost) this.explainRefusal(result.parsed);
  }

  /**
   * A refused command: show which state it needs and the edge that is not there. The server's
   * summary of the command (the `parsed` field of the `run` ack) says whether the lifecycle refused it.
   */
  explainRefusal(parsed) {
    const refusal = parsed && parsed.refused ? parsed.refusal : null;
    if (!refusal) return;
    const target = this.director.find(null, refusal.container);
    const edges = this.lc.visible.filter((t) => t.edge === parsed.edge);
    if (!target || !edges.length || !this.lc.byId.has(refusal.state)) return;
    const need = refusal.need;
    const clean = String(refusal.message || '').replace(/^Error response from daemon:\s*/i, '').replace(/^docker:\s*/i, '');
    this.graph.flashRefusal({ from: refusal.state, t: edges[0], need, id: target.id });
    const needText = need.map((s) => this.lc.label(s)).join(t('refused_or'));
    const sentence = t('refused_sentence', {
      verb: parsed.command, name: target.name, state: this.lc.label(refusal.state), edge: edges[0].edge, need: needText,
    });
    this.narration.say(sentence, 'refused');
    this.renderInfo({ kind: 'refused', sentence, reason: clean });
  }

  // -- the graph -----------------------------------------------------------------------------------------

  onMove(step) {
    if (this.mode === 'past') return;
    const sentence = describeMove(step, this.lc);
    this.narration.say(this.mode === 'replay' ? t('narrate_replay', { sentence }) : sentence);
    this.updateContainers();
  }

  /** A health check's verdict changed (or a start reset it): one sentence, toned by the verdict. */
  onHealth(step) {
    if (this.mode === 'past') return;
    const sentence = t(`narrate_health_${step.health}`, { name: step.name });
    const tone = step.health === 'unhealthy' ? 'refused' : 'move';
    this.narration.say(this.mode === 'replay' ? t('narrate_replay', { sentence }) : sentence, tone);
  }

  onSelect(name) {
    const select = $('container-select');
    if (select) select.value = name || '';
    this.renderInfo(null);
  }

  onEdge(edge) {
    if (edge.trigger !== 'command') {
      this.renderInfo({ kind: 'edge', t: edge, note: t('info_not_a_command', { edge: edge.label, cause: edge.cause }) });
      return;
    }
    if (this.mode !== 'live') this.backToLive(); // a command acts on the present
    const selected = this.graph.selectedToken();
    let container = null;
    if (/\bNAME\b/.test(edge.command)) {
      // The container the arrow can move: the selected one if it is where the arrow starts, else
      // the first one there. None there: say so rather than type half a command.
      const here = edge.src ? this.graph.tokensIn(edge.src) : [];
      container = selected && selected.state === edge.src ? selected : here[0] || null;
      if (!container) {
        this.explainNoContainer(edge);
        return;
      }
      if (container !== selected) {
        this.graph.selectByName(container.name); // the learner sees which container it is for
        this.updateContainers();
      }
    } else if (/\bIMAGE\b/.test(edge.command)) {
      container = { name: '', image: (selected && selected.image) || 'ubuntu:20.04' };
    }
    if (container && !container.image) container = { ...container, image: 'ubuntu:20.04' };
    const cmd = this.lc.commandFor(edge, container);
    if (!cmd) return;
    // The command goes on the console's line: the console comes back into view for it.
    if (this.console && !this.console.busy) this.shrinkGraph();
    if (!this.console || !this.console.setLine(cmd)) {
      this.toast(t('busy_toast'));
      return;
    }
    this.renderInfo({ kind: 'edge', t: edge, note: t('on_the_line', { cmd: cmd.trim() }) });
    // The line is drawn in the terminal, which screen-reader mode keeps quiet: say what is on it.
    if (this.console.screenReaderMode) this.console.speech.say(t('on_the_line', { cmd: cmd.trim() }));
  }

  /** An arrow clicked with no container where it starts: which state it needs, and how to get there. */
  explainNoContainer(edge) {
    const state = this.lc.label(edge.src);
    const into = unique(this.lc.visible
      .filter((x) => x.dst === edge.src && x.src !== edge.src && x.trigger === 'command')
      .map((x) => this.lc.commandFor(x, x.command.includes('IMAGE') ? { name: '', image: 'nginx' } : null))
      .filter(Boolean)
      .map((c) => c.replace(/\s*\bNAME\b.*$/, '').trim()));
    const how = into.length > 1 ? `${into.slice(0, -1).join(', ')}${t('refused_or')}${into[into.length - 1]}` : into.join('');
    const sentence = how
      ? t('edge_no_container', { state, edge: edge.label, how })
      : t('edge_no_container_plain', { state, edge: edge.label });
    this.narration.say(sentence, 'refused');
    this.renderInfo({ kind: 'edge', t: edge, note: sentence });
  }

  renderInfo(detail) {
    const el = this.info;
    this.infoDetail = detail;
    if (!el || !this.lc) return;
    const selected = this.graph.selectedToken();
    if (!detail) {
      const hint = selected
        ? [h('strong', {}, `${t('tip')} `), ...tParts('tip_selected', { name: h('code', {}, selected.name) })]
        : [h('strong', {}, `${t('tip')} `), t('tip_default')];
      replaceChildren(el, h('p', { class: 'info-hint' }, ...hint));
      return;
    }
    if (detail.kind === 'state') {
      const s = detail.state;
      const here = this.graph.tokensIn(s.id).map((t) => t.name);
      const out = this.lc.edgesFrom(s.id).filter((t) => t.trigger === 'command').map((t) => t.edge);
      replaceChildren(el,
        h('p', { class: 'info-title' }, h('span', { class: `info-dot info-dot--${s.id}` }), s.label, s.docker ? h('span', { class: 'info-docker' }, t('info_docker_says', { docker: s.docker })) : ''),
        h('p', {}, s.summary),
        h('p', { class: 'info-meta' }, here.length ? t('info_here', { names: here.join(', ') }) : t('info_here_none'),
          out.length ? t('info_from_here', { edges: unique(out).join(', ') }) : ''));
      return;
    }
    if (detail.kind === 'edge') {
      const e = detail.t;
      const from = e.src === null ? t('graph_registry') : this.lc.label(e.src);
      const cmd = e.trigger === 'command' ? this.lc.commandFor(e, selected) : null;
      replaceChildren(el,
        h('p', { class: 'info-title' }, h('code', {}, e.label), ` ${from} → ${this.lc.label(e.dst)}`,
          h('span', { class: 'info-docker' }, e.trigger === 'command' ? t('info_a_command') : t('info_on_its_own'))),
        h('p', {}, e.summary),
        h('p', { class: 'info-meta' }, detail.note || (cmd ? t('info_click_to_type', { cmd: cmd.trim() }) : t('info_caused_by', { cause: e.cause })),
          e.events.length ? t('info_events', { list: e.events.join(', ') }) : ''));
      return;
    }
    if (detail.kind === 'token') {
      const c = detail.token;
      replaceChildren(el,
        h('p', { class: 'info-title' }, h('span', { class: 'info-swatch', 'data-shape': c.shape }), c.name,
          h('span', { class: 'info-docker' }, ` · ${c.image || t('info_image_unknown')} · ${c.shapeName}`)),
        h('p', {}, c.status ? t('info_token_status', { state: this.lc.fullLabel(c.state), status: c.status })
          : t('info_token_state', { state: this.lc.fullLabel(c.state) })),
        c.health ? h('p', {}, t(`health_${c.health}`)) : '',
        h('p', { class: 'info-meta' }, t('info_token_hint')));
      return;
    }
    if (detail.kind === 'refused') {
      replaceChildren(el,
        h('p', { class: 'info-title info-title--refused' }, t('refused_title')),
        h('p', {}, detail.sentence),
        detail.reason ? h('p', { class: 'info-meta' }, t('docker_said', { reason: detail.reason })) : '');
    }
  }

  updateContainers() {
    const select = $('container-select');
    if (!select || !this.director) return;
    const names = unique([...this.director.model.values()].filter((c) => c.state !== this.lc.gone).map((c) => c.name)).sort();
    const current = this.graph.selected && names.includes(this.graph.selected) ? this.graph.selected : '';
    const have = [...select.options].map((o) => o.value).slice(1);
    if (have.join('\n') !== names.join('\n')) {
      while (select.options.length > 1) select.remove(1);
      for (const n of names) select.appendChild(h('option', { value: n }, n));
    }
    select.options[0].textContent = names.length ? t('none') : t('none_yet');
    select.value = current;
    if (!current && this.graph.selected && !names.includes(this.graph.selected)) this.graph.selectByName(null);
  }

  // -- time travel -----------------------------------------------------------------------------------

  rewind(index) {
    if (!this.lc || !this.timeline.entries[index]) return;
    this.stopReplay();
    if (this.mode !== 'past') this.pastNew = 0;
    this.mode = 'past';
    this.pastIndex = index;
    this.graph.autoVanish = false;
    this.graph.renderModel(modelAt(this.lc, this.timeline.entries, index));
    this.timeline.markCurrent(index);
    this.pastBanner();
  }

  /** The banner over a past moment: which one, and how much happened since we went back. */
  pastBanner() {
    const entry = this.timeline.entries[this.pastIndex];
    if (!entry) return;
    const name = eventContainerName(entry.event);
    let text = t('viewing_past', {
      what: `${entry.event.Action}${name ? ` ${name}` : ''}`,
      time: eventTime(entry.event).slice(11, 23),
      n: entry.index + 1,
      total: this.timeline.entries.length,
    });
    if (this.pastNew) text += ` · ${this.pastNew === 1 ? t('past_new_event') : t('past_new_events', { n: this.pastNew })}`;
    this.showBanner('past', text);
    const banner = $('time-banner');
    if (banner) banner.dataset.newEvents = String(this.pastNew);
  }

  /** An event arrived while the graph shows the past: the graph stays, the banner says so. */
  newWhilePast() {
    this.pastNew += 1;
    if (this.pastNew === 1) this.narration.say(t('narrate_past_new'), 'wait');
    this.pastBanner();
  }

  step(delta) {
    const n = this.timeline.entries.length;
    if (!n) return;
    const from = this.mode === 'past' ? this.pastIndex : n;
    const to = Math.max(0, Math.min(n - 1, from + delta));
    this.rewind(to);
  }

  backToLive() {
    if (!this.lc) return;
    this.stopReplay();
    this.mode = 'live';
    this.graph.autoVanish = true;
    const speed = $('speed');
    this.graph.setSpeed(speed ? speed.value : 1);
    this.graph.renderModel(this.liveTokens());
    this.timeline.markCurrent(null);
    this.pastNew = 0;
    this.showBanner(null);
    const banner = $('time-banner');
    if (banner) banner.dataset.newEvents = '0';
    this.updateContainers();
  }

  stopReplay() {
    if (this.replayRun) {
      this.replayRun.cancelled = true;
      this.replayRun = null;
    }
    const button = $('replay');
    if (button) {
      button.textContent = t('replay');
      button.setAttribute('aria-pressed', 'false');
    }
  }

  async replay() {
    const entries = this.timeline.entries.slice();
    if (!entries.length || !this.lc) {
      this.toast(t('nothing_to_replay'));
      return;
    }
    this.stopReplay();
    const run = { cancelled: false };
    this.replayRun = run;
    this.mode = 'replay';
    const speedEl = $('replay-speed');
    const speed = Math.max(0.25, Number(speedEl ? speedEl.value : 2) || 2);
    const button = $('replay');
    if (button) {
      button.textContent = t('stop_replay');
      button.setAttribute('aria-pressed', 'true');
    }
    this.graph.autoVanish = true;
    this.graph.setSpeed(speed);
    this.graph.renderModel([]);
    const director = new Director(this.lc);
    this.showBanner('replay', t('replaying', { n: entries.length, speed }));
    for (let i = 0; i < entries.length; i += 1) {
      if (run.cancelled) return;
      const { event, ctx, resolved } = entries[i];
      this.timeline.markCurrent(entries[i].index);
      const steps = director.apply(event, ctx, resolved);
      await Promise.all(steps.map((s) => this.graph.play(s)));
      if (run.cancelled) return;
      const next = entries[i + 1];
      const gap = next ? Math.min(2000, Math.max(120, ((next.time - entries[i].time) * 1000) / speed)) : 0;
      if (gap) await new Promise((resolve) => { setTimeout(resolve, gap); });
    }
    for (const s of director.flushAll()) await this.graph.play(s);
    if (run.cancelled) return;
    this.showBanner('replay', t('replay_finished'));
    await new Promise((resolve) => { setTimeout(resolve, 1200); });
    if (!run.cancelled) this.backToLive();
  }

  showBanner(kind, text = '') {
    const banner = $('time-banner');
    if (!banner) return;
    banner.hidden = !kind;
    banner.dataset.kind = kind || '';
    this.root.classList.toggle('lab--past', Boolean(kind));
    const label = $('time-banner-text');
    if (label) label.textContent = text;
    const prev = $('time-prev');
    const next = $('time-next');
    if (prev) prev.hidden = kind !== 'past';
    if (next) next.hidden = kind !== 'past';
  }

  // -- status and messages -----------------------------------------------------------------------------

  setStatus(kind, text) {
    const el = $('console-status');
    if (el) {
      el.dataset.state = kind;
      // A live region (role="status"): the same words set again would be read again.
      if (el.textContent !== text) el.textContent = text;
    }
    const conn = $('conn-status');
    if (conn) {
      const online = kind !== 'offline' && (kind !== 'full' || Boolean(this.socket && this.socket.connected));
      conn.dataset.state = online ? 'online' : 'offline';
      const label = conn.querySelector('.conn-label');
      if (label) label.textContent = online ? t('conn_online') : t('conn_offline');
    }
  }

  toast(message, tone = 'info') {
    const region = $('toasts');
    if (!region) return;
    const item = h('div', { class: `toast toast--${tone}` }, message);
    region.appendChild(item);
    while (region.children.length > 3) region.firstElementChild.remove();
    setTimeout(() => item.classList.add('toast--leaving'), 5200);
    setTimeout(() => item.remove(), 5600);
  }
}

/**
 * The workspace editor's module. It is a page's extra: the console works without it. A fetch that
 * failed (the network blinked) is tried once more under another URL, since the browser remembers a
 * module that failed; then the panel says the editor could not load.
 */
async function loadEditor(url) {
  if (!url) return null;
  try {
    return await import(url);
  } catch {
    try {
      return await import(`${url}${url.includes('?') ? '&' : '?'}retry=1`);
    } catch (err) {
      console.warn(err); // eslint-disable-line no-console
      const box = document.getElementById('workspace-error');
      if (box) {
        box.textContent = t('editor_failed');
        box.hidden = false;
      }
      return null;
    }
  }
}

async function boot(root) {
  // The separators first: the console opens at the size the learner chose last time.
  installSplits(root);
  const lab = new Lab(root);
  window.lifecycleLab = lab; // handy in the browser console; nothing depends on it
  const editor = document.getElementById('workspace') ? loadEditor(root.dataset.editor) : null;
  const [xterm, fit, sio, workspace] = await Promise.all([
    import(root.dataset.xterm),
    import(root.dataset.fit),
    import(root.dataset.socketio),
    editor,
  ]);
  lab.connect({ Terminal: xterm.Terminal, FitAddon: fit.FitAddon, io: sio.io,
    Workspace: workspace ? workspace.Workspace : null });
}

const root = document.querySelector('[data-lab]');
if (root) {
  boot(root).catch((err) => {
    const host = document.getElementById('console');
    if (host) {
      host.replaceChildren(h('p', { class: 'console-error' },
        t('console_failed', { error: err && err.message ? err.message : err })));
    }
    console.error(err); // eslint-disable-line no-console
  });
}
