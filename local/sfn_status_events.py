"""Step Functions' own execution status events, which moto does not emit.

In AWS, every status change of a Standard execution (RUNNING, SUCCEEDED, FAILED, TIMED_OUT,
ABORTED) is put on the account's default event bus as `source: aws.states`,
`detail-type: Step Functions Execution Status Change`, with the execution's ARN as the only
resource and dates in epoch milliseconds. The reconciler's execution-ended rule listens for the
ends. Here each is put through moto's EventBridge backend in process, so the same rule matching
as any PutEvents routes it. Express executions emit none, as in AWS.
"""

from __future__ import annotations

import datetime
import json
import sys
import threading

from moto.stepfunctions.parser.api import ExecutionStatus, StateMachineType
from moto.stepfunctions.parser.backend import execution as sfn_execution
from moto.stepfunctions.parser.backend import execution_worker as sfn_worker

from moto_bridge import put_on_default_bus

_lock = threading.Lock()
# (execution name, detail as JSON) -> lose this event? Step Functions delivers them best effort;
# the launcher points this at the fault rules (`aws_faults`, mode `dropped`).
drop_if = lambda _name, _detail: False  # noqa: E731
_ENDS = (ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED)


def _millis(at: datetime.datetime | None) -> int | None:
    return None if at is None else int(at.timestamp() * 1000)


def _detail(execution, status: ExecutionStatus) -> dict:  # type: ignore[no-untyped-def]
    succeeded = status == ExecutionStatus.SUCCEEDED
    return {
        "executionArn": execution.exec_arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name,
        "status": status.value,
        "startDate": _millis(execution.start_date),
        "stopDate": None if status == ExecutionStatus.RUNNING else _millis(execution.stop_date),
        "input": json.dumps(execution.input_data, separators=(",", ":")),
        "inputDetails": {"included": True},
        "output": json.dumps(execution.output, separators=(",", ":")) if succeeded else None,
        "outputDetails": {"included": True} if succeeded else None,
        "error": execution.error,
        "cause": execution.cause,
    }


def execution_changed(execution) -> None:  # type: ignore[no-untyped-def]
    """Emits the execution's current status, once per status and at most one end per execution."""
    status = execution.exec_status
    if execution.sm_type != StateMachineType.STANDARD or status is None:
        return
    with _lock:
        sent: set = execution.__dict__.setdefault("_status_events_sent", set())
        # Defect 5's stop and the interrupted worker both report the end: the first one counts.
        if status in sent or (status in _ENDS and sent.intersection(_ENDS)):
            return
        sent.add(status)
    detail = json.dumps(_detail(execution, status), separators=(",", ":"))
    if drop_if(execution.name, detail):
        return
    # No Time: moto's buses stamp every event with epoch seconds and its input templates expect that.
    entry = {
        "Source": "aws.states",
        "DetailType": "Step Functions Execution Status Change",
        "Resources": [execution.exec_arn],
        "Detail": detail,
    }
    try:
        put_on_default_bus(execution.account_id, execution.region_name, entry)
    except Exception as err:  # noqa: BLE001 - an event must never break the execution it reports
        sys.stderr.write(f"status event for {execution.exec_arn} not delivered: {err!r}\n")


def install() -> None:
    # RUNNING goes out before the worker thread starts, so it always precedes the end.
    original_start = sfn_worker.ExecutionWorker.start

    def start(self):  # type: ignore[no-untyped-def]
        comm = self._execution_communication
        if isinstance(comm, sfn_execution.BaseExecutionWorkerCommunication):
            execution_changed(comm.execution)
        original_start(self)

    sfn_worker.ExecutionWorker.start = start

    original_terminated = sfn_execution.BaseExecutionWorkerCommunication.terminated

    def terminated(self):  # type: ignore[no-untyped-def]
        original_terminated(self)
        execution_changed(self.execution)

    sfn_execution.BaseExecutionWorkerCommunication.terminated = terminated
