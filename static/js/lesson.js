// A lesson page: the steps follow the server's `progress` messages (done, active, hints, the lesson
// complete), click-to-run buttons put a command on the console line (the learner presses Enter:
// nothing runs unseen), hints come one at a time, each step can show its solution, and a challenge
// draws its goal as a second lifecycle graph with the target tokens in their target states.
//
// Protocol (webapp/lesson_live.py): client -> server `lesson {id, restart, lang}` (acked with the
// progress) and `hint {lang}` (acked with {step, hints, revealed, total, missing}); server -> client
// `progress {lesson, steps, done, active, completed, hint_ready, hints_revealed, hints_total,
// commands_used, best}`.

import { h, prefersReducedMotion, replaceChildren } from './dom.js';
import { Graph } from './graph.js';
import { pageLang, t } from './i18n.js';

const ACK_TIMEOUT = 8000;
const CONFIRM_MS = 4000;

/** The name a target token carries: its state, exit code and restarts, e.g. "exited (137)". */
export function goalTokenName(c) {
  let name = String(c.state || '');
  const code = c.exit_code;
  if (code !== undefined && code !== null) name += ` (${Array.isArray(code) ? code.join('/') : code})`;
  if (c.restart_count) name += ` ↻${c.restart_count}`;
  return c.name ? `${c.name}: ${name}` : name;
}

/** A sentence whose `backticked` parts become <code> elements (as text: never parsed as HTML). */
export function withCode(sentence) {
  return sentence.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part)).filter((x) => x !== '');
}

export class LessonPage {
  /** root: the page's [data-lab] element; toast(message, tone) shows a passing message. */
  constructor(root, { toast = () => {} } = {}) {
    this.root = root;
    this.id = root.dataset.lesson || '';
    this.kind = root.dataset.kind || 'lesson';
    this.lang = root.dataset.lang || pageLang();
    this.toast = toast;
    this.socket = null;
    this.console = null;
    this.progress = null;
    this.panel = root.querySelector('.panel--lesson');
    this.steps = [...root.querySelectorAll('.step[data-step]')];
    this.challenge = root.querySelector('.challenge[data-step]');
    this.complete = document.getElementById('lesson-complete');
    this.announcer = document.getElementById('lesson-announce');
    const current = this.steps.find((el) => el.classList.contains('step--current'));
    this.active = current ? current.dataset.step : null;
    this.completed = root.classList.contains('lab--completed');
    this.goalSvg = document.getElementById('goal-graph');
    this.goalGraph = null;
    this.wire();
    if (current) requestAnimationFrame(() => this.scrollTo(this.anchor(current), false));
  }

  // -- set-up --------------------------------------------------------------------------------------

  /** Once the socket and the console exist: follow this lesson's progress on every (re)connect. */
  attach(socket, labConsole) {
    this.socket = socket;
    this.console = labConsole;
    socket.on('progress', (data) => this.apply(data));
    const open = () => {
      socket.timeout(ACK_TIMEOUT).emitWithAck('lesson', { id: this.id, lang: this.lang })
        .then((data) => this.apply(data), () => { /* the server pushes progress on connect too */ });
    };
    socket.on('connect', open);
    if (socket.connected) open();
  }

  /** The lifecycle table arrived: draw the challenge's target graph with the same code as ours. */
  setLifecycle(lc) {
    if (!this.goalSvg) return;
    let goal = {};
    try {
      goal = JSON.parse(this.goalSvg.dataset.goal || '{}');
    } catch {
      goal = {};
    }
    if (!this.goalGraph) this.goalGraph = new Graph(this.goalSvg, { idPrefix: 'goal-', chipWidth: 150 });
    this.goalGraph.setLifecycle(lc);
    const targets = (goal.containers || []).map((c, i) => ({
      id: `goal-${i}`, name: goalTokenName(c), image: '', state: c.state, status: '',
    }));
    this.goalGraph.renderModel(targets);
    this.goalGraph.fitTo([...new Set(targets.map((c) => c.state))]);
  }

