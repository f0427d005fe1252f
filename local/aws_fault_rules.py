"""The fault rules `aws_faults` accepts: their fields, and the checks that refuse a bad one.

A refused rule names its offending field (`rules[2].error: ...`), and a batch with one is
refused whole, so a test never runs with half the faults it asked for.
"""

from __future__ import annotations

from aws_wire import SERVICES, known_action, known_error

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
