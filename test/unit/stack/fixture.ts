import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, configOf } from '../../../lib/app.ts';
import { CONFIG_CONTEXT_KEY, type DeploymentConfigInput } from '../../../lib/config.ts';
import type { IdcLeaseStack } from '../../../lib/stack.ts';

/** `cdk.json` as committed: the example deployment `npx cdk synth` builds on a fresh clone. */
export const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
  app: string;
  context: Record<string, unknown> & { [CONFIG_CONTEXT_KEY]: DeploymentConfigInput };
};

export interface Synthesized {
  app: App;
  stack: IdcLeaseStack;
  template: Template;
  outdir: string;
}

/**
 * The real app (same config reading, same constructs, same cdk-nag packs) with `overrides` on
 * the example configuration. Bundling is skipped: templates and nag findings do not depend on
 * the code inside the bundles, and `npm test` bundles for real through `cdk synth`.
 */
export function synthesize(overrides: Partial<DeploymentConfigInput> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'idc-lease-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      [CONFIG_CONTEXT_KEY]: { ...cdkJson.context[CONFIG_CONTEXT_KEY], ...overrides },
      'aws:cdk:bundling-stacks': [],
    },
  });
  const stack = buildApp(app, configOf(app, {}));
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

/** The logical id CloudFormation knows a construct's resource by. */
export const logicalId = (stack: IdcLeaseStack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Every statement of every IAM policy attached to the role with this logical id. */
export function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** The config.json the stack deploys: the second source of the index.html deployment, in the assembly. */
export function configJsonOf(s: Synthesized): unknown {
  const shell = Object.values(s.template.findResources('Custom::CDKBucketDeployment'))
    .map((d) => d.Properties)
    .find((d) => d.Include?.includes('config.json'));
  const key = String(shell?.SourceObjectKeys[1]).replace(/\.zip$/, '');
  return JSON.parse(readFileSync(join(s.outdir, `asset.${key}`, 'config.json'), 'utf8'));
}
