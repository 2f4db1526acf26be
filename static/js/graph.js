// The lifecycle graph: states and edges drawn from the lifecycle JSON, and one token per container
// that moves along the edges as Docker events arrive.
//
// Only the *layout* (where each state sits, how a few edges bend around others) is hand-tuned here,
// keyed by state id; the states and edges themselves always come from the JSON. A state the layout
// does not know is still drawn, in a row at the bottom.

import { prefersReducedMotion, svg } from './dom.js';
import { t as tr } from './i18n.js';

const NODE_W = 136;
const NODE_H = 46;
const CHIP_H = 24;
const CHIP_W = 128;
const SLOT_GAP = 6;
const MAX_SLOTS = 6;
const BASE_MOVE_MS = 1000;
const VANISH_MS = 5000;

// A planar layout: running, exited and removed form a triangle with paused inside it and
// restarting outside it, so no two edges cross. For a graph as wide as it is tall or wider.
const WIDE = {
  name: 'wide',
  width: 1000,
  height: 610,
  registry: { x: 80, y: 36 },
  nodes: {
    image: { x: 80, y: 140, tokens: 'below', cols: 1, max: 3 },
    created: { x: 320, y: 140, tokens: 'below-left', cols: 1, max: 4 },
    running: { x: 600, y: 140, tokens: 'right-up', cols: 1, max: 4 },
    restarting: { x: 890, y: 262, tokens: 'above', cols: 1, max: 3 },
    paused: { x: 570, y: 345, tokens: 'below', cols: 1, max: 3 },
    exited: { x: 790, y: 482, tokens: 'right', cols: 1, max: 4 },
    removed: { x: 320, y: 482, tokens: 'left', cols: 1, max: 3 },
    dead: { x: 570, y: 557, tokens: 'right', cols: 1, max: 2 },
  },
  // Directed edge groups "src>dst": bend (perpendicular offset of the curve's middle, +: to the
  // left of the direction of travel) or via (waypoints, for the one edge that goes round the others).
  edges: {
    'image>running': { bend: 82 },
    'restarting>removed': { via: [[988, 270], [988, 594], [306, 594]], labelSegment: 1 },
  },
  pairOffset: 20, // how far apart the two directions between the same states are drawn
};

// The same drawing folded for a narrow place (a panel beside a wide console, a phone): the same
// neighbours, in three columns instead of four, so the text is larger on screen.
const TALL = {
  name: 'tall',
  width: 770,
  height: 800,
  registry: { x: 80, y: 40 },
  nodes: {
    image: { x: 80, y: 120, tokens: 'below', cols: 1, max: 3 },
    created: { x: 300, y: 120, tokens: 'below-right', cols: 1, max: 3 },
    running: { x: 520, y: 120, tokens: 'right-up', cols: 1, max: 4 },
    restarting: { x: 690, y: 290, tokens: 'below', cols: 1, max: 3 },
    paused: { x: 520, y: 380, tokens: 'below', cols: 1, max: 3 },
    exited: { x: 650, y: 580, tokens: 'below', cols: 1, max: 4 },
    removed: { x: 300, y: 570, tokens: 'left', cols: 1, max: 3 },
    dead: { x: 490, y: 690, tokens: 'below', cols: 1, max: 2 },
  },
  edges: {
    'image>running': { bend: 70 },
    'restarting>removed': { via: [[760, 290], [760, 784], [286, 784]], labelSegment: 1 },
  },
  pairOffset: 20,
};

// Colour AND shape AND name tell tokens apart. Colours: at least 3:1 against the chip background.
const TOKEN_COLORS = ['#5fb0ff', '#f77fc3', '#f5cf3a', '#3fd69a', '#ff9a52', '#b197fc', '#3dd8ef', '#ff8080'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'hexagon', 'star', 'pentagon'];
const shapeName = (shape) => tr(`shape_${shape}`);
// The health badge's glyph per Docker health status (its words are in the badge's title).
const HEALTH_GLYPHS = { starting: '…', healthy: '✓', unhealthy: '✕' };

function polygon(n, r, rotate = -Math.PI / 2, inner = null) {
  const pts = [];
  const count = inner ? n * 2 : n;
  for (let i = 0; i < count; i += 1) {
    const radius = inner && i % 2 ? inner : r;
    const a = rotate + (i * 2 * Math.PI) / count;
    pts.push(`${(radius * Math.cos(a)).toFixed(2)},${(radius * Math.sin(a)).toFixed(2)}`);
  }
  return pts.join(' ');
}

function drawShape(shape, parent, color) {
  const r = 7;
  const common = { class: 'token-glyph', fill: color };
  switch (shape) {
    case 'square': return svg('rect', { ...common, x: -6, y: -6, width: 12, height: 12, rx: 1.5 }, parent);
    case 'triangle': return svg('polygon', { ...common, points: polygon(3, r + 1) }, parent);
    case 'diamond': return svg('polygon', { ...common, points: polygon(4, r + 0.5, 0) }, parent);
    case 'hexagon': return svg('polygon', { ...common, points: polygon(6, r, 0) }, parent);
    case 'star': return svg('polygon', { ...common, points: polygon(5, r + 1.5, -Math.PI / 2, 3.6) }, parent);
    case 'pentagon': return svg('polygon', { ...common, points: polygon(5, r) }, parent);
    default: return svg('circle', { ...common, r: 6.5 }, parent);
  }
}

const ease = (p) => (p < 0.5 ? 2 * p * p : 1 - ((-2 * p + 2) ** 2) / 2);

/** A tween on requestAnimationFrame with a timer fallback (background tabs get no frames). */
function tween(duration, frame) {
  return new Promise((resolve) => {
    if (duration <= 0 || document.hidden) {
      frame(1);
      resolve();
      return;
    }
    const start = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      frame(1);
      resolve();
    };
    const timer = setTimeout(finish, duration + 300);
    const tick = (now) => {
      if (done) return;
      const p = Math.min(1, (now - start) / duration);
      frame(ease(p));
      if (p < 1) requestAnimationFrame(tick);
      else {
        clearTimeout(timer);
        finish();
      }
    };
    requestAnimationFrame(tick);
  });
}

const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** An axis-aligned box. */
const box = (x, y, w, hgt) => ({ x0: x, y0: y, x1: x + w, y1: y + hgt });
function overlapArea(a, b) {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const hgt = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && hgt > 0 ? w * hgt : 0;
}

/** Whether `name` fits the short form whose kept parts are `parts` (in order, first and last at the ends). */
function fitsForm(name, parts) {
  const head = parts[0];
  const tail = parts[parts.length - 1];
  if (!name.startsWith(head) || !name.endsWith(tail)) return false;
  let at = head.length;
  const end = name.length - tail.length;
  if (at > end) return false;
  for (const mid of parts.slice(1, -1)) {
    const i = name.indexOf(mid, at);
    if (i < 0 || i + mid.length > end) return false;
    at = i + mid.length;
  }
  return true;
}

/**
 * The longest short form of `name` that `fits` and that none of `others` also fits: its start and
 * end around an ellipsis, about as much of each first; then any split; then the start, a middle part
 * and the end around two ellipses. Ambiguous only when nothing unambiguous fits at all.
 */
