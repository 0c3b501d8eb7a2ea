// Two versions of a process side by side: each .version-diagram draws its data-source
// with bpmn-js's NavigatedViewer and marks the elements of its data-marks (element id ->
// added, removed or changed). A click on a marked element brings its rows of the table
// into view. A static file, not an inline script, for the Content-Security-Policy.
for (const box of document.querySelectorAll(".version-diagram")) drawVersion(box);

async function drawVersion(box) {
  const status = box.parentElement.querySelector(".diagram-status");
  const viewer = new BpmnJS({ container: box, additionalModules: [viewerWords(box)] });
  try {
    const xml = await (await fetch(box.dataset.source)).text();
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    for (const [id, kind] of Object.entries(JSON.parse(box.dataset.marks || "{}"))) {
      if (registry.get(id)) canvas.addMarker(id, `diff-${kind}`);
    }
    viewer.get("eventBus").on("element.click", (event) => showChange(event.element.id));
    box.dataset.ready = "true";
  } catch (err) {
    status.textContent = String(err.message || err);
  }
}

function showChange(elementId) {
  const rows = document.getElementById(`change-${elementId}`);
  if (rows) rows.scrollIntoView({ block: "center" });
}
