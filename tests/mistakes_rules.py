"""Definition mistakes in expressions, scripts, timers, the Camunda dialect and units."""

# ruff: noqa: E501 -- each XML case keeps its lines, so the marked line stays visible
from __future__ import annotations

from mistake_documents import (
    MARK,
    Case,
    around,
    case,
    document,
    flow,
    form,
    gateway,
    script,
    timer_event,
    user_task,
)

RULE_CASES = [
    # -- expressions, scripts, timers -------------------------------------------------
    case(
        "condition_juel_and",
        gateway(
            flow("y", "yes", "${a &amp;&amp; b}", mark=True) + "\n" + flow("n", "no"), 'default="n"'
        ),
        "does not compile: syntax error",
    ),
    case(
        "condition_dunder",
        gateway(
            flow("y", "yes", "${x.__class__}", mark=True) + "\n" + flow("n", "no"), 'default="n"'
        ),
        "'__class__' is not allowed",
    ),
    case(
        "condition_empty",
        gateway(flow("y", "yes", " ", mark=True) + "\n" + flow("n", "no"), 'default="n"'),
        "the condition is empty",
    ),
    Case(
        "script_syntax_error",
        document(script("x = 1\ny = (")).replace("y = (", "y = (" + MARK),
        "script does not compile",
    ),
    case("script_import", script(f"import os{MARK}"), "import is not allowed"),
    case(
        "script_empty",
        script("   ").replace(
            '<bpmn:scriptTask id="t" name="Compute" scriptFormat="python">',
            f'<bpmn:scriptTask id="t" name="Compute" scriptFormat="python">{MARK}',
        ),
        "script task has no script",
    ),
    case(
        "script_javascript",
        script("x = 1", 'scriptFormat="javascript"').replace(
            'scriptFormat="javascript">', f'scriptFormat="javascript">{MARK}'
        ),
        "script format 'javascript' is not supported",
    ),
    case(
        "timer_bad_duration",
        timer_event(f"<bpmn:timeDuration>P2X</bpmn:timeDuration>{MARK}"),
        "timeDuration 'P2X' is not an ISO 8601 duration",
    ),
    case(
        "timer_bad_date",
        timer_event(f"<bpmn:timeDate>2021-13-45T00:00:00</bpmn:timeDate>{MARK}"),
        "is not an ISO 8601 date-time",
    ),
    case(
        "timer_bad_cycle",
        timer_event(f"<bpmn:timeCycle>R/someday/P6M</bpmn:timeCycle>{MARK}"),
        "is not an ISO 8601 repeating interval",
    ),
    case(
        "timer_duration_as_date",
        timer_event(f"<bpmn:timeDate>PT2H</bpmn:timeDate>{MARK}"),
        "timeDate 'PT2H'",
    ),
    case(
        "timer_unquoted_expression",
        timer_event(f"<bpmn:timeDuration>timedelta(days=1)</bpmn:timeDuration>{MARK}"),
        "not an ISO 8601 duration",
    ),
    case(
        "timer_expression_syntax",
        timer_event(f"<bpmn:timeDate>${{deadline(}}</bpmn:timeDate>{MARK}"),
        "timer expression '${deadline(}' does not compile",
    ),
    case(
        "timer_without_time",
        timer_event("").replace(
            "<bpmn:timerEventDefinition>", f"<bpmn:timerEventDefinition>{MARK}"
        ),
        "timer has no time",
    ),
    case(
        "due_date_words",
        user_task('camunda:dueDate="tomorrow"').replace("<bpmn:userTask", f"{MARK}<bpmn:userTask"),
        "camunda:dueDate 'tomorrow' is neither",
    ),
    case(
        "follow_up_expression",
        user_task('camunda:followUpDate="${now() +}"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:followUpDate",
    ),
    case(
        "candidate_groups_expression",
        user_task('camunda:candidateGroups="${unit[}"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:candidateGroups '${unit[}' does not compile",
    ),
    case(
        "multi_instance_without_collection",
        user_task(inner=f"\n<bpmn:multiInstanceLoopCharacteristics/>{MARK}\n"),
        "no collection and no cardinality",
    ),
    case(
        "multi_instance_bad_collection",
        user_task(
            inner=f'\n<bpmn:multiInstanceLoopCharacteristics camunda:collection="${{units[}}" camunda:elementVariable="unit"/>{MARK}\n'
        ),
        "multi-instance collection",
    ),
    case(
        "multi_instance_undeclared_output_list",
        user_task(
            inner=f'\n<bpmn:multiInstanceLoopCharacteristics camunda:collection="${{units}}" camunda:elementVariable="unit">\n<bpmn:loopDataOutputRef>answers</bpmn:loopDataOutputRef>{MARK}\n<bpmn:outputDataItem id="answer"/>\n</bpmn:multiInstanceLoopCharacteristics>\n'
        ),
        "loopDataOutputRef 'answers' refers to no element",
    ),
    case(
        "message_not_declared",
        around(
            '<bpmn:intermediateCatchEvent id="t" name="Reply">\n'
            f'<bpmn:messageEventDefinition id="t_def" messageRef="reply"/>{MARK}\n'
            "</bpmn:intermediateCatchEvent>"
        ),
        "names message 'reply', which is not declared",
    ),
    case(
        "escalation_reminder_not_an_offset",
        user_task(
            'camunda:candidateGroups="ITC" camunda:dueDate="P5D"',
            "\n<bpmn:extensionElements><camunda:properties>\n"
            f'<camunda:property name="reminder" value="3 days"/>{MARK}\n'
            "</camunda:properties></bpmn:extensionElements>\n",
        ),
        "reminder '3 days' is not an offset",
    ),
    case(
        "escalation_step_unknown_unit",
        user_task(
            'camunda:candidateGroups="ITC" camunda:dueDate="P5D"',
            "\n<bpmn:extensionElements><camunda:properties>\n"
            f'<camunda:property name="escalation" value="head,NOPE"/>{MARK}\n'
            "</camunda:properties></bpmn:extensionElements>\n",
        ),
        "escalation step 'NOPE' is neither 'head' nor a known unit",
    ),
    case(
        "start_form_unknown_type",
        '<bpmn:startEvent id="start">\n<bpmn:extensionElements><camunda:formData>\n'
        f'<camunda:formField id="year" type="integer"/>{MARK}\n'
        "</camunda:formData></bpmn:extensionElements>\n</bpmn:startEvent>\n"
        '<bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>',
        "unknown type 'integer'",
    ),
    # -- Camunda dialect, units and unsupported constructs ----------------------------
    case(
        "unknown_field_type",
        user_task(inner=form(f'<camunda:formField id="n" type="number"/>{MARK}')),
        "unknown type 'number'",
    ),
    case(
        "enum_without_values",
        user_task(inner=form(f'<camunda:formField id="kind" type="enum"/>{MARK}')),
        "has no values",
    ),
    case(
        "min_on_string",
        user_task(
            inner=form(
                '<camunda:formField id="note" type="string">',
                f'<camunda:validation><camunda:constraint name="min" config="3"/></camunda:validation>{MARK}'.replace(
                    "<camunda:validation>", "<camunda:validation>\n", 1
                ),
                "</camunda:formField>",
            )
        ),
        "does not apply to the string field",
    ),
    case(
        "bad_max_config",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"><camunda:validation>',
                f'<camunda:constraint name="max" config="ten"/>{MARK}',
                "</camunda:validation></camunda:formField>",
            )
        ),
        "not a limit",
    ),
    case(
        "unknown_constraint",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"><camunda:validation>',
                f'<camunda:constraint name="positive"/>{MARK}',
                "</camunda:validation></camunda:formField>",
            )
        ),
        "unknown constraint 'positive'",
    ),
    case(
        "field_id_not_a_name",
        user_task(inner=form(f'<camunda:formField id="so luong" type="long"/>{MARK}')),
        "is not a variable name",
    ),
    case(
        "duplicate_field",
        user_task(
            inner=form(
                '<camunda:formField id="n" type="long"/>',
                f'<camunda:formField id="n" type="string"/>{MARK}',
            )
        ),
        "appears twice",
    ),
    case(
        "unknown_candidate_group",
        user_task('camunda:candidateGroups="ITC, NOBODY"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "'NOBODY' is not a known unit",
    ),
    Case(
        "lane_without_unit",
        document(
            around('<bpmn:userTask id="t" name="Review"/>').replace(
                "<bpmn:startEvent",
                '<bpmn:laneSet id="ls">\n'
                f'<bpmn:lane id="lane" name="Reviewers">{MARK}<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>\n</bpmn:laneSet>\n<bpmn:startEvent',
                1,
            )
        ),
        "nobody would receive them",
    ),
    Case(
        "lane_unknown_unit",
        document(
            around('<bpmn:userTask id="t" name="Review"/>').replace(
                "<bpmn:startEvent",
                '<bpmn:laneSet id="ls">\n'
                f'<bpmn:lane id="lane" name="Viện X (VX)">{MARK}<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>\n</bpmn:laneSet>\n<bpmn:startEvent',
                1,
            )
        ),
        "lane unit 'VX' is not a known unit",
    ),
    case(
        "form_key",
        user_task('camunda:formKey="embedded:app:forms/x.html"').replace(
            "<bpmn:userTask", f"{MARK}<bpmn:userTask"
        ),
        "camunda:formKey on a userTask is not supported",
    ),
    case(
        "java_delegate",
        around(f'<bpmn:serviceTask id="t" camunda:class="vn.gov.Send"/>{MARK}'),
        "camunda:class on a serviceTask",
        2,  # and: it names no connector
    ),
    case(
        "external_task_unknown_connector",
        around(f'<bpmn:serviceTask id="t" camunda:type="external" camunda:topic="mail"/>{MARK}'),
        "unknown connector 'mail'",
    ),
    case(
        "service_task_without_connector",
        around(f'<bpmn:serviceTask id="t" name="Call the portal"/>{MARK}'),
        "this service task names no connector",
    ),
    case(
        "govflow_connector_unknown",
        around(
            f'<bpmn:serviceTask id="t">{MARK}<bpmn:extensionElements><govflow:connector xmlns:govflow="urn:govflow:bpmn:1.0" name="sms"/></bpmn:extensionElements></bpmn:serviceTask>'
        ),
        "unknown connector 'sms'",
    ),
    case(
        "connector_input_does_not_compile",
        around(
            '<bpmn:serviceTask id="t" camunda:type="external" camunda:topic="http"><bpmn:extensionElements><camunda:inputOutput>\n'
            f'<camunda:inputParameter name="report">${{report &amp;&amp; ok}}</camunda:inputParameter>{MARK}\n'
            "</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"
        ),
        "inputParameter 'report' does not compile",
    ),
    case(
        "external_send_task",
        around(f'<bpmn:sendTask id="t" camunda:type="external" camunda:topic="http"/>{MARK}'),
        "external sendTasks are not supported",
        2,
    ),
    case(
        "task_listener",
        user_task(
            inner=f'\n<bpmn:extensionElements>\n<camunda:taskListener class="x" event="create"/>{MARK}\n</bpmn:extensionElements>\n'
        ),
        "task listeners are not run",
    ),
    case(
        "input_output",
        around(
            f'<bpmn:task id="t"><bpmn:extensionElements>\n<camunda:inputOutput>{MARK}<camunda:inputParameter name="a">1</camunda:inputParameter></camunda:inputOutput>\n</bpmn:extensionElements></bpmn:task>'
        ),
        "input/output mappings are not applied",
    ),
    case(
        "complex_gateway",
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>\n'
        '<bpmn:parallelGateway id="split"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="t"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="t"/>\n'
        f'<bpmn:complexGateway id="t"/>{MARK}\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="end"><bpmn:conditionExpression>'
        "${a}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="f4" sourceRef="t" targetRef="end"><bpmn:conditionExpression>'
        "${b}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:endEvent id="end"/>',
        "a complex gateway that both joins and splits is not supported",
    ),
    case(
        "cycle_start_in_subprocess",
        around(
            f'<bpmn:subProcess id="t">\n<bpmn:startEvent id="s2">{MARK}<bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>\n<bpmn:sequenceFlow id="g" sourceRef="s2" targetRef="e2"/>\n<bpmn:endEvent id="e2"/>\n</bpmn:subProcess>'
        ),
        "the start event of a subprocess must have no trigger",  # BPMN 2.0 §10.5.2
    ),
]
