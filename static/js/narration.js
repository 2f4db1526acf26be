// One plain sentence per transition, in a polite live region: "web: Running → Paused (docker pause)".

import { h } from './dom.js';
import { t as tr } from './i18n.js';

const KEEP = 4;

export class Narration {
  constructor(el) {
    this.el = el;
  }

  say(text, tone = 'move') {
    if (!this.el || !text) return;
    const p = h('p', { class: `narration-line narration-line--${tone}` }, text);
    this.el.appendChild(p);
    while (this.el.children.length > KEEP) this.el.firstElementChild.remove();
  }

  clear() {
    if (this.el) this.el.replaceChildren();
  }
}

/** The sentence for a move step of the director, in the page's language. */
export function describeMove(step, lc) {
  const from = lc.label(step.from);
  const to = lc.label(step.to);
  const t = step.t;
  let cause = '';
  if (t && t.trigger === 'command') {
    cause = `docker ${t.edge}`;
  } else if (t) {
    cause = t.cause;
  } else {
    cause = tr('narrate_reported');
  }
  const attrs = (step.event && step.event.Actor && step.event.Actor.Attributes) || {};
  if (step.event && step.event.Action === 'die' && attrs.exitCode !== undefined) cause += `, exitCode=${attrs.exitCode}`;
  const values = { name: step.name, from, to, cause };
  return tr(step.from === step.to ? 'narrate_again' : 'narrate_move', values);
}
