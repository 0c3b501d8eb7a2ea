// bpmn-js's translate service for the diagram viewers. The one text a viewer shows is
// the title of the drill-down button on a collapsed sub-process ("Open {element}"); the
// page gives it in its language as the diagram box's data-open-label.
function viewerWords(box) {
  const words = { "Open {element}": box.dataset.openLabel || "Open {element}" };
  function translate(template, replacements = {}) {
    return (words[template] || template).replace(/{([^}]+)}/g, (whole, key) =>
      key in replacements ? replacements[key] : whole);
  }
  return { translate: ["value", translate] };
}
