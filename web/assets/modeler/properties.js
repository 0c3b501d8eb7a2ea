// govflow's own properties, on top of the BPMN and Camunda Platform groups: the unit
// picked from units.yaml, a due date in working days, reminders and escalation, a
// timer's next firings, messages and signals the deployed processes use. It writes the
// dialect of processes/*.bpmn (camunda:candidateGroups, camunda:dueDate,
// camunda:properties), and hides the Camunda groups govflow refuses to deploy.

import { jsx, jsxs } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import {
  Group, SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const REFUSED_GROUPS = [
  'CamundaPlatform__ExecutionListener', 'CamundaPlatform__TaskListener',
  'CamundaPlatform__ConnectorInput', 'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__FieldInjection', 'CamundaPlatform__InMapping',
  'CamundaPlatform__OutMapping', 'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__OutMappingPropagation', 'CamundaPlatform__Form',
  'CamundaPlatform__HistoryCleanup', 'CamundaPlatform__JobExecution',
  'CamundaPlatform__Tasklist', 'CamundaPlatform__CandidateStarter',
  'CamundaPlatform__AsynchronousContinuations', 'CamundaPlatform__StartInitiator',
];
const SERVICE_ONLY_GROUPS = ['CamundaPlatform__Input', 'CamundaPlatform__Output',
  'CamundaPlatform__Implementation', 'CamundaPlatform__ExternalTask', 'CamundaPlatform__Errors'];
const WORKING_DAYS = /^\$\{add_working_days\(now\(\), (\d+)\)\}$/;
const ESCALATION_PROPERTIES = [
  ['reminder', 'Reminder before the due date', '3WD, P2D or none'],
  ['escalation', 'Escalation chain', 'head,ITC,LEAD or none'],
  ['escalation_interval', 'Escalation interval', '2WD'],
];

export function govflowPropertiesModule(config) {
  function GovflowPropertiesProvider(propertiesPanel, injector) {
    this.getGroups = (element) => (groups) => arrange(groups, element, injector, config);
    propertiesPanel.registerProvider(400, this); // after the Camunda provider (500)
  }
  GovflowPropertiesProvider.$inject = ['propertiesPanel', 'injector'];
  return {
    __init__: ['govflowPropertiesProvider'],
    govflowPropertiesProvider: ['type', GovflowPropertiesProvider],
  };
}

function arrange(groups, element, injector, config) {
  const translate = injector.get('translate');
  const isService = is(element, 'bpmn:ServiceTask');
  const kept = groups.filter((group) => !REFUSED_GROUPS.includes(group.id)
    && (isService || !SERVICE_ONLY_GROUPS.includes(group.id)));
  const assignment = kept.find((group) => group.id === 'CamundaPlatform__UserAssignment');
  if (assignment) {
    assignment.entries = assignment.entries.filter((entry) => !['candidateUsers', 'priority'].includes(entry.id))
      .map((entry) => (entry.id === 'candidateGroups' ? unitEntry(element, config) : entry));
    kept.splice(kept.indexOf(assignment) + 1, 0, deadlineGroup(element, translate));
  }
  const timer = timerDefinition(element);
  if (timer) kept.push(group('govflow-timer', translate('Next firings (Hà Nội time)'),
    [{ id: 'govflow-timer-preview', component: TimerPreview, element, timer, config }]));
  const eventKind = namedEventKind(element);
  if (eventKind && config.eventNames[eventKind].length) {
    kept.push(group('govflow-events', translate('Used by other processes'),
      [{ id: 'govflow-event-name', component: EventNameSelect, element, kind: eventKind, config,
        isEdited: isSelectEntryEdited }]));
  }
  return kept;
}

function group(id, label, entries) {
  return { id, label, entries, component: Group };
}

// -- the unit ------------------------------------------------------------------------

function unitEntry(element, config) {
  return { id: 'candidateGroups', component: UnitSelect, element, config, isEdited: isSelectEntryEdited };
}

function UnitSelect({ element, id, config }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const current = getBusinessObject(element).get('camunda:candidateGroups') || '';
  const getOptions = () => {
    const options = [{ value: '', label: translate('<none>') }, ...config.units];
    if (current && !options.some((option) => option.value === current)) {
      options.push({ value: current, label: `${current} (${translate('expression')})` });
    }
    return options;
  };
  return jsx(SelectEntry, {
    element, id, label: translate('Unit'), getOptions,
    getValue: () => getBusinessObject(element).get('camunda:candidateGroups') || '',
    setValue: (value) => modeling.updateProperties(element, { 'camunda:candidateGroups': value || undefined }),
  });
}

// -- due date in working days, reminders and escalation -------------------------------

function deadlineGroup(element, translate) {
  const entries = [{ id: 'govflow-due-working-days', component: DueInWorkingDays, element,
    isEdited: isTextFieldEntryEdited }];
  for (const [name, label, hint] of ESCALATION_PROPERTIES) {
    entries.push({ id: `govflow-${name}`, component: TaskProperty, element, name, label, hint,
      isEdited: isTextFieldEntryEdited });
  }
  return group('govflow-deadline', translate('Deadline (working days)'), entries);
}

function DueInWorkingDays({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  return jsx(TextFieldEntry, {
    element, id, debounce, label: translate('Due in working days'),
    description: translate('Counted from when the task opens, in Vietnam working days'),
    getValue: () => (WORKING_DAYS.exec(getBusinessObject(element).get('camunda:dueDate') || '') || [])[1] || '',
    setValue: (value) => {
      const days = (value || '').trim();
      if (days && !/^\d+$/.test(days)) return;
      modeling.updateProperties(element, {
        'camunda:dueDate': days ? `\${add_working_days(now(), ${days})}` : undefined,
      });
    },
    validate: (value) => (value && !/^\s*\d+\s*$/.test(value) ? translate('Enter a whole number of days.') : null),
  });
}

function TaskProperty({ element, id, name, label, hint }) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  return jsx(TextFieldEntry, {
    element, id, debounce, label: translate(label), description: translate(hint),
    getValue: () => (findProperty(element, name) || {}).value || '',
    setValue: (value) => {
      const text = (value || '').trim();
      if (!text && !findProperty(element, name)) return; // nothing to remove
      commandStack.execute('properties-panel.multi-command-executor',
        setPropertyCommands(element, name, text, bpmnFactory));
    },
  });
}

function findProperty(element, name) {
  const properties = extension(getBusinessObject(element), 'camunda:Properties');
  return properties && (properties.get('values') || []).find((property) => property.name === name);
}

function extension(businessObject, type) {
  const extensionElements = businessObject.get('extensionElements');
  return extensionElements && extensionElements.get('values').find((value) => is(value, type));
}

function setPropertyCommands(element, name, value, bpmnFactory) {
  const businessObject = getBusinessObject(element);
  const commands = [];
  const update = (moddleElement, properties) => commands.push({
    cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } });
  let extensionElements = businessObject.get('extensionElements');
  if (!extensionElements) {
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = businessObject;
    update(businessObject, { extensionElements });
  }
  let properties = extension(businessObject, 'camunda:Properties');
  if (!properties) {
    properties = bpmnFactory.create('camunda:Properties', { values: [] });
    properties.$parent = extensionElements;
    update(extensionElements, { values: [...extensionElements.get('values'), properties] });
  }
  const others = properties.get('values').filter((property) => property.name !== name);
  const existing = properties.get('values').find((property) => property.name === name);
  if (!value) {
    update(properties, { values: others });
  } else if (existing) {
    update(existing, { value });
  } else {
    const property = bpmnFactory.create('camunda:Property', { name, value });
    property.$parent = properties;
    update(properties, { values: [...properties.get('values'), property] });
  }
  return commands;
}

