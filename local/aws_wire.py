"""How DynamoDB, Step Functions, EventBridge and Identity Center put an error on the wire.

All four speak AWS's JSON protocol: the operation comes in the `X-Amz-Target` header, an error is
an HTTP status with `{"__type": "<namespace>#<Code>", "message": ...}`, the code again in
`x-amzn-ErrorType`, and a request id in `x-amzn-RequestId` (SDKs read the code from either place,
drop the namespace, and report the request id; Step Functions puts it in a failed task's cause).
The Node SDK v3 retries 5xx answers and throttling codes; botocore inside moto's Step Functions
(no retries) turns the code into the exception class Step Functions names the error after.
"""

from __future__ import annotations

import functools
import json
import uuid

import botocore.session

SERVICES: dict[str, dict] = {
    "dynamodb": {
        "target": "DynamoDB_20120810", "botocore": "dynamodb", "json": "1.0",
        "namespace": "com.amazonaws.dynamodb.v20120810#", "message": "message",
        "internal": "InternalServerError",
    },
    "states": {
        "target": "AWSStepFunctions", "botocore": "stepfunctions", "json": "1.0",
        "namespace": "com.amazonaws.swf.service.v2.model#", "message": "message",
        # Step Functions models no server error of its own: AWS's common one.
        "internal": "InternalFailure",
    },
    "events": {
        "target": "AWSEvents", "botocore": "events", "json": "1.1",
        "namespace": "", "message": "message", "internal": "InternalException",
    },
    "sso-admin": {
        "target": "SWBExternalService", "botocore": "sso-admin", "json": "1.1",
        "namespace": "", "message": "Message", "internal": "InternalServerException",
    },
}

# Errors every AWS service may answer without modelling them (AWS's "common errors").
COMMON_ERRORS = {"InternalFailure", "ServiceUnavailable", "ThrottlingException", "RequestTimeout"}
SERVER_ERRORS = {"InternalServerError", "InternalServerException", "InternalException", "InternalFailure"}
# Throttling and AWS-wide errors come from AWS's shared front end, under its namespaces.
COMMON_NAMESPACES = {
    "ThrottlingException": "com.amazon.coral.availability#",
    "InternalFailure": "com.amazon.coral.service#",
    "ServiceUnavailable": "com.amazon.coral.service#",
}


@functools.cache
def _model(service: str):  # type: ignore[no-untyped-def]
    return botocore.session.get_session().get_service_model(SERVICES[service]["botocore"])


def known_action(service: str, action: str) -> bool:
    return action in _model(service).operation_names


def known_error(service: str, code: str) -> bool:
    return code in COMMON_ERRORS or code in {shape.name for shape in _model(service).error_shapes}


def status_of(code: str) -> int:
    if code in SERVER_ERRORS:
        return 500
    return 503 if code.startswith("ServiceUnavailable") else 400


def json_headers(service: str) -> list[tuple[str, str]]:
    return [
        ("Content-Type", f"application/x-amz-json-{SERVICES[service]['json']}"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ]


def error_response(service: str, code: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer `service` gives when it fails a call with `code`: (status, headers, body)."""
    spec = SERVICES[service]
    namespace = COMMON_NAMESPACES.get(code, spec["namespace"]) if service in ("dynamodb", "states") else ""
    body = json.dumps({"__type": f"{namespace}{code}", spec["message"]: f"injected {code}"}).encode()
    return status_of(code), [*json_headers(service), ("x-amzn-ErrorType", code)], body
