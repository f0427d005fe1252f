import * as z from 'zod/mini';
import { ValidationError } from '../../core/errors.ts';
import '../../core/zod-locale.ts';
import { API_TRIGGER } from '../../core/reconcile.ts';
import { EXECUTION_ENDED_STATUSES } from '../../lib/rules.ts';

/** Why the reconciler runs; an ended execution names the lease whose workflow can no longer revoke. */
export type ReconcileTrigger =
  | { kind: 'schedule' }
  | {
      kind: 'execution-ended';
      leaseId: string;
      executionArn: string;
      status: (typeof EXECUTION_ENDED_STATUSES)[number];
    }
  | { kind: 'api' };

const ScheduledEvent = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

/** Step Functions' own event on the default bus; only the fields the reconciler relies on. */
const ExecutionStatusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().check(z.startsWith('arn:', 'must be an execution ARN')),
    stateMachineArn: z.string().check(z.startsWith('arn:', 'must be a state machine ARN')),
    // The execution name is the lease id (CONTRACT), so the trigger can say which lease it is about.
    name: z.string().check(z.minLength(1)),
    status: z.enum(EXECUTION_ENDED_STATUSES),
  }),
});

const ApiInvocation = z.strictObject({ trigger: z.literal(API_TRIGGER.trigger) });

const parse = <T extends z.ZodMiniType>(schema: T, event: unknown): z.infer<T> => {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  if (issue.code === 'unrecognized_keys') throw new ValidationError(issue.keys.join(', '), 'unknown field');
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new ValidationError(issue.path.join('.') || 'event', message);
};

/**
 * Whatever invoked the reconciler → why it runs. Anything else is refused naming the field, so
 * a mis-wired rule or a wrong payload fails loudly instead of reconciling for an unknown reason.
 */
export function parseTrigger(event: unknown): ReconcileTrigger {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new ValidationError('event', 'must be an object');
  if ('trigger' in event) {
    parse(ApiInvocation, event);
    return { kind: 'api' };
  }
  const source = (event as { source?: unknown }).source;
  if (source === 'aws.events') {
    parse(ScheduledEvent, event);
    return { kind: 'schedule' };
  }
  if (source === 'aws.states') {
    const { detail } = parse(ExecutionStatusChange, event);
    return {
      kind: 'execution-ended',
      leaseId: detail.name,
      executionArn: detail.executionArn,
      status: detail.status,
    };
  }
  throw new ValidationError(
    'source',
    `must be aws.events (schedule) or aws.states (execution ended), or the event {"trigger":"api"}; got ${source === undefined ? 'nothing' : JSON.stringify(source)}`,
  );
}
