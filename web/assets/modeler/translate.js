// bpmn-js's translate service, fed from the server's catalogue (web/modeler_words.py):
// the page's language for the palette, the context pad and the properties panel.
// Each text asked for that the catalogue lacks is kept in `untranslated`, so a test can
// find what the page would show in English.

export const untranslated = new Set();

export function translateModule(catalogue) {
  function translate(template, replacements) {
    if (!(template in catalogue)) untranslated.add(template);
    const text = catalogue[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) =>
      replacements && key in replacements ? replacements[key] : whole);
  }
  return { translate: ['value', translate] };
}
