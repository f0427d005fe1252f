import { type EvaluationResult, runSimulation } from '@cloud-copilot/iam-simulate';

export interface IdentityPolicy {
  readonly name: string;
  readonly policy: unknown;
}

/**
 * What IAM answers when a role calls `action` on `resource` with only its identity policies (the
 * resources' own policies, SCPs and boundaries are not the roles' to prove). The simulator does
 * the evaluation: actions, resource ARN matching, wildcards and conditions as AWS evaluates them.
 */
export async function evaluate(
  roleArn: string,
  account: string,
  policies: readonly IdentityPolicy[],
  action: string,
  resource: string,
  /** Condition keys the request sets (a KMS call's encryption context); the rest are absent. */
  context: Readonly<Record<string, string | string[]>> = {},
  /** The resource's own policy, where the service requires one (a KMS key's policy). */
  resourcePolicy?: unknown,
): Promise<EvaluationResult> {
  const result = await runSimulation(
    {
      request: {
        principal: roleArn,
        action,
        // The role's own account: a resource in another account would need its resource policy too.
        resource: { resource, accountId: account },
        contextVariables: { ...context },
      },
      identityPolicies: [...policies],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error')
    throw new Error(
      `${action} on ${resource}: the simulation could not run: ${JSON.stringify(result.errors)}`,
    );
  return result.overallResult;
}
