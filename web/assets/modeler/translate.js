// bpmn-js's translate service, fed from the server's catalogue (web/modeler_words.py):
// the page's language for the palette, the context pad and the properties panel.

export function translateModule(catalogue) {
  function translate(template, replacements) {
    const text = catalogue[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) =>
      replacements && key in replacements ? replacements[key] : whole);
  }
  return { translate: ['value', translate] };
}
