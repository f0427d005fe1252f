"""Faults as AWS serves them, for the JSON-protocol services the lease system calls.

moto applies every call it answers and answers every call it applies. AWS does not: a call can be
applied and its answer lost (the caller's retry then replays a call that already took effect), be
refused with a throttle, and EventBridge can fail single entries of a PutEvents or deliver an
event twice. This WSGI middleware makes the emulator do the same, on demand, for DynamoDB, Step
Functions, EventBridge and Identity Center, whoever calls them: the API, the consumers, or the
workflow's own tasks (moto's aws-sdk and optimised integrations call back into this server).

Control endpoint (loopback only, not an AWS API):
  POST   /_faults   {"rules": [rule, ...]}   -> {"ids": [...]}   (all rules are added, or none)
  GET    /_faults                            -> {"rules": [{...rule, "id", "matched", "fired"}]}
  DELETE /_faults[?id=<id>]                  -> clears every rule, or the one named

A call is handled by the first rule, in the order they were added, that matches it and fires
(`skip`, `times` and `probability` decide); at most one rule fires per call and counters count calls.
One more mode is not about a call: `dropped` (service `states`) loses Step Functions' own status
events of matching executions, which AWS delivers best effort (`sfn_status_events` asks).
"""

from __future__ import annotations

import io
import json
import random
import threading
import urllib.parse
import uuid
from collections.abc import Callable

from aws_fault_rules import RuleError, parse_rule
from aws_wire import SERVICES, error_response, json_headers


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _entry_detail(entry: dict) -> dict:
    try:
        detail = json.loads(entry.get("Detail") or "{}")
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


