"""Identity Center as the lease workflow meets it in AWS, on top of moto's sso-admin.

moto answers every account-assignment call with an instant SUCCEEDED and never throttles. This
WSGI middleware makes Create/Delete answer IN_PROGRESS (as AWS does) and adds, on demand:
fault rules by principal or account (Throttling, Conflict, IN_PROGRESS polls, FAILED), the
shared 20 TPS / 10 outstanding-creates quotas, and a log of every sso-admin call.
ProvisionPermissionSet answers IN_PROGRESS for the target account and
DescribePermissionSetProvisioningStatus (which moto lacks) reports it, like the assignment calls.
A rule with "delayMs" holds the answer to a call moto answers itself that long (to force overlaps).
Creating an assignment that already exists is a new request that succeeds (moto keeps one entry,
see the launcher's Defect 8) and does not hide the assignment from listings while IN_PROGRESS.
Calls that `aws_faults` refused before they got here are still logged, with their `error`.

Control endpoint (loopback only, not an AWS API):
  POST   /_idc/faults   {"rules": [...], "limits": {...}}  add rules / set limits
  DELETE /_idc/faults                                       clear rules, limits and the call log
  GET    /_idc/calls                                        the sso-admin call log
"""

from __future__ import annotations

import io
import json
import threading
import time
import uuid


