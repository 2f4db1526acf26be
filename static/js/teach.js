// The instructor's class view: the dashboard of learners (rows, heat map, who is stuck), sending
// everyone to a lesson step, resetting every sandbox, ending the class, and presenter mode. The
// instructor's own console and graph are the ordinary lab (app.js) on the same page.
//
// Namespace /class (protocol in webapp/classroom/live.py); the server checks the instructor secret in
// the session cookie before it sends a dashboard or accepts a command.

import { THEME } from './console.js';
import { h, replaceChildren } from './dom.js';
import { t, tOr } from './i18n.js';

const STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'dead'];
const REFRESH_MS = 10000; // "stuck" depends on time passing: the whole dashboard now and then
const PRESENTER_FONT = 22; // the same size is in teach.css (body.presenter .console .xterm-rows)
// Presenter mode's page is black: so is its console, all of it (xterm paints its own background).
const PRESENTER_THEME = { ...THEME, background: '#000000', cursorAccent: '#000000' };
const $ = (id) => document.getElementById(id);
const stateName = (s) => tOr(`state_${s}`, s);

/** Why a learner counts as stuck, in the page's language (the server's English as a fallback). */
function stuckReason(v) {
  if (v.stuck_kind === 'errors') return t('stuck_errors', { n: v.errors_in_row });
  if (v.stuck_kind === 'quiet') return t('stuck_quiet', { n: v.quiet_minutes });
  return v.stuck_reason || '';
}

function toast(message, tone = 'info') {
  const region = $('toasts');
  if (!region) return;
  const item = h('div', { class: `toast toast--${tone}` }, message);
  region.appendChild(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  setTimeout(() => item.remove(), 5600);
}

/** A button that needs a second click within 4 s (destructive actions). */
function armed(button, label, action) {
  let timer = null;
  const original = button.textContent;
  button.addEventListener('click', () => {
    if (!timer) {
      button.textContent = label;
      button.classList.add('tool--danger-armed');
      timer = setTimeout(() => {
        timer = null;
        button.textContent = original;
        button.classList.remove('tool--danger-armed');
      }, 4000);
      return;
    }
    clearTimeout(timer);
    timer = null;
    button.textContent = original;
    button.classList.remove('tool--danger-armed');
    action();
  });
}

class Dashboard {
  constructor(bar, lessons) {
    this.bar = bar;
    this.lessons = lessons;
    this.rows = new Map(); // name -> view
    this.body = $('learners');
    this.ended = false;
  }

  lessonTitle(id) {
    const found = this.lessons.find((l) => l.id === id);
    return found ? found.title : id;
  }

  stepTitle(lessonId, stepId) {
    const lesson = this.lessons.find((l) => l.id === lessonId);
    const step = lesson && lesson.steps.find((s) => s.id === stepId);
    return step ? step.title : stepId;
  }

  load(data) {
    if (!data || !Array.isArray(data.learners)) return;
    this.rows = new Map(data.learners.map((v) => [v.name, v]));
    this.render();
  }

  update(view) {
    if (!view || !view.name) return;
    this.rows.set(view.name, view);
    this.renderRow(view);
    this.renderSummary();
  }

  render() {
    const names = [...this.rows.keys()].sort((a, b) => a.localeCompare(b));
    const keep = new Set(names);
    for (const tr of [...this.body.children]) if (!keep.has(tr.dataset.learner)) tr.remove();
    for (const name of names) this.renderRow(this.rows.get(name));
    this.renderSummary();
  }

  rowFor(name) {
    for (const tr of this.body.children) if (tr.dataset.learner === name) return tr;
    const tr = h('tr', { dataset: { learner: name } });
    const after = [...this.body.children].find((x) => x.dataset.learner.localeCompare(name) > 0);
    this.body.insertBefore(tr, after || null);
    return tr;
  }

  renderRow(v) {
    const tr = this.rowFor(v.name);
    tr.dataset.connected = v.connected ? 'true' : 'false';
    tr.dataset.stuck = v.stuck ? 'true' : 'false';
    tr.dataset.following = v.following ? 'true' : 'false';
    tr.dataset.lesson = v.lesson || '';
    tr.dataset.step = v.step || '';
    const chips = STATES.filter((s) => v.containers[s]).map((s) => h('span', {
      class: 'state-chip', dataset: { state: s, count: String(v.containers[s]) },
    }, `${stateName(s)} ${v.containers[s]}`));
    const lesson = v.lesson
      ? [h('span', { class: 'learner-lesson' }, this.lessonTitle(v.lesson)),
        h('span', { class: 'learner-step' }, v.completed ? t('learner_completed') : ` · ${this.stepTitle(v.lesson, v.step) || '—'}`),
        h('span', { class: 'learner-count' }, ` (${v.steps_done}/${v.steps_total})`)]
      : [h('span', { class: 'muted' }, t('learner_no_lesson'))];
    const error = v.last_error
      ? h('span', { class: 'learner-error', title: v.last_error.message }, h('code', {}, v.last_error.line), ' ', v.last_error.message)
      : h('span', { class: 'muted' }, '—');
    let status;
    if (!v.connected) status = h('span', { class: 'learner-status learner-status--offline' }, t('learner_offline'));
    else if (v.stuck) status = h('span', { class: 'learner-status learner-status--stuck' }, t('learner_stuck', { reason: stuckReason(v) }));
    else status = h('span', { class: 'learner-status learner-status--ok' }, v.following ? t('learner_following') : t('learner_alone'));
    replaceChildren(tr,
      h('th', { scope: 'row' }, h('span', { class: 'learner-dot', 'aria-hidden': 'true' }), v.name),
      h('td', {}, ...lesson),
      h('td', { class: 'learner-containers' }, chips.length ? chips : h('span', { class: 'muted' }, t('none'))),
      h('td', {}, error),
      h('td', {}, status));
  }

  renderSummary() {
    const views = [...this.rows.values()];
    $('learner-count').textContent = String(views.length);
    $('online-count').textContent = String(views.filter((v) => v.connected).length);
    $('stuck-count').textContent = String(views.filter((v) => v.stuck).length);
    $('dashboard-empty').hidden = views.length > 0;
    const total = Math.max(1, views.length);
    const cells = STATES.map((s) => {
      const count = views.filter((v) => (v.containers[s] || 0) > 0).length;
      const level = count ? Math.min(4, Math.ceil((count / total) * 4)) : 0;
      return h('div', { class: 'heat', dataset: { heatState: s, count: String(count), level: String(level) }, title: t('heat_title', { count, total: views.length, state: stateName(s) }) },
        h('span', { class: 'heat-state' }, stateName(s)), h('span', { class: 'heat-count' }, String(count)));
    });
    replaceChildren($('heatmap'), cells);
  }
}

function setStatus(kind, text) {
  const el = $('class-status');
  if (!el) return;
  el.dataset.state = kind;
  el.textContent = text;
}

function setupGoto(socket, lessons) {
  const lessonSel = $('goto-lesson');
  const stepSel = $('goto-step');
  const fill = () => {
    const lesson = lessons.find((l) => l.id === lessonSel.value);
    replaceChildren(stepSel, (lesson ? lesson.steps : []).map((s, i) => h('option', { value: s.id }, `${i + 1}. ${s.title}`)));
  };
  lessonSel.addEventListener('change', fill);
  fill();
  $('goto-form').addEventListener('submit', (e) => {
    e.preventDefault();
    socket.emit('goto', { lesson: lessonSel.value, step: stepSel.value || null }, (ack) => {
      const chosen = lessons.find((l) => l.id === lessonSel.value); // titled in the page's language
      const title = chosen ? chosen.title : ack && ack.title;
      if (ack && !ack.error) toast(t('goto_sent', { title, n: stepSel.selectedIndex + 1 }));
    });
  });
}

function setupPresenter() {
  const button = $('presenter-toggle');
  const apply = (on) => {
    document.body.classList.toggle('presenter', on);
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    const url = new URL(window.location.href);
    if (on) url.searchParams.set('present', '1');
    else url.searchParams.delete('present');
    window.history.replaceState(null, '', url);
    const lab = window.lifecycleLab;
    if (lab && lab.console && lab.console.term) {
      lab.console.term.options.fontSize = on ? PRESENTER_FONT : 14;
      lab.console.term.options.theme = on ? PRESENTER_THEME : THEME;
      lab.console.refit();
    }
  };
  button.addEventListener('click', () => apply(!document.body.classList.contains('presenter')));
  // The console is created once its modules load: size its font then, if presenting.
  if (document.body.classList.contains('presenter')) {
    const wait = setInterval(() => {
      const lab = window.lifecycleLab;
      if (lab && lab.console) {
        clearInterval(wait);
        apply(true);
      }
    }, 100);
    setTimeout(() => clearInterval(wait), 15000);
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('presenter') && !e.target.closest('#console')) apply(false);
  });
}

