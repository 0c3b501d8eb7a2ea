"""The words of the validation problems of the standard's reference, data and
activity rules (engine/definitions: reference_kinds, literal_values, io_specification,
data_associations, process_elements, call_activities, data). As in
web/problem_words_graph.py, each text is the engine's English with its variable parts
as ``%(name)s``."""

from __future__ import annotations

from web.i18n import N_

__all__ = ["RULE_WORDS"]

RULE_WORDS = (
    N_(
        "%(reference)s '%(target)s' names %(found)s, where BPMN 2.0 %(section)s asks for %(wanted)s"
    ),
    N_("point %(reference)s at %(wanted)s of this file"),
    N_(
        "eventDefinitionRef '%(target)s' names the event definition inside '%(owner)s', "
        "where BPMN 2.0 §10.5.1 asks for one defined at the top of the file"
    ),
    N_("move the event definition to the top of the file, or define it inline here"),
    N_(
        "the condition is the constant %(value)s, not a true/false expression (BPMN 2.0 "
        "§8.3.6: a condition evaluates to a boolean)"
    ),
    N_("write a comparison such as ${count > 23}, or True / False"),
    N_(
        "loopCardinality is the constant %(value)s, not a whole number (BPMN 2.0 §10.3.6:"
        " it counts the instances)"
    ),
    N_("give the number of instances, 0 or more, or an expression"),
    N_("textFormat '%(format)s' is not a MIME type (BPMN 2.0 §8.2.3)"),
    N_("write a MIME type such as text/plain or text/html"),
    N_("%(data)s '%(name)s' is in no %(group)s (BPMN 2.0 §10.4.1)"),
    N_("list it in the %(members)s of an %(group)s, or remove it"),
    N_(
        "%(subset)s names '%(name)s', which is not among the %(members)s of this set "
        "(BPMN 2.0 §10.4.1)"
    ),
    N_("add '%(name)s' to the %(members)s of this set, or remove it here"),
    N_(
        "%(forward)s names '%(other)s', whose %(backward)s do not name '%(name)s' back "
        "(BPMN 2.0 §10.4.1)"
    ),
    N_("add '%(name)s' to the %(backward)s of '%(other)s'"),
    N_(
        "%(end)s '%(name)s' is a dataInput of the process itself, which the process only "
        "reads (BPMN 2.0 §10.4.1)"
    ),
    N_(
        "%(end)s '%(name)s' is a dataOutput of the process itself, which the process only"
        " writes (BPMN 2.0 §10.4.1)"
    ),
    N_("use a data object for what the process computes"),
    N_("a %(association)s with %(count)s sources needs a transformation (BPMN 2.0 §10.4.1)"),
    N_("keep one sourceRef, or add the transformation that combines them"),
    N_(
        "'%(source)s' is of item definition '%(source_item)s' and '%(target)s' of "
        "'%(target_item)s': without a transformation both ends have the same structure "
        "(BPMN 2.0 §10.4.1)"
    ),
    N_("give both ends the same item definition, or add a transformation"),
    N_(
        "the operation's %(message)s '%(name)s' needs a %(data)s of this service task "
        "(BPMN 2.0 §10.3.3)"
    ),
    N_("add one %(data)s of the message's item definition to the ioSpecification"),
    N_(
        "'%(called)s' has no none start event, so a call activity cannot start it (BPMN "
        "2.0 §10.5.2)"
    ),
    N_("add a start event without trigger to the called process"),
    N_("a process cannot hold a %(kind)s: it belongs to a choreography (BPMN 2.0 §11.4)"),
    N_("model the exchange with send and receive tasks, or move it to a choreography"),
    N_("its %(kind)ss do not match those of '%(called)s' (BPMN 2.0 §10.3.6)"),
    N_(
        "give the call activity one %(kind)s per %(each)s of the called element, "
        "with the same itemSubjectRef"
    ),
)
