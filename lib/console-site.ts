import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { type Policy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { ROOT } from './lease-function.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';

/** The SPA's build output (`npm run console:build`): index.html and content-hashed assets/. */
const CONSOLE_DIST = join(ROOT, 'console', 'dist');
/** The build's own record of its inputs (local/console-assets.ts): not for the bucket. */
const BUILD_RECORD = '.inputs.json';

/**
 * The built SPA as an asset. Bundling builds it at synth when `console/dist` is missing or older
 * than its inputs (the same check the local runtime makes), so a fresh clone's `cdk synth`, offline,
 * deploys the console without a manual step; the asset's hash is the build output's. With bundling
 * skipped (the stack tests) nothing is built: the asset stands for `console/` unhashed.
 */
export function consoleBuild(): ISource {
  return Source.asset(join(ROOT, 'console'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only if local bundling could not run, which it always can where `npm ci` ran.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir: string): boolean {
          const build = spawnSync(
            join(ROOT, 'node_modules', '.bin', 'tsx'),
            ['console/build.ts', '--if-stale'],
            {
              cwd: ROOT,
              // The app's stdout is the CDK CLI's; the build reports on stderr.
              stdio: ['ignore', 2, 2],
            },
          );
          if (build.status !== 0) throw new Error(`the console build failed (exit ${build.status})`);
          cpSync(CONSOLE_DIST, outputDir, {
            recursive: true,
            filter: (source) => basename(source) !== BUILD_RECORD,
          });
          return true;
        },
      },
    },
  });
}

export interface ConsoleSiteProps {
  readonly bucket: IBucket;
  readonly distribution: IDistribution;
  /** `config.json`'s `portalUrl`; null when none is configured (the SPA then shows no portal link). */
  readonly portalUrl: string | null;
  readonly logRetention: RetentionDays;
}

/**
 * The built SPA copied into the console's bucket at deploy by CDK's BucketDeployment, in two
 * deployments: the content-hashed assets first, cached for a year and never pruned (a browser
 * still on the previous index.html may load a page's chunk after a deploy), then index.html and
 * `config.json`, revalidated on every load and invalidated at the edge, so a new index.html never
 * names an asset that is not there yet. Its function runs only while CloudFormation deploys.
 */
export class ConsoleSite extends Construct {
  /** The role of CDK's deployment function: it writes its own log group and copies the build. */
  public readonly role: Role;
  public readonly deployments: readonly BucketDeployment[];

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Instead of AWSLambdaBasicExecutionRole: its own log group, and what CDK grants for the copy.
    this.role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(this.role);
    this.deployments = deploy(this, props, { role: this.role, logGroup });
    this.acknowledge(props.bucket);
  }

  private acknowledge(bucket: IBucket): void {
    const why =
      'CDK’s BucketDeployment copies the build from the CDK asset bucket into the console’s bucket at deploy; these are the grants it writes for that copy (read the asset, read, write and delete in the console’s bucket, invalidate the distribution).';
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'])
      acknowledge(this.role, `AwsSolutions-IAM5[Action::${action}]`, why);
    acknowledgeWildcardResource(this.role, `${bucket.bucketArn}/*`, why);
    for (const resource of this.assetObjects()) acknowledgeWildcardResource(this.role, resource, why);
    acknowledgeWildcardResource(
      this.role,
      '*',
      'cloudfront:CreateInvalidation and cloudfront:GetInvalidation as CDK’s BucketDeployment grants them, to invalidate index.html and config.json after a deploy.',
    );
    const handler = Stack.of(this).node.children.find(
      (c): c is LambdaFunction => c instanceof LambdaFunction && c.role === this.role,
    );
    if (!handler) throw new Error(`${this.node.path}: CDK's deployment function not found`);
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'])
      acknowledge(handler, id, 'CDK’s BucketDeployment function: CDK chooses and updates its runtime.');
    acknowledge(
      handler,
      'Serverless-LambdaDLQ',
      'CDK’s deployment function runs as a CloudFormation custom resource: a failure fails the deploy, there is no event to park.',
    );
    acknowledge(
      handler,
      'Serverless-LambdaTracing',
      'CDK’s deployment function runs only while CloudFormation deploys; its log group says what it did.',
    );
  }

  /** The CDK asset bucket's objects, as CDK's grant names them (a bucket of the bootstrap stack). */
  private assetObjects(): string[] {
    const policy = this.role.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    const statements = (Stack.of(this).resolve(policy?.document) as { Statement?: { Resource: unknown }[] })
      ?.Statement;
    const resources = (statements ?? []).flatMap((s) => [s.Resource].flat());
    const found = resources.filter((r) => /cdk-[a-z0-9]+-assets-.*\/\*$/.test(flattenCfnReference(r)));
    if (found.length === 0) throw new Error(`${this.node.path}: no CDK asset bucket grant found`);
    return found as string[];
  }
}

function deploy(
  scope: Construct,
  props: ConsoleSiteProps,
  handler: { role: Role; logGroup: LogGroup },
): BucketDeployment[] {
  const build = consoleBuild();
  const assets = new BucketDeployment(scope, 'Assets', {
    ...handler,
    sources: [build],
    destinationBucket: props.bucket,
    exclude: ['index.html', 'config.json'],
    prune: false,
    cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    memoryLimit: 512,
  });
  const shell = new BucketDeployment(scope, 'Shell', {
    ...handler,
    sources: [build, Source.jsonData('config.json', { portalUrl: props.portalUrl, basePath: '/' })],
    destinationBucket: props.bucket,
    exclude: ['*'],
    include: ['index.html', 'config.json'],
    prune: false,
    cacheControl: [CacheControl.noCache()],
    distribution: props.distribution,
    distributionPaths: ['/index.html', '/config.json'],
    memoryLimit: 512,
  });
  shell.node.addDependency(assets);
  return [assets, shell];
}
