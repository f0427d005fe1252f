import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import type { ReconcileReport } from '../../core/reconcile.ts';
import { API_TRIGGER } from '../../core/reconcile.ts';
import { reconcileOnTrigger } from '../../lambdas/reconciler/on-trigger.ts';
import { parseTrigger } from '../../lambdas/reconciler/trigger.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:idc-lease';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:idc-lease:lease-42';

/** An EventBridge schedule rule's event, as AWS delivers it. */
const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/idc-lease-reconcile'],
  detail: {},
};

/** Step Functions' status-change event on the default bus, as AWS delivers it. */
const statusChange = (detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: '315c1398-40ff-a850-213b-158f73e60175',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'eu-west-1',
  resources: [EXECUTION],
  detail: {
    executionArn: EXECUTION,
    stateMachineArn: STATE_MACHINE,
    name: 'lease-42',
    status: 'ABORTED',
    startDate: 1_795_000_000_000,
    stopDate: 1_795_000_060_000,
    input: '{}',
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
    error: null,
    cause: null,
    ...detail,
  },
});

/** The message of what `parseTrigger` throws, which must be a 400-style error naming a field. */
const refusal = (event: unknown): { field: string; message: string } => {
  try {
    parseTrigger(event);
  } catch (err) {
    if (err instanceof ValidationError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('accepted');
};

describe('parseTrigger', () => {
  it('knows a scheduled run', () => {
    // Act
    const trigger = parseTrigger(scheduled);

    // Assess
    expect(trigger).toEqual({ kind: 'schedule' });
  });

  it.each(['ABORTED', 'FAILED', 'TIMED_OUT'])('names the lease of an execution that ended %s', (status) => {
    // Act
    const trigger = parseTrigger(statusChange({ status }));

    // Assess
    expect(trigger).toEqual({
      kind: 'execution-ended',
      leaseId: 'lease-42',
      executionArn: EXECUTION,
      status,
    });
  });

  it("knows the API's invocation", () => {
    // Act
    const trigger = parseTrigger(JSON.parse(JSON.stringify(API_TRIGGER)));

    // Assess
    expect(trigger).toEqual({ kind: 'api' });
  });

  it.each([
    ['a status the rule never routes', statusChange({ status: 'SUCCEEDED' }), 'detail.status'],
    ['a status change without the execution name', statusChange({ name: undefined }), 'detail.name'],
    ['a status change without an execution ARN', statusChange({ executionArn: '' }), 'detail.executionArn'],
    ['another kind of Step Functions event', { ...statusChange(), 'detail-type': 'x' }, 'detail-type'],
    ['another kind of aws.events event', { ...scheduled, 'detail-type': 'x' }, 'detail-type'],
    ['an event from another source', { ...scheduled, source: 'aws.sso' }, 'source'],
    ['an event without a source', { detail: {} }, 'source'],
    ['an unknown direct trigger', { trigger: 'cron' }, 'trigger'],
    ['a direct trigger with extra fields', { ...API_TRIGGER, leaseId: 'x' }, 'leaseId'],
    ['not an object', 'reconcile', 'event'],
    ['nothing', null, 'event'],
  ])('refuses %s, naming the field', (_what, event, field) => {
    // Act
    const refused = refusal(event);

    // Assess
    expect(refused.field).toBe(field);
    expect(refused.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('reconcileOnTrigger', () => {
  const report: ReconcileReport = { checkedAssignments: 3, removed: [], outOfBand: [], failed: [] };
  const stubLogger = () => {
    const calls: string[] = [];
    const logger = {
      resetKeys: vi.fn(() => calls.push('resetKeys')),
      appendKeys: vi.fn(() => calls.push('appendKeys')),
      info: vi.fn(() => calls.push('info')),
    };
    return { logger, calls, asLogger: logger as unknown as Logger };
  };

  it('tags its logs with the lease and execution of an ended execution, then reconciles', async () => {
    // Prepare
    const { logger, calls, asLogger } = stubLogger();
    const reconcile = vi.fn(async () => report);

    // Act
    const out = await reconcileOnTrigger({ reconcile, logger: asLogger }, statusChange({ status: 'FAILED' }));

    // Assess
    expect(out).toBe(report);
    expect(reconcile).toHaveBeenCalledOnce();
    expect(calls).toEqual(['resetKeys', 'appendKeys', 'info']);
    expect(logger.appendKeys).toHaveBeenCalledWith({ leaseId: 'lease-42', executionArn: EXECUTION });
    expect(logger.info).toHaveBeenCalledWith('reconciler triggered', {
      trigger: { kind: 'execution-ended', leaseId: 'lease-42', executionArn: EXECUTION, status: 'FAILED' },
    });
  });

  it('keeps no keys from an earlier run on a scheduled one', async () => {
    // Prepare
    const { logger, calls, asLogger } = stubLogger();

    // Act
    await reconcileOnTrigger({ reconcile: async () => report, logger: asLogger }, scheduled);

    // Assess
    expect(calls).toEqual(['resetKeys', 'info']);
    expect(logger.appendKeys).not.toHaveBeenCalled();
  });

  it('does not reconcile for an event it does not know', async () => {
    // Prepare
    const { asLogger } = stubLogger();
    const reconcile = vi.fn(async () => report);

    // Act
    const run = reconcileOnTrigger({ reconcile, logger: asLogger }, { source: 'aws.sso' });

    // Assess
    await expect(run).rejects.toThrow(/^source: /);
    expect(reconcile).not.toHaveBeenCalled();
  });
});