export function shortName(name, others, fits) {
  const n = name.length;
  const clear = (parts) => !others.some((o) => fitsForm(o, parts));
  let fallback = null;
  const tryParts = (parts) => {
    const text = parts.join('…');
    if (fallback && !clear(parts)) return null;
    if (!fits(text)) return null;
    if (!fallback) fallback = text;
    return clear(parts) ? text : null;
  };
  for (const spread of [1, Infinity]) {
    for (let k = n - 1; k >= 1; k -= 1) {
      const h0 = Math.ceil(k / 2);
      const splits = [h0];
      for (let d = 1; d <= Math.min(k, spread); d += 1) {
        if (h0 + d <= k) splits.push(h0 + d);
        if (h0 - d >= 0) splits.push(h0 - d);
      }
      for (const h of splits) {
        const found = tryParts([name.slice(0, h), name.slice(n - (k - h))]);
        if (found) return found;
      }
    }
  }
  for (let k = n - 2; k >= 3; k -= 1) {
    for (const [h, t] of [[2, 2], [3, 2], [2, 3], [3, 3], [1, 1], [1, 2], [2, 1], [4, 3], [3, 4]]) {
      const m = k - h - t;
      if (m < 1) continue;
      for (let s = h + 1; s + m <= n - t - 1; s += 1) {
        const parts = [name.slice(0, h), name.slice(s, s + m), name.slice(n - t)];
        if (!clear(parts)) continue;
        const found = tryParts(parts);
        if (found) return found;
      }
    }
  }
  return fallback || `${name.slice(0, 1)}…`;
}

// Edge labels are pills that fit their text; a wide (Hangul) character takes about two narrow ones.
const PILL_H = 23;
const PILL_GAP = 3;
const ROW_GAP = 6;
const pillW = (text) => Math.max(36, [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 14.5 : 8.2), 18));

// Where a ray from a box's centre towards (tx, ty) leaves the box (plus a small gap).
function boxExit(cx, cy, tx, ty, w = NODE_W, hgt = NODE_H, gap = 4) {
  const dx = tx - cx;
  const dy = ty - cy;
  if (!dx && !dy) return [cx, cy];
  const sx = dx ? (w / 2 + gap) / Math.abs(dx) : Infinity;
  const sy = dy ? (hgt / 2 + gap) / Math.abs(dy) : Infinity;
  const s = Math.min(sx, sy);
  return [cx + dx * s, cy + dy * s];
}

export class Graph {
  /**
   * options: onMove(step) after a token moved, onSelect(name), onEdge(transition),
   * onInfo({kind, ...}) when a state/edge/token is hovered or focused (null when left);
   * idPrefix for the element ids it creates (arrow markers), when a page holds two graphs;
   * chipWidth: the widest a token's chip may grow before its name is cut.
   */
  constructor(svgEl, options = {}) {
    this.svg = svgEl;
    this.opts = options;
    this.ids = options.idPrefix || '';
    this.chipW = options.chipWidth || CHIP_W;
    this.speed = 1;
    this.reduced = prefersReducedMotion();
    this.tokens = new Map();
    this.looks = new Map();
    this.nextLook = 0;
    this.arrival = 0;
    this.epoch = 0;
    this.selected = null;
    this.nodes = new Map();
    this.edges = [];
    this.lc = null;
    this.layout = WIDE;
    // The drawing that shows its text largest in the room the page gives it (see chooseLayout).
    this.adapt = options.adapt !== false;
    if (this.adapt && window.ResizeObserver) {
      this.resizer = new ResizeObserver(() => this.chooseLayout());
      this.resizer.observe(this.svg);
    }
    if (window.matchMedia) {
      const mq = window.matchMedia('(prefers-reduced-motion: reduce)');
      const update = () => { this.reduced = mq.matches; };
      if (mq.addEventListener) mq.addEventListener('change', update);
    }
  }

  setSpeed(speed) {
    this.speed = Math.max(0.1, Number(speed) || 1);
  }

  moveDuration(token) {
    if (this.reduced || this.instant) return 0;
    const backlog = token ? token.backlog : 0;
    return (BASE_MOVE_MS / this.speed) * (backlog > 2 ? 0.3 : 1);
  }

  // -- drawing the static graph ---------------------------------------------------------------------

  /**
   * Wide (four columns) or tall (three): the one drawn larger in the graph's box, the width the
   * page gives it and the most height its CSS allows it. A margin keeps it from flipping to and
   * fro at the boundary. Redraws, keeping the tokens, when it changes.
   */
  chooseLayout() {
    if (!this.adapt) return;
    const width = this.svg.clientWidth || this.svg.getBoundingClientRect().width;
    if (!width) return;
    const css = getComputedStyle(this.svg);
    const maxH = parseFloat(css.maxHeight);
    const room = Number.isFinite(maxH) && maxH > 0 ? maxH : Infinity;
    const scale = (lay) => Math.min(width / lay.width, room / lay.height);
    const ratio = scale(TALL) / scale(WIDE);
    const next = this.layout === TALL ? (ratio < 1.05 ? WIDE : TALL) : (ratio > 1.15 ? TALL : WIDE);
    if (next === this.layout) return;
    // Not while a token travels or has steps waiting: a redraw would drop them. Once they are done.
    const busy = [...this.tokens.values()].filter((t) => t.moving || t.backlog > 0);
    if (busy.length) {
      if (!this.layoutWait) {
        this.layoutWait = Promise.all(busy.map((t) => t.queue)).then(() => {
          this.layoutWait = null;
          this.chooseLayout();
        });
      }
      return;
    }
    this.layout = next;
    if (this.lc) this.setLifecycle(this.lc);
  }

  setLifecycle(lc) {
    this.lc = lc;
    if (!this.nodes.size) this.chooseLayoutNow();
    const kept = [...this.tokens.values()].map((t) => ({
      id: t.id, name: t.name, image: t.image, state: t.state, status: t.status, health: t.health,
    }));
    this.draw();
    this.renderModel(kept);
  }

  /** The first choice, before anything is drawn. */
  chooseLayoutNow() {
    const lc = this.lc;
    this.lc = null;
    this.chooseLayout();
    this.lc = lc;
  }

  /** The `marker-end` value for an arrowhead of this graph. */
  arrow(kind) {
    return `url(#${this.ids}arrow-${kind})`;
  }

  position(id) {
    const known = this.layout.nodes[id];
    if (known) return known;
    const unknown = this.lc.states.filter((s) => !this.layout.nodes[s.id]).map((s) => s.id);
    const i = unknown.indexOf(id);
    return { x: 120 + i * 170, y: this.layout.height - 40, tokens: 'above' };
  }

