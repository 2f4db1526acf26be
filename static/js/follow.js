// A learner in a class: the instructor's console and lifecycle graph, live and read-only, beside the
// learner's own sandbox (app.js drives that one). Also the lesson step the instructor sends everyone
// to, with its progress, and the switch between following and working alone.
//
// Namespace /class (protocol in webapp/classroom/live.py). The instructor's console arrives as `mirror`
// messages numbered by `seq`: a `hello` snapshot, then `output`, `event` and `state` changes. Changes
// the snapshot already holds are dropped; a gap in the numbers asks for a fresh snapshot (`sync`).

import { TERMINAL_FONT, THEME } from './console.js';
import { h, replaceChildren, store } from './dom.js';
import { Graph } from './graph.js';
import { t, tOr } from './i18n.js';
import { Director, Lifecycle } from './lifecycle.js';
import { describeMove, Narration } from './narration.js';
import { installTerminalStyles } from './xterm-csp.js';

const VIEW_KEY = 'lifecycle-lab.class-view';
const $ = (id) => document.getElementById(id);

function toast(message, tone = 'info') {
  const region = $('toasts');
  if (!region) return;
  const item = h('div', { class: `toast toast--${tone}` }, message);
  region.appendChild(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  setTimeout(() => item.remove(), 5600);
}

function setStatus(kind, text) {
  const el = $('class-status');
  if (!el) return;
  el.dataset.state = kind;
  el.textContent = text;
}

/** The instructor's console and graph, rebuilt from a snapshot and kept up to date by changes. */
class Mirror {
  constructor({ Terminal, FitAddon, lifecycle, onGap }) {
    this.lc = new Lifecycle(lifecycle);
    this.director = new Director(this.lc);
    this.narration = new Narration($('instructor-narration'));
    this.graph = new Graph($('instructor-graph'), {
      idPrefix: 'ig-',
      onMove: (step) => this.narration.say(describeMove(step, this.lc)),
    });
    this.graph.autoVanish = true;
    this.graph.setLifecycle(this.lc);
    this.seq = null; // null until the first snapshot
    this.pending = [];
    this.onGap = onGap;
    installTerminalStyles('.console .xterm', THEME, TERMINAL_FONT);
    this.term = new Terminal({
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: 'underline',
      // The lab console's look: its theme and font (the same constructed stylesheet, scoped to
      // `.console .xterm`, colours the text; the theme here paints the background xterm owns).
      ...TERMINAL_FONT,
      theme: THEME,
      lineHeight: 1.15,
      scrollback: 3000,
      minimumContrastRatio: 1,
    });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    const host = $('instructor-console');
    this.term.open(host);
    const textarea = host.querySelector('textarea');
    if (textarea) {
      textarea.setAttribute('aria-label', t('instructor_console_label'));
      textarea.setAttribute('tabindex', '-1');
    }
    this.refit();
    if (window.ResizeObserver) new ResizeObserver(() => this.refit()).observe(host);
  }

  refit() {
    try {
      if (this.term.element && this.term.element.offsetParent !== null) this.fit.fit();
    } catch {
      /* hidden: fitted when shown again */
    }
  }

  receive(msg) {
    if (!msg || typeof msg.seq !== 'number') return;
    if (msg.kind === 'hello') {
      this.hello(msg);
      return;
    }
    if (this.seq === null) {
      this.pending.push(msg);
      return;
    }
    if (msg.seq <= this.seq) return; // already in the snapshot
    if (msg.seq > this.seq + 1) {
      this.pending.push(msg);
      this.onGap();
      return;
    }
    this.apply(msg);
  }

  hello(msg) {
    this.seq = msg.seq;
    this.director.reset();
    for (const event of msg.history || []) this.director.apply(event, null);
    this.director.flushAll();
    this.director.reconcile(msg.containers || []);
    this.director.flushAll();
    this.graph.renderModel(this.director.tokens().filter((c) => c.state !== this.lc.gone));
    this.term.reset();
    if (msg.screen) this.term.write(msg.screen);
    const waiting = this.pending.filter((m) => m.seq > this.seq).sort((a, b) => a.seq - b.seq);
    this.pending = [];
    for (const m of waiting) {
      if (m.seq === this.seq + 1) this.apply(m);
    }
    const pill = $('instructor-status');
    if (pill) {
      pill.dataset.state = 'idle';
      pill.textContent = t('instructor_live');
    }
  }

  apply(msg) {
    this.seq = msg.seq;
    if (msg.kind === 'output') {
      this.term.write(String(msg.data || ''));
    } else if (msg.kind === 'event') {
      const event = msg.data;
      if (!event || !event.Actor) return;
      for (const step of this.director.apply(event, null)) this.graph.play(step);
    } else if (msg.kind === 'state') {
      clearTimeout(this.reconcileTimer);
      const list = Array.isArray(msg.data) ? msg.data : [];
      this.reconcileTimer = setTimeout(() => {
        for (const step of this.director.flushAll()) this.graph.play(step);
        for (const step of this.director.reconcile(list)) this.graph.play(step);
      }, 120);
    }
  }

  stop(text) {
    const pill = $('instructor-status');
    if (pill) {
      pill.dataset.state = 'offline';
      pill.textContent = text;
    }
  }
}

/** The lesson step the instructor sent everyone to, with this learner's progress on it. */
class ClassLesson {
  constructor(root, io) {
    this.root = root;
    this.io = io;
    this.panel = $('class-lesson');
    this.socket = null;
    this.lesson = null;
    this.title = null;
    this.focusStep = null;
  }

  /** Open the lesson the instructor chose; returns its title in the page's language. */
  async show(focus) {
    if (!focus || !focus.lesson) return null;
    this.focusStep = focus.step || null;
    if (this.lesson !== focus.lesson) {
      const res = await fetch(`/api/lessons/${encodeURIComponent(focus.lesson)}`, { credentials: 'same-origin' });
      if (!res.ok) return null;
      const view = await res.json();
      this.lesson = focus.lesson;
      this.render(view);
      this.open();
    }
    this.markFocus();
    return this.title;
  }

  render(view) {
    this.title = view.title;
    $('class-lesson-title').textContent = view.title;
    const items = (view.steps || []).map((step, i) => {
      const body = h('div', { class: 'step-body prose' });
      body.innerHTML = step.html || ''; // the lesson's own Markdown, rendered by our server
      const li = h('li', { class: 'step', dataset: { step: step.id, done: step.done ? 'true' : 'false' } },
        h('div', { class: 'step-head' }, h('span', { class: 'step-check', 'aria-hidden': 'true' }),
          h('h3', { class: 'step-title' }, step.title || t('step_n', { n: i + 1 }))),
        body);
      if (step.solution) {
        const button = h('button', { type: 'button', class: 'tool step-solution' }, t('type_it_for_me'));
        button.addEventListener('click', () => {
          const lab = window.lifecycleLab;
          if (lab && lab.console && lab.console.setLine(step.solution)) lab.console.focus();
        });
        li.appendChild(button);
      }
      return li;
    });
    replaceChildren($('class-steps'), items);
    // The lesson text's click-to-type command buttons put their command on the learner's console.
    for (const button of $('class-steps').querySelectorAll('button.run-command[data-command]')) {
      button.addEventListener('click', () => {
        const lab = window.lifecycleLab;
        if (lab && lab.console && lab.console.setLine(button.dataset.command)) lab.console.focus();
      });
    }
    this.panel.hidden = false;
  }

  markFocus() {
    for (const li of $('class-steps').children) {
      const on = li.dataset.step === this.focusStep;
      li.dataset.focus = on ? 'true' : 'false';
      li.classList.toggle('step--current', on);
      if (on) li.scrollIntoView({ block: 'nearest' });
    }
  }

  /** A console of its own on the learner's sandbox, so the server reports this lesson's progress. */
  open() {
    const root = this.root;
    if (!this.socket) {
      this.socket = this.io(root.dataset.namespace || '/lab', {
        path: root.dataset.socketPath || '/socket.io',
        withCredentials: true,
        forceNew: true,
        auth: { page: 'class-lesson', lesson: this.lesson },
      });
      this.socket.on('progress', (p) => this.progress(p));
      this.socket.on('connect', () => this.socket.emit('lesson', { id: this.lesson }, (p) => this.progress(p)));
    } else if (this.socket.connected) {
      this.socket.emit('lesson', { id: this.lesson }, (p) => this.progress(p));
    }
  }

  progress(p) {
    if (!p || p.lesson !== this.lesson) return;
    const done = new Set(p.done || []);
    for (const li of $('class-steps').children) li.dataset.done = done.has(li.dataset.step) ? 'true' : 'false';
  }
}

function setupViews(socket) {
  const main = document.querySelector('[data-lab]');
  const buttons = [...document.querySelectorAll('[data-view-button]')];
  const apply = (view, tell = true) => {
    main.dataset.view = view;
    for (const b of buttons) b.setAttribute('aria-pressed', b.dataset.viewButton === view ? 'true' : 'false');
    store.set(VIEW_KEY, view);
    if (tell && socket.connected) socket.emit('follow', { on: view !== 'own' });
    window.dispatchEvent(new Event('resize'));
  };
  for (const b of buttons) b.addEventListener('click', () => apply(b.dataset.viewButton));
  const saved = store.get(VIEW_KEY, 'both');
  apply(['both', 'follow', 'own'].includes(saved) ? saved : 'both', false);
  socket.on('connect', () => socket.emit('follow', { on: main.dataset.view !== 'own' }));
}

async function boot() {
  const bar = document.querySelector('[data-class][data-role="learn"]');
  const root = document.querySelector('[data-lab]');
  if (!bar || !root) return;
  const [xterm, fit, sio, lifecycle] = await Promise.all([
    import(root.dataset.xterm),
    import(root.dataset.fit),
    import(root.dataset.socketio),
    fetch(root.dataset.lifecycleUrl, { credentials: 'same-origin' }).then((r) => r.json()),
  ]);
  let socket = null;
  let syncing = false;
  const mirror = new Mirror({
    Terminal: xterm.Terminal,
    FitAddon: fit.FitAddon,
    lifecycle,
    onGap: () => {
      if (syncing || !socket) return;
      syncing = true;
      socket.emit('sync', {}, () => { syncing = false; });
    },
  });
  const lesson = new ClassLesson(root, sio.io);
  socket = sio.io(bar.dataset.classNamespace || '/class', {
    path: root.dataset.socketPath || '/socket.io',
    withCredentials: true,
    auth: { code: bar.dataset.class, role: 'learn', name: bar.dataset.name },
  });
  window.lifecycleClass = { socket, mirror, lesson }; // handy in the browser console
  setupViews(socket);
  let ended = false;
  socket.on('connect', () => setStatus('live', t('following_live')));
  socket.on('disconnect', () => {
    if (!ended) setStatus('offline', t('offline_retrying'));
    mirror.seq = null;
  });
  socket.on('connect_error', (err) => setStatus('offline', (err && err.message) || t('conn_offline')));
  socket.on('class', (info) => { if (info && info.focus) lesson.show(info.focus); });
  socket.on('mirror', (msg) => mirror.receive(msg));
  socket.on('goto', (focus) => {
    // The lesson's title in the page's language once it is loaded (the server's is English).
    lesson.show(focus).then((title) => toast(t('sent_to', { title: title || focus.title })),
      () => toast(t('sent_to', { title: focus.title })));
  });
  // A notice may name its label (`key`); the server's English text is the fallback.
  socket.on('notice', (data) => toast(data ? tOr(data.key || '', data.message || '') : ''));
  socket.on('error', (data) => toast((data && data.message) || t('server_error'), 'error'));
  socket.on('ended', () => {
    ended = true;
    setStatus('ended', t('class_ended_learner'));
    mirror.stop(t('class_ended_pill'));
    socket.disconnect();
  });
  try {
    const focus = JSON.parse(bar.dataset.focus || 'null');
    if (focus) lesson.show(focus);
  } catch {
    /* no focus yet */
  }
}

boot().catch((err) => {
  setStatus('offline', t('class_failed', { error: err && err.message ? err.message : err }));
  console.error(err); // eslint-disable-line no-console
});
