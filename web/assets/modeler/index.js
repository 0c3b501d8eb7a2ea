// The modeler page (/processes/<key>/edit, /processes/new): bpmn-js's Modeler with the
// properties panel, govflow's properties and live validation; save a draft or deploy
// the next version with a change note; edits not yet saved are kept in the browser
// (unsaved.js). The page's settings come from the JSON in
// #modeler-config (web/modeler.py); no inline script (the Content-Security-Policy).

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './modeler.css';

import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import { govflowPropertiesModule } from './properties';
import { translateModule, untranslated } from './translate';
import { localTime, unsavedChanges } from './unsaved';
import { liveValidation } from './validation';

const started = performance.now();
const config = JSON.parse(document.getElementById('modeler-config').textContent);
const status = document.getElementById('modeler-status');
const text = (english) => config.words[english] || english;

config.post = async (url, body) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': config.csrfToken },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  // A problem document says it for people in `detail` (the page's language), else in `title`.
  if (!response.ok) throw { ...answer, detail: answer.detail || answer.title };
  return answer;
};

const modeler = new Modeler({
  container: '#modeler-canvas',
  propertiesPanel: { parent: '#modeler-properties' },
  additionalModules: [
    BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
    CamundaBehaviorsModule, govflowPropertiesModule(config), translateModule(config.words),
  ],
  moddleExtensions: { camunda: camundaModdle },
});

const deployButton = document.getElementById('modeler-deploy');
const validation = liveValidation(modeler, config, {
  list: document.getElementById('modeler-problems'),
  summary: document.getElementById('modeler-problem-count'),
  onChecked: (errors) => { deployButton.disabled = errors > 0; },
  onPending: () => { deployButton.disabled = true; },
});

const unsaved = unsavedChanges(modeler, config, currentXml);
const unsavedBanner = document.getElementById('modeler-unsaved');

function offerUnsaved() {
  const kept = unsaved.kept();
  unsavedBanner.hidden = !kept;
  if (!kept) return;
  const at = document.getElementById('modeler-unsaved-at');
  at.textContent = localTime(kept.at);
  at.dateTime = new Date(kept.at).toISOString();
}

document.getElementById('modeler-restore').addEventListener('click', async () => {
  const kept = unsaved.kept();
  unsavedBanner.hidden = true;
  if (!kept) return;
  await modeler.importXML(kept.xml);
  validation.check();
});

document.getElementById('modeler-forget').addEventListener('click', () => {
  unsaved.forget();
  unsavedBanner.hidden = true;
});

async function open() {
  const source = await fetch(config.urls.source, { headers: { Accept: 'application/xml' } });
  const { warnings } = await modeler.importXML(await source.text());
  modeler.get('canvas').zoom('fit-viewport');
  const list = document.getElementById('modeler-warnings');
  list.replaceChildren(...warnings.map((warning) => {
    const item = document.createElement('li');
    item.textContent = warning.message;
    return item;
  }));
  document.body.dataset.importWarnings = String(warnings.length);
  document.body.dataset.readyMs = String(Math.round(performance.now() - started));
  offerUnsaved();
  document.body.dataset.modelerReady = 'true';
  validation.check();
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

function say(message, isError) {
  status.textContent = message;
  status.className = isError ? 'flash error' : 'flash success';
}

document.getElementById('modeler-save').addEventListener('click', async () => {
  try {
    const saved = await config.post(config.urls.draft, { xml: await currentXml() });
    unsaved.forget();
    say(`${text('Draft saved')}: ${saved.process_key}, ${saved.saved_at}`);
  } catch (problem) {
    say(problem.detail || String(problem), true);
  }
});

document.getElementById('modeler-discard')?.addEventListener('click', async (event) => {
  if (!window.confirm(event.currentTarget.dataset.confirm)) return;
  try {
    const answer = await config.post(config.urls.discard, {});
    unsaved.forget();
    say(answer.message);
    await open();
  } catch (problem) {
    say(problem.detail || String(problem), true);
  }
});

document.getElementById('modeler-deploy-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const note = document.getElementById('modeler-note').value;
  try {
    const result = await config.post(config.urls.deploy, { xml: await currentXml(), note });
    unsaved.forget();
    say(result.message);
  } catch (problem) {
    say(problem.detail || String(problem), true);
    if (problem.problems) validation.show(problem.problems);
  }
});

document.getElementById('modeler-download').addEventListener('click', async () => {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([await currentXml()], { type: 'application/xml' }));
  link.download = `${config.processKey || 'process'}.bpmn`;
  link.click();
});

window.govflowModeler = { modeler, currentXml, untranslated };
open().catch((error) => {
  say(error.message || String(error), true);
  document.body.dataset.modelerReady = 'failed';
});