class IdentityCenterFaults:
    """WSGI middleware over moto: fault rules by principal, emulated quotas, a call log."""

    TARGET_PREFIX = "SWBExternalService."

    def __init__(self, app, assignment_exists=None):  # type: ignore[no-untyped-def]
        self.app = app
        # (environ, params) -> does Identity Center already hold this assignment? A create of one
        # that exists is a no-op that succeeds; it must not hide the assignment while IN_PROGRESS.
        self.assignment_exists = assignment_exists or (lambda _environ, _params: False)
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
            if "permissionSetArn" in rule and rule["permissionSetArn"] != params.get("PermissionSetArn"):
                continue
            if rule.get("times") is not None and rule["used"] >= rule["times"]:
                continue
            rule["used"] += 1
            return rule
        return None

    @staticmethod
    def call_entry(action: str, params: dict, at: float) -> dict:
        return {"action": action, "principalId": params.get("PrincipalId"), "accountId": params.get("TargetId"),
                "permissionSetArn": params.get("PermissionSetArn"), "at": at}

    def record_refused(self, service: str, action: str, params: dict, error: str) -> None:
        """A call `aws_faults` refused before it got here: Identity Center's log still shows it."""
        if service == "sso-admin":
            with self.lock:
                self.calls.append({**self.call_entry(action, params, time.time()), "error": error})

    def sso_admin(self, environ, start_response, action: str, params: dict):  # type: ignore[no-untyped-def]
        now = time.time()
        with self.lock:
            self.calls.append(self.call_entry(action, params, now))
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
        if action == "ProvisionPermissionSet":
            return self.start_provisioning(environ, start_response, params, rule, now)
        if action == "DescribePermissionSetProvisioningStatus":
            return self.describe_provisioning(start_response, params)

        if action in ("CreateAccountAssignment", "DeleteAccountAssignment"):
            return self.start_async(environ, start_response, action, params, rule, now)
        if action in ("DescribeAccountAssignmentCreationStatus", "DescribeAccountAssignmentDeletionStatus"):
            return self.describe_async(environ, start_response, action, params)
        if action == "ListAccountAssignments":
            return self.list_assignments(environ, start_response)
        if action in ("ListAccountAssignmentCreationStatus", "ListAccountAssignmentDeletionStatus"):
            return self.list_requests(start_response, action, params)
        if rule and rule.get("delayMs"):
            # The answer is read first and handed back late: what the caller sees is stale by then.
            body, code = self.forward(environ)
            time.sleep(float(rule["delayMs"]) / 1000.0)
            return self.respond(start_response, code, body, None if code == 200 else body.get("__type"))
        return self.app(environ, start_response)

    def list_assignments(self, environ, start_response):  # type: ignore[no-untyped-def]
        # An assignment whose creation is still IN_PROGRESS is not listed yet, as in AWS.
        body, code = self.forward(environ)
        if code != 200:
            return self.respond(start_response, code, body, body.get("__type"))
        now = time.time()
        with self.lock:
            pending = {
                (r["status"].get("TargetId"), r["status"].get("PermissionSetArn"), r["status"].get("PrincipalId"))
                for r in self.requests.values()
                if r["kind"] == "create" and not r["failed"] and not r.get("existed")
                and (r["polls"] > 0 or r["doneAt"] > now)
            }
        if pending:
            body["AccountAssignments"] = [
                a for a in body.get("AccountAssignments", [])
                if (a.get("AccountId"), a.get("PermissionSetArn"), a.get("PrincipalId")) not in pending
            ]
        return self.respond(start_response, 200, body)

    def start_async(self, environ, start_response, action, params, rule, now):  # type: ignore[no-untyped-def]
        kind = "create" if action == "CreateAccountAssignment" else "delete"
        key = "AccountAssignmentCreationStatus" if kind == "create" else "AccountAssignmentDeletionStatus"
        failed = rule.get("failureReason") if rule and rule.get("status") == "FAILED" else None
        polls = int(rule.get("inProgressPolls", 0)) if rule else 0
        delay = float(self.limits.get("completionMs", 0)) / 1000.0
        existed = kind == "create" and not failed and self.assignment_exists(environ, params)
        if failed:
            # A FAILED request leaves nothing behind in Identity Center.
            status = {"Status": "IN_PROGRESS", "RequestId": str(uuid.uuid4()),
                      "TargetId": params.get("TargetId"), "PermissionSetArn": params.get("PermissionSetArn"),
                      "PrincipalId": params.get("PrincipalId"), "PrincipalType": params.get("PrincipalType")}
        else:
            status, code = self.forward(environ)
            if code != 200:
                return self.respond(start_response, code, status, status.get("__type"))
            status = status[key]
            if kind == "delete":
                # moto reuses the creation's request id; Identity Center gives each call its own.
                status = {**status, "RequestId": str(uuid.uuid4())}
        with self.lock:
            self.requests[status["RequestId"]] = {
                "kind": kind, "polls": polls, "failed": failed, "doneAt": now + delay, "status": status,
                "at": now,
                "existed": existed,
            }
            # The call log doubles as the emulator's CloudTrail: it names each call's request id.
            for call in reversed(self.calls):
                if (call["action"] == action and "requestId" not in call
                        and call.get("principalId") == params.get("PrincipalId")
                        and call.get("accountId") == params.get("TargetId")):
                    call["requestId"] = status["RequestId"]
                    break
        # Identity Center never answers SUCCEEDED from the create/delete call itself.
        status = {**status, "Status": "IN_PROGRESS"}
        status.pop("CreatedDate", None)
        return self.respond(start_response, 200, {key: status})

    def list_requests(self, start_response, action, params):  # type: ignore[no-untyped-def]
        # moto lacks these listings. Identity Center keeps a status for every creation and deletion
        # request: what the reconciler consults when a create's or delete's answer was lost.
        kind = "create" if action == "ListAccountAssignmentCreationStatus" else "delete"
        key = "AccountAssignmentsCreationStatus" if kind == "create" else "AccountAssignmentsDeletionStatus"
        wanted = (params.get("Filter") or {}).get("Status")
        now = time.time()
        with self.lock:
            items = []
            for rid, req in self.requests.items():
                if req["kind"] != kind:
                    continue
                # Reading the list does not advance a request, unlike describing it.
                if req["polls"] > 0 or req["doneAt"] > now:
                    state = "IN_PROGRESS"
                else:
                    state = "FAILED" if req["failed"] else "SUCCEEDED"
                if wanted and wanted != state:
                    continue
                items.append({"RequestId": rid, "Status": state, "CreatedDate": req.get("at", now)})
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults") or 100)
        body = {key: items[start:start + size]}
        if start + size < len(items):
            body["NextToken"] = str(start + size)
        return self.respond(start_response, 200, body)

    def start_provisioning(self, environ, start_response, params, rule, now):  # type: ignore[no-untyped-def]
        # moto checks the permission set exists, then answers SUCCEEDED for its own account.
        body, code = self.forward(environ)
        if code != 200:
            return self.respond(start_response, code, body, body.get("__type"))
        failed = rule.get("failureReason") if rule and rule.get("status") == "FAILED" else None
        status = {"RequestId": str(uuid.uuid4()), "AccountId": params.get("TargetId"),
                  "PermissionSetArn": params.get("PermissionSetArn"), "Status": "IN_PROGRESS"}
        with self.lock:
            self.requests[status["RequestId"]] = {
                "kind": "provision", "polls": int(rule.get("inProgressPolls", 0)) if rule else 0,
                "failed": failed, "doneAt": now + float(self.limits.get("completionMs", 0)) / 1000.0,
                "status": status,
            }
        return self.respond(start_response, 200, {"PermissionSetProvisioningStatus": status})

    def describe_provisioning(self, start_response, params):  # type: ignore[no-untyped-def]
        rid = params.get("ProvisionPermissionSetRequestId")
        with self.lock:
            req = self.requests.get(rid)
            if req is None or req["kind"] != "provision":
                return self.respond(start_response, 400, {
                    "__type": "ResourceNotFoundException", "Message": f"no provisioning request {rid}"},
                    "ResourceNotFoundException")
            status = dict(req["status"])
            if req["polls"] > 0 or req["doneAt"] > time.time():
                req["polls"] = max(0, req["polls"] - 1)
            elif req["failed"]:
                status.update(Status="FAILED", FailureReason=req["failed"])
            else:
                status["Status"] = "SUCCEEDED"
        return self.respond(start_response, 200, {"PermissionSetProvisioningStatus": status})

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

    def forward(self, environ):  # type: ignore[no-untyped-def]
        captured: dict = {}

        def capture(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            captured["status"] = int(status.split(" ", 1)[0])
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        try:
            return json.loads(body or b"{}"), captured.get("status", 500)
        except ValueError:
            return {"__type": "InternalServerException", "Message": body.decode(errors="replace")}, 500
