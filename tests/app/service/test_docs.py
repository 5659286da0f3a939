"""The API's documentation: `/docs` and `/redoc` render offline in a real browser, and the service
answers as its OpenAPI document says (Schemathesis, over every operation).

The service is a real `recdesk-server --demo` process of this module's own: the fuzzing may call
any operation (stop, delete, upload), and no other test's service should see that.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import checks

from app.api.errors import ErrorCode
from tests.helpers.service import ServiceProcess

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

_CAMEL = re.compile(r"[a-z]+(?:[A-Z0-9][a-z0-9]*)*")
# A streamed answer (events, a live stream) never ends: its start says all these checks need.
_READ_AT_MOST = 1 << 20


@pytest.fixture(scope="module")
def docs_service(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[str]:
    """A demo service of this module's own, with its rooms live; its URL."""
    running = ServiceProcess(tmp_path_factory.mktemp("docs") / "data", demo_media).start()
    running.wait_rooms("call", "meeting")
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def document(docs_service: str) -> dict[str, Any]:
    """The service's OpenAPI document."""
    answer = httpx.get(f"{docs_service}/openapi.json", timeout=10)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        op["operationId"]: (method.upper(), path)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }


def _render(url: str) -> str:
    """The page's DOM once Chromium has run its scripts."""
    assert CHROMIUM is not None, "needs chromium: make deps installs it"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    command += ["--virtual-time-budget=15000", "--dump-dom"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_operations_read_like_their_actions(document: dict[str, Any]) -> None:
    ids = _operations(document)
    assert ids["startRecording"] == ("POST", "/v1/recordings")
    assert ids["listRecordings"] == ("GET", "/v1/recordings")
    assert ids["getRecording"] == ("GET", "/v1/recordings/{recording_id}")
    assert ids["stopRecording"] == ("POST", "/v1/recordings/{recording_id}/stop")
    assert ids["previewLayout"] == ("POST", "/v1/layouts/preview")
    assert ids["uploadImage"] == ("PUT", "/v1/images/{name}")
    assert all(_CAMEL.fullmatch(op_id) for op_id in ids), sorted(ids)
    total = sum(len(methods) for methods in document["paths"].values())
    assert len(ids) == total  # unique


def test_every_error_is_documented_with_its_body_and_codes(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ErrorBody"]["required"] == ["code", "name", "message"]
    assert "HTTPValidationError" not in schemas
    assert {"Layout-Input", "Layout-Output"} <= set(schemas)  # the layout's own schema
    operations = {
        op["operationId"]: op for methods in document["paths"].values() for op in methods.values()
    }
    start = operations["startRecording"]["responses"]
    assert start["409"]["x-error-codes"] == [ErrorCode.recording_active.number]
    assert "recording_active" in start["409"]["description"]
    assert start["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert ErrorCode.invalid_layout.number in start["422"]["x-error-codes"]
    assert operations["getRecording"]["responses"]["404"]["x-error-codes"] == [
        ErrorCode.recording_not_found.number
    ]
    for op_id, op in operations.items():
        errors = {status: r for status, r in op["responses"].items() if int(status) >= 400}
        assert "500" in errors, op_id
        for status, response in errors.items():
            codes = [ErrorCode.of(number) for number in response["x-error-codes"]]
            assert codes, (op_id, status)
            assert all(code is not None and str(code.status) == status for code in codes)
            assert "detail" not in str(response["content"])
    # The seeds' fronts answer their own errors in their own forms; the credentials check in ours.
    anyrtc = operations["anyRtcStartRecord"]["responses"]
    assert "AnyRtcError" in str(anyrtc["404"]["content"])
    assert "ErrorBody" in str(anyrtc["401"]["content"])


def test_credentials_are_declared(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["requestSignature"]["in"] == "header"
    assert schemes["requestSignature"]["name"] == "X-RecDesk-Signature"
    assert schemes["signedQuery"]["in"] == "query"
    assert {"requestSignature": []} in document["security"]
    health = document["paths"]["/v1/health"]["get"]
    assert health["security"] == []  # open to monitoring


def test_swagger_ui_renders_every_operation(docs_service: str, document: dict[str, Any]) -> None:
    dom = _render(f"{docs_service}/docs")
    assert "Unable to render" not in dom
    assert "errors-wrapper" not in dom  # Swagger UI's box of resolver and parser errors
    blocks = re.findall(r'<div class="opblock opblock-\w+[^"]*" id="operations-[^"]*-(\w+)"', dom)
    assert sorted(blocks) == sorted(_operations(document))


def test_redoc_renders_every_operation(docs_service: str, document: dict[str, Any]) -> None:
    dom = _render(f"{docs_service}/redoc")
    assert "Something went wrong" not in dom
    assert "fonts.googleapis.com" not in dom  # offline: no fonts from elsewhere
    shown = set(re.findall(r'data-section-id="tag/[^"]*/operation/(\w+)"', dom))
    assert shown == set(_operations(document))


_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


def test_the_service_answers_as_its_document_says(docs_service: str, tmp_path: Path) -> None:
    set_hypothesis_home_dir(str(tmp_path / "hypothesis"))  # its caches, not in the checkout
    schema = schemathesis.openapi.from_url(f"{docs_service}/openapi.json")
    failures: list[str] = []
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(
                max_examples=5,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def answers_as_documented(case: schemathesis.Case) -> None:
                response = _call(session, docs_service, case)
                case.validate_response(response, checks=_CHECKS)

            try:
                answers_as_documented()
            except Exception as exc:  # every operation is checked before the test fails
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def _call(
    session: requests.Session, base_url: str, case: schemathesis.Case
) -> schemathesis.Response:
    """The answer to `case`, its body read up to `_READ_AT_MOST` (a stream is cut there)."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    with session.request(**kwargs, stream=True, timeout=30) as answer:
        body = b""
        for chunk in answer.iter_content(64 * 1024):
            body += chunk
            if len(body) >= _READ_AT_MOST or _is_stream(answer.headers):
                break
    return schemathesis.Response(
        status_code=answer.status_code,
        headers={name.lower(): [value] for name, value in answer.headers.items()},
        content=body,
        request=answer.request,
        elapsed=answer.elapsed.total_seconds(),
        verify=True,
    )


def _is_stream(headers: Mapping[str, str]) -> bool:
    return headers.get("content-type", "").startswith(("text/event-stream", "video/"))
