import type { EvaluationResult } from '@cloud-copilot/iam-simulate';
import type { IConstruct } from 'constructs';
import type { IdcLeaseStack } from '../../lib/stack.ts';
import {
  type AcknowledgedGrant,
  type DeployedPrincipal,
  type DeployTimeRole,
  ROLE_OF,
  type UnrecordedCall,
} from './acknowledgements.ts';
import { type ArnContext, authorizedCall } from './arns.ts';
import { principalOf, type RecordedCall } from './calls.ts';
import { evaluate, type IdentityPolicy } from './simulate.ts';
import type { TemplateResolver } from './template.ts';

export interface ProofInput {
  readonly calls: readonly RecordedCall[];
  readonly stack: IdcLeaseStack;
  readonly resolver: TemplateResolver;
  readonly ctx: ArnContext;
  readonly unrecorded: readonly UnrecordedCall[];
  readonly acknowledged: readonly AcknowledgedGrant[];
  /** Roles of functions that run only while CloudFormation deploys: no local principal stands in. */
  readonly deployTime: readonly DeployTimeRole[];
  /** The lease workflow's state machine: other state machines' calls are the tests' own. */
  readonly leaseStateMachine?: string;
}

export interface Verdict {
  readonly principal: DeployedPrincipal;
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  readonly result: EvaluationResult;
  /** How many recorded calls asked for this; 0 for an unrecorded call. */
  readonly calls: number;
  /** The workflow states that made these calls. */
  readonly states?: readonly string[];
  /** Why an unrecorded call is evaluated without being recorded. */
  readonly unrecorded?: string;
}

export interface UnusedGrant {
  readonly principal: DeployedPrincipal;
  readonly role: string;
  readonly action: string;
  /** The acknowledgement's reason; absent when nothing says why the grant must stay. */
  readonly acknowledged?: string;
}

export interface ProofReport {
  readonly summary: {
    readonly callsRecorded: number;
    readonly callsAttributed: number;
    readonly callsOfHarness: number;
    readonly principalActionPairs: number;
    readonly denied: number;
    readonly unusedGrants: number;
    readonly unacknowledgedUnusedGrants: number;
  };
  /** Functions and state machines of the template whose role no local principal stands in for. */
  readonly unattributedPrincipals: readonly string[];
  /** Functions left out because they run only at deploy, each with the reason. */
  readonly deployTimePrincipals: readonly string[];
  /** Calls signed by a key no local principal owns. */
  readonly unknownKeys: readonly string[];
  readonly denied: readonly Verdict[];
  readonly unused: readonly UnusedGrant[];
  /** Acknowledgements that are no longer true: the action is used, or no longer granted. */
  readonly staleAcknowledgements: readonly AcknowledgedGrant[];
  readonly verdicts: readonly Verdict[];
}

interface RoleUnderProof {
  readonly logicalId: string;
  readonly arn: string;
  readonly policies: IdentityPolicy[];
}

const logicalIdOf = (stack: IdcLeaseStack, construct: IConstruct): string =>
  stack.getLogicalId((construct.node.defaultChild ?? construct) as never);

const grantedActions = (policies: readonly IdentityPolicy[]): string[] => [
  ...new Set(
    policies.flatMap((p) =>
      ((p.policy as { Statement: { Effect: string; Action: string | string[] }[] }).Statement ?? [])
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action].flat()),
    ),
  ),
];

const acknowledgementFor = (
  acknowledged: readonly AcknowledgedGrant[],
  principal: DeployedPrincipal,
  action: string,
): AcknowledgedGrant | undefined =>
  acknowledged.find(
    (a) =>
      a.action === action &&
      (a.principal === principal || (a.principal === 'functions' && principal !== 'workflow')),
  );

/**
 * Evaluates every recorded call (and every call the local runtime cannot make) against the
 * synthesized role of the principal that made it, and lists what the roles grant that no call uses.
 */