// -- timers ---------------------------------------------------------------------------

function timerDefinition(element) {
  const definitions = getBusinessObject(element).get('eventDefinitions') || [];
  return definitions.find((definition) => is(definition, 'bpmn:TimerEventDefinition'));
}

function timerKindAndText(timer) {
  for (const kind of ['timeDate', 'timeDuration', 'timeCycle']) {
    const expression = timer.get(kind);
    if (expression) return { kind, text: expression.get('body') || '' };
  }
  return null;
}

function TimerPreview({ element, timer, config }) {
  const translate = useService('translate');
  const eventBus = useService('eventBus');
  const [answer, setAnswer] = useState({ firings: [] });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const changed = () => setVersion((n) => n + 1);
    eventBus.on('elements.changed', changed);
    return () => eventBus.off('elements.changed', changed);
  }, [eventBus]);
  const timing = timerKindAndText(timer);
  useEffect(() => {
    if (!timing || !timing.text) { setAnswer({ firings: [] }); return; }
    config.post(config.urls.timerPreview, timing).then(setAnswer,
      (problem) => setAnswer({ firings: [], problem: problem.detail || String(problem) }));
  }, [element.id, version, timing && timing.kind, timing && timing.text]);
  if (answer.problem) return jsx('p', { class: 'govflow-timer-problem', children: answer.problem });
  if (!answer.firings.length) return jsx('p', { children: translate('No firing to show.') });
  return jsxs('ol', { class: 'govflow-firings', children: answer.firings.map((firing) => jsx('li', {
    children: `${firing.at} · ${firing.is_working_day ? translate('working day') : translate('not a working day')}`,
  })) });
}

// -- messages and signals --------------------------------------------------------------

function namedEventKind(element) {
  const definitions = getBusinessObject(element).get('eventDefinitions') || [];
  if (definitions.some((d) => is(d, 'bpmn:MessageEventDefinition'))) return 'message';
  if (definitions.some((d) => is(d, 'bpmn:SignalEventDefinition'))) return 'signal';
  return null;
}

function EventNameSelect({ element, id, kind, config }) {
  const translate = useService('translate');
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const canvas = useService('canvas');
  const type = kind === 'message' ? 'bpmn:Message' : 'bpmn:Signal';
  const reference = kind === 'message' ? 'messageRef' : 'signalRef';
  const definition = getBusinessObject(element).get('eventDefinitions')
    .find((d) => is(d, kind === 'message' ? 'bpmn:MessageEventDefinition' : 'bpmn:SignalEventDefinition'));
  const setValue = (name) => {
    if (!name) return;
    const definitions = canvas.getRootElement().businessObject.$parent;
    const roots = definitions.get('rootElements');
    let target = roots.find((root) => is(root, type) && root.name === name);
    const commands = [];
    if (!target) {
      target = bpmnFactory.create(type, { name });
      target.$parent = definitions;
      commands.push({ cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: definitions, properties: { rootElements: [...roots, target] } } });
    }
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: definition, properties: { [reference]: target } } });
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };
  return jsx(SelectEntry, {
    element, id, label: translate(kind === 'message' ? 'Message name' : 'Signal name'), setValue,
    getValue: () => ((definition && definition.get(reference)) || {}).name || '',
    getOptions: () => [{ value: '', label: translate('<none>') },
      ...config.eventNames[kind].map((name) => ({ value: name, label: name }))],
  });
}
