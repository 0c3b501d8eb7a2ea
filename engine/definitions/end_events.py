"""End events SpiffWorkflow's parser reads as none events.

BPMN 2.0 §10.5.3 (Table 10.88) lets an end event throw a signal; Spiff's end event
parser does not look for one, so the signal was never thrown and a boundary or
intermediate event waiting for it in the same instance waited forever.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CANCEL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
    EndEventParser,
)

__all__ = ["SignalEndParser"]


class SignalEndParser(EndEventParser):
    """Spiff's end events, and signal end events (§10.5.3), which Spiff reads as none."""

    def create_task(self) -> Any:
        event_definition = self.get_event_definition(
            [
                MESSAGE_EVENT_XPATH,
                CANCEL_EVENT_XPATH,
                ERROR_EVENT_XPATH,
                ESCALATION_EVENT_XPATH,
                TERMINATION_EVENT_XPATH,
                SIGNAL_EVENT_XPATH,
            ]
        )
        task = self._create_task(event_definition)
        task.connect(self.spec.end)
        return task
