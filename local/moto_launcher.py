"""Starts moto's server with the fixes idc-lease needs and an Identity Center fault injector.

Why a launcher and not `moto_server`: moto 5.2.1 has defects that stop real Step Functions
executions from calling Identity Center (see shared FACTS.md), and it answers every
account-assignment call with an instant SUCCEEDED. Tests must reach IN_PROGRESS, FAILED,
Throttling and Conflict paths, and the benchmark needs Identity Center's 20 TPS / 10 outstanding
limits, so the sso-admin traffic passes through `IdentityCenterFaults` below.

Control endpoint (loopback only, not an AWS API):
  POST   /_idc/faults   {"rules": [...], "limits": {...}}  add rules / set limits
  DELETE /_idc/faults                                       clear rules, limits and the call log
  GET    /_idc/calls                                        the sso-admin call log
"""

from __future__ import annotations

import copy
import functools
import datetime
import io
import json
import math
import os
import sys
import threading
import time
import uuid

try:
    import moto  # noqa: F401
    from moto import server as moto_server
    from moto.stepfunctions import models as sfn_models
    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.asl.eval import environment as sfn_environment
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
    from moto.stepfunctions.parser.backend import execution as sfn_execution
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import (
        timestamp as sfn_wait_timestamp,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service as sts,
        state_task_service_aws_sdk as sts_sdk,
    )
    from moto.stepfunctions.parser.asl.utils import boto_client as sfn_boto_client
    from moto.stepfunctions.parser.asl.utils import json_path as sfn_json_path
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"moto is not installed ({err}). Install it with: pip install \"moto[server]\"\n"
    )
    sys.exit(3)


