import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CONFIG_CONTEXT_KEY, type DeploymentConfig, readDeploymentConfig } from './config.ts';
import { IdcLeaseStack } from './stack.ts';

export const STACK_NAME = 'IdcLease';

/** Reads the deployment configuration from the app's context and the environment. */
export const configOf = (app: App, env: NodeJS.ProcessEnv = process.env): DeploymentConfig =>
  readDeploymentConfig({ context: app.node.tryGetContext(CONFIG_CONTEXT_KEY), env, baseDir: process.cwd() });

/**
 * The whole deployable app: the stack in the instance's home region, checked by cdk-nag's
 * AwsSolutions and Serverless packs. `bin/app.ts` and the tests build it the same way.
 */
export function buildApp(app: App, config: DeploymentConfig): IdcLeaseStack {
  const stack = new IdcLeaseStack(app, STACK_NAME, {
    config,
    description: 'idc-lease: just-in-time access through IAM Identity Center, as leases that always end',
    env: { region: config.homeRegion, account: process.env.CDK_DEFAULT_ACCOUNT },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