export async function prove(input: ProofInput): Promise<ProofReport> {
  const { stack, resolver, ctx } = input;
  const roles = new Map<DeployedPrincipal, RoleUnderProof>();
  for (const [principal, locate] of Object.entries(ROLE_OF) as [DeployedPrincipal, typeof ROLE_OF.api][]) {
    const role = locate(stack);
    if (!role) continue;
    const logicalId = logicalIdOf(stack, role);
    roles.set(principal, {
      logicalId,
      arn: resolver.arnOf(logicalId),
      policies: resolver.policiesOf(logicalId),
    });
  }
  const proven = new Set([...roles.values()].map((r) => r.logicalId));
  const deployTime = new Map(input.deployTime.map((d) => [logicalIdOf(stack, d.role(stack)), d.reason]));
  const principalsOfTemplate = resolver.principalsOfTemplate();
  const unattributedPrincipals = principalsOfTemplate
    .filter((p) => !proven.has(p.roleLogicalId) && !deployTime.has(p.roleLogicalId))
    .map((p) => `${p.logicalId} (${p.type}, role ${p.roleLogicalId})`);
  const deployTimePrincipals = principalsOfTemplate
    .filter((p) => deployTime.has(p.roleLogicalId))
    .map((p) => `${p.logicalId} (role ${p.roleLogicalId}): ${deployTime.get(p.roleLogicalId)}`);

  type Asked = {
    principal: DeployedPrincipal;
    action: string;
    resource: string;
    /** The first such call's request context: calls that differ only in its values are one question. */
    context?: Readonly<Record<string, string | string[]>>;
  };
  const asked = new Map<string, Asked & { calls: number; states: Set<string>; unrecorded?: string }>();
  const ask = (a: Asked, state?: string, unrecorded?: string) => {
    const key = `${a.principal} ${a.action} ${a.resource} ${Object.keys(a.context ?? {})
      .sort()
      .join(',')}`;
    const entry = asked.get(key) ?? { ...a, calls: 0, states: new Set<string>() };
    if (unrecorded) entry.unrecorded = unrecorded;
    else entry.calls += 1;
    if (state) entry.states.add(state);
    asked.set(key, entry);
  };
  let harness = 0;
  let attributed = 0;
  const unknownKeys = new Set<string>();
  for (const call of input.calls) {
    const principal = principalOf(call, input.leaseStateMachine);
    if (principal === 'harness') harness += 1;
    else if (!principal) unknownKeys.add(call.key);
    else {
      attributed += 1;
      const { action, resources, context } = await authorizedCall(call, ctx);
      for (const resource of resources) ask({ principal, action, resource, context }, call.state);
    }
  }
  for (const u of input.unrecorded)
    ask(
      {
        principal: u.principal,
        action: u.action,
        resource: resolver.arnOf(logicalIdOf(stack, u.resource(stack))),
      },
      undefined,
      u.reason,
    );

  const verdicts: Verdict[] = [];
  for (const a of asked.values()) {
    const role = roles.get(a.principal);
    if (!role) throw new Error(`${a.principal} made calls but has no role in the synthesized stack`);
    verdicts.push({
      principal: a.principal,
      role: role.logicalId,
      action: a.action,
      resource: a.resource,
      result: await evaluate(
        role.arn,
        ctx.account,
        role.policies,
        a.action,
        a.resource,
        a.context,
        resolver.resourcePolicyOf(a.resource),
      ),
      calls: a.calls,
      ...(a.states.size > 0 ? { states: [...a.states].sort() } : {}),
      ...(a.unrecorded ? { unrecorded: a.unrecorded } : {}),
    });
  }
  verdicts.sort((x, y) =>
    `${x.principal}${x.action}${x.resource}`.localeCompare(`${y.principal}${y.action}${y.resource}`),
  );

  const unused: UnusedGrant[] = [];
  const used = new Set<string>();
  for (const [principal, role] of roles) {
    const usedHere = new Set(verdicts.filter((v) => v.principal === principal).map((v) => v.action));
    for (const action of grantedActions(role.policies)) {
      if (usedHere.has(action)) continue;
      const ack = acknowledgementFor(input.acknowledged, principal, action);
      if (ack) used.add(`${ack.principal} ${ack.action}`);
      unused.push({ principal, role: role.logicalId, action, ...(ack ? { acknowledged: ack.reason } : {}) });
    }
  }
  const staleAcknowledgements = input.acknowledged.filter((a) => !used.has(`${a.principal} ${a.action}`));
  const denied = verdicts.filter((v) => v.result !== 'Allowed');
  return {
    summary: {
      callsRecorded: input.calls.length,
      callsAttributed: attributed,
      callsOfHarness: harness,
      principalActionPairs: new Set(verdicts.map((v) => `${v.principal} ${v.action}`)).size,
      denied: denied.length,
      unusedGrants: unused.length,
      unacknowledgedUnusedGrants: unused.filter((u) => !u.acknowledged).length,
    },
    unattributedPrincipals,
    deployTimePrincipals,
    unknownKeys: [...unknownKeys],
    denied,
    unused,
    staleAcknowledgements,
    verdicts,
  };
}
