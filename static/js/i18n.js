// The interface's fixed labels in the page's language. The server renders them into the `data-ui`
// attribute of <body> from webapp/ui_text.py (JSON in an attribute: the CSP forbids inline scripts),
// so the templates and the scripts share one table.

let table = null;

function strings() {
  if (table === null) {
    try {
      table = JSON.parse(document.body.dataset.ui || '{}');
    } catch {
      table = {};
    }
  }
  return table;
}

/** The page's language (`<html lang>`), e.g. "en" or "ko". */
export function pageLang() {
  return document.documentElement.lang || 'en';
}

/** A label with its `{name}` placeholders filled in; the key itself when the table lacks it. */
export function t(key, values = {}) {
  let text = strings()[key];
  if (typeof text !== 'string') text = key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * A label as a list of text and nodes: `{name}` placeholders are replaced by the given nodes
 * (an element such as <code>), so markup never goes through innerHTML.
 */
export function tParts(key, nodes = {}) {
  const text = t(key);
  const out = [];
  let last = 0;
  text.replace(/\{(\w+)\}/g, (whole, name, offset) => {
    if (!(name in nodes)) return whole;
    if (offset > last) out.push(text.slice(last, offset));
    out.push(nodes[name]);
    last = offset + whole.length;
    return whole;
  });
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Whether the table has this label (for labels keyed by data, e.g. a transition's summary). */
export function has(key) {
  return typeof strings()[key] === 'string';
}

/** The label for `key` when the table has one, else `fallback` (data shown as the server sent it). */
export function tOr(key, fallback, values = {}) {
  return has(key) ? t(key, values) : fallback;
}

/** A piece of data as a key part: "rm -f" -> "rm_f", "(restart policy)" -> "restart_policy". */
export function slug(text) {
  return String(text ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}
