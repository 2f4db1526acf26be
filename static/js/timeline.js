// The event log: one line per Docker event, exactly as `docker events` prints it. A filter by
// container, a click to rewind the graph to that moment, and a replay of the whole session.

import { h } from './dom.js';
import { eventContainerName, eventParts, formatEvent } from './format.js';
import { t } from './i18n.js';

const MAX_ENTRIES = 5000;

export class Timeline {
  /** options: list, filter, empty, onRewind(index) */
  constructor({ list, filter, empty, onRewind }) {
    this.list = list;
    this.filter = filter;
    this.empty = empty;
    this.onRewind = onRewind;
    this.entries = [];
    this.names = new Set();
    this.current = null;
    if (filter) filter.addEventListener('change', () => this.applyFilter());
  }

  reset(events = []) {
    this.entries = [];
    this.names.clear();
    this.list.replaceChildren();
    this.current = null;
    if (this.filter) {
      while (this.filter.options.length > 1) this.filter.remove(1);
    }
    for (const event of events) this.add(event, null, false);
    this.updateEmpty();
    this.scrollToEnd();
  }

  add(event, ctx = null, scroll = true) {
    const stick = this.atEnd();
    const entry = { event, ctx, resolved: null, index: this.entries.length, time: Number(event.time) || 0 };
    this.entries.push(entry);
    entry.li = this.renderItem(entry);
    this.list.appendChild(entry.li);
    const name = eventContainerName(event);
    if (name && !this.names.has(name) && this.filter) {
      this.names.add(name);
      this.filter.appendChild(h('option', { value: name }, name));
    }
    this.applyFilterTo(entry);
    if (this.current !== null) entry.li.classList.add('event--future');
    if (this.entries.length > MAX_ENTRIES) {
      const old = this.entries.shift();
      old.li.remove();
      this.entries.forEach((e, i) => { e.index = i; e.li.dataset.index = String(i); });
      if (this.current !== null) this.current = Math.max(0, this.current - 1);
    }
    this.updateEmpty();
    if (scroll && stick) this.scrollToEnd();
    return entry;
  }

  renderItem(entry) {
    const { event } = entry;
    const p = eventParts(event);
    const name = eventContainerName(event);
    const button = h('button', { type: 'button', class: 'event-line', title: t('event_title') },
      h('span', { class: 'ev-time' }, p.time), ' ',
      h('span', { class: 'ev-type' }, p.type), ' ',
      h('span', { class: `ev-action ev-action--${(p.action.split(/[:\s]/)[0] || 'other').replace(/[^a-z_-]/gi, '')}` }, p.action), ' ',
      h('span', { class: 'ev-id' }, p.id),
      p.attrs ? ' ' : '',
      p.attrs ? h('span', { class: 'ev-attrs' }, p.attrs) : '');
    button.setAttribute('aria-label', t('event_aria', { line: formatEvent(event) }));
    button.addEventListener('click', () => this.onRewind && this.onRewind(entry.index));
    const li = h('li', {
      class: 'event',
      'data-action': event.Action || '',
      'data-container': name,
      'data-type': event.Type || '',
      'data-index': String(entry.index),
    }, button);
    return li;
  }

  applyFilter() {
    for (const entry of this.entries) this.applyFilterTo(entry);
    this.updateEmpty();
  }

  applyFilterTo(entry) {
    const want = this.filter ? this.filter.value : '';
    entry.li.hidden = Boolean(want) && eventContainerName(entry.event) !== want;
  }

  updateEmpty() {
    if (this.empty) this.empty.hidden = this.entries.some((e) => !e.li.hidden);
  }

  atEnd() {
    const el = this.list;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  }

  scrollToEnd() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Mark the moment the graph shows (null: live). */
  markCurrent(index) {
    this.current = index;
    for (const entry of this.entries) {
      const isCurrent = index !== null && entry.index === index;
      entry.li.classList.toggle('event--current', isCurrent);
      entry.li.classList.toggle('event--future', index !== null && entry.index > index);
      if (isCurrent) entry.li.setAttribute('aria-current', 'true');
      else entry.li.removeAttribute('aria-current');
    }
    if (index !== null && this.entries[index]) {
      const li = this.entries[index].li;
      const top = li.offsetTop - this.list.offsetTop;
      if (top < this.list.scrollTop || top > this.list.scrollTop + this.list.clientHeight - li.offsetHeight) {
        this.list.scrollTop = Math.max(0, top - this.list.clientHeight / 2);
      }
    }
  }

  /** The last entry about this container (for recording how a move was resolved). */
  lastFor(id) {
    for (let i = this.entries.length - 1; i >= 0 && i >= this.entries.length - 20; i -= 1) {
      const e = this.entries[i];
      if (e.event.Actor && e.event.Actor.ID === id) return e;
    }
    return null;
  }
}
