// Screen-reader mode's words for the console, in a polite live region of their own (#console-announce):
// the line the learner submits, once, when Enter is pressed; then what it printed, once, as plain
// text. The transitions it causes are the narration's to say (#narration), one sentence each.
//
// xterm.js's own live region reads what the terminal draws, and the console redraws the whole prompt
// line at each keystroke, so it read "$ d", "$ do", "$ doc", … The console silences that region
// (quiet() below) and keeps xterm's accessibility tree, the rows a screen reader can read back.

import { h } from './dom.js';
import { t } from './i18n.js';

// Escape sequences (CSI, OSC, two-byte) and control characters other than newline and tab.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
const QUIET_MS = 500; // output of a command still running is read once it pauses this long
const MAX_LINES = 30; // more is left in the terminal (its accessibility tree reads it back)
const KEEP = 6;

/** Terminal output as the text it shows: escapes gone, a line overwritten by `\r` read as its last form. */
export function plainText(data) {
  return String(data)
    .replace(ANSI, '')
    .split('\n')
    .map((line) => {
      const parts = line.replace(/\r+$/, '').split('\r');
      return parts[parts.length - 1].replace(/\s+$/, '');
    })
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** Make xterm's own live region (`.live-region` of its accessibility tree) say nothing. */
export function quietXterm(host) {
  for (const el of host.querySelectorAll('.xterm-accessibility .live-region')) {
    el.setAttribute('aria-live', 'off');
    el.setAttribute('aria-hidden', 'true');
  }
}

export class ConsoleSpeech {
  constructor(region) {
    this.region = region;
    this.enabled = false;
    this.pending = '';
    this.timer = null;
    this.echo = ''; // keys typed into an attached container, whose terminal echoes them back
  }

  setEnabled(on) {
    this.enabled = Boolean(on);
    if (!this.enabled) {
      clearTimeout(this.timer);
      this.timer = null;
      this.pending = '';
    }
  }

  say(text) {
    if (!this.region || !text) return;
    this.region.appendChild(h('p', { class: 'console-announce-line' }, text));
    while (this.region.children.length > KEEP) this.region.firstElementChild.remove();
  }

  /** Enter was pressed on `line`. */
  line(line) {
    if (!this.enabled) return;
    this.flush();
    this.say(t('sr_command', { line }));
  }

  /**
   * Keys typed while a command runs (into an attached container). A container's terminal echoes
   * them; the screen reader has said each key as it was typed, so the echo is not said again.
   */
  typed(data) {
    if (!this.enabled) return;
    this.echo = (this.echo + String(data).replace(/[^\r\x20-\x7e\u00a0-\uffff]/g, '')).slice(-256);
  }

  /** Text the terminal printed: read once it stops coming (or when the command ends). */
  output(data) {
    if (!this.enabled || !data) return;
    let text = String(data);
    if (this.echo) {
      let i = 0;
      while (i < text.length && this.echo && text[i] === this.echo[0]) {
        this.echo = this.echo.slice(1);
        i += 1;
      }
      if (i < text.length) this.echo = ''; // something else: no longer an echo of the keys
      text = text.slice(i);
      if (!text) return;
    }
    this.pending += text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), QUIET_MS);
  }

  /** The command returned: what is left of its output, and its exit code when it failed. */
  done(exitCode) {
    if (!this.enabled) return;
    this.echo = '';
    const code = Number(exitCode);
    this.flush(code > 0 ? t('sr_exit', { code }) : ''); // -1: no exit (the connection dropped)
  }

  flush(tail = '') {
    clearTimeout(this.timer);
    this.timer = null;
    const text = plainText(this.pending);
    this.pending = '';
    let sentence = '';
    if (text) {
      const lines = text.split('\n');
      sentence = t('sr_output', { text: lines.slice(0, MAX_LINES).join('\n') });
      if (lines.length > MAX_LINES) sentence += ` ${t('sr_more', { n: lines.length - MAX_LINES })}`;
    }
    if (tail && sentence && !/[.!?…:]$/.test(sentence)) sentence += '.'; // a pause before the code
    if (tail) sentence = sentence ? `${sentence} ${tail}` : tail;
    this.say(sentence);
  }
}
