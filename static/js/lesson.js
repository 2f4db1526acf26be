// A lesson page: steps marked done as the server reports progress, and a "type it for me" button
// that puts a step's solution on the console line (the learner still presses Enter).

export function setupLesson(root, socket, labConsole) {
  const lessonId = root.dataset.lesson || '';
  const steps = [...root.querySelectorAll('[data-step]')];
  const progress = document.getElementById('lesson-progress');

  const mark = (done) => {
    const set = new Set((done || []).map(String));
    let count = 0;
    for (const el of steps) {
      const isDone = set.has(el.dataset.step);
      if (isDone) count += 1;
      el.dataset.done = isDone ? 'true' : 'false';
      const state = el.querySelector('.step-state');
      if (state) state.textContent = isDone ? 'done' : 'to do';
    }
    const current = steps.find((el) => el.dataset.done !== 'true');
    for (const el of steps) el.classList.toggle('step--current', el === current);
    if (progress) {
      progress.value = count;
      progress.max = steps.length || 1;
      progress.textContent = `${count} of ${steps.length}`;
    }
  };

  const complete = document.getElementById('lesson-complete');

  // The server's progress message: {"lesson": id, "done": [step ids], "active": id, "completed"}.
  socket.on('progress', (data) => {
    if (!data || (data.lesson && String(data.lesson) !== lessonId)) return;
    mark(Array.isArray(data.done) ? data.done : []);
    if (data.active) {
      for (const el of steps) el.classList.toggle('step--current', el.dataset.step === String(data.active));
    }
    if (complete) complete.hidden = !data.completed;
  });

  for (const button of root.querySelectorAll('[data-solution]')) {
    button.addEventListener('click', () => {
      if (!labConsole.setLine(button.dataset.solution)) return;
      labConsole.focus();
    });
  }
  mark(steps.filter((el) => el.dataset.done === 'true').map((el) => el.dataset.step));
}
