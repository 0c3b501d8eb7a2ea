"""The words of the structural validation problems: the XML file itself, ids, sequence
flows, gateways, reachability, compensation and loops (engine/definitions: xmlsafe,
schema, graph, flows, standard and the compiler in __init__).

Each text is the engine's English with its variable parts as ``%(name)s``: it is the
catalogue's msgid, so the English page shows the engine's own words and the Vietnamese
page the translation in web/translations/vi.
"""

from __future__ import annotations

from web.i18n import N_

__all__ = ["GRAPH_WORDS"]

GRAPH_WORDS = (
    N_("not well-formed XML: %(detail)s"),
    N_("fix the XML syntax"),
    N_("file is %(size)s KB; the limit is %(limit)s KB"),
    N_("split the file into several processes or remove embedded data"),
    N_("the file is not UTF-8 text (byte %(byte)s)"),
    N_("save it as UTF-8, as the Camunda Modeler does"),
    N_("a DOCTYPE is not allowed in BPMN files (entities and DTDs are refused)"),
    N_("remove the <!DOCTYPE …> declaration; Camunda Modeler never writes one"),
    N_("not valid BPMN 2.0: %(detail)s"),
    N_(
        "compare with the BPMN 2.0 schema; Camunda Modeler writes valid files, so hand edits "
        "are the usual cause"
    ),
    N_("the file has no executable process"),
    N_("tick 'Executable' on the process in the modeler (isExecutable=\"true\")"),
    N_("id '%(id)s' is already used on line %(line)s"),
    N_("give every element its own id"),
    N_("id '%(id)s' names a process or subprocess in %(file)s too"),
    N_("rename one: SpiffWorkflow keeps processes and subprocesses in one namespace"),
    N_("govflow cannot run this element (SpiffWorkflow builds a %(kind)s)"),
    N_("use a user task, script task or service task instead"),
    N_("the process cannot be stored: %(detail)s"),
    N_("report this to the govflow maintainers with the file"),
    N_("SpiffWorkflow cannot build this element; check it against the BPMN 2.0 rules"),
    N_("sequence flow %(end)s '%(ref)s' is %(where)s"),
    N_("connect the flow to an element of the same process or subprocess"),
    N_("a condition on a flow out of a %(kind)s is not supported"),
    N_("put an exclusive or inclusive gateway after the element and the condition on its flow"),
    N_("a condition on a flow out of a parallel gateway is ignored: every flow is taken"),
    N_("remove the condition, or use an inclusive gateway to choose the flows"),
    N_("the default flow of a gateway must not have a condition"),
    N_("remove the condition: the default is taken when no other condition holds"),
    N_("a start event cannot have incoming sequence flows"),
    N_("an end event cannot have outgoing sequence flows"),
    N_("remove them"),
    N_("a conditional sequence flow out of an activity needs another outgoing flow"),
    N_("add a default flow, or remove the condition"),
    N_("an event subprocess cannot have incoming or outgoing sequence flows"),
    N_("remove them: its start event's trigger starts it"),
    N_("default flow '%(flow)s' does not leave this gateway"),
    N_("choose one of the gateway's outgoing flows as its default"),
    N_("flow out of gateway '%(gateway)s' has neither a condition nor is the default"),
    N_("give the flow a condition such as ${approved}, or make it the gateway's default"),
    N_("call activity names no process to call"),
    N_("set 'Called element'"),
    N_("call activity calls '%(called)s', which is not a process of this deployment"),
    N_("deploy the called process's file together with this one"),
    N_("boundary event is attached to '%(attached)s', not to a task here"),
    N_("attach the event to a task or subprocess of the same process"),
    N_("no start event"),
    N_("add a start event"),
    N_("not reachable from a start event"),
    N_("connect it, or delete it"),
    N_("no outgoing sequence flow, and not an end event"),
    N_("no outgoing sequence flow: its path ends here (an implicit end event)"),
    N_("connect it to an end event to show where the process ends"),
    N_("connect it to the next step or to an end event"),
    N_("cannot reach an end event (a loop with no way out)"),
    N_("add a gateway with a flow that leaves the loop"),
    N_("sequence flow '%(flow)s' is not listed in its %(tag)s (BPMN 2.0 §8.3.13)"),
    N_("add <bpmn:%(tag)s>%(flow)s</bpmn:%(tag2)s>, or redraw the flow in the modeler"),
    N_("%(tag)s lists '%(flow)s', which is no sequence flow of this element"),
    N_("remove the stale entry, or redraw the flow in the modeler"),
    N_(
        "a gateway must merge (several incoming flows) or split (several outgoing) (BPMN 2.0 §10.6)"
    ),
    N_("remove the gateway and connect its flows directly"),
    N_(
        "a %(direction)s gateway has %(ins)s incoming and %(outs)s outgoing flows (BPMN 2.0 "
        "§10.6, gatewayDirection)"
    ),
    N_("set the gateway direction to match its flows, or leave it Unspecified"),
    N_("an event-based gateway needs two or more outgoing flows (BPMN 2.0 §10.6.6)"),
    N_("add the other events it waits for, or use an intermediate catch event alone"),
    N_("an event-based gateway must not wait for both message events and receive tasks"),
    N_("use message catch events only, or receive tasks only (BPMN 2.0 §10.6.6)"),
    N_("a flow out of an event-based gateway must not have a condition"),
    N_("remove the condition: the first event to occur chooses the path"),
    N_("a target of an event-based gateway must have no other incoming flow"),
    N_("merge the other flows before the gateway, not into its target"),
    N_("an event-based gateway cannot lead to this %(kind)s"),
    N_(
        "lead its flows to message, timer, signal or conditional catch events or to receive "
        "tasks (BPMN 2.0 §10.6.6)"
    ),
    N_("a receive task after an event-based gateway must have no boundary events"),
    N_("remove the boundary event (BPMN 2.0 §10.6.6)"),
    N_("a boundary event cannot have incoming flows (§10.5.4)"),
    N_("a compensation boundary event has no outgoing flows (BPMN 2.0 §10.7)"),
    N_("connect its handler with an association, and remove the flows"),
    N_("a catching link event has no incoming flows"),
    N_("a throwing link event has no outgoing flows"),
    N_("an instantiating %(kind)s cannot have incoming flows (BPMN 2.0 §10.3.3)"),
    N_("remove the flows, or set instantiate to false"),
    N_("a compensation handler has no sequence flows (BPMN 2.0 §10.7)"),
    N_("connect it to its compensation boundary event with an association only"),
    N_("default flow '%(flow)s' does not leave this %(kind)s"),
    N_("choose one of the element's outgoing flows as its default"),
    N_("a compensation boundary event needs an association to its handler"),
    N_("draw an association from the event to an activity marked 'for compensation'"),
    N_("the activity a compensation event leads to must be marked for compensation"),
    N_('set isForCompensation="true" on it (BPMN 2.0 §10.7)'),
    N_("loopMaximum cannot be negative"),
    N_("give the most iterations, 0 or more"),
    N_("loopCardinality cannot be negative"),
    N_("give the number of instances, 0 or more"),
    N_("an ad-hoc subprocess cannot hold a %(kind)s (BPMN 2.0 §10.3.5)"),
    N_("remove it: the ad-hoc subprocess ends when its activities are done"),
    N_("an ad-hoc subprocess needs at least one activity (BPMN 2.0 §10.3.5)"),
    N_("add the tasks it offers, or remove it"),
)