  wire() {
    this.root.addEventListener('click', (e) => {
      const target = e.target instanceof Element ? e.target : null;
      if (!target || !this.panel || !this.panel.contains(target)) return;
      const run = target.closest('.run-command');
      if (run) {
        this.typeCommand(run.dataset.command || '', run);
        return;
      }
      const toggle = target.closest('.step-toggle');
      if (toggle) {
        const step = toggle.closest('.step');
        this.openStep(step, toggle.getAttribute('aria-expanded') !== 'true');
        return;
      }
      const solution = target.closest('.solution-toggle');
      if (solution) {
        this.toggleSolution(solution);
        return;
      }
      const hint = target.closest('.hint-button');
      if (hint) {
        this.requestHint(hint);
        return;
      }
      if (target.closest('#lesson-restart')) this.restart(target.closest('#lesson-restart'));
    });
  }

  // -- the learner's actions -------------------------------------------------------------------------

  /** Put a command on the console line and move the focus there; the learner presses Enter. */
  typeCommand(command, button) {
    if (!command) return;
    if (!this.console) {
      this.toast(t('connecting'));
      return;
    }
    if (!this.console.setLine(command)) {
      this.toast(t('busy_toast'));
      return;
    }
    this.console.focus();
    if (button) {
      button.classList.add('run-command--typed');
      setTimeout(() => button.classList.remove('run-command--typed'), 1200);
    }
    this.announce(t('typed'));
  }

