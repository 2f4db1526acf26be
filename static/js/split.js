// The lab's separators: the learner shares the room between panels by dragging a bar (or focusing
// it and pressing the arrow keys, Home, End). A bar is an ARIA separator whose aria-valuenow is the
// first panel's share in % (the left column's width, or the lesson's height over the console);
// the share goes to the page as a CSS custom property on the lab (the CSSOM: the CSP allows it),
// and the CSS turns it into the grid's tracks (static/css/lab.css, "the lab layout"). Each page
// kind remembers its own shares in localStorage; a double-click puts the default back. The console
// refits itself to its new size (it watches its element).

import { store } from './dom.js';
import { t } from './i18n.js';

const STEP = 2; // % per arrow key
const BIG_STEP = 10; // % per Page Up / Page Down

/** What each axis shares, the room each side keeps (px, as the CSS clamps it too) and the default
 * share per page kind, from the room there is (px): the console 100+ columns on /sandbox and 80+
 * on a lesson at 1440x900, the lesson 400+ px high (58 % when there is more room). */
const AXES = {
  cols: {
    prop: '--lab-left', gap: 14, minFirst: 480, minSecond: 380,
    defaults: { sandbox: () => 65, lesson: () => 58 },
  },
  rows: {
    prop: '--lab-top', gap: 12, minFirst: 160, minSecond: 160,
    defaults: { lesson: (size) => (size > 0 ? Math.max(58, (100 * 401) / size) : 64) },
  },
};

const round = (x) => Math.round(x * 10) / 10;

export class Split {
  /**
   * @param {HTMLElement} bar the separator ([data-split="cols"|"rows"])
   * @param {HTMLElement} lab the grid it resizes (.lab, with data-lab="sandbox"|"lesson")
   */
  constructor(bar, lab) {
    this.bar = bar;
    this.lab = lab;
    this.axis = bar.dataset.split === 'rows' ? 'rows' : 'cols';
    this.spec = AXES[this.axis];
    const kind = lab.dataset.lab || 'sandbox';
    this.key = `lab.split.${kind}.${this.axis}`;
    this.defaultFor = this.spec.defaults[kind] || (() => 50);
    const saved = store.get(this.key, null);
    // The share the learner chose (null: the default); `value` is the share in force, within the
    // bounds of the window's size.
    this.chosen = typeof saved === 'number' && Number.isFinite(saved) ? saved : null;
    this.apply(this.wanted, { save: false });

    bar.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    bar.addEventListener('keydown', (e) => this.onKey(e));
    bar.addEventListener('dblclick', () => this.reset());
    // The bounds in % depend on the window's size: keep aria-valuenow honest when it changes.
    window.addEventListener('resize', () => this.apply(this.wanted, { save: false }));
  }

  get wanted() {
    return this.chosen ?? round(this.defaultFor(this.extent().size));
  }

  /** The room the two panels share (px) and where it starts, measured on the page. */
  extent() {
    const box = this.lab.getBoundingClientRect();
    const cs = getComputedStyle(this.lab);
    if (this.axis === 'cols') {
      const start = box.left + parseFloat(cs.paddingLeft);
      const size = box.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - this.spec.gap;
      return { start, size };
    }
    // rows: from the lesson's top to the console's bottom
    const first = document.getElementById(this.bar.getAttribute('aria-controls'));
    const second = this.lab.querySelector('.panel--console');
    if (!first || !second) return { start: 0, size: 0 };
    const top = first.getBoundingClientRect().top;
    const size = second.getBoundingClientRect().bottom - top - this.spec.gap;
    return { start: top, size };
  }

  /** The share's bounds (%), from the room each side keeps. */
  bounds() {
    const { size } = this.extent();
    if (!(size > 0)) return { min: 10, max: 90 };
    const min = Math.min(50, (100 * this.spec.minFirst) / size);
    const max = Math.max(50, 100 - (100 * this.spec.minSecond) / size);
    return { min: round(min), max: round(max) };
  }

  apply(value, { save = true } = {}) {
    const { min, max } = this.bounds();
    this.value = round(Math.min(max, Math.max(min, value)));
    this.lab.style.setProperty(this.spec.prop, String(this.value));
    // whole percents for assistive technology
    const low = Math.ceil(min);
    const high = Math.floor(max);
    this.bar.setAttribute('aria-valuemin', String(low));
    this.bar.setAttribute('aria-valuemax', String(high));
    const now = Math.min(high, Math.max(low, Math.round(this.value)));
    this.bar.setAttribute('aria-valuenow', String(now));
    this.bar.setAttribute('aria-valuetext', this.axis === 'cols' ? t('split_cols_value', { n: now }) : t('split_rows_value', { n: now }));
    if (save) {
      this.chosen = this.value;
      store.set(this.key, this.value);
    }
  }

  /** Back to the default share (a double-click, or Enter on the focused bar). */
  reset() {
    store.set(this.key, null);
    this.chosen = null;
    this.apply(this.wanted, { save: false });
  }

  onKey(e) {
    const { min, max } = this.bounds();
    const less = this.axis === 'cols' ? 'ArrowLeft' : 'ArrowUp';
    const more = this.axis === 'cols' ? 'ArrowRight' : 'ArrowDown';
    let next = null;
    if (e.key === less) next = this.value - STEP;
    else if (e.key === more) next = this.value + STEP;
    else if (e.key === 'PageUp') next = this.value - BIG_STEP;
    else if (e.key === 'PageDown') next = this.value + BIG_STEP;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = max;
    else if (e.key === 'Enter') {
      this.reset();
      e.preventDefault();
      return;
    }
    if (next === null) return;
    e.preventDefault();
    this.apply(next);
  }

  onPointerDown(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    this.bar.focus();
    this.bar.setPointerCapture(e.pointerId);
    this.bar.dataset.dragging = 'true';
    this.lab.classList.add('lab--resizing', `lab--${this.axis}-resizing`);
    const { start, size } = this.extent();
    const half = this.spec.gap / 2;
    const move = (ev) => {
      const at = (this.axis === 'cols' ? ev.clientX : ev.clientY) - start - half;
      if (size > 0) this.apply((100 * at) / size, { save: false });
    };
    const end = () => {
      this.bar.removeEventListener('pointermove', move);
      this.bar.removeEventListener('pointerup', end);
      this.bar.removeEventListener('pointercancel', end);
      delete this.bar.dataset.dragging;
      this.lab.classList.remove('lab--resizing', `lab--${this.axis}-resizing`);
      this.apply(this.value);
    };
    this.bar.addEventListener('pointermove', move);
    this.bar.addEventListener('pointerup', end);
    this.bar.addEventListener('pointercancel', end);
  }
}

/** Every separator of the lab. */
export function installSplits(lab) {
  return [...lab.querySelectorAll('[data-split]')].map((bar) => new Split(bar, lab));
}
