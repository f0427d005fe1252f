import { App, Duration, Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventConsumer, toCdkPattern } from '../../../lib/consumers.ts';
import { IdentityCenterScope } from '../../../lib/identity-center.ts';
import { LeaseApi } from '../../../lib/lease-api.ts';
import { LeaseEvents } from '../../../lib/lease-events.ts';
import { LeaseFunction } from '../../../lib/lease-function.ts';
import { Operations } from '../../../lib/operations.ts';
import { Reconciler } from '../../../lib/reconciler.ts';
import { executionEndedPattern } from '../../../lib/rules.ts';
import { type Synthesized, synthesize } from './fixture.ts';

const instanceArn = 'arn:aws:sso:::instance/ssoins-0000000000000000';
const psArn = 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000001';
const retention = RetentionDays.ONE_WEEK;

let built: Synthesized;
beforeAll(() => {
  built = synthesize();
});

describe('IdentityCenterScope', () => {
  it('refuses what would widen or break the grants', () => {
    expect(
      () =>
        new IdentityCenterScope({
          instanceArn: 'ssoins-1',
          permissionSetArns: [psArn],
          accounts: ['111111111111'],
        }),
    ).toThrow(/instanceArn: not an Identity Center instance ARN/);
    expect(
      () => new IdentityCenterScope({ instanceArn, permissionSetArns: [], accounts: ['111111111111'] }),
    ).toThrow(/permissionSetArns: empty/);
    expect(() => new IdentityCenterScope({ instanceArn, permissionSetArns: [psArn], accounts: [] })).toThrow(
      /accounts: empty/,
    );
  });

  it('takes the partition from the instance', () => {
    const scope = new IdentityCenterScope({
      instanceArn: 'arn:aws-us-gov:sso:::instance/ssoins-0000000000000000',
      permissionSetArns: [psArn],
      accounts: 'any',
    });
    expect(scope.partition).toBe('aws-us-gov');
    expect(scope.wildcardAccounts).toBe(true);
  });
});

describe('the constructs', () => {
  it('LeaseFunction wants a TypeScript handler and a memory size Lambda allows', () => {
    const stack = new Stack(new App(), 'S');
    expect(
      () =>
        new LeaseFunction(stack, 'A', {
          entry: 'x.js',
          description: 'd',
          serviceName: 's',
          logRetention: retention,
        }),
    ).toThrow(/A: entry must be a \.ts handler module/);
    expect(
      () =>
        new LeaseFunction(stack, 'B', {
          entry: 'lambdas/api/handler.ts',
          description: 'd',
          serviceName: 's',
          logRetention: retention,
          memorySize: 64,
        }),
    ).toThrow(/B: memorySize must be 128–10240 MB/);
    expect(
      () =>
        new LeaseFunction(stack, 'C', {
          entry: 'lambdas/api/handler.ts',
          description: 'd',
          serviceName: 's',
          logRetention: retention,
          reservedConcurrency: 0,
        }),
    ).toThrow(/C: reservedConcurrency must be a whole number of at least 1/);
  });

  it('EventConsumer routes a pattern or a schedule, not both, not neither', () => {
    const consumer = built.stack.reconciler.consumer;
    expect(() =>
      consumer.on('Both', {
        description: 'd',
        eventPattern: { source: ['x'] },
        schedule: Schedule.rate(Duration.hours(1)),
      }),
    ).toThrow(/Both: give exactly one of eventPattern and schedule/);
    expect(() => consumer.on('Neither', { description: 'd' })).toThrow(/Neither: give exactly one/);
    expect(consumer).toBeInstanceOf(EventConsumer);
  });

  it('Reconciler sweeps at most once a minute', () => {
    const { stack } = built;
    expect(
      () =>
        new Reconciler(stack, 'TooOften', {
          table: stack.ledger.table,
          bus: stack.events.bus,
          workflow: stack.workflow,
          identityCenter: new IdentityCenterScope({
            instanceArn,
            permissionSetArns: [psArn],
            accounts: ['111111111111'],
          }),
          identityStoreId: 'd-0000000000',
          policyFile: 'policies/access.example.json',
          every: Duration.seconds(30),
          logRetention: retention,
        }),
    ).toThrow(/TooOften: every must be at least one minute/);
  });

  it('LeaseApi throttles with a burst at least the rate', () => {
    const { stack } = built;
    expect(
      () =>
        new LeaseApi(stack, 'Bursty', {
          table: stack.ledger.table,
          bus: stack.events.bus,
          workflow: stack.workflow,
          identityCenter: new IdentityCenterScope({
            instanceArn,
            permissionSetArns: [psArn],
            accounts: ['111111111111'],
          }),
          identityStore: { id: 'd-0000000000', ownerAccountId: '999999999999' },
          organization: { id: 'o-0000000000', managementAccountId: '999999999999', readTree: false },
          reconciler: stack.reconciler.handler,
          policyFile: 'policies/access.example.json',
          throttle: { rateLimit: 50, burstLimit: 10 },
          logRetention: retention,
        }),
    ).toThrow(/Bursty: throttle.burstLimit must be at least rateLimit/);
  });

  it('LeaseEvents keeps its archive at least a day, Operations wants email addresses', () => {
    const { stack } = built;
    expect(
      () => new LeaseEvents(stack, 'Brief', { logRetention: retention, archiveRetention: Duration.hours(1) }),
    ).toThrow(/Brief: archiveRetention must be at least a day/);
    expect(
      () =>
        new Operations(stack, 'Ops', {
          bus: stack.events.bus,
          stateMachine: stack.workflow.stateMachine,
          reconciler: stack.reconciler.handler,
          api: stack.api.api,
          deadLetterQueues: {},
          operatorEmails: ['oncall'],
        }),
    ).toThrow(/Ops: not an email address: oncall/);
  });
});

describe('toCdkPattern', () => {
  it('renames EventBridge’s top-level fields the way CDK spells them and keeps the rest', () => {
    expect(toCdkPattern(executionEndedPattern('arn:sm'))).toEqual({
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['ABORTED', 'FAILED', 'TIMED_OUT'], stateMachineArn: ['arn:sm'] },
    });
  });
});