  draw() {
    const root = this.svg;
    root.replaceChildren();
    const extraRow = this.lc.states.some((s) => !this.layout.nodes[s.id]) ? 90 : 0;
    root.setAttribute('viewBox', `0 0 ${this.layout.width} ${this.layout.height + extraRow}`);
    root.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    root.dataset.layout = this.layout.name;
    root.classList.toggle('graph--tall', this.layout === TALL);
    const defs = svg('defs', {}, root);
    for (const kind of ['plain', 'event', 'active', 'refused']) {
      const marker = svg('marker', {
        id: `${this.ids}arrow-${kind}`, viewBox: '0 0 10 10', refX: 8.5, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse',
      }, defs);
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead arrowhead--${kind}` }, marker);
    }
    // Markers scale with strokes unless userSpaceOnUse; give them a fixed, readable size.
    for (const m of defs.querySelectorAll('marker')) {
      m.setAttribute('markerWidth', '11');
      m.setAttribute('markerHeight', '11');
    }

    this.layers = {
      paths: svg('g', { class: 'layer-paths', 'aria-hidden': 'true' }, root),
      highlight: svg('g', { class: 'layer-highlight', 'aria-hidden': 'true' }, root),
      edges: svg('g', { class: 'layer-edges', role: 'group', 'aria-label': tr('graph_edges_label') }, root),
      nodes: svg('g', { class: 'layer-nodes', role: 'group', 'aria-label': tr('graph_states_label') }, root),
      tokens: svg('g', { class: 'layer-tokens', role: 'group', 'aria-label': tr('graph_tokens_label') }, root),
      overlay: svg('g', { class: 'layer-overlay', 'aria-hidden': 'true' }, root),
    };
    this.drawNodes();
    this.drawEdges();
    this.setupRoving(this.layers.nodes, '.state');
    this.setupRoving(this.layers.edges, '.edge');
    this.setupRoving(this.layers.tokens, '.token');
  }

  drawNodes() {
    this.nodes.clear();
    const reg = this.layout.registry;
    const registry = svg('g', { class: 'registry', transform: `translate(${reg.x},${reg.y})`, 'aria-hidden': 'true' }, this.layers.nodes);
    svg('rect', { x: -52, y: -15, width: 104, height: 30, rx: 15 }, registry);
    svg('text', { class: 'registry-label', 'text-anchor': 'middle', y: 5 }, registry).textContent = tr('graph_registry');

    for (const state of this.lc.states) {
      const pos = this.position(state.id);
      const g = svg('g', {
        class: `state state--${state.id}`,
        'data-state': state.id,
        transform: `translate(${pos.x},${pos.y})`,
        tabindex: '-1',
        role: 'listitem',
        'aria-roledescription': tr('graph_state_role'),
      }, this.layers.nodes);
      svg('rect', { class: 'state-box', x: -NODE_W / 2, y: -NODE_H / 2, width: NODE_W, height: NODE_H, rx: 12 }, g);
      svg('rect', { class: 'state-stripe', x: -NODE_W / 2, y: -NODE_H / 2, width: 7, height: NODE_H, rx: 3 }, g);
      const label = svg('text', { class: 'state-label', x: -4, y: 6, 'text-anchor': 'middle' }, g);
      label.textContent = state.label;
      if (state.docker && state.dockerLabel && state.dockerLabel !== state.label) {
        // A translated name: Docker's own word below it, as `docker ps` prints it.
        label.setAttribute('y', '1');
        svg('tspan', { class: 'state-label-docker', x: -4, dy: 15, 'font-size': 11, 'font-weight': 500, opacity: 0.8 }, label)
          .textContent = state.dockerLabel;
      }
      const count = svg('g', { class: 'state-count', transform: `translate(${NODE_W / 2 - 4},${-NODE_H / 2 + 4})` }, g);
      svg('circle', { r: 11 }, count);
      const countText = svg('text', { 'text-anchor': 'middle', y: 4.5 }, count);
      const node = { id: state.id, state, g, x: pos.x, y: pos.y, side: pos.tokens || 'below', cols: pos.cols || 2, max: pos.max || MAX_SLOTS, count, countText };
      this.nodes.set(state.id, node);
      g.addEventListener('mouseenter', () => this.info({ kind: 'state', state }));
      g.addEventListener('mouseleave', () => this.info(null));
      g.addEventListener('focus', () => this.info({ kind: 'state', state }));
      g.addEventListener('blur', () => this.info(null));
      g.addEventListener('click', () => {
        const here = this.tokensIn(state.id);
        if (here.length) this.select(here[0].id, true);
        this.info({ kind: 'state', state });
      });
    }
    this.svg.setAttribute('role', 'group');
    this.updateCounts();
  }

  edgeGeometry(group) {
    const { src, dst } = group;
    const lay = this.layout.edges[`${src ?? ''}>${dst}`] || {};
    const b = this.nodes.get(dst);
    if (src === dst) {
      // A self-loop on top of the node.
      const x = b.x;
      const y = b.y - NODE_H / 2;
      const d = `M${x - 30},${y - 2} C${x - 46},${y - 74} ${x + 46},${y - 74} ${x + 30},${y - 2}`;
      return { d, label: [x, y - 58] };
    }
    let a;
    if (src === null) {
      a = { x: this.layout.registry.x, y: this.layout.registry.y, w: 104, h: 30 };
    } else {
      const n = this.nodes.get(src);
      a = { x: n.x, y: n.y, w: NODE_W, h: NODE_H };
    }
    if (lay.via) {
      const pts = lay.via;
      const start = boxExit(a.x, a.y, pts[0][0], pts[0][1], a.w, a.h);
      const last = pts[pts.length - 1];
      const end = boxExit(b.x, b.y, last[0], last[1], NODE_W, NODE_H, 6);
      const all = [start, ...pts, end];
      let d = `M${start[0].toFixed(1)},${start[1].toFixed(1)}`;
      const r = 26;
      for (let i = 1; i < all.length - 1; i += 1) {
        const [px, py] = all[i - 1];
        const [cx, cy] = all[i];
        const [nx, ny] = all[i + 1];
        const l1 = Math.hypot(cx - px, cy - py);
        const l2 = Math.hypot(nx - cx, ny - cy);
        const r1 = Math.min(r, l1 / 2);
        const r2 = Math.min(r, l2 / 2);
        d += ` L${(cx - ((cx - px) / l1) * r1).toFixed(1)},${(cy - ((cy - py) / l1) * r1).toFixed(1)}`;
        d += ` Q${cx},${cy} ${(cx + ((nx - cx) / l2) * r2).toFixed(1)},${(cy + ((ny - cy) / l2) * r2).toFixed(1)}`;
      }
      d += ` L${end[0].toFixed(1)},${end[1].toFixed(1)}`;
      const seg = lay.labelSegment ?? 0;
      const p = all[seg + 1] || all[1];
      const q = all[seg + 2] || all[all.length - 1];
      return { d, label: [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2] };
    }
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const nx = dy / len; // left normal in screen coordinates (y grows downwards)
    const ny = -dx / len;
    let bend = lay.bend || 0;
    if (group.paired) bend += this.layout.pairOffset;
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const cx = mx + nx * bend * 2;
    const cy = my + ny * bend * 2;
    const start = boxExit(a.x, a.y, cx, cy, a.w, a.h);
    const end = boxExit(b.x, b.y, cx, cy, NODE_W, NODE_H, 6);
    const d = `M${start[0].toFixed(1)},${start[1].toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${end[0].toFixed(1)},${end[1].toFixed(1)}`;
    // Two directions between the same states: each puts its labels nearer its own source.
    const t = lay.labelAt ?? (group.paired ? 0.4 : 0.5);
    const lx = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * cx + t * t * end[0];
    const ly = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * cy + t * t * end[1];
    return { d, label: [lx, ly], vertical: Math.abs(dy) > Math.abs(dx) * 2.5 };
  }

  drawEdges() {
    this.edges = [];
    // One curve per direction between two states; its edges' labels form one group on it.
    const groups = new Map();
    for (const t of this.lc.visible) {
      if (t.src !== null && !this.nodes.has(t.src)) continue;
      if (!this.nodes.has(t.dst)) continue;
      const key = `${t.src ?? ''}>${t.dst}`;
      if (!groups.has(key)) groups.set(key, { key, src: t.src, dst: t.dst, list: [] });
      groups.get(key).list.push(t);
    }
    for (const g of groups.values()) {
      g.paired = g.src !== null && g.src !== g.dst && groups.has(`${g.dst}>${g.src}`);
    }
    for (const group of groups.values()) {
      group.geo = this.edgeGeometry(group);
      const anyCommand = group.list.some((t) => t.trigger === 'command');
      group.path = svg('path', {
        class: `edge-path ${anyCommand ? '' : 'edge-path--event'}`.trim(),
        d: group.geo.d,
        'marker-end': this.arrow(anyCommand ? 'plain' : 'event'),
      }, this.layers.paths);
      group.path.dataset.group = group.key;
    }
    const placed = this.placeLabels([...groups.values()]);
    for (const group of groups.values()) {
      const { geo, path } = group;
      const spot = placed.get(group.key);
      group.list.forEach((t, i) => {
        const kind = t.trigger === 'command' ? 'command' : 'event';
        const g = svg('g', {
          class: `edge edge--${kind}`,
          'data-edge': t.edge,
          'data-from': t.src ?? '',
          'data-to': t.dst,
          'data-group': group.key,
          tabindex: '-1',
          role: 'button',
          'aria-label': this.edgeAria(t),
        }, this.layers.edges);
        // The shared curve is clickable for the first edge of a group; every pill for its own edge.
        if (i === 0) svg('path', { class: 'edge-hit', d: geo.d }, g);
        const { dx, dy, w } = spot.items[i];
        const lx = spot.x + dx;
        const ly = spot.y + dy;
        const label = svg('g', { class: `edge-label edge-label--${kind}`, transform: `translate(${lx.toFixed(1)},${ly.toFixed(1)})` }, g);
        svg('rect', { x: -w / 2, y: -PILL_H / 2, width: w, height: PILL_H, rx: PILL_H / 2 }, label);
        svg('text', { 'text-anchor': 'middle', y: 4.5 }, label).textContent = t.label;
        const edge = { t, g, path, label, d: geo.d, group: group.key };
        this.edges.push(edge);
        const show = () => { this.highlight(edge, true); this.info({ kind: 'edge', t }); };
        const hide = () => { this.highlight(edge, false); this.info(null); };
        g.addEventListener('mouseenter', show);
        g.addEventListener('mouseleave', hide);
        g.addEventListener('focus', show);
        g.addEventListener('blur', hide);
        g.addEventListener('click', () => this.activateEdge(edge));
        g.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            this.activateEdge(edge);
          }
        });
      });
    }
  }

  /**
   * The places the drawing keeps for other things: every state box (with its count), the registry,
   * and every slot a token can ever take (as wide as the widest chip), so that no number of
   * containers can cover a label.
   */
  reservedBoxes() {
    const boxes = [];
    const reg = this.layout.registry;
    boxes.push(box(reg.x - 52, reg.y - 15, 104, 30));
    for (const node of this.nodes.values()) {
      boxes.push(box(node.x - NODE_W / 2 - 4, node.y - NODE_H / 2 - 10, NODE_W + 14, NODE_H + 14));
      for (let i = 0; i < node.max; i += 1) {
        const [x, y] = this.slot(node, i);
        boxes.push(box(x - 18, y - CHIP_H / 2 - 4, CHIP_W + 8, CHIP_H + 8));
      }
    }
    return boxes;
  }

  /**
   * Where each group of edge labels goes: on its own curve, as near its middle as it can, but
   * never over a state, a token's slot or another group's labels, and over as few other lines as
   * possible; a group may sit beside its curve (on the free side) or change from a column to a
   * row. Labels are fitted greedily, the biggest groups first. Returns key -> {x, y, items}.
   */
  placeLabels(groups) {
    const hard = this.reservedBoxes();
    const W = this.layout.width;
    const H = this.layout.height;
    const samples = new Map();
    for (const g of groups) {
      let pts = [];
      try {
        const len = g.path.getTotalLength();
        const n = Math.max(8, Math.ceil(len / 6));
        for (let i = 0; i <= n; i += 1) {
          const p = g.path.getPointAtLength((len * i) / n);
          pts.push([p.x, p.y]);
        }
      } catch {
        pts = [g.geo.label];
      }
      samples.set(g.key, pts);
    }
    const arrangements = (list) => {
      const widths = list.map((t) => pillW(t.label));
      const column = {
        w: Math.max(...widths),
        h: list.length * PILL_H + (list.length - 1) * PILL_GAP,
        items: widths.map((w, i) => ({ w, dx: 0, dy: (i - (list.length - 1) / 2) * (PILL_H + PILL_GAP) })),
      };
      const total = widths.reduce((s, w) => s + w, 0) + (list.length - 1) * ROW_GAP;
      let at = -total / 2;
      const row = {
        w: total,
        h: PILL_H,
        items: widths.map((w) => {
          const item = { w, dx: at + w / 2, dy: 0 };
          at += w + ROW_GAP;
          return item;
        }),
      };
      return list.length === 1 ? [column] : [column, row];
    };
    const order = [...groups].sort((a, b) => b.list.length - a.list.length);
    const taken = [];
    const result = new Map();
    for (const g of order) {
      const pts = samples.get(g.key);
      const others = groups.filter((o) => o !== g).flatMap((o) => samples.get(o.key));
      const lay = this.layout.edges[g.key] || {};
      const prefer = lay.labelAt ?? (g.paired ? 0.42 : 0.5);
      const options = arrangements(g.list);
      // A nearly vertical curve reads better with its labels in a row across it.
      const vertical = g.geo.vertical;
      let best = null;
      options.forEach((arr, ai) => {
        const preferred = vertical ? ai === options.length - 1 : ai === 0;
        for (let k = 0; k <= 14; k += 1) {
          const t = Math.min(0.9, Math.max(0.1, prefer + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 0.05));
          const idx = Math.round(t * (pts.length - 1));
          const [px, py] = pts[idx];
          const [ax, ay] = pts[Math.max(0, idx - 1)];
          const [bx, by] = pts[Math.min(pts.length - 1, idx + 1)];
          const tl = Math.hypot(bx - ax, by - ay) || 1;
          const nx = -(by - ay) / tl;
          const ny = (bx - ax) / tl;
          // How far to step aside so the group just clears its own curve.
          const aside = Math.abs(nx) * (arr.w / 2) + Math.abs(ny) * (arr.h / 2) + 5;
          for (const off of [0, aside, -aside]) {
            const cx = px + nx * off;
            const cy = py + ny * off;
            const b = box(cx - arr.w / 2 - 2, cy - arr.h / 2 - 2, arr.w + 4, arr.h + 4);
            let clash = 0;
            for (const o of hard) clash += overlapArea(b, o);
            for (const o of taken) clash += overlapArea(b, o);
            if (b.x0 < 0 || b.y0 < 0 || b.x1 > W || b.y1 > H) clash += 1000;
            let crossings = 0;
            for (const [qx, qy] of others) if (qx > b.x0 && qx < b.x1 && qy > b.y0 && qy < b.y1) crossings += 1;
            const cost = clash * 1000 + crossings * 25 + Math.abs(t - prefer) * 300 + Math.abs(off) * 1.2 + (preferred ? 0 : 40);
            if (!best || cost < best.cost) best = { cost, x: cx, y: cy, arr, b };
          }
        }
      });
      taken.push(best.b);
      result.set(g.key, { x: best.x, y: best.y, items: best.arr.items });
    }
    return result;
  }

  edgeAria(t) {
    const from = t.src === null ? tr('graph_from_registry') : this.lc.label(t.src);
    const how = t.trigger === 'command' ? t.command : tr('graph_on_its_own', { cause: t.cause });
    return tr('graph_edge_aria', { edge: t.label, from, to: this.lc.label(t.dst), how, about: t.summary });
  }

  activateEdge(edge) {
    if (this.opts.onEdge) this.opts.onEdge(edge.t, this.selectedToken());
    edge.g.classList.add('edge--chosen');
    setTimeout(() => edge.g.classList.remove('edge--chosen'), 600);
  }

  highlight(edge, on) {
    const layer = this.layers.highlight;
    layer.replaceChildren();
    if (on) {
      svg('path', { class: 'edge-highlight', d: edge.d, 'marker-end': this.arrow('active') }, layer);
      edge.g.classList.add('edge--hover');
    } else {
      edge.g.classList.remove('edge--hover');
    }
  }

  info(detail) {
    if (this.opts.onInfo) this.opts.onInfo(detail);
  }

  // Keyboard: one Tab stop per group, arrow keys within it (the usual composite-widget pattern).
  setupRoving(layer, selector) {
    layer.addEventListener('keydown', (e) => {
      const items = [...layer.querySelectorAll(selector)].filter((el) => !el.classList.contains('token--overflow'));
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      let next = null;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = items[(i + 1) % items.length];
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = items[(i - 1 + items.length) % items.length];
      else if (e.key === 'Home') next = items[0];
      else if (e.key === 'End') next = items[items.length - 1];
      if (next) {
        e.preventDefault();
        this.focusItem(layer, selector, next);
      }
    });
    this.ensureTabStop(layer, selector);
  }

  focusItem(layer, selector, el) {
    for (const item of layer.querySelectorAll(selector)) item.setAttribute('tabindex', item === el ? '0' : '-1');
    el.focus();
  }

  ensureTabStop(layer, selector) {
    const items = [...layer.querySelectorAll(selector)];
    if (!items.length) return;
    if (!items.some((el) => el.getAttribute('tabindex') === '0')) items[0].setAttribute('tabindex', '0');
  }

  // -- tokens ---------------------------------------------------------------------------------------

  look(id) {
    if (!this.looks.has(id)) {
      const i = this.nextLook;
      this.nextLook += 1;
      this.looks.set(id, {
        color: TOKEN_COLORS[i % TOKEN_COLORS.length],
        shape: SHAPES[i % SHAPES.length],
      });
    }
    return this.looks.get(id);
  }

  tokensIn(state) {
    return [...this.tokens.values()].filter((t) => t.state === state && !t.moving)
      .sort((a, b) => a.arrival - b.arrival);
  }

  createToken({ id, name, image, state, status, health }) {
    const look = this.look(id);
    const g = svg('g', {
      class: 'token',
      'data-container': name,
      'data-state': state,
      tabindex: '-1',
      role: 'button',
    }, this.layers.tokens);
    const title = svg('title', {}, g);
    const ring = svg('rect', { class: 'token-ring', x: -18, y: -CHIP_H / 2 - 4, height: CHIP_H + 8, rx: (CHIP_H + 8) / 2 }, g);
    const chip = svg('rect', { class: 'token-chip', x: -14, y: -CHIP_H / 2, height: CHIP_H, rx: CHIP_H / 2, stroke: look.color }, g);
    drawShape(look.shape, g, look.color);
    const label = svg('text', { class: 'token-label', x: 12, y: 4.5 }, g);
    const extras = svg('g', { class: 'token-extras' }, g);
    const token = {
      id, name, image, state, status: status || '', g, label, chip, ring, extras, look, title, arrival: this.arrival += 1,
      queue: Promise.resolve(), backlog: 0, x: 0, y: 0, moving: false,
    };
    this.tokens.set(id, token);
    this.setTokenName(token, name);
    this.setHealth(token, health || null);
    this.updateTokenAria(token);
    g.addEventListener('click', () => this.select(id, true));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.select(id, true);
      }
    });
    const showInfo = () => this.info({ kind: 'token', token: this.tokenInfo(token) });
    g.addEventListener('mouseenter', showInfo);
    g.addEventListener('focus', showInfo);
    g.addEventListener('mouseleave', () => this.info(null));
    g.addEventListener('blur', () => this.info(null));
    this.ensureTabStop(this.layers.tokens, '.token');
    if (this.selected === name) g.classList.add('token--selected');
    return token;
  }

  /** The chip shows the name (its whole name on hover, in a <title>); see fitName. */
  setTokenName(token, name) {
    token.name = name;
    token.g.setAttribute('data-container', name);
    token.title.textContent = name;
    this.fitName(token);
    // A new name can make another chip's short form ambiguous: fit those again.
    for (const other of this.tokens.values()) if (other !== token && other.elided) this.fitName(other);
  }

  /**
   * The whole name when it fits the chip (at most chipWidth wide); else its start and its end
   * around an ellipsis ("aweso…r_one"), as much of both as fits; and never a short form that
   * another container's name in the graph would also fit: then the part that tells them apart
   * shows between two ellipses ("se…_01_…nd").
   */
  fitName(token) {
    const { name, label } = token;
    const room = this.chipW - 34;
    const measure = (text) => {
      label.textContent = text;
      let w = 0;
      try { w = label.getComputedTextLength(); } catch { w = 0; }
      return w || text.length * 7.8;
    };
    let text = name;
    token.elided = measure(name) > room;
    if (token.elided) {
      const others = [...this.tokens.values()].map((t) => t.name).filter((n) => n !== name);
      text = shortName(name, others, (candidate) => measure(candidate) <= room);
    }
    label.textContent = text;
    const width = measure(text);
    const w = Math.max(44, Math.ceil(width) + 34);
    token.chip.setAttribute('width', String(w));
    token.ring.setAttribute('width', String(w + 8));
    token.width = w;
    if (token.healthBadge) token.healthBadge.setAttribute('transform', `translate(${w - 16},${-CHIP_H / 2})`);
  }

  /** The health badge shows on the lifecycle table's health state only (Running). */
  showHealth(token) {
    token.g.classList.toggle('token--health-off', !this.lc || token.state !== this.lc.healthState);
  }

  /**
   * The container's health check (`starting`, `healthy`, `unhealthy`, or null without one): the
   * token's `data-health` (a page hook) and a badge on its chip, shown while it is Running.
   */
  setHealth(token, health) {
    token.health = health;
    if (!health) {
      token.g.removeAttribute('data-health');
      if (token.healthBadge) token.healthBadge.remove();
      token.healthBadge = null;
      return;
    }
    token.g.setAttribute('data-health', health);
    this.showHealth(token);
    if (!token.healthBadge) {
      token.healthBadge = svg('g', { class: 'token-health' }, token.g);
      svg('circle', { r: 7.5 }, token.healthBadge);
      svg('text', { 'text-anchor': 'middle', y: 3.8 }, token.healthBadge);
      svg('title', {}, token.healthBadge);
      token.healthBadge.setAttribute('transform', `translate(${(token.width || CHIP_W) - 16},${-CHIP_H / 2})`);
    }
    token.healthBadge.setAttribute('class', `token-health token-health--${health}`);
    token.healthBadge.querySelector('text').textContent = HEALTH_GLYPHS[health] || '?';
    token.healthBadge.querySelector('title').textContent = tr(`health_${health}`);
  }

  tokenInfo(token) {
    return {
      name: token.name, image: token.image, state: token.state, status: token.status, health: token.health,
      shape: token.look.shape, shapeName: shapeName(token.look.shape), color: token.look.color,
    };
  }

  updateTokenAria(token) {
    const state = this.lc ? this.lc.fullLabel(token.state) : token.state;
    const status = token.status ? `, ${token.status}` : '';
    token.g.setAttribute('aria-label', tr('graph_token_aria', { name: token.name, shape: shapeName(token.look.shape), state: `${state}${status}` }));
    token.g.setAttribute('aria-pressed', this.selected === token.name ? 'true' : 'false');
  }

  slot(node, index) {
    const cols = node.cols;
    const col = index % cols;
    const row = Math.floor(index / cols);
    const colW = CHIP_W + 8;
    const rowH = CHIP_H + SLOT_GAP;
    switch (node.side) {
      case 'left':
        return [node.x - NODE_W / 2 - 18 - CHIP_W + 14, node.y + row * rowH];
      case 'right':
        return [node.x + NODE_W / 2 + 26, node.y + row * rowH];
      case 'below-right':
        return [node.x + 10 + 14, node.y + NODE_H / 2 + 20 + row * rowH];
      case 'below-left':
        return [node.x - NODE_W / 2 - 6 - CHIP_W + 14 + 40, node.y + NODE_H / 2 + 20 + row * rowH];
      case 'right-up':
        return [node.x + NODE_W / 2 + 32, node.y - 12 - row * rowH];
      default: {
        const x0 = node.x - ((cols - 1) * colW) / 2 - CHIP_W / 2 + 14;
        const x = x0 + col * colW;
        const y = node.side === 'above'
          ? node.y - NODE_H / 2 - 8 - CHIP_H / 2 - row * rowH
          : node.y + NODE_H / 2 + 8 + CHIP_H / 2 + row * rowH;
        return [x, y];
      }
    }
  }

  placeToken(token, x, y) {
    token.x = x;
    token.y = y;
    token.g.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)})`);
  }

  /** Put every token of a state in its slot (new arrivals last); hide the ones past the last slot. */
  relayout(stateId, animate = true) {
    const node = this.nodes.get(stateId);
    if (!node) return;
    const list = this.tokensIn(stateId);
    const max = node.max;
    const overflow = list.length > max ? list.length - (max - 1) : 0;
    list.forEach((token, i) => {
      const hidden = overflow && i >= max - 1;
      token.g.classList.toggle('token--overflow', Boolean(hidden));
      const [x, y] = this.slot(node, Math.min(i, max - 1));
      if (hidden) {
        this.placeToken(token, x, y);
        return;
      }
      if (!animate || this.reduced || (token.x === x && token.y === y)) {
        this.placeToken(token, x, y);
      } else {
        const fx = token.x;
        const fy = token.y;
        tween(200, (p) => this.placeToken(token, fx + (x - fx) * p, fy + (y - fy) * p));
      }
    });
    let more = [...this.layers.overlay.querySelectorAll('.state-more')].find((m) => m.dataset.for === stateId);
    if (overflow) {
      if (!more) {
        more = svg('g', { class: 'state-more' }, this.layers.overlay);
        more.dataset.for = stateId;
        svg('rect', { x: -14, y: -CHIP_H / 2, width: CHIP_W, height: CHIP_H, rx: CHIP_H / 2 }, more);
        svg('text', { x: CHIP_W / 2 - 14, y: 4.5, 'text-anchor': 'middle' }, more);
      }
      const [x, y] = this.slot(node, max - 1);
      more.setAttribute('transform', `translate(${x},${y})`);
      more.querySelector('text').textContent = tr('graph_more', { n: overflow });
    }
    for (const m of this.layers.overlay.querySelectorAll('.state-more')) {
      if (m.dataset.for === stateId && !overflow) m.remove();
    }
    this.updateCounts();
  }

  updateCounts() {
    for (const node of this.nodes.values()) {
      const list = [...this.tokens.values()].filter((t) => t.state === node.id);
      const n = list.length;
      node.countText.textContent = String(n);
      node.count.classList.toggle('state-count--empty', n === 0);
      const names = list.map((t) => t.name).join(', ');
      const key = n === 0 ? 'graph_state_none' : (n === 1 ? 'graph_state_one' : 'graph_state_many');
      node.g.setAttribute('aria-label', tr(key, { state: this.lc.fullLabel(node.id), n, names, about: node.state.summary }));
    }
  }

  select(id, fromUser = false) {
    const token = this.tokens.get(id);
    this.selected = token ? token.name : null;
    for (const t of this.tokens.values()) {
      t.g.classList.toggle('token--selected', t === token);
      this.updateTokenAria(t);
    }
    if (fromUser && this.opts.onSelect) this.opts.onSelect(this.selected);
  }

  selectByName(name) {
    const token = [...this.tokens.values()].find((t) => t.name === name && t.state !== this.lc.gone);
    this.selected = name || null;
    for (const t of this.tokens.values()) {
      t.g.classList.toggle('token--selected', t === token);
      this.updateTokenAria(t);
    }
  }

  selectedToken() {
    if (!this.selected) return null;
    const token = [...this.tokens.values()].find((t) => t.name === this.selected && t.state !== this.lc.gone);
    return token ? { name: token.name, image: token.image, state: token.state, id: token.id } : null;
  }

  removeToken(token) {
    token.g.remove();
    this.tokens.delete(token.id);
    this.relayout(token.state, true);
    this.ensureTabStop(this.layers.tokens, '.token');
    if (this.opts.onVanish) this.opts.onVanish(token.id);
  }

  scheduleVanish(token) {
    clearTimeout(token.vanishTimer);
    const epoch = this.epoch;
    token.vanishTimer = setTimeout(() => {
      if (epoch !== this.epoch || !this.tokens.has(token.id) || token.state !== this.lc.gone) return;
      token.g.classList.add('token--vanishing');
      setTimeout(() => {
        if (this.tokens.get(token.id) === token && token.state === this.lc.gone) this.removeToken(token);
      }, this.reduced ? 0 : 400);
    }, VANISH_MS);
  }

  /**
   * Zoom the view onto these states and the tokens in them; the other states are dimmed. For a
   * compact second graph (a challenge's target) that shows only what matters.
   */
  fitTo(stateIds, { pad = 22, minWidth = 600, minHeight = 340 } = {}) {
    // A zoomed view keeps the wide drawing, whatever its box.
    this.adapt = false;
    if (this.layout !== WIDE) {
      this.layout = WIDE;
      this.setLifecycle(this.lc);
    }
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const add = (ax, ay, bx, by) => {
      x0 = Math.min(x0, ax); y0 = Math.min(y0, ay); x1 = Math.max(x1, bx); y1 = Math.max(y1, by);
    };
    for (const node of this.nodes.values()) {
      const wanted = stateIds.includes(node.id);
      node.g.classList.toggle('state--dim', !wanted);
      if (wanted) add(node.x - NODE_W / 2, node.y - NODE_H / 2, node.x + NODE_W / 2, node.y + NODE_H / 2);
    }
    for (const t of this.tokens.values()) {
      if (stateIds.includes(t.state)) add(t.x - 20, t.y - CHIP_H / 2 - 6, t.x + (t.width || CHIP_W) - 8, t.y + CHIP_H / 2 + 6);
    }
    if (!Number.isFinite(x0)) return;
    x0 -= pad; y0 -= pad; x1 += pad; y1 += pad;
    // Grow to the minimum size around the middle, staying inside the drawing (or what it needs).
    const grow = (lo, hi, min, size) => {
      const limit = Math.max(size, hi);
      const extra = Math.max(0, min - (hi - lo));
      let a = lo - extra / 2;
      let b = hi + extra / 2;
      if (a < 0) { b -= a; a = 0; }
      if (b > limit && a > 0) { const back = Math.min(a, b - limit); a -= back; b -= back; }
      return [a, b];
    };
    [x0, x1] = grow(x0, x1, minWidth, this.layout.width);
    [y0, y1] = grow(y0, y1, minHeight, this.layout.height);
    this.svg.setAttribute('viewBox', `${x0.toFixed(0)} ${y0.toFixed(0)} ${(x1 - x0).toFixed(0)} ${(y1 - y0).toFixed(0)}`);
  }

  /** Draw these containers where they are, at once (after a reload, a rewind, or back to live). */
  renderModel(list) {
    this.epoch += 1;
    for (const token of this.tokens.values()) {
      clearInterval(token.graceTimer);
      clearTimeout(token.vanishTimer);
      token.g.remove();
    }
    this.tokens.clear();
    this.layers.overlay.replaceChildren();
    for (const c of list) {
      if (!this.nodes.has(c.state)) continue;
      const token = this.createToken(c);
      if (c.state === this.lc.gone) {
        token.g.classList.add('token--gone');
        if (this.autoVanish) this.scheduleVanish(token);
      }
    }
    for (const node of this.nodes.values()) this.relayout(node.id, false);
    this.selectByName(this.selected);
    this.ensureTabStop(this.layers.tokens, '.token');
  }

  // -- steps from the director ----------------------------------------------------------------------

  /** Queue a step; steps for one container play in order, different containers in parallel. */
  play(step) {
    if (step.type === 'pulse') {
      this.pulse(step.t);
      return Promise.resolve();
    }
    const epoch = this.epoch;
    let token = this.tokens.get(step.id);
    if (step.type === 'spawn') {
      if (token) return token.queue;
      token = this.createToken({ ...step, state: step.state });
      token.g.classList.add('token--new');
      if (step.state === this.lc.gone) token.g.classList.add('token--gone');
      this.relayout(step.state, false);
      if (step.state === this.lc.gone) this.scheduleVanish(token);
      if (!this.selected) this.selectByName(step.name);
      setTimeout(() => token.g.classList.remove('token--new'), 500);
      return token.queue;
    }
    if (step.type === 'reid') {
      if (token) {
        this.tokens.delete(step.id);
        token.id = step.newId;
        this.tokens.set(step.newId, token);
        this.looks.set(step.newId, token.look);
      }
      return Promise.resolve();
    }
    if (!token) return Promise.resolve();
    token.backlog += 1;
    token.queue = token.queue.then(async () => {
      token.backlog -= 1;
      if (epoch !== this.epoch) return;
      try {
        await this.exec(token, step, epoch);
      } catch (err) {
        console.error('graph step failed', step, err); // eslint-disable-line no-console
      }
    });
    return token.queue;
  }

  async exec(token, step, epoch) {
    switch (step.type) {
      case 'move': await this.moveToken(token, step, epoch); break;
      case 'rename':
        this.setTokenName(token, step.name);
        this.updateTokenAria(token);
        this.updateCounts();
        break;
      case 'badge': this.badge(token, step.text, step.tone); break;
      case 'grace': this.startGrace(token, step); break;
      case 'grace-end': this.endGrace(token, step.killed); break;
      case 'status':
        token.status = step.status || '';
        this.updateTokenAria(token);
        break;
      case 'health':
        this.setHealth(token, step.health);
        if (!step.quiet && this.opts.onHealth) this.opts.onHealth(step);
        break;
      default: break;
    }
  }

  edgeFor(t) {
    if (!t) return null;
    return this.edges.find((e) => e.t.index === t.index) || null;
  }

  async moveToken(token, step, epoch) {
    const from = token.state;
    const to = step.to;
    if (!this.nodes.has(to)) return;
    const edge = this.edgeFor(step.t);
    const duration = this.moveDuration(token);
    token.moving = true;
    token.g.classList.add('token--moving');
    this.raise(token); // on top while it travels
    this.relayout(from, true);
    const node = this.nodes.get(to);
    const arrivals = this.tokensIn(to).length;
    const [tx, ty] = this.slot(node, Math.min(arrivals, node.max - 1));
    const sx = token.x;
    const sy = token.y;
    if (edge && duration > 0) {
      this.setActive(edge, true);
      const path = edge.path;
      const len = path.getTotalLength();
      const p0 = path.getPointAtLength(0);
      const p1 = path.getPointAtLength(len);
      await tween(duration * 0.18, (p) => this.placeToken(token, sx + (p0.x - sx) * p, sy + (p0.y - sy) * p));
      if (epoch !== this.epoch) return;
      await tween(duration * 0.64, (p) => {
        const pt = path.getPointAtLength(len * p);
        this.placeToken(token, pt.x, pt.y);
      });
      if (epoch !== this.epoch) return;
      await tween(duration * 0.18, (p) => this.placeToken(token, p1.x + (tx - p1.x) * p, p1.y + (ty - p1.y) * p));
      setTimeout(() => this.setActive(edge, false), 500);
    } else if (duration > 0) {
      // No edge for this move (a correction from a snapshot): fade across.
      token.g.classList.add('token--jumping');
      await wait(duration * 0.3);
      this.placeToken(token, tx, ty);
      token.g.classList.remove('token--jumping');
    } else {
      this.placeToken(token, tx, ty);
      if (edge) {
        this.setActive(edge, true);
        setTimeout(() => this.setActive(edge, false), 700);
      }
    }
    if (epoch !== this.epoch) return;
    token.state = to;
    token.moving = false;
    token.arrival = this.arrival += 1;
    token.g.classList.remove('token--moving');
    token.g.setAttribute('data-state', to);
    token.g.classList.toggle('token--gone', to === this.lc.gone);
    this.showHealth(token);
    this.updateTokenAria(token);
    this.relayout(to, true);
    this.flashNode(to);
    if (to === this.lc.gone) {
      this.endGrace(token);
      if (this.autoVanish) this.scheduleVanish(token);
    }
    if (this.opts.onMove) this.opts.onMove(step);
  }

  setActive(edge, on) {
    edge.g.classList.toggle('edge--active', on);
    edge.path.classList.toggle('edge-path--active', on);
    if (on) edge.path.setAttribute('marker-end', this.arrow('active'));
    else edge.path.setAttribute('marker-end', this.arrow(edge.path.classList.contains('edge-path--event') ? 'event' : 'plain'));
  }

  flashNode(stateId, cls = 'state--arrived', ms = 700) {
    const node = this.nodes.get(stateId);
    if (!node) return;
    node.g.classList.remove(cls);
    // Restart the CSS animation.
    void node.g.getBoundingClientRect();
    node.g.classList.add(cls);
    setTimeout(() => node.g.classList.remove(cls), ms);
  }

  pulse(t) {
    const edge = this.edgeFor(t);
    if (!edge) return;
    this.setActive(edge, true);
    this.flashNode(t.dst);
    setTimeout(() => this.setActive(edge, false), 1200);
  }

  badge(token, text, tone = 'info') {
    const old = token.extras.querySelector('.token-badge');
    if (old) old.remove();
    if (token.grace) return; // the countdown already says what the signal did
    const w = text.length * 7 + 14;
    // Over the token's own chip, for a moment: beside or above it, it would cover an edge label
    // or the next token (the name is in the token's title, its aria-label and the picker).
    const at = `translate(${-14 + (token.width || CHIP_W) / 2},0)`;
    const g = svg('g', { class: `token-badge token-badge--${tone}`, transform: at }, token.extras);
    this.raise(token);
    svg('rect', { x: -w / 2, y: -10, width: w, height: 20, rx: 6 }, g);
    svg('text', { 'text-anchor': 'middle', y: 4 }, g).textContent = text;
    const ms = Math.max(2500, 4500 / this.speed);
    setTimeout(() => { if (g.isConnected) g.classList.add('token-badge--fading'); }, ms - 400);
    setTimeout(() => g.remove(), ms);
  }

  /** Draw a token above the others (unless it has the focus: moving it would lose the focus). */
  raise(token) {
    if (document.activeElement !== token.g && token.g.nextSibling) this.layers.tokens.appendChild(token.g);
  }

  /** `docker stop` on a process that ignores the signal: count the grace period down to SIGKILL. */
  startGrace(token, step) {
    this.endGrace(token);
    const seconds = Math.max(0, Number(step.seconds) || 0);
    const startedAt = step.at || Date.now();
    const old = token.extras.querySelector('.token-badge');
    if (old) old.remove();
    // Beside the chip while the drawing has room there (the tall one has not), else over the chip.
    const chipW = token.width || CHIP_W;
    const beside = token.x + chipW - 14 + 8 + 128 < this.layout.width - 4;
    const at = beside ? chipW - 14 + 8 + 64 : -14 + chipW / 2;
    const g = svg('g', { class: 'token-grace token-grace--hidden', transform: `translate(${at},0)` }, token.extras);
    svg('rect', { x: -64, y: -12, width: 128, height: 24, rx: 6 }, g);
    const bar = svg('rect', { class: 'token-grace-bar', x: -64, y: 9, width: 128, height: 3, rx: 1.5 }, g);
    const text = svg('text', { 'text-anchor': 'middle', y: 4 }, g);
    const ring = svg('circle', { class: 'token-grace-ring', r: 11, pathLength: 100, 'stroke-dasharray': '100 100', transform: 'rotate(-90)' }, token.extras);
    token.grace = { g, ring };
    let shown = false;
    const update = () => {
      const elapsed = (Date.now() - startedAt) / 1000;
      const left = Math.max(0, seconds - elapsed);
      if (elapsed > 0.35 && !shown) {
        // Still running after the signal: it is being ignored. Show the countdown.
        shown = true;
        g.classList.remove('token-grace--hidden');
        if (this.opts.onGrace) this.opts.onGrace({ name: token.name, seconds, signal: step.signal });
      }
      text.textContent = left > 0 ? tr('grace_countdown', { s: left.toFixed(1) }) : tr('grace_sending');
      const frac = seconds ? left / seconds : 0;
      bar.setAttribute('width', String(Math.max(0, 128 * frac).toFixed(1)));
      ring.setAttribute('stroke-dasharray', `${(frac * 100).toFixed(1)} 100`);
      g.setAttribute('aria-label', text.textContent);
    };
    update();
    token.graceTimer = setInterval(update, 100);
  }

  endGrace(token, killed = false) {
    clearInterval(token.graceTimer);
    token.graceTimer = null;
    if (token.grace) {
      token.grace.g.remove();
      token.grace.ring.remove();
      token.grace = null;
      if (killed) this.badge(token, 'SIGKILL', 'bad');
    }
  }

  /** A refused command: flash the states it needs and draw the edge that is missing. */
  flashRefusal({ from, t, need = [], id = null }) {
    for (const s of need) this.flashNode(s, 'state--needed', 2600);
    const token = id ? this.tokens.get(id) : null;
    if (token && t) this.badge(token, `✕ ${t.edge}`, 'bad');
    const a = this.nodes.get(from);
    const b = t && this.nodes.get(t.dst);
    // The edge that is missing: from where the container is to where the command would take it.
    if (!a || !b || a === b) return;
    const layer = this.layers.overlay;
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const cx = mx + (dy / len) * 60;
    const cy = my - (dx / len) * 60;
    const start = boxExit(a.x, a.y, cx, cy);
    const end = boxExit(b.x, b.y, cx, cy, NODE_W, NODE_H, 6);
    const g = svg('g', { class: 'ghost-edge' }, layer);
    svg('path', { d: `M${start[0]},${start[1]} Q${cx},${cy} ${end[0]},${end[1]}`, 'marker-end': this.arrow('refused') }, g);
    const text = `✕ ${t.edge}`;
    const w = text.length * 7.6 + 20;
    const lx = 0.25 * start[0] + 0.5 * cx + 0.25 * end[0];
    const ly = 0.25 * start[1] + 0.5 * cy + 0.25 * end[1];
    const label = svg('g', { transform: `translate(${lx},${ly})` }, g);
    svg('rect', { x: -w / 2, y: -11, width: w, height: 22, rx: 11 }, label);
    svg('text', { 'text-anchor': 'middle', y: 4.5 }, label).textContent = text;
    setTimeout(() => g.classList.add('ghost-edge--fading'), 2600);
    setTimeout(() => g.remove(), 3200);
  }
}
