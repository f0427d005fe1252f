"""Starts moto's server with the fixes idc-lease needs and an Identity Center fault injector.

Why a launcher and not `moto_server`: moto 5.2.1 has defects that stop real Step Functions
executions from calling Identity Center or make them behave unlike AWS (see shared FACTS.md and
the numbered defects below). Identity Center's own behaviour (IN_PROGRESS, quotas, faults) is
emulated by `idc_faults.IdentityCenterFaults`, which wraps the whole server; `aws_faults.AwsFaults`
wraps that and makes any DynamoDB, Step Functions, EventBridge or sso-admin call fail as AWS can
(applied then lost, refused, PutEvents entries failed or delivered twice); `moto_failures`
continues the numbered defects where moto fails unlike AWS. Executions put Step Functions'
status events on the default bus (`sfn_status_events`).
"""

from __future__ import annotations

import copy
import faulthandler
import signal
import functools
import datetime
import math
import os
import sys
import threading

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
    from aws_faults import AwsFaults
    from idc_faults import IdentityCenterFaults
    import moto_bridge
    import sfn_status_events
    from moto_failures import align_failures_with_aws
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
            sfn_status_events.execution_changed(self)

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
    # EventBridge does the same for every delivery to a target: the default input template's
    # eight paths, each a fresh PLY parser (~0.1 s of CPU each): ~0.8 s per event per target,
    # measured with Step Functions' status events. Its `from jsonpath_ng.ext import parse` runs
    # on every call, so caching the module's function caches it there: ~6 ms per delivery.
    import jsonpath_ng.ext

    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=1024)(jsonpath_ng.ext.parse)

    # StartExecution re-parses the definition with ANTLR (~250 ms of CPU under the GIL, so a
    # burst of 200 leases spent a minute parsing). A parsed program keeps per-execution state
    # in the execution's Environment (heap, stack), not in its components, so it is shared.
    from moto.stepfunctions.parser.asl.parse import asl_parser

    parse_definition = functools.lru_cache(maxsize=64)(asl_parser.AmazonStateLanguageParser.parse)
    asl_parser.AmazonStateLanguageParser.parse = staticmethod(parse_definition)

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
    # Defect 6 (not in FACTS.md): a JSONPath with an object wildcard (`$.*`) that matches one
    # value yields that value, not a one-element list. Step Functions evaluates such indefinite
    # paths to a list, always; the lease workflow counts the fields of a listing this way.
    original_extract = sfn_json_path.extract_json
    importlib.import_module("moto.stepfunctions.parser.asl.parse.preprocessor")
    importlib.import_module("moto.stepfunctions.parser.asl.eval.states")

    def _extract_json(path, data):  # type: ignore[no-untyped-def]
        if ".*" in path.replace("[*]", ""):
            return [match.value for match in sfn_json_path.parse(path).find(data)]
        return original_extract(path, data)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("moto.stepfunctions.parser") and getattr(
            module, "extract_json", None
        ) is original_extract:
            module.extract_json = _extract_json

    # Defect 7 (not in FACTS.md): the server handles requests on many threads and DynamoDB's
    # backend reads, checks the condition and writes an item without a lock, so two concurrent
    # conditional updates of one item can both pass and one of them be lost. DynamoDB applies
    # each request to an item atomically; one lock over the backend's operations does the same.
    from moto.dynamodb import models as ddb_models

    ddb_lock = threading.RLock()

    def _atomic(method):  # type: ignore[no-untyped-def]
        @functools.wraps(method)
        def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
            with ddb_lock:
                return method(*args, **kwargs)

        return locked

    for name in (
        "put_item",
        "update_item",
        "delete_item",
        "get_item",
        "query",
        "scan",
        "transact_write_items",
        "transact_get_items",
        "batch_write_item",
    ):
        original_method = getattr(ddb_models.DynamoDBBackend, name, None)
        if original_method is not None:
            setattr(ddb_models.DynamoDBBackend, name, _atomic(original_method))

    # moto points tasks at http://localhost:<port>; localhost may resolve to ::1 first.
    sfn_boto_client.moto_server_port = lambda: os.environ["MOTO_PORT"]


def main() -> None:
    # With IDC_LEASE_EMULATOR_STACKS=<file>, `kill -USR1 <pid>` appends every thread's stack to
    # that file: the way to see where the emulator spends its time.
    if os.environ.get("IDC_LEASE_EMULATOR_STACKS"):
        stacks = open(os.environ["IDC_LEASE_EMULATOR_STACKS"], "a")  # noqa: SIM115 - lives as long as the process
        faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    os.environ["MOTO_PORT"] = str(port)
    apply_workarounds()
    align_failures_with_aws()
    sfn_status_events.install()

    base = moto_server.DomainDispatcherApplication

    class Dispatcher(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            # Outermost, so a `lost` create really runs through Identity Center's emulation
            # (IN_PROGRESS, quotas) before its answer is replaced by the error.
            identity_center = IdentityCenterFaults(super().__call__, moto_bridge.assignment_exists)
            self.faults = AwsFaults(
                identity_center,
                execution_of_token=moto_bridge.execution_of_token,
                deliver_again=moto_bridge.deliver_again,
                on_refused=identity_center.record_refused,
            )
            sfn_status_events.drop_if = self.faults.drops_status_event

        def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
            return self.faults(environ, start_response)

    moto_server.DomainDispatcherApplication = Dispatcher
    moto_server.main(["-H", "127.0.0.1", "-p", str(port)])


if __name__ == "__main__":
    main()
