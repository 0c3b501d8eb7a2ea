// The BPMN diagram of #diagram's data-source, drawn by bpmn-js, with the elements of
// data-completed and data-active marked. A static file, not an inline script, so the
// Content-Security-Policy can allow scripts from this site only.
(async () => {
  const box = document.getElementById("diagram");
  const status = document.getElementById("diagram-status");
  const viewer = new BpmnJS({ container: box });
  try {
    const xml = await (await fetch(box.dataset.source)).text();
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport");
    for (const id of box.dataset.completed.split(" ").filter(Boolean)) canvas.addMarker(id, "completed-task");
    for (const id of box.dataset.active.split(" ").filter(Boolean)) canvas.addMarker(id, "active-task");
    box.dataset.ready = "true";
  } catch (err) {
    status.textContent = String(err.message || err);
  }
})();
