import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag names a wildcard finding by the flattened resource; computing the id from the very ARN
// that was granted keeps acknowledgements exact instead of copied from a synth log.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** Acknowledges the AwsSolutions-IAM5 finding for one wildcard resource, and no other. */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}

/** Acknowledges one rule (granular ids only: `Pack-Rule`, never a whole pack) with its reason. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