  openStep(step, open) {
    if (!step) return;
    const content = step.querySelector('.step-content');
    const toggle = step.querySelector('.step-toggle');
    if (content) content.hidden = !open;
    if (toggle) toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  toggleSolution(button, force = null) {
    const box = document.getElementById(button.getAttribute('aria-controls') || '');
    if (!box) return;
    const open = force === null ? box.hidden : force;
    box.hidden = !open;
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    button.textContent = open ? (button.dataset.hide || t('hide_solution')) : (button.dataset.show || t('show_solution'));
  }

  async requestHint(button) {
    if (!this.socket || !this.socket.connected) {
      this.toast(t('offline_retrying'), 'error');
      return;
    }
    button.disabled = true;
    let answer = null;
    try {
      answer = await this.socket.timeout(ACK_TIMEOUT).emitWithAck('hint', { lang: this.lang });
    } catch {
      answer = { error: t('offline_retrying') };
    }
    button.disabled = false;
    if (!answer || answer.error) {
      this.toast((answer && answer.error) || t('server_error'), 'error');
      this.updateHintButton(this.stepEl(this.active), this.progress);
      return;
    }
    if (!answer.step) return;
    const el = this.stepEl(answer.step);
    this.showHints(el, Number(answer.revealed) || 0, Array.isArray(answer.missing) ? answer.missing : null);
    this.updateHintButton(el, { hints_revealed: answer.revealed, hints_total: answer.total, hint_ready: false });
    const shown = el ? el.querySelector(`.hint[data-hint="${Number(answer.revealed) || 0}"]`) : null;
    if (shown) {
      this.announce(shown.textContent.replace(/\s+/g, ' ').trim());
      this.scrollTo(shown, true, 'nearest');
    }
  }

  restart(button) {
    if (!button || !this.socket) return;
    if (!this.restartArmed) {
      button.textContent = t('restart_confirm');
      button.classList.add('tool--danger-armed');
      this.restartArmed = setTimeout(() => this.disarmRestart(button), CONFIRM_MS);
      return;
    }
    this.disarmRestart(button);
    this.socket.timeout(ACK_TIMEOUT).emitWithAck('lesson', { id: this.id, restart: true, lang: this.lang })
      .then((data) => {
        if (!data || data.error) {
          this.toast((data && data.error) || t('server_error'), 'error');
          return;
        }
        this.clearView();
        this.apply(data, { restarted: true });
        if (this.console) this.console.output(`\x1b[2m${t('restarted')}\x1b[0m\n`);
      }, () => this.toast(t('offline_retrying'), 'error'));
  }

  disarmRestart(button) {
    clearTimeout(this.restartArmed);
    this.restartArmed = null;
    button.textContent = button.dataset.label || t('restart_lesson');
    button.classList.remove('tool--danger-armed');
  }

  /** Back to how a fresh page looks: hints, missing sentences and solutions hidden. */
  clearView() {
    for (const hint of this.root.querySelectorAll('.hint')) hint.hidden = true;
    for (const missing of this.root.querySelectorAll('.step-missing')) missing.hidden = true;
    for (const button of this.root.querySelectorAll('.solution-toggle')) this.toggleSolution(button, false);
    for (const step of this.steps) this.openStep(step, false);
    this.active = null;
  }

  // -- the server's progress -----------------------------------------------------------------------

  stepEl(id) {
    if (!id) return null;
    if (this.challenge && this.challenge.dataset.step === id) return this.challenge;
    return this.steps.find((el) => el.dataset.step === id) || null;
  }

  /** A `progress` message (or the ack of `lesson`): mark the steps, the active one, the end. */
  apply(p, { restarted = false } = {}) {
    if (!p || p.error || String(p.lesson) !== this.id) return;
    const first = this.progress === null;
    this.progress = p;
    const done = new Set(Array.isArray(p.done) ? p.done.map(String)
      : (p.steps || []).filter((s) => s.done).map((s) => String(s.id)));
    const active = p.active ? String(p.active) : null;

    for (const el of this.steps) {
      const id = el.dataset.step;
      const wasDone = el.dataset.done === 'true';
      const isDone = done.has(id);
      const isActive = id === active;
      el.dataset.done = isDone ? 'true' : 'false';
      el.classList.toggle('step--current', isActive);
      if (isActive) el.setAttribute('aria-current', 'step');
      else el.removeAttribute('aria-current');
      const state = el.querySelector('.step-state');
      if (state) state.textContent = isDone ? state.dataset.done : (isActive ? state.dataset.now : state.dataset.todo);
      if (isDone && !wasDone && !first && !restarted) {
        this.announce(t('step_done_announce', { title: this.stepTitle(el) }));
        if (this.active === id) this.openStep(el, false);
      }
    }
    if (this.challenge) this.challenge.dataset.done = done.has(this.challenge.dataset.step) ? 'true' : 'false';

    if (active !== this.active) {
      const el = this.stepEl(active);
      if (el && el.classList.contains('step')) {
        this.openStep(el, true);
        if (!first && !restarted) this.announce(t('step_now_announce', { title: this.stepTitle(el) }));
        this.scrollTo(this.anchor(el), !first);
      }
      this.active = active;
    }
    const activeEl = this.stepEl(active);
    if (activeEl) {
      this.showHints(activeEl, Number(p.hints_revealed) || 0, null);
      this.updateHintButton(activeEl, p);
    }

    const bar = document.getElementById('lesson-progress');
    if (bar) {
      const total = (p.steps || []).length || this.steps.length || 1;
      bar.max = total;
      bar.value = done.size;
      const text = document.getElementById('lesson-progress-text');
      if (text) text.textContent = t('progress_of', { done: done.size, total });
    }

    if (this.kind === 'challenge') this.updateScore(p);

    const completed = Boolean(p.completed);
    this.root.classList.toggle('lab--completed', completed);
    if (this.complete) this.complete.hidden = !completed;
    if (completed && !this.completed && !first) {
      const title = this.complete && this.complete.querySelector('.lesson-complete-title');
      this.announce(title ? title.textContent : t('lesson_complete'));
      if (this.complete) this.scrollTo(this.complete, true);
    }
    this.completed = completed;
  }

  updateScore(p) {
    const used = document.getElementById('commands-used');
    const count = Number(p.commands_used) || 0;
    if (used) used.textContent = String(count);
    const best = Number(p.best) || 0;
    const score = used && used.closest('.challenge-score');
    if (score) score.dataset.over = best && count > best && !p.completed ? 'true' : 'false';
    if (this.goalSvg) this.goalSvg.classList.toggle('graph--solved', Boolean(p.completed));
    const text = document.getElementById('solved-text');
    if (text && p.completed) {
      let verdict = '';
      if (best) {
        if (count < best) verdict = t('solved_better');
        else if (count === best) verdict = t('solved_best');
        else verdict = t('solved_more', { best });
      }
      text.textContent = `${t('solved_in', { n: count })} ${verdict}`.trim();
    }
  }

  /** Reveal the first `revealed` hints of a step (never hides one) and what its check still misses. */
  showHints(el, revealed, missing) {
    if (!el) return;
    for (const hint of el.querySelectorAll('.hint')) {
      if (Number(hint.dataset.hint) <= revealed) hint.hidden = false;
    }
    if (missing !== null) {
      const box = el.querySelector('.step-missing');
      const list = el.querySelector('.step-missing-list');
      if (box && list) {
        replaceChildren(list, missing.map((sentence) => h('li', {}, ...withCode(String(sentence)))));
        box.hidden = missing.length === 0;
      }
    }
  }

  updateHintButton(el, p) {
    if (!el || !p) return;
    const button = el.querySelector('.hint-button');
    if (!button) return;
    const total = Number(p.hints_total ?? button.dataset.total) || 0;
    const revealed = Number(p.hints_revealed) || 0;
    let label = t('hint');
    if (revealed >= total && total) label = t('no_more_hints');
    else if (revealed > 0) label = t('another_hint');
    button.textContent = label;
    button.disabled = total > 0 && revealed >= total;
    const ready = Boolean(p.hint_ready) && revealed < total;
    button.classList.toggle('hint-button--ready', ready);
    const nudge = el.querySelector('.hint-nudge');
    if (nudge) nudge.hidden = !ready;
  }

  // -- helpers -------------------------------------------------------------------------------------

  /** Where to scroll for an active step: the step before it when done (a folded line with its tick). */
  anchor(el) {
    const before = el.previousElementSibling;
    return before && before.dataset.done === 'true' ? before : el;
  }

  stepTitle(el) {
    const name = el.querySelector('.step-name');
    return name ? name.textContent.trim() : el.dataset.step;
  }

  /**
   * Say something to screen readers (the polite live region of the lesson): one paragraph per
   * sentence, added, so each is read once, in order ("Step done: …" then "Next step: …"), and the
   * same words said again later are read again. (Setting the region's whole text instead read a
   * first sentence twice when a second was appended, or lost it when both came in one update.)
   */
  announce(text) {
    if (!this.announcer || !text) return;
    this.announcer.appendChild(h('p', {}, text));
    while (this.announcer.children.length > 4) this.announcer.firstElementChild.remove();
  }

  /**
   * Scroll the lesson panel (only the panel: the page stays where the console is) so `el` shows:
   * its top under the panel's sticky bar, or just into view with where = 'nearest'.
   */
  scrollTo(el, smooth, where = 'top') {
    const panel = this.panel;
    if (!panel || !el || panel.scrollHeight <= panel.clientHeight + 1) return;
    const bar = panel.querySelector('.lesson-bar');
    const barHeight = bar ? bar.offsetHeight : 0;
    const box = panel.getBoundingClientRect();
    const rect = el.getBoundingClientRect();
    let top = rect.top - box.top + panel.scrollTop - barHeight - 10;
    if (where === 'nearest') {
      const visibleTop = box.top + barHeight;
      if (rect.top >= visibleTop && rect.bottom <= box.bottom) return;
      if (rect.bottom > box.bottom && rect.height < box.height - barHeight) {
        top = panel.scrollTop + (rect.bottom - box.bottom) + 10;
      }
    }
    panel.scrollTo({ top: Math.max(0, top), behavior: smooth && !prefersReducedMotion() ? 'smooth' : 'auto' });
  }
}
