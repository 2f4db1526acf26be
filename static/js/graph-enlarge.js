// The graph over the whole window. Beside a wide console the graph may get 400 px and its labels
// 7 px; one press gives it the window (the notes move beside it), and Escape or a second press puts
// it back. The rest of the page is inert meanwhile, so Tab stays in what can be seen. The graph
// redraws itself for its new room (graph.js chooses its drawing as its size changes). A click on an
// arrow puts its command on the console's line: the page closes it then (app.js), for the console.

const OPEN_CLASS = 'panel--enlarged';

/** Wires the toggle `button` to enlarge `panel`; returns the function that closes it. */
export function wireGraphEnlarge(panel, button) {
  if (!panel || !button) return () => {};
  // Everything beside the panel and beside each of its ancestors, but the toasts (still heard).
  const behind = () => {
    const found = [];
    for (let el = panel; el && el !== document.body; el = el.parentElement) {
      for (const sib of el.parentElement.children) {
        if (sib !== el && !sib.matches('script, style, #toasts')) found.push(sib);
      }
    }
    return found;
  };
  let covered = [];

  const set = (open) => {
    if (open === panel.classList.contains(OPEN_CLASS)) return;
    panel.classList.toggle(OPEN_CLASS, open);
    document.body.classList.toggle('graph-enlarged', open);
    button.setAttribute('aria-pressed', open ? 'true' : 'false');
    if (open) {
      covered = behind().filter((el) => !el.inert);
      for (const el of covered) el.inert = true;
    } else {
      for (const el of covered) el.inert = false;
      covered = [];
    }
    button.focus();
  };

  button.addEventListener('click', () => set(!panel.classList.contains(OPEN_CLASS)));
  // Escape closes it before anything else on the page reads the key (the replay's "back to live").
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !panel.classList.contains(OPEN_CLASS)) return;
    e.stopPropagation();
    e.preventDefault();
    set(false);
  }, true);
  return () => set(false);
}
