// The workspace panel: the learner's files (the folder `docker build .` reads), edited in CodeMirror 6.
//
// The server holds the files (they are part of the sandbox's log); this panel shows what its `files`
// messages say and sends `file_write` / `file_remove` (protocol in webapp/live.py). Typing saves a
// moment later, leaving the editor or Ctrl-S saves at once. A file edited here and not yet saved keeps
// the local text when a `files` message arrives; any other file follows the server (another tab, a
// lesson seeding files, a reset). With no files at all, an empty `Dockerfile` tab waits: typing in it
// creates it.
//
// CodeMirror's modules come from our origin through the page's import map. The editor lives in a
// shadow root so that its stylesheets are constructed sheets (allowed by the page's style-src
// 'self'), not the <style> elements it would put in the document's head.

import { EditorState } from '@codemirror/state';
import {
  EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars,
  keymap, lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { tags } from '@lezer/highlight';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile.js';
import { shell } from '@codemirror/legacy-modes/mode/shell.js';
import { html } from '@codemirror/legacy-modes/mode/xml.js';

import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

const SAVE_DELAY = 700; // ms after the last keystroke
const FIRST_FILE = 'Dockerfile';

const LANGUAGES = {
  dockerfile: StreamLanguage.define(dockerFile),
  shell: StreamLanguage.define(shell),
  html: StreamLanguage.define(html),
};

/** The highlighting a file gets from its name (or its `#!` line): Dockerfile, shell, HTML, none. */
export function languageOf(path, text = '') {
  const base = path.split('/').pop();
  if (/^(Dockerfile|Containerfile)(\..+)?$/i.test(base) || /\.dockerfile$/i.test(base)) return 'dockerfile';
  if (/\.(sh|bash)$/i.test(base) || /^#!.*\b(sh|bash|ash|dash)\b/.test(text)) return 'shell';
  if (/\.html?$/i.test(base)) return 'html';
  return null;
}

// Colours from the page's palette (static/css/lab.css), readable on the editor's dark background.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#6cb6ff', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: '#5fe08f' },
  { tag: tags.comment, color: '#8d98ad', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.atom], color: '#f5cf3a' },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: '#c4a7ff' },
  { tag: [tags.operator, tags.punctuation, tags.bracket], color: '#a9b4c8' },
  { tag: [tags.tagName, tags.typeName], color: '#4fd6ea' },
  { tag: [tags.attributeName, tags.propertyName], color: '#9cb4ff' },
  { tag: tags.meta, color: '#ffb86c' },
  { tag: tags.invalid, color: '#ff8a8a' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', color: '#e7ebf3', backgroundColor: '#0a0f1c', fontSize: '14px' },
  '.cm-scroller': { fontFamily: '"DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace', lineHeight: '1.5' },
  '.cm-content': { caretColor: '#ffd866', padding: '8px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: '#ffd866', borderLeftWidth: '2px' },
  '&.cm-focused': { outline: '2px solid rgba(108, 182, 255, 0.55)', outlineOffset: '-2px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
    { backgroundColor: '#29446e' },
  '.cm-gutters': { backgroundColor: '#0f172a', color: '#8d98ad', borderRight: '1px solid #26314a' },
  '.cm-activeLine': { backgroundColor: 'rgba(108, 182, 255, 0.06)' },
  '.cm-activeLineGutter': { backgroundColor: 'rgba(108, 182, 255, 0.12)', color: '#e7ebf3' },
  '.cm-selectionMatch': { backgroundColor: 'rgba(245, 207, 58, 0.18)' },
  '.cm-panels': { backgroundColor: '#151f35', color: '#e7ebf3' },
  '.cm-panels input, .cm-panels button': { color: '#e7ebf3', backgroundColor: '#0f172a' },
}, { dark: true });

export class Workspace {
  /** root: #workspace; socket: the /lab Socket.IO connection; toast(message, tone). */
  constructor(root, { socket, toast = () => {} }) {
    this.root = root;
    this.socket = socket;
    this.toast = toast;
    this.server = new Map(); // path -> text, as the last `files` message said (its order too)
    this.docs = new Map(); // path -> EditorState: what this tab shows, edits included
    this.dirty = new Set(); // paths edited here since their text was last saved
    this.inflight = new Map(); // path -> text of the `file_write` waiting for its ack
    this.error = null;
    this.active = null;
    this.timer = null;
    this.tabs = root.querySelector('#file-tabs');
    this.status = root.querySelector('#workspace-status');
    this.errorBox = root.querySelector('#workspace-error');
    this.form = root.querySelector('#file-new-form');
    this.nameInput = root.querySelector('#file-new-name');
    this.deleteButton = root.querySelector('#file-delete');

    const host = root.querySelector('#editor');
    const shadow = host.attachShadow({ mode: 'open' });
    const mount = document.createElement('div');
    mount.style.height = '100%'; // the CSSOM, not a style attribute: the CSP allows it
    shadow.appendChild(mount);
    this.extensions = [
      lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
      bracketMatching(), highlightActiveLine(), highlightSelectionMatches(),
      syntaxHighlighting(highlight), theme,
      EditorView.contentAttributes.of({ 'aria-label': t('editor_label') }),
      keymap.of([
        { key: 'Mod-s', run: () => { this.flush(); return true; }, preventDefault: true },
        ...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab,
      ]),
      EditorView.updateListener.of((update) => this.onUpdate(update)),
      EditorView.domEventHandlers({ blur: () => { this.flush(); return false; } }),
    ];
    this.view = new EditorView({ parent: mount, root: shadow, state: this.makeState('', FIRST_FILE) });
    this.wire();
    this.ensureFile();
    this.render();
  }

  // -- set-up ------------------------------------------------------------------------------------

  makeState(text, path) {
    const lang = LANGUAGES[languageOf(path, text)];
    return EditorState.create({ doc: text, extensions: lang ? [...this.extensions, lang] : this.extensions });
  }

  wire() {
    this.socket.on('files', (data) => this.onFiles((data && data.files) || {}));
    this.socket.on('connect', () => this.render());
    this.socket.on('disconnect', () => this.render());
    this.root.querySelector('#file-new').addEventListener('click', () => this.openForm());
    this.root.querySelector('#file-new-cancel').addEventListener('click', () => this.closeForm());
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.create(this.nameInput.value.trim());
    });
    this.nameInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closeForm();
    });
    let armed = null;
    this.deleteButton.addEventListener('click', () => {
      if (!armed) {
        this.deleteButton.textContent = t('file_delete_confirm');
        armed = setTimeout(() => { armed = null; this.deleteButton.textContent = t('file_delete'); }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = null;
      this.deleteButton.textContent = t('file_delete');
      this.remove(this.active);
    });
    this.tabs.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const order = this.order();
      const next = order[(order.indexOf(this.active) + (e.key === 'ArrowRight' ? 1 : order.length - 1)) % order.length];
      this.show(next);
      const tab = this.tabs.querySelector(`[data-file="${CSS.escape(next)}"]`);
      if (tab) tab.focus();
    });
  }

  // -- what the server says ----------------------------------------------------------------------

  onFiles(files) {
    const incoming = new Map(Object.entries(files).filter(([, text]) => typeof text === 'string'));
    for (const path of [...this.docs.keys()]) {
      // gone from the server (deleted in another tab, a reset): gone here, edits or not
      if (this.server.has(path) && !incoming.has(path)) this.drop(path);
    }
    this.server = incoming;
    for (const [path, text] of incoming) {
      if (!this.docs.has(path)) {
        this.docs.set(path, this.makeState(text, path));
      } else if (this.textOf(path) === text) {
        this.dirty.delete(path);
      } else if (!this.dirty.has(path)) {
        this.replaceText(path, text);
      }
    }
    // A tab's placeholder `Dockerfile`, never typed in, steps aside for the server's files.
    if (incoming.size && !incoming.has(FIRST_FILE) && this.docs.has(FIRST_FILE)
        && !this.dirty.has(FIRST_FILE) && this.textOf(FIRST_FILE) === '') this.drop(FIRST_FILE);
    this.ensureFile();
    for (const path of this.dirty) this.save(path); // edits made while offline
    this.root.dataset.ready = 'true';
    this.render();
  }

  // -- local documents ---------------------------------------------------------------------------

  textOf(path) {
    const state = path === this.active ? this.view.state : this.docs.get(path);
    return state ? state.doc.toString() : '';
  }

  replaceText(path, text) {
    if (path === this.active) {
      const { state } = this.view;
      const head = Math.min(state.selection.main.head, text.length);
      this.remote = true;
      try {
        this.view.dispatch({ changes: { from: 0, to: state.doc.length, insert: text }, selection: { anchor: head } });
      } finally {
        this.remote = false;
      }
      this.docs.set(path, this.view.state);
    } else {
      const state = this.docs.get(path);
      this.docs.set(path, state.update({ changes: { from: 0, to: state.doc.length, insert: text } }).state);
    }
  }

  drop(path) {
    this.docs.delete(path);
    this.dirty.delete(path);
    if (this.active === path) this.active = null;
  }

  /** A file to show: the first of the server's (Dockerfile first), or an empty Dockerfile to type in. */
  ensureFile() {
    if (!this.docs.size) this.docs.set(FIRST_FILE, this.makeState('', FIRST_FILE));
    if (this.active === null || !this.docs.has(this.active)) this.show(this.order()[0]);
  }

  order() {
    const paths = [...this.server.keys()].filter((p) => this.docs.has(p));
    for (const path of this.docs.keys()) if (!paths.includes(path)) paths.push(path);
    return paths.sort((a, b) => (b === FIRST_FILE) - (a === FIRST_FILE));
  }

  show(path) {
    if (this.active === path) return;
    if (this.active !== null && this.docs.has(this.active)) {
      this.docs.set(this.active, this.view.state);
      this.save(this.active);
    }
    this.active = path;
    this.view.setState(this.docs.get(path));
    this.render();
  }

  onUpdate(update) {
    if (!update.docChanged || this.remote || this.active === null) return;
    this.docs.set(this.active, update.state);
    this.dirty.add(this.active);
    this.error = null;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY);
    this.render();
  }

  // -- saving ------------------------------------------------------------------------------------

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    for (const path of [...this.dirty]) this.save(path);
  }

  save(path) {
    if (!this.dirty.has(path) || this.inflight.has(path)) return; // the ack saves again if needed
    const text = this.textOf(path);
    if (this.server.get(path) === text) {
      this.dirty.delete(path);
      this.render();
      return;
    }
    if (!this.socket.connected) { // sent when `files` arrives after the reconnect
      this.render();
      return;
    }
    this.inflight.set(path, text);
    this.render();
    this.socket.emit('file_write', { path, text }, (ack) => {
      this.inflight.delete(path);
      if (ack && ack.ok) {
        this.server.set(path, text);
        if (this.textOf(path) === text) this.dirty.delete(path);
        else this.save(path); // typed on meanwhile
      } else {
        this.error = (ack && ack.error) || t('server_error');
        if (!this.server.has(path) && path !== FIRST_FILE) { // a new file the server refused
          this.drop(path);
          this.ensureFile();
        }
      }
      this.render();
    });
  }

  // -- new and deleted files ---------------------------------------------------------------------

  openForm() {
    this.form.hidden = false;
    this.nameInput.value = '';
    this.nameInput.focus();
  }

  closeForm() {
    this.form.hidden = true;
    this.view.focus();
  }

  create(name) {
    if (!name) return;
    this.form.hidden = true;
    if (!this.docs.has(name)) {
      const text = /\.(sh|bash)$/i.test(name) ? '#!/bin/sh\n' : '';
      this.docs.set(name, this.makeState(text, name));
      this.dirty.add(name);
    }
    this.show(name);
    this.save(name);
    this.view.focus();
  }

  remove(path) {
    if (path === null) return;
    if (!this.server.has(path)) { // never saved: nothing to tell the server
      this.drop(path);
      this.ensureFile();
      this.render();
      return;
    }
    this.socket.emit('file_remove', { path }, (ack) => {
      if (!ack || !ack.ok) this.error = (ack && ack.error) || t('server_error');
      this.render();
    });
  }

  // -- drawing -----------------------------------------------------------------------------------

  render() {
    const saved = this.dirty.size === 0 && this.inflight.size === 0;
    this.root.dataset.saved = saved ? 'true' : 'false'; // page hook: the server has every text
    let state = 'saved';
    let label = t('file_saved');
    if (this.error) {
      state = 'offline';
      label = t('file_not_saved', { reason: this.error });
    } else if (this.inflight.size) {
      state = 'busy';
      label = t('file_saving');
    } else if (!saved) {
      state = 'busy';
      label = this.socket.connected ? t('file_unsaved') : t('file_offline');
    }
    this.status.dataset.state = state;
    if (this.status.textContent !== label) this.status.textContent = label; // a live region: say a change once
    this.errorBox.hidden = !this.error;
    if (this.errorBox.textContent !== (this.error || '')) this.errorBox.textContent = this.error || '';
    this.deleteButton.disabled = !this.server.has(this.active);
    replaceChildren(this.tabs, this.order().map((path) => {
      const selected = path === this.active;
      const tab = h('button', {
        type: 'button', role: 'tab', class: 'file-tab', 'aria-selected': selected ? 'true' : 'false',
        tabindex: selected ? '0' : '-1', dataset: { file: path },
      }, path);
      if (!this.server.has(path)) tab.appendChild(h('span', { class: 'file-tab-note' }, ` · ${t('file_draft')}`));
      if (this.dirty.has(path)) tab.dataset.dirty = 'true';
      tab.addEventListener('click', () => { this.show(path); this.view.focus(); });
      return tab;
    }));
  }
}
