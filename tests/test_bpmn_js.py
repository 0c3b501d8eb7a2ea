"""Every shipped BPMN file opens in bpmn-js, the bpmn.io viewer, with no error or warning.

The test serves a tiny page with ``bpmn-viewer.production.min.js`` from ``node_modules``
(``npm ci``) on a local stdlib HTTP server and drives Debian's Chromium through Playwright.
In CI a missing Chromium or bpmn-js fails the run; on a laptop without them the tests are
skipped. ``./scripts/test.sh`` installs both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from environment import require
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
VIEWER_JS = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
PROCESS_FILES = sorted(path.name for path in PROCESSES.glob("*.bpmn"))

PAGE = b"""<!doctype html>
<html>
<head><meta charset="utf-8"><title>bpmn-js import check</title></head>
<body>
<div id="canvas" style="width: 1600px; height: 1000px"></div>
<script src="/bpmn-viewer.js"></script>
<script>
  let viewer = null;

  // Import XML into a fresh viewer; report the outcome instead of throwing.
  window.importDiagram = async (xml) => {
    if (viewer) viewer.destroy();
    viewer = new BpmnJS({ container: "#canvas" });
    const messages = (list) => (list || []).map((w) => String(w.message || w));
    try {
      const { warnings } = await viewer.importXML(xml);
      const elements = viewer.get("elementRegistry").getAll();
      return {
        error: null,
        warnings: messages(warnings),
        elements: elements.length,
        types: [...new Set(elements.map((e) => e.type))].sort(),
        shapes: document.querySelectorAll("#canvas .djs-shape").length,
      };
    } catch (err) {
      return {
        error: String((err && err.message) || err),
        warnings: messages(err && err.warnings),
        elements: 0,
        types: [],
        shapes: 0,
      };
    }
  };

  window.importUrl = async (url) => {
    const response = await fetch(url);
    if (!response.ok) return { error: `GET ${url}: ${response.status}`, warnings: [] };
    return window.importDiagram(await response.text());
  };
</script>
</body>
</html>
"""

# A sequence flow whose source does not exist: bpmn-js must warn about the reference.
UNRESOLVED_REFERENCE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="broken" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="broken_process" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="flow" sourceRef="no_such_element" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="broken_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="100" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="300" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_di" bpmnElement="flow">
        <di:waypoint x="136" y="118" />
        <di:waypoint x="300" y="118" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

NOT_XML = "this is not a BPMN file <bpmn:definitions"


class _Handler(BaseHTTPRequestHandler):
    """Serves the page, the viewer bundle and processes/*.bpmn; nothing else."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(PAGE, "text/html; charset=utf-8")
        elif path == "/bpmn-viewer.js":
            self._send(VIEWER_JS.read_bytes(), "text/javascript; charset=utf-8")
        elif path.startswith("/processes/") and path.removeprefix("/processes/") in PROCESS_FILES:
            body = (PROCESSES / path.removeprefix("/processes/")).read_bytes()
            self._send(body, "application/xml; charset=utf-8")
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bpmn_js_ready() -> None:
    require(None if VIEWER_JS.exists() else f"no bpmn-js at {VIEWER_JS} (npm ci)")


@pytest.fixture(scope="module")
def base_url(bpmn_js_ready: None) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def page_errors() -> list[str]:
    return []


@pytest.fixture(scope="module")
def viewer_page(browser: Browser, base_url: str, page_errors: list[str]) -> Iterator[Page]:
    page = browser.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.goto(f"{base_url}/")
    page.wait_for_function("typeof BpmnJS === 'function' && typeof importDiagram === 'function'")
    yield page
    page.close()


@pytest.fixture
def no_page_errors(page_errors: list[str]) -> Iterator[None]:
    page_errors.clear()
    yield
    assert page_errors == [], f"uncaught errors in the page: {page_errors}"


def _import(page: Page, xml: str) -> dict[str, Any]:
    return page.evaluate("xml => importDiagram(xml)", xml)


@pytest.mark.usefixtures("no_page_errors")
@pytest.mark.parametrize("name", PROCESS_FILES)
def test_shipped_process_opens_in_bpmn_js(viewer_page: Page, name: str) -> None:
    result = viewer_page.evaluate("url => importUrl(url)", f"/processes/{name}")
    assert result["error"] is None, f"{name}: bpmn-js failed to import: {result['error']}"
    assert result["warnings"] == [], f"{name}: bpmn-js import warnings:\n" + "\n".join(
        result["warnings"]
    )
    assert {"bpmn:Process", "bpmn:Participant"} & set(result["types"]), (
        f"{name}: no process or participant on the canvas: {result['types']}"
    )
    assert result["elements"] > 1, f"{name}: nothing but the root element on the canvas"
    assert result["shapes"] >= 1, f"{name}: no shape rendered"


def test_shipped_processes_exist() -> None:
    assert PROCESS_FILES, f"no BPMN files in {PROCESSES}"


@pytest.mark.usefixtures("no_page_errors")
def test_unresolved_reference_is_reported(viewer_page: Page) -> None:
    """Negative control: the check above can fail."""
    result = _import(viewer_page, UNRESOLVED_REFERENCE)
    problems = [*result["warnings"], *([result["error"]] if result["error"] else [])]
    assert any("no_such_element" in problem for problem in problems), problems


@pytest.mark.usefixtures("no_page_errors")
def test_not_xml_is_reported(viewer_page: Page) -> None:
    """Negative control: a file that is not BPMN XML cannot pass as one."""
    result = _import(viewer_page, NOT_XML)
    assert result["error"] is not None or result["warnings"] != [], result
