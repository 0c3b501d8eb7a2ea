// Live validation: the XML goes to the server as the designer pauses (debounced); each
// problem, govflow's own (the code of `govflow validate`), becomes an overlay on its
// element and a line of the list, in the page's language. Deploy waits for no errors.

const PAUSE_MS = 600;

export function liveValidation(modeler, config, { list, summary, onChecked, onPending }) {
  const overlays = modeler.get('overlays');
  const registry = modeler.get('elementRegistry');
  const selection = modeler.get('selection');
  let timer = null;
  let latest = 0;

  async function check() {
    const asked = ++latest;
    onPending();
    const { xml } = await modeler.saveXML({ format: true });
    try {
      const answer = await config.post(config.urls.validate, { xml });
      if (asked === latest) show(answer.problems);
    } catch (problem) {
      if (asked === latest) show(problem.problems || [{ message: problem.detail || String(problem), is_error: true }]);
    }
  }

  function show(problems) {
    overlays.remove({ type: 'govflow-problem' });
    list.replaceChildren(...problems.map((problem) => line(problem)));
    const errors = problems.filter((problem) => problem.is_error).length;
    summary.textContent = problems.length
      ? `${config.words['Errors'] || 'Errors'}: ${errors} · ${config.words['Warnings'] || 'Warnings'}: ${problems.length - errors}`
      : (config.words['No problems found.'] || 'No problems found.');
    for (const problem of problems) mark(problem);
    onChecked(errors);
  }

  function mark(problem) {
    if (!problem.element_id || !registry.get(problem.element_id)) return;
    const badge = document.createElement('div');
    badge.className = `govflow-problem ${problem.is_error ? 'is-error' : 'is-warning'}`;
    badge.textContent = problem.is_error ? '!' : '?';
    badge.title = problem.message;
    overlays.add(problem.element_id, 'govflow-problem', { position: { top: -10, right: 10 }, html: badge });
  }

  function line(problem) {
    const item = document.createElement('tr');
    item.className = problem.is_error ? 'problem-error' : 'problem-warning';
    for (const value of [problem.line || '-', problem.element_id || '-', problem.message, problem.hint || '']) {
      const cell = document.createElement('td');
      cell.textContent = value;
      item.append(cell);
    }
    const element = problem.element_id && registry.get(problem.element_id);
    if (element) item.addEventListener('click', () => selection.select(element));
    return item;
  }

  modeler.on('commandStack.changed', () => {
    onPending();
    clearTimeout(timer);
    timer = setTimeout(check, PAUSE_MS);
  });
  return { check, show };
}
