// xterm.js's DOM renderer writes its theme (font, ANSI colours, cursor, selection) into <style>
// elements, which our Content-Security-Policy (style-src 'self') blocks. Constructed stylesheets
// are not subject to style-src, so the same rules are installed here, for our fixed theme.

function ansi256(theme) {
  const base = [theme.black, theme.red, theme.green, theme.yellow, theme.blue, theme.magenta, theme.cyan,
    theme.white, theme.brightBlack, theme.brightRed, theme.brightGreen, theme.brightYellow,
    theme.brightBlue, theme.brightMagenta, theme.brightCyan, theme.brightWhite];
  const colors = [...base];
  const levels = [0, 95, 135, 175, 215, 255];
  const hex = (n) => n.toString(16).padStart(2, '0');
  for (let i = 0; i < 216; i += 1) {
    const r = levels[Math.floor(i / 36) % 6];
    const g = levels[Math.floor(i / 6) % 6];
    const b = levels[i % 6];
    colors.push(`#${hex(r)}${hex(g)}${hex(b)}`);
  }
  for (let i = 0; i < 24; i += 1) {
    const v = 8 + i * 10;
    colors.push(`#${hex(v)}${hex(v)}${hex(v)}`);
  }
  return colors;
}

export function terminalCss(scope, theme, { fontFamily, fontSize, fontWeight = 'normal', fontWeightBold = 'bold', cursorWidth = 1 }) {
  const rows = `${scope} .xterm-rows`;
  let css = `${rows} { pointer-events: none; color: ${theme.foreground}; font-family: ${fontFamily}; font-size: ${fontSize}px; font-kerning: none; white-space: pre; }`;
  css += `${rows} .xterm-dim { opacity: 0.6; }`;
  css += `${scope} span:not(.xterm-bold) { font-weight: ${fontWeight}; } ${scope} span.xterm-bold { font-weight: ${fontWeightBold}; } ${scope} span.xterm-italic { font-style: italic; }`;
  css += `${rows} span { display: inline-block; height: 100%; vertical-align: top; }`;
  css += `@keyframes lab_blink_block { 0% { background-color: ${theme.cursor}; color: ${theme.cursorAccent}; } 50% { background-color: inherit; color: ${theme.cursor}; } }`;
  css += `@keyframes lab_blink_bar { 50% { box-shadow: none; } }`;
  css += `@keyframes lab_blink_underline { 50% { border-bottom-style: hidden; } }`;
  css += `${rows}.xterm-focus .xterm-cursor.xterm-cursor-blink.xterm-cursor-block { animation: lab_blink_block 1s step-end infinite; }`;
  css += `${rows}.xterm-focus .xterm-cursor.xterm-cursor-blink.xterm-cursor-bar { animation: lab_blink_bar 1s step-end infinite; }`;
  css += `${rows}.xterm-focus .xterm-cursor.xterm-cursor-blink.xterm-cursor-underline { animation: lab_blink_underline 1s step-end infinite; }`;
  css += `${rows} .xterm-cursor.xterm-cursor-block { background-color: ${theme.cursor}; color: ${theme.cursorAccent}; }`;
  css += `${rows} .xterm-cursor.xterm-cursor-block:not(.xterm-cursor-blink) { background-color: ${theme.cursor} !important; color: ${theme.cursorAccent} !important; }`;
  css += `${rows} .xterm-cursor.xterm-cursor-outline { outline: 1px solid ${theme.cursor}; outline-offset: -1px; }`;
  css += `${rows} .xterm-cursor.xterm-cursor-bar { box-shadow: ${cursorWidth}px 0 0 ${theme.cursor} inset; }`;
  css += `${rows} .xterm-cursor.xterm-cursor-underline { border-bottom: 1px ${theme.cursor}; border-bottom-style: solid; height: calc(100% - 1px); }`;
  css += `${scope} .xterm-selection { position: absolute; top: 0; left: 0; z-index: 1; pointer-events: none; }`;
  css += `${scope}.focus .xterm-selection div { position: absolute; background-color: ${theme.selectionBackground}; }`;
  css += `${scope} .xterm-selection div { position: absolute; background-color: ${theme.selectionInactiveBackground || theme.selectionBackground}; }`;
  ansi256(theme).forEach((color, i) => {
    css += `${scope} .xterm-fg-${i} { color: ${color}; } ${scope} .xterm-bg-${i} { background-color: ${color}; }`;
  });
  css += `${scope} .xterm-fg-257 { color: ${theme.background}; } ${scope} .xterm-bg-257 { background-color: ${theme.foreground}; }`;
  css += `${scope} .xterm-scrollable-element > .scrollbar > .slider { background: rgba(141, 151, 171, 0.35); }`;
  css += `${scope} .xterm-scrollable-element > .scrollbar > .slider:hover { background: rgba(141, 151, 171, 0.5); }`;
  css += `${scope} .xterm-scrollable-element > .scrollbar > .slider.active { background: rgba(141, 151, 171, 0.6); }`;
  return css;
}

const installed = new Set();

/** Adopt the terminal's stylesheet into the document (once per scope). */
export function installTerminalStyles(scope, theme, font) {
  if (!('adoptedStyleSheets' in Document.prototype) || typeof CSSStyleSheet === 'undefined') return false;
  if (installed.has(scope)) return true;
  installed.add(scope);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(terminalCss(scope, theme, font));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return true;
}
