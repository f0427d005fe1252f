"""What the emulator's middlewares need from moto's in-process backends, beyond what is on the wire.

The middlewares see HTTP requests; a few questions are only answered by moto's state: which
execution a task token belongs to, whether an account assignment already exists, and how to
deliver an EventBridge event through the bus's rules again (an at-least-once duplicate).
"""

from __future__ import annotations

import copy
import json
import os
import re

from moto.core.utils import unix_time
from moto.events.models import _BASE_EVENT_MESSAGE, events_backends
from moto.iam.models import get_account_id_from
from moto.ssoadmin.models import ssoadmin_backends
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

_CREDENTIAL = re.compile(r"Credential=([^/,]+)/\d{8}/([^/]+)/")


def account_and_region(environ: dict) -> tuple[str, str]:
    """The account and region moto serves a request in: from its signature, as moto reads it."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key, region = (match.group(1), match.group(2)) if match else ("AKIAEXAMPLE", "us-east-1")
    account = os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    return account or get_account_id_from(access_key), region


def execution_of_token(token: str) -> str | None:
    """The name of the execution whose callback pool issued `token` (running or not), if any."""
    for regions in list(stepfunctions_parser_backends.values()):
        for backend in list(regions.values()):
            for machine in list(backend.state_machines):
                for execution in list(machine.executions):
                    env = execution.exec_worker.env if execution.exec_worker else None
                    if env is not None and env.callback_pool_manager.get(token) is not None:
                        return execution.name
    return None


def deliver_again(environ: dict, entries: list[tuple[dict, str]]) -> None:
    """Delivers PutEvents entries through their bus's rules again, each with its first event id.

    moto's `put_events` gives every delivery a new id; an at-least-once duplicate keeps the id,
    which is what lets a consumer recognise it. The loop is moto's own delivery, minus the id.
    """
    account, region = account_and_region(environ)
    backend = events_backends[account][region]
    for entry, event_id in entries:
        bus = backend.describe_event_bus(backend._normalize_event_bus_arn(entry.get("EventBusName")))
        for rule in list(bus.rules.values()):
            message = copy.deepcopy(_BASE_EVENT_MESSAGE)
            message.update({
                "id": event_id, "detail-type": entry["DetailType"], "source": entry["Source"],
                "account": account, "time": entry.get("Time", unix_time()), "region": region,
                "resources": entry.get("Resources", []), "detail": json.loads(entry["Detail"]),
                "ingestion-time": unix_time(),
            })
            rule.send_to_targets(message)


def put_on_default_bus(account: str, region: str, entry: dict) -> None:
    """A PutEvents of one entry on the default bus, as an AWS service emits its own events."""
    events_backends[account][region].put_events([entry])


def assignment_exists(environ: dict, params: dict) -> bool:
    account, region = account_and_region(environ)
    return any(
        a.instance_arn == params.get("InstanceArn") and a.target_id == params.get("TargetId")
        and a.target_type == params.get("TargetType") and a.permission_set_arn == params.get("PermissionSetArn")
        and a.principal_type == params.get("PrincipalType") and a.principal_id == params.get("PrincipalId")
        for a in list(ssoadmin_backends[account][region].account_assignments)
    )