class AwsFaults:
    """WSGI middleware over the emulator: fault rules for DynamoDB, Step Functions, EventBridge, sso-admin."""

    def __init__(
        self,
        app,  # type: ignore[no-untyped-def]
        execution_of_token: Callable[[str], str | None],
        deliver_again: Callable[[dict, list[tuple[dict, str]]], None],
        on_refused: Callable[[str, str, dict, str], None] | None = None,
    ):
        self.app = app
        # The name of the execution a task token belongs to (a lease's execution is named after it).
        self.execution_of_token = execution_of_token
        # Delivers PutEvents entries once more, with the event ids they were first delivered with.
        self.deliver_again = deliver_again
        # Told of every call a rule refused, so the Identity Center call log still lists it.
        self.on_refused = on_refused
        self.lock = threading.Lock()
        self.rules: list[dict] = []

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO", "") == "/_faults":
            return self.control(environ, start_response)
        prefix, _, action = environ.get("HTTP_X_AMZ_TARGET", "").partition(".")
        service = next((name for name, s in SERVICES.items() if s["target"] == prefix), None)
        if service is None or not self.rules:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            params = {}
        if not isinstance(params, dict):
            params = {}
        rule, entries = self.fire(service, action, params, raw.decode("utf-8", errors="replace"))
        if rule is None:
            return self.app(environ, start_response)
        mode = rule["mode"]
        if mode == "refuse":
            if self.on_refused:
                self.on_refused(service, action, params, rule["error"])
            return self.answer(start_response, error_response(service, rule["error"]))
        if mode == "lost":
            self.forward(environ)
            return self.answer(start_response, error_response(service, rule["error"]))
        if mode == "failedEntry":
            return self.fail_entries(environ, start_response, params, entries, rule["error"])
        return self.duplicate(environ, start_response, params, entries)

    # --- matching ---------------------------------------------------------------------------
    def fire(self, service: str, action: str, params: dict, body: str) -> tuple[dict | None, list[int]]:
        """The rule that fires on this call, and for PutEvents the indexes of the entries it concerns."""
        call: dict = {}  # what the scopes read of this call, worked out once
        with self.lock:
            for rule in self.rules:
                if rule["mode"] == "dropped" or rule["service"] != service or rule.get("action", action) != action:
                    continue
                entries = self.scope(rule, service, params, body, call)
                if entries is not None and self.fires(rule):
                    return rule, entries
        return None, []

    @staticmethod
    def fires(rule: dict) -> bool:
        """Counts a call in the rule's scope; true when the rule acts on it."""
        rule["matched"] += 1
        if rule["matched"] <= rule.get("skip", 0):
            return False
        if rule.get("times") is not None and rule["fired"] >= rule["times"]:
            return False
        if "probability" in rule and rule["_random"].random() >= rule["probability"]:
            return False
        rule["fired"] += 1
        return True

    def drops_status_event(self, execution_name: str, detail: str) -> bool:
        """Whether Step Functions' status event of this execution (its detail as JSON) is lost."""
        with self.lock:
            for rule in self.rules:
                if rule["mode"] != "dropped":
                    continue
                if rule.get("leaseId", execution_name) != execution_name or rule.get("contains", "") not in detail:
                    continue
                if self.fires(rule):
                    return True
        return False

    def scope(self, rule: dict, service: str, params: dict, body: str, call: dict) -> list[int] | None:
        """None when the call is out of the rule's scope; else the PutEvents entries in scope."""
        if service == "events" and isinstance(params.get("Entries"), list):
            # A PutEvents is scoped entry by entry: an entry's detail names its lease.
            entries = [
                i for i, entry in enumerate(params["Entries"])
                if isinstance(entry, dict) and self.entry_in_scope(rule, entry)
            ]
            return entries or None
        if "contains" in rule and rule["contains"] not in body:
            return None
        if "principalId" in rule and params.get("PrincipalId") != rule["principalId"]:
            return None
        if "accountId" in rule and rule["accountId"] not in (params.get("TargetId"), params.get("AccountId")):
            return None
        if "leaseId" in rule and not self.concerns_lease(service, params, rule["leaseId"], call):
            return None
        return []

    @staticmethod
    def entry_in_scope(rule: dict, entry: dict) -> bool:
        if "leaseId" in rule and _entry_detail(entry).get("leaseId") != rule["leaseId"]:
            return False
        if "contains" in rule:
            text = "\n".join(str(entry.get(k, "")) for k in ("EventBusName", "Source", "DetailType", "Detail"))
            return rule["contains"] in text
        return True

    def concerns_lease(self, service: str, params: dict, lease_id: str, call: dict) -> bool:
        if service == "dynamodb":
            # Its key (LEASE#<id>) or a value it writes (a tuple's holder set) names the lease.
            if "text" not in call:
                call["text"] = "\n".join(_strings([params.get(k) for k in ("Key", "Item", "ExpressionAttributeValues")]))
            return lease_id in call["text"]
        # Step Functions: a lease id is its execution's name.
        if params.get("name") == lease_id or str(params.get("executionArn", "")).endswith(f":{lease_id}"):
            return True
        token = params.get("taskToken")
        if isinstance(token, str) and "execution" not in call:
            call["execution"] = self.execution_of_token(token)
        return isinstance(token, str) and call["execution"] == lease_id

    # --- answers ----------------------------------------------------------------------------
    def forward(self, environ) -> tuple[int, list[tuple[str, str]], bytes]:  # type: ignore[no-untyped-def]
        captured: dict = {}

        def capture(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = headers
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        return captured.get("status", 500), captured.get("headers", []), body

    @staticmethod
    def answer(start_response, response: tuple[int, list[tuple[str, str]], bytes]):  # type: ignore[no-untyped-def]
        status, headers, body = response
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        reasons = {200: "OK", 400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}
        start_response(f"{status} {reasons.get(status, 'Error')}", headers)
        return [body]

    def fail_entries(self, environ, start_response, params, failing: list[int], error: str):  # type: ignore[no-untyped-def]
        entries = params["Entries"]
        passing = [e for i, e in enumerate(entries) if i not in failing]
        delivered: list[dict] = []
        if passing:
            body = json.dumps({**params, "Entries": passing}).encode()
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            status, headers, raw = self.forward(environ)
            if status != 200:
                return self.answer(start_response, (status, headers, raw))
            delivered = json.loads(raw).get("Entries", [])
        results = iter(delivered)
        out = [
            {"ErrorCode": error, "ErrorMessage": f"injected {error}"} if i in failing else next(results, {})
            for i in range(len(entries))
        ]
        body = json.dumps({"FailedEntryCount": sum(1 for e in out if "ErrorCode" in e), "Entries": out}).encode()
        return self.answer(start_response, (200, json_headers("events"), body))

    def duplicate(self, environ, start_response, params, twice: list[int]):  # type: ignore[no-untyped-def]
        status, headers, raw = self.forward(environ)
        if status == 200:
            results = json.loads(raw).get("Entries", [])
            again = [
                (params["Entries"][i], results[i]["EventId"])
                for i in twice if i < len(results) and "EventId" in results[i]
            ]
            self.deliver_again(environ, again)
        return self.answer(start_response, (status, headers, raw))

    # --- control ----------------------------------------------------------------------------
    def control(self, environ, start_response):  # type: ignore[no-untyped-def]
        method = environ["REQUEST_METHOD"]
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                spec = json.loads(environ["wsgi.input"].read(length) or b"{}")
                raw_rules = spec.get("rules") if isinstance(spec, dict) else None
                if not isinstance(raw_rules, list):
                    raise RuleError("rules: must be a list of rules")
                rules = [parse_rule(r, f"rules[{i}]") for i, r in enumerate(raw_rules)]
            except (ValueError, RuleError) as err:
                message = str(err) if isinstance(err, RuleError) else f"body: not JSON ({err})"
                return self.reply(start_response, 400, {"error": {"code": "VALIDATION", "message": message}})
            with self.lock:
                for rule in rules:
                    rule.update(id=uuid.uuid4().hex[:12], matched=0, fired=0)
                    rule["_random"] = random.Random(rule.get("seed"))
                    self.rules.append(rule)
            return self.reply(start_response, 200, {"ids": [r["id"] for r in rules]})
        if method == "GET":
            with self.lock:
                listed = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.rules]
            return self.reply(start_response, 200, {"rules": listed})
        if method == "DELETE":
            ids = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("id")
            with self.lock:
                if ids is None:
                    self.rules = []
                else:
                    unknown = [i for i in ids if i not in {r["id"] for r in self.rules}]
                    if unknown:
                        return self.reply(start_response, 404, {
                            "error": {"code": "NOT_FOUND", "message": f"id: no rule {unknown[0]}"}})
                    self.rules = [r for r in self.rules if r["id"] not in ids]
            return self.reply(start_response, 200, {"ok": True})
        return self.reply(start_response, 405, {"error": {"code": "METHOD_NOT_ALLOWED", "message": method}})

    @staticmethod
    def reply(start_response, status: int, body: dict):  # type: ignore[no-untyped-def]
        data = json.dumps(body).encode()
        reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
        start_response(f"{status} {reasons[status]}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