async function boot() {
  const bar = document.querySelector('[data-class][data-role="teach"]');
  const root = document.querySelector('[data-lab]');
  if (!bar || !root) return;
  let lessons = [];
  try {
    lessons = JSON.parse(bar.dataset.lessons || '[]');
  } catch {
    lessons = [];
  }
  const board = new Dashboard(bar, lessons);
  setupPresenter();
  const { io } = await import(root.dataset.socketio);
  const socket = io(bar.dataset.classNamespace || '/class', {
    path: root.dataset.socketPath || '/socket.io',
    withCredentials: true,
    auth: { code: bar.dataset.class, role: 'teach' },
  });
  window.lifecycleClass = { socket, board }; // handy in the browser console; nothing depends on it
  socket.on('connect', () => setStatus('live', t('class_live', { code: bar.dataset.class })));
  socket.on('disconnect', () => { if (!board.ended) setStatus('offline', t('offline_retrying')); });
  socket.on('connect_error', (err) => setStatus('offline', (err && err.message) || t('conn_offline')));
  socket.on('dashboard', (data) => board.load(data));
  socket.on('learner', (view) => board.update(view));
  socket.on('error', (data) => toast((data && data.message) || t('server_error'), 'error'));
  socket.on('ended', () => {
    board.ended = true;
    setStatus('ended', t('class_ended'));
    for (const el of bar.querySelectorAll('button, select')) if (el.id !== 'presenter-toggle') el.disabled = true;
    socket.disconnect();
  });
  setupGoto(socket, lessons);
  armed($('reset-all'), t('reset_all_confirm'), () => {
    socket.emit('reset_all', {}, (ack) => { if (ack && !ack.error) toast(t('reset_all_done')); });
  });
  armed($('end-class'), t('end_class_confirm'), () => socket.emit('end', {}));
  setInterval(() => {
    if (socket.connected) socket.emit('dashboard', {}, (data) => board.load(data));
  }, REFRESH_MS);
}

boot().catch((err) => {
  setStatus('offline', t('class_failed', { error: err && err.message ? err.message : err }));
  console.error(err); // eslint-disable-line no-console
});
