import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { substitute } from '../../statemachines/definition.ts';
import { synthesize } from '../unit/stack/fixture.ts';
import { info, sfnClient } from './harness.ts';

describe('the lease workflow', () => {
  it('that CDK deploys is the one the local runtime runs, with the local names substituted', async () => {
    // Prepare: what `cdk deploy` would send to CloudFormation
    const { template } = synthesize();
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const deployed = machine?.Properties as {
      DefinitionString: string;
      DefinitionSubstitutions: Record<string, unknown>;
    };

    // Act: what the emulator runs
    const local = await sfnClient().send(
      new DescribeStateMachineCommand({ stateMachineArn: info().stateMachineArn }),
    );

    // Assess: the same substitutions, filled with the local runtime's resources, give the same definition
    const localValues: Record<string, string> = {
      LedgerTable: info().tableName,
      EventBus: info().eventBusName,
      InstanceArn: info().instanceArn,
    };
    expect(Object.keys(deployed.DefinitionSubstitutions).sort()).toEqual(Object.keys(localValues).sort());
    expect(JSON.parse(local.definition as string)).toEqual(
      JSON.parse(substitute(deployed.DefinitionString, localValues)),
    );
  });
});
