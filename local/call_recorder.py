"""A log of every AWS API call the emulator answers: who signed it, what it asked, from which state.

This is what the IAM proof (`test/iam/`) evaluates against the synthesized roles: moto checks no
IAM, so the calls themselves are recorded and judged afterwards by a policy simulator. Each local
stand-in of a deployed function signs with its own access key (`local/credentials.ts`), and the
workflow's own service-integration calls (made by moto's boto clients) sign with the workflow's
key and name the state that made them, so every call can be attributed to one synthesized role.

Control endpoint (loopback only, not an AWS API):
  GET    /_calls   the log, oldest first: {"calls": [{at, key, service, action, params, state?, status}]}
  DELETE /_calls   clears it
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
from urllib.parse import parse_qsl

# `Credential=<key>/<date>/<region>/<service>/aws4_request`, in the header or the query string.
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
# The header the workflow's boto clients add: the state whose task made the call.
STATE_HEADER = "x-idc-lease-state"
STATE_MACHINE_HEADER = "x-idc-lease-state-machine"
# Request fields that carry data, not resource names: never needed to build an ARN, often large.
DATA_FIELDS = frozenset(
    {
        "Item",
        "Key",
        "ExpressionAttributeValues",
        "ExclusiveStartKey",
        "Detail",
        "InlinePolicy",
        "SecretString",
        "MessageBody",
        "Message",
        "output",
        "input",
        "queryString",
        "logEvents",
        # KMS: a task token in plain text, and its ciphertext, are never kept in the log.
        "Plaintext",
        "CiphertextBlob",
    }
)
MAX_TEXT = 300


def _prune(value, depth=0):  # type: ignore[no-untyped-def]
    """Keeps what names resources (strings, ids, ARNs) and drops item contents and big blobs."""
    if isinstance(value, dict):
        if depth > 5:
            return {}
        return {k: _prune(v, depth + 1) for k, v in value.items() if k not in DATA_FIELDS}
    if isinstance(value, list):
        return [_prune(v, depth + 1) for v in value[:100]]
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT]
    return value


class CallRecorder:
    """WSGI middleware over the emulator: records each signed AWS request, then passes it on."""

    CONTROL_PREFIXES = ("/_calls", "/_idc/", "/_faults", "/moto-api/")

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app
        self.lock = threading.Lock()
        self.calls: list[dict] = []

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if path == "/_calls":
            return self.control(environ, start_response)
        if path.startswith(self.CONTROL_PREFIXES):
            return self.app(environ, start_response)
        auth = environ.get("HTTP_AUTHORIZATION", "") or environ.get("QUERY_STRING", "")
        signed = CREDENTIAL.search(auth.replace("%2F", "/"))
        if not signed:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        key, region, service = signed.groups()
        action, params = self.parse(environ, path, raw)
        call = {
            "at": time.time(),
            "key": key,
            "region": region,
            "service": service,
            "action": action,
            "params": _prune(params),
            "path": path,
        }
        state = environ.get("HTTP_" + STATE_HEADER.upper().replace("-", "_"))
        if state:
            call["state"] = state
        machine = environ.get("HTTP_" + STATE_MACHINE_HEADER.upper().replace("-", "_"))
        if machine:
            call["stateMachine"] = machine
        with self.lock:
            self.calls.append(call)

        def recording_start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            call["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, recording_start_response))
        call["result"] = self.names_in(body)
        return [body]

    @staticmethod
    def names_in(body: bytes) -> dict:
        """The top-level names and ids of a JSON answer (a secret's ARN, a query's id)."""
        if not body.startswith(b"{") or len(body) > 65536:
            return {}
        try:
            answer = json.loads(body)
        except ValueError:
            return {}
        return {
            k: v for k, v in answer.items() if isinstance(v, str) and len(v) <= MAX_TEXT and k not in DATA_FIELDS
        }

    @staticmethod
    def parse(environ, path: str, raw: bytes):  # type: ignore[no-untyped-def]
        """The action and its parameters, whichever of AWS's protocols the request speaks."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        content_type = environ.get("CONTENT_TYPE", "")
        if target:
            try:
                params = json.loads(raw or b"{}")
            except ValueError:
                params = {}
            return target.rsplit(".", 1)[-1], params if isinstance(params, dict) else {}
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        if "x-www-form-urlencoded" in content_type or "Action" in query:
            form = {**query, **dict(parse_qsl(raw.decode("utf-8", "replace")))}
            return form.pop("Action", ""), form
        # REST protocols: only what the project calls (Lambda's invoke); the rest by method and path.
        invoke = re.match(r"^/2015-03-31/functions/([^/]+)/invocations$", path)
        if invoke:
            return "Invoke", {"FunctionName": invoke.group(1)}
        return f"{environ.get('REQUEST_METHOD', '')} {path}", query

    def control(self, environ, start_response):  # type: ignore[no-untyped-def]
        method = environ["REQUEST_METHOD"]
        with self.lock:
            if method == "GET":
                body = {"calls": list(self.calls)}
            elif method == "DELETE":
                self.calls.clear()
                body = {"ok": True}
            else:
                body = {"message": "GET or DELETE"}
        data = json.dumps(body).encode()
        status = "200 OK" if method in ("GET", "DELETE") else "405 Method Not Allowed"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


_task = threading.local()


def attribute_workflow_calls() -> None:
    """Step Functions' own task calls sign with the workflow's key and name their state.

    moto's aws-sdk and optimized integrations call the emulator through boto clients built with a
    fixed key; the clients are given the workflow's key instead (`IDC_LEASE_WORKFLOW_ACCESS_KEY_ID`)
    and a header naming the state whose task is running on the calling thread.
    """
    import boto3
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service as sts,
    )
    from moto.stepfunctions.parser.asl.utils import boto_client as sfn_boto_client

    key = os.environ.get("IDC_LEASE_WORKFLOW_ACCESS_KEY_ID", "LOCALWORKFLOW")

    def add_state(params, **_):  # type: ignore[no-untyped-def]
        state = getattr(_task, "state", None)
        if state:
            params.setdefault("headers", {})[STATE_HEADER] = state
        machine = getattr(_task, "machine", None)
        if machine:
            params.setdefault("headers", {})[STATE_MACHINE_HEADER] = machine

    class WorkflowBoto3:
        """boto3 as moto's task services see it: clients that sign as the workflow."""

        def client(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["aws_access_key_id"] = key
            client = boto3.client(*args, **kwargs)
            client.meta.events.register("before-call.*.*", add_state)
            return client

    sfn_boto_client.boto3 = WorkflowBoto3()
    original = sts.StateTaskService._eval_execution

    def _eval_execution(self, env):  # type: ignore[no-untyped-def]
        _task.state = self.name
        # Tests run throwaway state machines of their own too: only the lease workflow's calls
        # are the workflow role's (the proof tells them apart by this).
        try:
            _task.machine = env.states.context_object.context_object_data["StateMachine"]["Id"]
        except (AttributeError, KeyError, TypeError):
            _task.machine = None
        try:
            return original(self, env)
        finally:
            _task.state = None
            _task.machine = None

    sts.StateTaskService._eval_execution = _eval_execution
