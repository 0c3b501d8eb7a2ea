"""The words of the validation problems of events, messages, links and data
(engine/definitions: events, collaboration, data). As in web/problem_words_graph.py,
each text is the engine's English with its variable parts as ``%(name)s``."""

from __future__ import annotations

from web.i18n import N_

__all__ = ["EVENT_WORDS"]

EVENT_WORDS = (
    N_("a message flow connects two pools; both ends are in the same one (BPMN 2.0 §9.4)"),
    N_("use a sequence flow inside a pool, or move one end to another pool"),
    N_("a %(kind)s cannot send a message flow (BPMN 2.0 §10.5)"),
    N_("start the message flow at a task, a throw event or an end event"),
    N_("a %(kind)s cannot receive a message flow (BPMN 2.0 §10.5)"),
    N_("end the message flow at a task, a catch event or a start event"),
    N_("the %(kind)s '%(id)s' at this message flow has no message trigger"),
    N_("give the event a message event definition (BPMN 2.0 §10.5.2, §10.5.3)"),
    N_("the message event names %(named)s"),
    N_("pick or create the message in the modeler (a <bpmn:message> with a name)"),
    N_("message '%(message)s' has no name"),
    N_("give the message a name: senders deliver it by that name"),
    N_("an expression needs a body (BPMN 2.0 §8.3.8)"),
    N_("write the expression, or remove the element"),
    N_('isImmediate="false" is not allowed in an executable process (BPMN 2.0 §8.3.13)'),
    N_("remove the attribute"),
    N_("a public process cannot be executable (BPMN 2.0 §10.2)"),
    N_('set processType to "Private", or isExecutable to false'),
    N_("%(name)s is %(value)s; it must be at least 1 (BPMN 2.0 §10.3.1)"),
    N_("set %(name)s to 1 or remove it"),
    N_(
        "isCollection is %(mine)s, but its item definition '%(item)s' says %(its)s (BPMN 2.0 "
        "§10.4.1)"
    ),
    N_("make isCollection the same on both"),
    N_("the imported file '%(location)s' is not part of this deployment"),
    N_("deploy the imported file together with this one"),
    N_("'%(location)s' has target namespace %(found)s, not %(namespace)s"),
    N_("make the import's namespace the imported file's targetNamespace"),
    N_("a %(kind)s with a message has at most one %(tag)s (BPMN 2.0 §10.3.3)"),
    N_("keep one %(tag)s: it carries the message"),
    N_(
        "'%(data)s' has item definition '%(mine)s', not '%(payload)s' of %(what)s (BPMN 2.0 "
        "§10.3.3, §10.5.1)"
    ),
    N_('set itemSubjectRef="%(payload)s"'),
    N_("eventDefinitionRef '%(ref)s' names no event definition of the file"),
    N_("declare the event definition at the top of the file, or define it inline"),
    N_("a %(kind)s trigger is not allowed on %(where)s (BPMN 2.0 §10.5)"),
    N_("use one of: %(allowed)s"),
    N_("an ad-hoc subprocess has no start event (BPMN 2.0 §10.3.5)"),
    N_("remove it: the activities of an ad-hoc subprocess start in any order"),
    N_("the start event of a subprocess must have no trigger (BPMN 2.0 §10.5.2)"),
    N_("remove the event definition, or make the subprocess an event subprocess"),
    N_("the start event of an event subprocess needs a trigger (BPMN 2.0 §10.3.4)"),
    N_("give it a message, timer, signal, error, escalation or conditional definition"),
    N_("a cancel end event is only allowed inside a transaction (BPMN 2.0 §10.5.3)"),
    N_("put it in a transaction subprocess, or use a terminate or error end event"),
    N_("an intermediate catch event needs a trigger (BPMN 2.0 §10.5.4)"),
    N_("give it a message, timer, signal, conditional or link definition"),
    N_("a boundary event needs a trigger (BPMN 2.0 §10.5.4)"),
    N_("give it a timer, message, signal, error, escalation or conditional definition"),
    N_("a %(kind)s trigger is not allowed on %(where)s (BPMN 2.0 §10.5.4, Table 10.89)"),
    N_("use a timer, message, signal, escalation or conditional trigger"),
    N_("a cancel boundary event must be attached to a transaction (BPMN 2.0 §10.5.4)"),
    N_("attach it to a transaction subprocess, or use an error boundary event"),
    N_("a thrown escalation must name an escalation with a code (BPMN 2.0 §10.5.4)"),
    N_('declare <bpmn:escalation id="…" escalationCode="…"/> and reference it'),
    N_(
        "%(count)s %(tag)s(s) for %(definitions)s event definitions; each event definition "
        "needs its own"
    ),
    N_("add a %(tag)s for each trigger, or remove them"),
    N_("link '%(name)s' has no catching link event of that name at this level"),
    N_("add an intermediate catch link event with the same name in the same (sub)process"),
    N_("link '%(name)s' is caught twice at this level; a link has one target"),
    N_("give each catching link event its own name"),
)
