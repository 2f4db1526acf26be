// The console: an xterm.js terminal with a bash-like line editor. While idle, keys edit the line
// locally (history, completion, Ctrl-A/E/U/W/K, ...). Once a line runs, EVERY keystroke goes to the
// server raw (`input`), because the command may be attached to a container's terminal: that is how
// typing in a container, Ctrl-C and the Ctrl-P Ctrl-Q detach keys work.

import { ConsoleSpeech, quietXterm } from './console-speech.js';
import { store } from './dom.js';
import { t } from './i18n.js';
import { installTerminalStyles } from './xterm-csp.js';

const HISTORY_KEY = 'lifecycle-lab.history';
const SR_KEY = 'lifecycle-lab.screen-reader';
const HISTORY_MAX = 500;
const PROMPT_OK = '\x1b[1;32m$\x1b[0m ';
const PROMPT_FAIL = '\x1b[1;31m$\x1b[0m ';
const PROMPT_LEN = 2;

// The terminal's colours and font; the class pages' read-only consoles use them too (follow.js).
export const THEME = {
  background: '#0a0f1c',
  foreground: '#e4e8f1',
  cursor: '#7cc4ff',
  cursorAccent: '#0a0f1c',
  selectionBackground: '#2f4f7f',
  selectionInactiveBackground: '#26385a',
  black: '#1c2436',
  red: '#ff7b7b',
  green: '#5fe08f',
  yellow: '#f5cf3a',
  blue: '#6cb6ff',
  magenta: '#f47fd0',
  cyan: '#4fd6ea',
  white: '#d7dce6',
  brightBlack: '#8d97ab',
  brightRed: '#ff9c9c',
  brightGreen: '#8af0b0',
  brightYellow: '#ffe07a',
  brightBlue: '#9ccfff',
  brightMagenta: '#f9a8e0',
  brightCyan: '#8ae8f5',
  brightWhite: '#ffffff',
};

export const TERMINAL_FONT = {
  fontFamily: '"DejaVu Sans Mono", ui-monospace, "Cascadia Mono", Menlo, Consolas, "Liberation Mono", monospace',
  fontSize: 14,
};


