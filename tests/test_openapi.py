"""The API's OpenAPI document: valid OpenAPI 3, and it lists every route of the API."""

from __future__ import annotations

from pathlib import Path

from openapi_spec_validator import validate

from web import create_app


def test_the_document_is_valid_and_covers_every_api_route(tmp_path: Path) -> None:
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'o.db'}", "TESTING": True, "SECRET_KEY": "t"}
    )
    answer = app.test_client().get("/api/v1/openapi.json")  # open: no log-in needed
    assert answer.status_code == 200
    document = answer.json
    validate(document)

    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1")
            path = path.replace("<int:", "{").replace("<", "{").replace(">", "}")
            if "{any(" in path:  # one documented path per choice
                continue
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (path, method)

    complete = document["paths"]["/tasks/{task_id}/complete"]["post"]
    assert complete["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CompleteRequest"
    }
    assert {"/instances/{instance_id}/suspend", "/instances/{instance_id}/cancel"} <= set(
        document["paths"]
    )
    task = document["components"]["schemas"]["Task"]["properties"]
    assert task["due_at"]["format"] == "date-time"
