import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HoldPeriod } from '../core/extension.ts';
import { EVENT_SOURCE } from '../core/lease-status.ts';
import type { WorkflowLimits } from '../core/workflow-limits.ts';

export type { HoldPeriod } from '../core/extension.ts';

/** The input of one lease execution; `statemachines/lease.asl.json` reads exactly these paths. */
export interface WorkflowInput {
  lease: {
    id: string;
    requester: { userName: string; userId: string };
    accountId: string;
    permissionSet: string;
    permissionSetArn: string;
    principalId: string;
    tuplePk: string;
    approvalRequired: boolean;
    approvalTimeoutSeconds: number;
    startAt?: string;
  };
  period: HoldPeriod;
  /** `poll.status` is what the release reads to know whether this lease's own create SUCCEEDED. */
  grant: { requestId: null; startedAt: null; preExisting: true; poll: { status: 'NONE' } };
  revoke: { requestId: null; startedAt: null };
  outcome: { failed: false };
  /** Every loop of the workflow counts here and stops at its limit. */
  counters: Record<'creation' | 'deletion' | 'join' | 'tuple' | 'evidence' | 'pages', { n: 0 }>;
  limits: WorkflowLimits;
}

export type TaskOutcome = 'sent' | 'stale';

const isStaleToken = (err: unknown): boolean =>
  ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((err as { name?: string }).name ?? '');

/** Step Functions: one Standard execution per lease, named after the lease id. */
export class Engine {
  constructor(
    private readonly sfn: SFNClient,
    readonly stateMachineArn: string,
  ) {}

  executionArn(leaseId: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${leaseId}`;
  }

  /**
   * Starts the lease's execution. Names are lease ids, so an execution of that name is this
   * lease's: a replayed start whose first answer was lost meets it, and Step Functions answers
   * the running one, or ExecutionAlreadyExists once it has ended. Either way it was started.
   */
  async start(input: WorkflowInput): Promise<string> {
    try {
      const out = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: input.lease.id,
          input: JSON.stringify(input),
        }),
      );
      return out.executionArn as string;
    } catch (err) {
      if ((err as { name?: string }).name === 'ExecutionAlreadyExists')
        return this.executionArn(input.lease.id);
      throw err;
    }
  }

  /** Returns 'stale' when the token no longer waits (the state moved on); the caller decides. */
  async succeed(token: string, output: unknown): Promise<TaskOutcome> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return 'sent';
    } catch (err) {
      if (isStaleToken(err)) return 'stale';
      throw err;
    }
  }

  async fail(token: string, error: string, cause: unknown): Promise<TaskOutcome> {
    try {
      await this.sfn.send(
        new SendTaskFailureCommand({ taskToken: token, error, cause: JSON.stringify(cause) }),
      );
      return 'sent';
    } catch (err) {
      if (isStaleToken(err)) return 'stale';
      throw err;
    }
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    await this.sfn.send(new StopExecutionCommand({ executionArn, error: 'Lease.Cancelled', cause }));
  }

  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or GONE when the execution does not exist. */
  async status(executionArn: string): Promise<string> {
    return (await this.execution(executionArn)).status;
  }

  /** The execution's status and, once it is over, when it stopped. */
  async execution(executionArn: string): Promise<{ status: string; stoppedAt?: Date }> {
    try {
      // Status and stop time only: the execution's data is encrypted under the workflow's key,
      // which only the workflow's own role may use.
      const out = await this.sfn.send(
        new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }),
      );
      return { status: out.status ?? 'GONE', ...(out.stopDate ? { stoppedAt: out.stopDate } : {}) };
    } catch (err) {
      if ((err as { name?: string }).name === 'ExecutionDoesNotExist') return { status: 'GONE' };
      throw err;
    }
  }
}

/** Lease events the API and the reconciler emit (the workflow emits its own from the ASL). */
export class EventPublisher {
  constructor(
    private readonly events: EventBridgeClient,
    readonly busName: string,
  ) {}

  async publish(detailType: string, detail: Record<string, unknown>): Promise<void> {
    const out = await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (out.FailedEntryCount)
      throw new Error(`EventBridge refused ${detailType}: ${out.Entries?.[0]?.ErrorMessage}`);
  }
}
