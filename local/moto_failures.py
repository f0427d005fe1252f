"""Where moto's failures differ from AWS's, continuing the launcher's numbered defects.

The fault rules (`aws_faults`) make calls fail; these patches make the failures look to a
workflow as they do in AWS: the error names a Retry or Catch matches, a PutEvents failure's
cause, what a replayed SendTaskSuccess or CreateAccountAssignment answers.
"""

from __future__ import annotations

import json
import threading
import uuid

from botocore.exceptions import ClientError
from moto.core.exceptions import AWSError
from moto.ssoadmin import models as sso_models
from moto.stepfunctions.parser import models as sfn_parser_models
from moto.stepfunctions.parser.api import (
    ExecutionStatus,
    HistoryEventType,
    TaskFailedEventDetails,
)
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_dynamodb as sts_ddb,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_events as sts_events,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
    StateTaskServiceCallback,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails


class TaskTimedOut(AWSError):
    TYPE = "TaskTimedOut"
    STATUS = 400


def align_failures_with_aws() -> None:
    """Where moto's failures differ from AWS's: the error names a workflow catches, idempotency."""
    # Defect 8 (not in FACTS.md): creating an account assignment that already exists added a
    # second, identical entry, so one deletion left a copy behind and a retried create looked
    # like a leftover. Identity Center treats it as done: a new request that succeeds, one entry.
    original_create = sso_models.SSOAdminBackend.create_account_assignment
    sso_lock = threading.Lock()

    def _create_once(self, instance_arn, target_id, target_type, permission_set_arn, principal_type, principal_id):  # type: ignore[no-untyped-def]
        with sso_lock:
            for existing in self.account_assignments:
                if (existing.instance_arn, existing.target_id, existing.target_type, existing.permission_set_arn,
                        existing.principal_type, existing.principal_id) == (
                        instance_arn, target_id, target_type, permission_set_arn, principal_type, principal_id):
                    return {**existing.to_json(include_creation_date=True), "RequestId": str(uuid.uuid4())}
            return original_create(self, instance_arn, target_id, target_type, permission_set_arn,
                                   principal_type, principal_id)

    sso_models.SSOAdminBackend.create_account_assignment = _create_once

    # Defect 9 (not in FACTS.md): the DynamoDB integration named errors after the wire code
    # (`DynamoDB.InternalServerError`); Step Functions names them after the SDK's exception
    # class (`DynamoDB.InternalServerErrorException`, `DynamoDB.RequestLimitExceededException`),
    # so a Retry written for AWS never matched. Codes that end in Exception are unchanged.
    original_cause = sts_ddb.StateTaskServiceDynamoDB._error_cause_from_client_error

    def _ddb_error(client_error):  # type: ignore[no-untyped-def]
        error, cause = original_cause(client_error)
        return (error if error.endswith("Exception") else f"{error}Exception"), cause

    sts_ddb.StateTaskServiceDynamoDB._error_cause_from_client_error = staticmethod(_ddb_error)

    # Defect 10 (not in FACTS.md): the EventBridge integration turned every service error into
    # States.Runtime (the whole execution failed, no Retry could catch it) and put a failed
    # PutEvents' answer into EventBridge.FailedEntry's cause as an object, not the JSON text AWS
    # gives. AWS raises `EventBridge.<code>` (InternalException, ThrottlingException).
    original_events_error = sts_events.StateTaskServiceEvents._from_error

    def _events_error(self, env, ex):  # type: ignore[no-untyped-def]
        if isinstance(ex, sts_events.SfnFailedEntryCountException) and not isinstance(ex.cause, str):
            ex = sts_events.SfnFailedEntryCountException(cause=json.dumps(ex.cause))
        if not isinstance(ex, ClientError):
            return original_events_error(self, env, ex)
        error = f"EventBridge.{ex.response['Error']['Code']}"
        meta = ex.response["ResponseMetadata"]
        cause = (f"{ex.response['Error']['Message']} (Service: EventBridge, Status Code: "
                 f"{meta.get('HTTPStatusCode')}, Request ID: {meta.get('RequestId')})")
        details = TaskFailedEventDetails(error=error, cause=cause, resource=self._get_sfn_resource(),
                                         resourceType=self._get_sfn_resource_type())
        return FailureEvent(env=env, error_name=CustomErrorName(error), event_type=HistoryEventType.TaskFailed,
                            event_details=EventDetails(taskFailedEventDetails=details))

    sts_events.StateTaskServiceEvents._from_error = _events_error

    # Defect 11 (not in FACTS.md): SendTaskSuccess/SendTaskFailure of a token whose task had
    # already been closed succeeded again while its execution ran (and answered InvalidToken
    # once it had ended). AWS answers TaskTimedOut ("the task associated with the token has
    # already been closed"): what the retry of a SendTaskSuccess whose answer was lost meets.
    callback_lock = threading.Lock()

    # A task that ended without an answer (its TimeoutSeconds passed, or the attempt failed and was
    # retried with a new token) kept its token open, so a late SendTaskSuccess "succeeded" while
    # the execution had moved on (the fault storm found it: an extension recorded as applied after
    # the hold had timed out). AWS closes a task's token when the task ends, whatever the outcome.
    eval_callback_body = StateTaskServiceCallback._eval_body

    def _eval_and_close(self, env) -> None:  # type: ignore[no-untyped-def]
        pool = env.callback_pool_manager._pool
        before = set(pool)
        try:
            eval_callback_body(self, env)
        finally:
            for token in [t for t in list(pool) if t not in before]:
                pool[token].closed = True

    StateTaskServiceCallback._eval_body = _eval_and_close

    def _closed(backend, token: str) -> bool:  # type: ignore[no-untyped-def]
        for execution in backend._get_executions():
            env = execution.exec_worker.env if execution.exec_worker else None
            endpoint = env.callback_pool_manager.get(token) if env is not None else None
            if endpoint is not None:
                return (
                    execution.exec_status != ExecutionStatus.RUNNING
                    or endpoint.get_outcome() is not None
                    or getattr(endpoint, "closed", False)
                )
        return False

    def _once(original):  # type: ignore[no-untyped-def]
        def send(self, task_token, *args, **kwargs):  # type: ignore[no-untyped-def]
            with callback_lock:
                if _closed(self, task_token):
                    raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
                return original(self, task_token, *args, **kwargs)

        return send

    backend = sfn_parser_models.StepFunctionsParserBackend
    backend.send_task_success = _once(backend.send_task_success)
    backend.send_task_failure = _once(backend.send_task_failure)
