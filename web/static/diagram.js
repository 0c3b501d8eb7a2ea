// The BPMN diagram of #diagram's data-source, drawn by bpmn-js's NavigatedViewer (zoom,
// pan), each element of data-states marked with its state and, where several tokens
// are, their count. A click on an element shows its panel (.element-panel with that
// data-element, if the page has them). A static file, not an inline script, so the
// Content-Security-Policy can allow scripts from this site only.
(async () => {
  const box = document.getElementById("diagram");
  const status = document.getElementById("diagram-status");
  const viewer = new BpmnJS({ container: box, additionalModules: [viewerWords(box)] });
  try {
    const xml = await (await fetch(box.dataset.source)).text();
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport");
    markStates(viewer, JSON.parse(box.dataset.states || "{}"));
    const focus = box.dataset.focus && viewer.get("elementRegistry").get(box.dataset.focus);
    if (focus) canvas.scrollToElement(focus);
    wireZoomButtons(canvas);
    viewer.get("eventBus").on("element.click", (event) => showPanel(event.element.id));
    box.dataset.ready = "true";
  } catch (err) {
    // In the page's language; bpmn-js's own words stay for maintainers, on hover.
    status.textContent = box.dataset.failed;
    status.title = String(err.message || err);
  }
})();

function markStates(viewer, states) {
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  for (const [id, { state, tokens }] of Object.entries(states)) {
    if (!registry.get(id)) continue;  // an element of another version's diagram
    canvas.addMarker(id, `state-${state}`);
    if (tokens > 1) {
      const badge = document.createElement("span");
      badge.className = "token-count";
      badge.textContent = String(tokens);
      overlays.add(id, "tokens", { position: { top: -8, right: 8 }, html: badge });
    }
  }
}

function wireZoomButtons(canvas) {
  for (const button of document.querySelectorAll("[data-zoom]")) {
    button.addEventListener("click", () => {
      const how = button.dataset.zoom;
      if (how === "fit") canvas.zoom("fit-viewport");
      else canvas.zoom(canvas.zoom() * (how === "in" ? 1.25 : 0.8));
      document.getElementById("diagram").dataset.zoom = String(canvas.zoom());
    });
  }
}

function showPanel(elementId) {
  const panels = document.querySelectorAll(".element-panel");
  if (!panels.length) return;
  let shown = null;
  for (const panel of panels) {
    panel.hidden = panel.dataset.element !== elementId;
    if (!panel.hidden) shown = panel;
  }
  const none = document.getElementById("element-none");
  if (!shown && none) {
    none.hidden = false;
    shown = none;
  }
  shown.focus();
}
