import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { NOTIFIER_NAMES } from '../../local/provision-notifier.ts';
import type { LocalInfo } from '../../local/runtime.ts';
import { logicalId, synthesize } from '../unit/stack/fixture.ts';
import {
  ACKNOWLEDGED_GRANTS,
  DEPLOY_TIME_ROLES,
  type DeployedPrincipal,
  ROLE_OF,
  UNRECORDED_CALLS,
} from './acknowledgements.ts';
import { recordedCalls } from './calls.ts';
import { type ProofReport, prove, type Verdict } from './proof.ts';
import { READ_ME, REPORT_FILE, readRuntimeFile } from './runtime-file.ts';
import { type CfnTemplate, TemplateResolver } from './template.ts';

/** A configured identity store id the template carries; the local one need not match its pattern. */
const STORE_PLACEHOLDER = 'd-0000000000';

/** The emulator spells permission set ARNs `…:instance/<id>/ps-…`; AWS (and the config), `…:permissionSet/<id>/ps-…`. */
const awsPermissionSetArn = (arn: string): string => arn.replace(':instance/', ':permissionSet/');

/**
 * The deployment the local runtime stands for: the test fixture's configuration with the
 * integration runtime's instance, permission sets, policy, trail log group and notifier channels.
 */
const synthesizeLike = (info: LocalInfo) =>
  synthesize({
    homeRegion: info.region,
    instanceArn: info.instanceArn,
    identityStoreId: STORE_PLACEHOLDER,
    policyFile: 'test/fixtures/policy.json',
    permissionSetArns: Object.fromEntries(
      Object.entries(info.permissionSets).map(([name, arn]) => [name, awsPermissionSetArn(arn)]),
    ),
    activity: { logGroupNames: [info.trailLogGroup] },
    notifications: {
      operatorEmails: [],
      webhook: { url: 'https://notifications.invalid/webhook', signingSecret: NOTIFIER_NAMES.signingSecret },
      slack: { webhookSecret: NOTIFIER_NAMES.slackSecret },
      audit: ['webhook'],
      endingSoonLead: 'PT10M',
    },
  });

const line = (v: Verdict) =>
  `${v.principal} (role ${v.role}) ${v.action} on ${v.resource}: ${v.result}${v.states ? ` [states ${v.states.join(', ')}]` : ''}`;

let report: ProofReport;
let principals: DeployedPrincipal[];

beforeAll(async () => {
  // Prepare: every call the integration tests made, and the stack the local runtime stands for
  const info = readRuntimeFile();
  const calls = await recordedCalls(info.awsEndpoint);
  const { stack, template } = synthesizeLike(info);
  const account = info.stateMachineArn.split(':')[4] as string;
  const stateMachineName = info.stateMachineArn.split(':').at(-1) as string;
  const deployedStateMachine = logicalId(stack, stack.workflow.stateMachine);
  const cfn = template.toJSON() as CfnTemplate;
  const resolver = new TemplateResolver(cfn, {
    partition: 'aws',
    region: info.region,
    account,
    names: {
      [logicalId(stack, stack.ledger.table)]: info.tableName,
      [logicalId(stack, stack.events.bus)]: info.eventBusName,
      [deployedStateMachine]: stateMachineName,
      [logicalId(stack, stack.workflow.tokenKey.key)]: info.taskTokenKeyArn.split('/').at(-1) as string,
    },
    literals: {
      [STORE_PLACEHOLDER]: info.identityStoreId,
      // Execution ARNs are written with the deployed state machine's name.
      [cfn.Resources[deployedStateMachine]?.Properties?.StateMachineName as string]: stateMachineName,
    },
  });
  principals = (Object.keys(ROLE_OF) as DeployedPrincipal[]).filter((p) => ROLE_OF[p](stack));

  // Act
  report = await prove({
    calls,
    leaseStateMachine: info.stateMachineArn,
    stack,
    resolver,
    ctx: {
      partition: 'aws',
      account,
      identityStoreOwner: stack.node.tryGetContext('idc-lease').managementAccountId,
      calls,
    },
    unrecorded: UNRECORDED_CALLS,
    acknowledged: ACKNOWLEDGED_GRANTS,
    deployTime: DEPLOY_TIME_ROLES,
  });
  writeFileSync(REPORT_FILE, `${JSON.stringify({ readMe: READ_ME, ...report }, null, 2)}\n`);
});

// Assess
describe('the IAM proof over the integration tests’ calls', () => {
  it('attributes every function and the workflow of the stack to a local principal, and every call to one', () => {
    expect(report.unattributedPrincipals).toEqual([]);
    // Only CDK's deployment function, which runs no code of ours and only while CloudFormation deploys.
    expect(report.deployTimePrincipals).toHaveLength(DEPLOY_TIME_ROLES.length);
    expect(report.unknownKeys).toEqual([]);
    expect(report.summary.callsAttributed).toBeGreaterThan(0);
  });

  it('finds every call allowed by its principal’s synthesized role, on the real resource ARN', () => {
    expect(report.denied.map(line)).toEqual([]);
  });

  it.runIf(inject('iamProofScope') === 'full')('sees every principal call AWS', () => {
    const silent = principals.filter((p) => !report.verdicts.some((v) => v.principal === p && v.calls > 0));
    expect(silent).toEqual([]);
  });

  it.runIf(inject('iamProofScope') === 'full')(
    'finds no granted action unused unless acknowledged, and no acknowledgement untrue',
    () => {
      const unacknowledged = report.unused.filter((u) => !u.acknowledged);
      expect(unacknowledged.map((u) => `${u.principal} (role ${u.role}) ${u.action}`)).toEqual([]);
      expect(report.staleAcknowledgements).toEqual([]);
    },
  );
});
