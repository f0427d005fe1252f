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

from aws_wire import SERVICES, error_response, json_headers, known_action, known_error

MODES = ("lost", "refuse", "failedEntry", "duplicate", "dropped")
ENTRY_MODES = ("failedEntry", "duplicate")
FIELDS = {
    "service", "action", "mode", "error", "leaseId", "principalId", "accountId", "contains",
    "times", "skip", "probability", "seed",
}
# PutEvents entries that fail carry one of EventBridge's entry error codes, not an exception name.
DEFAULT_ENTRY_ERROR = "InternalFailure"


class RuleError(ValueError):
    """A rule the control endpoint refuses; the message starts with the offending field."""


def parse_rule(raw: object, where: str) -> dict:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: must be an object")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise RuleError(f"{where}.{unknown[0]}: unknown field (one of {', '.join(sorted(FIELDS))})")
    rule = dict(raw)
    service = rule.get("service")
    if service not in SERVICES:
        raise RuleError(f"{where}.service: must be one of {', '.join(SERVICES)}")
    mode = rule.get("mode")
    if mode not in MODES:
        raise RuleError(f"{where}.mode: must be one of {', '.join(MODES)}")
    action = rule.get("action")
    if action is not None and not (isinstance(action, str) and known_action(service, action)):
        raise RuleError(f"{where}.action: {action!r} is not an operation of {service}")
    if mode == "dropped" and (service != "states" or action is not None):
        raise RuleError(f"{where}.mode: dropped applies to Step Functions' status events: service states, no action")
    if mode in ENTRY_MODES:
        if service != "events" or action not in (None, "PutEvents"):
            raise RuleError(f"{where}.mode: {mode} applies to events PutEvents only")
        rule["action"] = "PutEvents"
    error = rule.get("error")
    if mode in ("duplicate", "dropped") and error is not None:
        raise RuleError(f"{where}.error: a {mode} event answers no error")
    if mode == "failedEntry":
        if error is not None and not (isinstance(error, str) and error):
            raise RuleError(f"{where}.error: must be an entry error code such as ThrottlingException")
        rule.setdefault("error", DEFAULT_ENTRY_ERROR)
    elif mode in ("lost", "refuse"):
        if error is None:
            rule["error"] = SERVICES[service]["internal"]
        elif not (isinstance(error, str) and known_error(service, error)):
            raise RuleError(f"{where}.error: {error!r} is not an error {service} answers")
    for field in ("leaseId", "principalId", "accountId", "contains"):
        if field in rule and not (isinstance(rule[field], str) and rule[field]):
            raise RuleError(f"{where}.{field}: must be a non-empty string")
    if "leaseId" in rule and service == "sso-admin":
        raise RuleError(f"{where}.leaseId: Identity Center calls carry no lease id; scope by principalId or accountId")
    for field in ("principalId", "accountId"):
        if field in rule and service != "sso-admin":
            raise RuleError(f"{where}.{field}: scopes sso-admin calls only")
    for field, least in (("times", 1), ("skip", 0)):
        value = rule.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
            raise RuleError(f"{where}.{field}: must be an integer >= {least}")
    probability = rule.get("probability")
    if probability is not None and (
        isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 < probability <= 1
    ):
        raise RuleError(f"{where}.probability: must be a number in (0, 1]")
    if "seed" in rule and (probability is None or isinstance(rule["seed"], bool) or not isinstance(rule["seed"], int)):
        raise RuleError(f"{where}.seed: must be an integer, given with probability")
    return rule


def _mentions(value: object, text: str) -> bool:
    if isinstance(value, str):
        return text in value
    if isinstance(value, dict):
        return any(_mentions(v, text) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, text) for v in value)
    return False


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
        with self.lock:
            for rule in self.rules:
                if rule["mode"] == "dropped" or rule["service"] != service or rule.get("action", action) != action:
                    continue
                entries = self.scope(rule, service, params, body)
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

    def scope(self, rule: dict, service: str, params: dict, body: str) -> list[int] | None:
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
        if "leaseId" in rule and not self.concerns_lease(service, params, rule["leaseId"]):
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

    def concerns_lease(self, service: str, params: dict, lease_id: str) -> bool:
        if service == "dynamodb":
            # Its key (LEASE#<id>) or a value it writes (a tuple's holder set) names the lease.
            return any(_mentions(params.get(k), lease_id) for k in ("Key", "Item", "ExpressionAttributeValues"))
        # Step Functions: a lease id is its execution's name.
        if params.get("name") == lease_id or str(params.get("executionArn", "")).endswith(f":{lease_id}"):
            return True
        token = params.get("taskToken")
        return isinstance(token, str) and self.execution_of_token(token) == lease_id

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