// Escape sequences a terminal sends for editing keys.
const KEYS = {
  '\x1b[A': 'up', '\x1bOA': 'up', '\x1b[B': 'down', '\x1bOB': 'down',
  '\x1b[C': 'right', '\x1bOC': 'right', '\x1b[D': 'left', '\x1bOD': 'left',
  '\x1b[H': 'home', '\x1bOH': 'home', '\x1b[1~': 'home', '\x1b[7~': 'home',
  '\x1b[F': 'end', '\x1bOF': 'end', '\x1b[4~': 'end', '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
  '\x1b[1;5C': 'word-right', '\x1b[1;3C': 'word-right', '\x1bf': 'word-right',
  '\x1b[1;5D': 'word-left', '\x1b[1;3D': 'word-left', '\x1bb': 'word-left',
  '\x1b\x7f': 'kill-word-left', '\x1bd': 'kill-word-right',
  '\x1b[200~': 'ignore', '\x1b[201~': 'ignore',
};
const ESCAPE = /^\x1b(\[[0-9;?]*[A-Za-z~]|O[A-Za-z]|[\s\S])?/;

function commonPrefix(words) {
  if (!words.length) return '';
  let prefix = words[0];
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** Plain `\n` becomes `\r\n` for xterm; output already in terminal form is left alone. */
export function toTerminal(text) {
  return text.replace(/\r?\n/g, '\r\n');
}

export class LabConsole {
  /**
   * conn: { connected(), run(line) -> Promise<result>, input(data), complete(line, cursor) -> Promise }
   * hooks: onStart(line), onEnd(line, result), onLocal(name)
   */
  constructor(host, { Terminal, FitAddon, conn, hooks = {} }) {
    this.host = host;
    this.conn = conn;
    this.hooks = hooks;
    this.buffer = '';
    this.cursor = 0;
    this.shownCursor = 0;
    this.busy = false;
    this.lastFailed = false;
    this.typeahead = '';
    this.history = store.get(HISTORY_KEY, []);
    if (!Array.isArray(this.history)) this.history = [];
    this.histIndex = this.history.length;
    this.draft = '';
    // A command put on the line for the learner (a click on the graph or the lesson) is shown
    // selected, as a text field selects a suggestion: Enter runs it, typing replaces it,
    // Backspace clears it, and the arrow keys keep it to edit.
    this.suggested = false;
    this.streamed = false;
    this.lastChar = '\n';

    const font = TERMINAL_FONT;
    installTerminalStyles('.console .xterm', THEME, font);
    // Screen-reader mode: our own live region says the line and its output, once each
    // (static/js/console-speech.js); xterm's, which reads every redraw of the line, is silenced.
    this.speech = new ConsoleSpeech(document.getElementById('console-announce'));
    const reader = Boolean(store.get(SR_KEY, false));
    this.speech.setEnabled(reader);
    this.term = new Terminal({
      cursorBlink: true,
      ...font,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: THEME,
      allowProposedApi: false,
      screenReaderMode: reader,
      // 1 = off: above it xterm writes style attributes, which the CSP blocks. The theme itself
      // meets AA contrast on the terminal background.
      minimumContrastRatio: 1,
    });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.term.open(host);
    quietXterm(host);
    const textarea = host.querySelector('textarea');
    if (textarea) textarea.setAttribute('aria-label', t('console_input_label'));
    this.refit();
    if (window.ResizeObserver) {
      this.resizer = new ResizeObserver(() => this.refit());
      this.resizer.observe(host);
    }
    this.term.onData((data) => this.onData(data));
    this.term.attachCustomKeyEventHandler((e) => this.keyFilter(e));
  }

  get screenReaderMode() {
    return Boolean(this.term.options.screenReaderMode);
  }

  setScreenReaderMode(on) {
    this.term.options.screenReaderMode = Boolean(on);
    quietXterm(this.host);
    this.speech.setEnabled(on);
    store.set(SR_KEY, Boolean(on));
  }

  refit() {
    try {
      if (this.host.clientWidth > 0 && this.host.clientHeight > 0) this.fit.fit();
    } catch {
      /* not laid out yet */
    }
  }

  focus() {
    this.term.focus();
  }

  // Let the browser keep Ctrl-Shift-C/V and Ctrl-V paste; everything else goes to the terminal.
  keyFilter(e) {
    if (e.type !== 'keydown') return true;
    // Tab completes, so leaving the console by keyboard is Esc then Tab (or Shift-Tab, backwards):
    // the terminal must never trap the focus.
    if (e.key === 'Tab' && (e.shiftKey || this.escapeArmed)) {
      this.escapeArmed = false;
      return false;
    }
    this.escapeArmed = e.key === 'Escape';
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && (e.key === 'C' || e.key === 'V' || e.key === 'c' || e.key === 'v')) return false;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === 'v' || e.key === 'V')) return false;
    if (e.metaKey && (e.key === 'c' || e.key === 'C')) return false;
    return true;
  }

  prompt() {
    return this.lastFailed ? PROMPT_FAIL : PROMPT_OK;
  }

  start() {
    const banner = t('console_banner', { help: '\x1b[1mhelp\x1b[0m', cmd: '\x1b[1mdocker run hello-world\x1b[0m' });
    this.term.write(toTerminal(`${banner}\n`));
    this.newPrompt();
  }

  newPrompt() {
    this.suggested = false;
    this.buffer = '';
    this.cursor = 0;
    this.shownCursor = 0;
    this.histIndex = this.history.length;
    this.draft = '';
    this.term.write(this.prompt());
    this.publish();
  }

  /** Redraw the prompt line after an edit (handles lines that wrap). */
  render() {
    const cols = Math.max(1, this.term.cols);
    const oldRow = Math.floor((PROMPT_LEN + this.shownCursor) / cols);
    let out = '';
    if (oldRow > 0) out += `\x1b[${oldRow}A`;
    out += `\r\x1b[J${this.prompt()}${this.suggested && this.buffer ? `\x1b[7m${this.buffer}\x1b[27m` : this.buffer}`;
    const endPos = PROMPT_LEN + this.buffer.length;
    if (this.buffer.length && endPos % cols === 0) out += ' \b';
    const endRow = Math.floor(endPos / cols);
    const target = PROMPT_LEN + this.cursor;
    const tRow = Math.floor(target / cols);
    const tCol = target % cols;
    if (endRow > tRow) out += `\x1b[${endRow - tRow}A`;
    out += '\r';
    if (tCol) out += `\x1b[${tCol}C`;
    this.shownCursor = this.cursor;
    this.term.write(out);
    this.publish();
  }

  /** The line and whether a command runs, as data-* on the console (for tests and styling). */
  publish() {
    this.host.dataset.line = this.buffer;
    this.host.dataset.busy = this.busy ? 'true' : 'false';
    this.host.dataset.suggested = this.suggested ? 'true' : 'false';
  }

  /** Move the terminal cursor past the end of the input line (before printing under it). */
  toLineEnd() {
    const cols = Math.max(1, this.term.cols);
    const curRow = Math.floor((PROMPT_LEN + this.shownCursor) / cols);
    const endRow = Math.floor((PROMPT_LEN + this.buffer.length) / cols);
    let out = '';
    if (endRow > curRow) out += `\x1b[${endRow - curRow}B`;
    out += '\r';
    const endCol = (PROMPT_LEN + this.buffer.length) % cols;
    if (endCol) out += `\x1b[${endCol}C`;
    this.term.write(out);
    this.shownCursor = this.buffer.length;
  }

  setBuffer(text, cursor = text.length) {
    this.buffer = text;
    this.cursor = Math.max(0, Math.min(cursor, text.length));
    this.render();
  }

  /** Put a command on the line (from a click on the graph); refused while a command runs. */
  setLine(text) {
    if (this.busy) return false;
    this.histIndex = this.history.length;
    this.suggested = Boolean(text);
    this.setBuffer(text);
    this.focus();
    return true;
  }

  getLine() {
    return this.buffer;
  }

  insert(text) {
    const clean = text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\t' ? ' ' : ''));
    if (!clean) return;
    this.buffer = this.buffer.slice(0, this.cursor) + clean + this.buffer.slice(this.cursor);
    this.cursor += clean.length;
    this.render();
  }

  // -- keystrokes ------------------------------------------------------------------------------------

  onData(data) {
    if (this.busy) {
      // The host terminal echoes ^C when no container terminal is attached (it would, cooked).
      if (data.includes('\x03') && this.hooks.echoesInterrupt && this.hooks.echoesInterrupt()) {
        this.term.write('^C');
        this.lastChar = 'C';
      }
      this.speech.typed(data);
      this.conn.input(data);
      return;
    }
    this.editKeys(data);
  }

  /** The key `ch` meets a suggested line: typing replaces it, Backspace clears it, others keep it. */
  settleSuggestion(ch) {
    if (!this.suggested) return false;
    this.suggested = false;
    const code = ch.charCodeAt(0);
    if (ch === '\x7f' || ch === '\x08') { // deletes the selection, as in a text field
      this.setBuffer('');
      return true;
    }
    if (code >= 0x20 && code !== 0x7f) { // a printable key: what the learner types replaces it
      this.buffer = '';
      this.cursor = 0;
    }
    this.render();
    return false;
  }

  editKeys(data) {
    let i = 0;
    const pasted = data.length > 1 && !data.startsWith('\x1b');
    while (i < data.length) {
      if (this.busy) {
        // The rest of a paste waits until the command returns, then runs line by line.
        this.typeahead += data.slice(i);
        return;
      }
      const ch = data[i];
      if (this.suggested && ch !== '\r' && ch !== '\n' && this.settleSuggestion(ch)) {
        i += 1;
        continue;
      }
      if (ch === '\x1b') {
        const m = ESCAPE.exec(data.slice(i));
        const seq = m[0];
        this.key(KEYS[seq] || 'ignore');
        i += seq.length;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        i += 1;
        if (ch === '\r' && data[i] === '\n') i += 1;
        this.submit();
        continue;
      }
      if (ch === '\t' && !pasted) {
        this.complete();
        i += 1;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (code < 0x20 && ch !== '\t' || code === 0x7f) {
        this.control(ch);
        i += 1;
        continue;
      }
      // A run of printable characters.
      let j = i;
      while (j < data.length) {
        const c = data.charCodeAt(j);
        if (c === 0x1b || c === 0x0d || c === 0x0a || c === 0x7f || (c < 0x20 && c !== 0x09)) break;
        j += 1;
      }
      this.insert(data.slice(i, j));
      i = j;
    }
  }

  control(ch) {
    switch (ch) {
      case '\x01': this.key('home'); break; // Ctrl-A
      case '\x05': this.key('end'); break; // Ctrl-E
      case '\x02': this.key('left'); break; // Ctrl-B
      case '\x06': this.key('right'); break; // Ctrl-F
      case '\x10': this.key('up'); break; // Ctrl-P
      case '\x0e': this.key('down'); break; // Ctrl-N
      case '\x7f':
      case '\x08':
        if (this.cursor > 0) {
          this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
          this.cursor -= 1;
          this.render();
        }
        break;
      case '\x04': // Ctrl-D: delete under the cursor (there is no shell to log out of)
        if (this.buffer) this.key('delete');
        break;
      case '\x15': // Ctrl-U
        this.buffer = this.buffer.slice(this.cursor);
        this.cursor = 0;
        this.render();
        break;
      case '\x0b': // Ctrl-K
        this.buffer = this.buffer.slice(0, this.cursor);
        this.render();
        break;
      case '\x17': this.key('kill-word-left'); break; // Ctrl-W
      case '\x03': // Ctrl-C: abandon the line
        this.toLineEnd();
        this.term.write('^C\r\n');
        this.typeahead = '';
        this.newPrompt();
        break;
      case '\x0c': // Ctrl-L
        this.clearScreen();
        break;
      default:
        break;
    }
  }

  key(name) {
    const b = this.buffer;
    switch (name) {
      case 'left': if (this.cursor > 0) { this.cursor -= 1; this.render(); } break;
      case 'right': if (this.cursor < b.length) { this.cursor += 1; this.render(); } break;
      case 'home': this.cursor = 0; this.render(); break;
      case 'end': this.cursor = b.length; this.render(); break;
      case 'delete':
        if (this.cursor < b.length) {
          this.buffer = b.slice(0, this.cursor) + b.slice(this.cursor + 1);
          this.render();
        }
        break;
      case 'word-left': {
        let c = this.cursor;
        while (c > 0 && b[c - 1] === ' ') c -= 1;
        while (c > 0 && b[c - 1] !== ' ') c -= 1;
        this.cursor = c;
        this.render();
        break;
      }
      case 'word-right': {
        let c = this.cursor;
        while (c < b.length && b[c] === ' ') c += 1;
        while (c < b.length && b[c] !== ' ') c += 1;
        this.cursor = c;
        this.render();
        break;
      }
      case 'kill-word-left': {
        let c = this.cursor;
        while (c > 0 && b[c - 1] === ' ') c -= 1;
        while (c > 0 && b[c - 1] !== ' ') c -= 1;
        this.buffer = b.slice(0, c) + b.slice(this.cursor);
        this.cursor = c;
        this.render();
        break;
      }
      case 'kill-word-right': {
        let c = this.cursor;
        while (c < b.length && b[c] === ' ') c += 1;
        while (c < b.length && b[c] !== ' ') c += 1;
        this.buffer = b.slice(0, this.cursor) + b.slice(c);
        this.render();
        break;
      }
      case 'up':
        if (this.histIndex === this.history.length) this.draft = this.buffer;
        if (this.histIndex > 0) {
          this.histIndex -= 1;
          this.setBuffer(this.history[this.histIndex]);
        }
        break;
      case 'down':
        if (this.histIndex < this.history.length) {
          this.histIndex += 1;
          this.setBuffer(this.histIndex === this.history.length ? this.draft : this.history[this.histIndex]);
        }
        break;
      default:
        break;
    }
  }

  clearScreen() {
    this.term.clear();
    this.shownCursor = this.cursor;
    // After clear() the prompt line is the first line; redraw it in place.
    this.term.write('\x1b[H\x1b[J');
    this.shownCursor = 0;
    this.render();
  }

  // -- completion ------------------------------------------------------------------------------------

  async complete() {
    const line = this.buffer;
    const cursor = this.cursor;
    let res;
    try {
      res = await this.conn.complete(line, cursor);
    } catch {
      return;
    }
    if (this.busy || this.buffer !== line || this.cursor !== cursor || !res) return;
    const candidates = Array.isArray(res.candidates) ? res.candidates.map(String) : [];
    const from = Number.isInteger(res.replace_from) ? Math.max(0, Math.min(res.replace_from, cursor)) : cursor;
    const word = line.slice(from, cursor);
    if (!candidates.length) {
      this.term.write('\x07');
      return;
    }
    const replace = (text) => {
      this.buffer = line.slice(0, from) + text + line.slice(cursor);
      this.cursor = from + text.length;
      this.render();
    };
    if (candidates.length === 1) {
      const c = candidates[0];
      const after = line.slice(cursor);
      const space = /[/=:]$/.test(c) || after.startsWith(' ') ? '' : ' ';
      replace(c + space);
      return;
    }
    const prefix = commonPrefix(candidates);
    if (prefix.length > word.length) {
      replace(prefix);
      return;
    }
    this.listCandidates(candidates);
  }

  /** Print candidates in columns under the line, like bash, then redraw the line. */
  listCandidates(candidates) {
    const cols = Math.max(20, this.term.cols);
    const width = Math.min(cols, Math.max(...candidates.map((c) => c.length)) + 2);
    const perRow = Math.max(1, Math.floor(cols / width));
    const rows = Math.ceil(candidates.length / perRow);
    let out = '';
    for (let r = 0; r < rows; r += 1) {
      let line = '';
      for (let c = 0; c < perRow; c += 1) {
        const item = candidates[c * rows + r];
        if (item !== undefined) line += item.padEnd(width);
      }
      out += `${line.trimEnd()}\r\n`;
    }
    this.toLineEnd();
    this.term.write(`\r\n${out}`);
    this.shownCursor = 0;
    this.render();
  }

  // -- running ---------------------------------------------------------------------------------------

  remember(line) {
    if (!line.trim()) return;
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
    store.set(HISTORY_KEY, this.history);
  }

  submit() {
    const line = this.buffer;
    if (this.suggested) { // run as it stands: drawn plain in the scrollback
      this.suggested = false;
      this.render();
    }
    this.toLineEnd();
    this.term.write('\r\n');
    this.remember(line);
    const word = line.trim();
    if (!word) {
      this.newPrompt();
      return;
    }
    this.speech.line(line);
    if (word === 'clear') {
      this.term.clear();
      this.term.write('\x1b[H\x1b[J');
      this.lastFailed = false;
      this.newPrompt();
      return;
    }
    if (word === 'help') {
      this.term.write(toTerminal(`${t('console_help')}\n`));
      this.speech.output(t('console_help'));
      this.speech.done(0);
      this.lastFailed = false;
      this.newPrompt();
      if (this.hooks.onLocal) this.hooks.onLocal('help');
      return;
    }
    if (!this.conn.connected()) {
      this.term.write(toTerminal(`\x1b[33m${t('console_not_connected')}\x1b[0m\n`));
      this.speech.output(t('console_not_connected'));
      this.speech.done(0);
      this.lastFailed = true;
      this.newPrompt();
      return;
    }
    this.busy = true;
    this.streamed = false;
    this.lastChar = '\n';
    this.buffer = '';
    this.cursor = 0;
    this.publish();
    if (this.hooks.onStart) this.hooks.onStart(line);
    this.conn.run(line).then((result) => this.finished(line, result), (err) => {
      this.finished(line, { exit_code: -1, stdout: '', stderr: `lifecycle-lab: ${err && err.message ? err.message : t('console_lost')}\n`, lost: true });
    });
  }

  /** Output from the server (a command's, or an attached container's terminal). */
  output(data) {
    if (!data) return;
    this.speech.output(data);
    const text = toTerminal(String(data));
    if (this.busy) {
      this.streamed = true;
      this.lastChar = text.slice(-1);
      this.term.write(text);
      return;
    }
    // Something printed while the prompt is showing: print it above a fresh prompt line.
    this.toLineEnd();
    this.term.write(`\r\x1b[K${text}${text.endsWith('\n') ? '' : '\r\n'}`);
    this.shownCursor = 0;
    this.render();
  }

  finished(line, result) {
    if (!this.busy) return;
    const res = result || { exit_code: -1, stdout: '', stderr: '' };
    if (!this.streamed) {
      this.speech.output(`${res.stdout || ''}${res.stderr || ''}`);
      const text = toTerminal(`${res.stdout || ''}${res.stderr || ''}`);
      if (text) {
        this.term.write(text);
        this.lastChar = text.slice(-1);
      }
    }
    if (this.lastChar !== '\n') this.term.write('\r\n');
    this.busy = false;
    this.speech.done(res.exit_code);
    this.lastFailed = Number(res.exit_code) !== 0;
    if (this.hooks.onEnd) this.hooks.onEnd(line, res);
    this.newPrompt();
    if (this.typeahead) {
      const rest = this.typeahead;
      this.typeahead = '';
      this.editKeys(rest);
    }
  }

  /** The connection dropped while a command ran: give the prompt back. */
  abandon(message) {
    if (!this.busy) return;
    this.output(`\n\x1b[33m${message}\x1b[0m\n`);
    this.finished('', { exit_code: -1, stdout: '', stderr: '' });
  }
}