def apply_workarounds() -> None:
    # Defect 1: the ASL parser does not know Step Functions' name for sso-admin.
    overrides = dict(sts.StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES)
    overrides.update({"ssoadmin": "sso-admin", "eventbridge": "events"})
    sts.StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES = overrides
    # Error names as AWS spells them (`SsoAdmin.ConflictException`), so Retry/Catch match.
    sts_sdk._SERVICE_ERROR_NAMES["ssoadmin"] = "SsoAdmin"

    # Defect 2: StartExecution deep-copies the state machine, its backend and its running
    # executions (thread locks). A shallow copy is what the copy is for: later updates to the
    # state machine must not change a running execution's definition, and updates replace
    # attributes rather than mutating them.
    def _shallow(self, memo):  # type: ignore[no-untyped-def]
        clone = copy.copy(self)
        memo[id(self)] = clone
        return clone

    sfn_models.StateMachine.__deepcopy__ = _shallow

    # Defect 4 (not in FACTS.md): a Wait with Timestamp(Path) drops the timestamp's fraction of
    # a second, compares with the local wall clock as if it were UTC and truncates the rest to
    # whole seconds: a scheduled lease started up to 2 s before its startAt (hours off where TZ
    # is not UTC).
    # Wait until the exact instant, in whole seconds rounded up (never early, at most 1 s late).
    def _wait_until_timestamp(self, env):  # type: ignore[no-untyped-def]
        self.string.eval(env=env)
        timestamp_str = env.stack.pop()
        if self._from_timestamp_string(timestamp=timestamp_str) is None:
            raise FailureEventException(self._create_failure_event(env, timestamp_str))
        whole, _, fraction = timestamp_str.rstrip("Z").partition(".")
        target = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=datetime.timezone.utc
        ) + datetime.timedelta(seconds=float(f"0.{fraction or 0}"))
        delta = (target - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        return max(0, math.ceil(delta))

    sfn_wait_timestamp.Timestamp._get_wait_seconds = _wait_until_timestamp

    # Defect 5 (not in FACTS.md): StopExecution of an execution waiting for a task token (the
    # lease's Hold, AwaitApproval) left it RUNNING until the wait timed out, then reported it
    # FAILED (States.Timeout), so the reconciler took a stopped lease for a live one. AWS reports
    # ABORTED at once and runs nothing more (no Catch); so does this.
    original_stop = sfn_execution.Execution.stop

    def _stop(self, stop_date, error, cause):  # type: ignore[no-untyped-def]
        original_stop(self, stop_date=stop_date, error=error, cause=cause)
        if self.exec_status == ExecutionStatus.RUNNING:
            self.exec_status = ExecutionStatus.ABORTED
            self.stop_date = datetime.datetime.now(tz=datetime.timezone.utc)

    sfn_execution.Execution.stop = _stop
    original_set_error = sfn_environment.Environment.set_error

    def _set_error(self, error):  # type: ignore[no-untyped-def]
        # The interrupted wait fails later; a stopped execution stays ABORTED.
        if not isinstance(self._program_state, ProgramStopped):
            original_set_error(self, error)

    sfn_environment.Environment.set_error = _set_error

    # Speed, not correctness: moto re-parses every JSONPath on every use with a PLY parser
    # (tens of ms each); a state with a dozen paths took ~300 ms. Parsed paths are immutable.
    sfn_json_path.parse = functools.lru_cache(maxsize=4096)(sfn_json_path.parse)

    # Every aws-sdk task builds a new boto3 client (~50 ms each); reuse one per service/region.
    # Clients are thread-safe. The endpoint is the loopback address we listen on.
    original = sfn_boto_client.boto_client_for
    cache: dict[tuple[str, str], object] = {}
    lock = threading.Lock()

    def cached_client(region: str, service: str, state_credentials=None):  # type: ignore[no-untyped-def]
        key = (region, service)
        with lock:
            if key not in cache:
                cache[key] = original(region=region, service=service, state_credentials=state_credentials)
            return cache[key]

    # Task services import the function by name, so replace it wherever it was imported.
    import importlib
    import pkgutil

    from moto.stepfunctions.parser.asl.component.state.exec.state_task import service as task_services

    for info in pkgutil.iter_modules(task_services.__path__):
        importlib.import_module(f"{task_services.__name__}.{info.name}")
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("moto.stepfunctions.parser") and getattr(
            module, "boto_client_for", None
        ) is original:
            module.boto_client_for = cached_client
    # moto points tasks at http://localhost:<port>; localhost may resolve to ::1 first.
    sfn_boto_client.moto_server_port = lambda: os.environ["MOTO_PORT"]


class IdentityCenterFaults:
    """WSGI middleware over moto: fault rules by principal, emulated quotas, a call log."""

    TARGET_PREFIX = "SWBExternalService."

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.rules: list[dict] = []
        self.limits: dict = {}
        self.calls: list[dict] = []
        self.window: list[float] = []  # timestamps of sso-admin calls in the last second
        # request id -> {"kind": "create"|"delete", "polls": n, "failed": reason|None, "doneAt": t}
        self.requests: dict[str, dict] = {}

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_idc/"):
            return self.control(environ, start_response, path)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(self.TARGET_PREFIX):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        action = target[len(self.TARGET_PREFIX):]
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            params = {}
        return self.sso_admin(environ, start_response, action, params)

    def control(self, environ, start_response, path):  # type: ignore[no-untyped-def]
        method = environ["REQUEST_METHOD"]
        with self.lock:
            if path == "/_idc/faults" and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"{}")
                for rule in spec.get("rules", []):
                    self.rules.append({**rule, "used": 0})
                if "limits" in spec:
                    self.limits = spec["limits"] or {}
                body = {"rules": len(self.rules), "limits": self.limits}
            elif path == "/_idc/faults" and method == "DELETE":
                self.reset()
                body = {"ok": True}
            elif path == "/_idc/calls" and method == "GET":
                body = {"calls": self.calls}
            else:
                return self.respond(start_response, 404, {"message": "unknown control path"})
        return self.respond(start_response, 200, body)

    @staticmethod
    def respond(start_response, status: int, body: dict, error: str | None = None):  # type: ignore[no-untyped-def]
        data = json.dumps(body).encode()
        # Every AWS answer carries a request id; Step Functions' aws-sdk tasks read it from
        # errors (without it an injected Throttling/Conflict crashed the whole execution with
        # States.Runtime KeyError('RequestId') instead of reaching its Retry).
        headers = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Content-Length", str(len(data))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ]
        if error:
            headers.append(("x-amzn-ErrorType", error))
        reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal"}
        start_response(f"{status} {reasons.get(status, 'Error')}", headers)
        return [data]

    def error(self, start_response, code: str):  # type: ignore[no-untyped-def]
        status = {"ConflictException": 409, "InternalServerException": 500}.get(code, 400)
        return self.respond(start_response, status, {"__type": code, "Message": f"injected {code}"}, code)

    # --- sso-admin --------------------------------------------------------------------------
    def match_rule(self, action: str, params: dict) -> dict | None:
        for rule in self.rules:
            if rule.get("action", action) != action:
                continue
            if "principalId" in rule and rule["principalId"] != params.get("PrincipalId"):
                continue
            if "accountId" in rule and rule["accountId"] != params.get("TargetId"):
                continue
            if rule.get("times") is not None and rule["used"] >= rule["times"]:
                continue
            rule["used"] += 1
            return rule
        return None

    def sso_admin(self, environ, start_response, action: str, params: dict):  # type: ignore[no-untyped-def]
        now = time.time()
        with self.lock:
            self.calls.append({"action": action, "principalId": params.get("PrincipalId"),
                               "accountId": params.get("TargetId"), "at": now})
            tps = self.limits.get("tps")
            if tps:
                self.window = [t for t in self.window if now - t < 1.0]
                if len(self.window) >= tps:
                    return self.error(start_response, "ThrottlingException")
                self.window.append(now)
            rule = self.match_rule(action, params)
            if action == "CreateAccountAssignment":
                outstanding = self.limits.get("outstanding")
                if outstanding:
                    busy = sum(1 for r in self.requests.values()
                               if r["kind"] == "create" and r["doneAt"] > now)
                    if busy >= outstanding:
                        return self.error(start_response, "ThrottlingException")
        if rule and rule.get("error"):
            return self.error(start_response, rule["error"])

        if action in ("CreateAccountAssignment", "DeleteAccountAssignment"):
            return self.start_async(environ, start_response, action, params, rule, now)
        if action in ("DescribeAccountAssignmentCreationStatus", "DescribeAccountAssignmentDeletionStatus"):
            return self.describe_async(environ, start_response, action, params)
        return self.app(environ, start_response)

    def start_async(self, environ, start_response, action, params, rule, now):  # type: ignore[no-untyped-def]
        kind = "create" if action == "CreateAccountAssignment" else "delete"
        key = "AccountAssignmentCreationStatus" if kind == "create" else "AccountAssignmentDeletionStatus"
        failed = rule.get("failureReason") if rule and rule.get("status") == "FAILED" else None
        polls = int(rule.get("inProgressPolls", 0)) if rule else 0
        delay = float(self.limits.get("completionMs", 0)) / 1000.0
        if failed:
            # A FAILED request leaves nothing behind in Identity Center.
            status = {"Status": "IN_PROGRESS", "RequestId": str(uuid.uuid4()),
                      "TargetId": params.get("TargetId"), "PermissionSetArn": params.get("PermissionSetArn"),
                      "PrincipalId": params.get("PrincipalId"), "PrincipalType": params.get("PrincipalType")}
        else:
            status, code = self.forward(environ, key)
            if code != 200:
                return self.respond(start_response, code, status, status.get("__type"))
            status = status[key]
            if kind == "delete":
                # moto reuses the creation's request id; Identity Center gives each call its own.
                status = {**status, "RequestId": str(uuid.uuid4())}
        with self.lock:
            self.requests[status["RequestId"]] = {
                "kind": kind, "polls": polls, "failed": failed, "doneAt": now + delay, "status": status,
            }
        # Identity Center never answers SUCCEEDED from the create/delete call itself.
        status = {**status, "Status": "IN_PROGRESS"}
        status.pop("CreatedDate", None)
        return self.respond(start_response, 200, {key: status})

    def describe_async(self, environ, start_response, action, params):  # type: ignore[no-untyped-def]
        kind = "create" if action == "DescribeAccountAssignmentCreationStatus" else "delete"
        key = "AccountAssignmentCreationStatus" if kind == "create" else "AccountAssignmentDeletionStatus"
        rid = params.get("AccountAssignmentCreationRequestId") or params.get("AccountAssignmentDeletionRequestId")
        with self.lock:
            req = self.requests.get(rid)
            if req is not None:
                status = dict(req["status"])
                status.pop("CreatedDate", None)
                if req["polls"] > 0 or req["doneAt"] > time.time():
                    req["polls"] = max(0, req["polls"] - 1)
                    status["Status"] = "IN_PROGRESS"
                elif req["failed"]:
                    status["Status"] = "FAILED"
                    status["FailureReason"] = req["failed"]
                else:
                    status["Status"] = "SUCCEEDED"
                return self.respond(start_response, 200, {key: status})
        return self.app(environ, start_response)

    def forward(self, environ, key):  # type: ignore[no-untyped-def]
        captured: dict = {}

        def capture(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            captured["status"] = int(status.split(" ", 1)[0])
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        try:
            return json.loads(body or b"{}"), captured.get("status", 500)
        except ValueError:
            return {"__type": "InternalServerException", "Message": body.decode(errors="replace")}, 500


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    os.environ["MOTO_PORT"] = str(port)
    apply_workarounds()

    base = moto_server.DomainDispatcherApplication

    class Dispatcher(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self.faults = IdentityCenterFaults(super().__call__)

        def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
            return self.faults(environ, start_response)

    moto_server.DomainDispatcherApplication = Dispatcher
    moto_server.main(["-H", "127.0.0.1", "-p", str(port)])


if __name__ == "__main__":
    main()
