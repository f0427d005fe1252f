import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_CONTEXT_KEYS } from '../../../core/lease-token.ts';
import { archivePattern } from '../../../lib/rules.ts';
import { actionsOf, logicalId, type Synthesized, statementsOf, synthesize } from './fixture.ts';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

interface KeyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal: { AWS?: unknown; Service?: string };
  Condition?: Record<string, Record<string, unknown>>;
}

const tokenKey = () => {
  const keys = app.template.findResources('AWS::KMS::Key');
  const id = logicalId(app.stack, app.stack.workflow.tokenKey.key);
  const key = keys[id];
  if (!key) throw new Error('no token key in the template');
  return { id, properties: key.Properties as Record<string, unknown> };
};
const keyStatements = () => (tokenKey().properties.KeyPolicy as { Statement: KeyStatement[] }).Statement;
const actions = (s: KeyStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const roleRef = (role: { node: { defaultChild?: unknown } } | undefined) => {
  if (!role) throw new Error('no role');
  return { 'Fn::GetAtt': [logicalId(app.stack, role), 'Arn'] };
};
/** A use of the key that yields plain text: what reading a sealed token takes. */
const opens = (s: KeyStatement) =>
  s.Effect === 'Allow' && actions(s).some((a) => /^kms:(\*|Decrypt\*?|ReEncrypt)/.test(a));

describe('task tokens at rest, as deployed', () => {
  it('seals them under a customer-managed key that rotates and whose policy delegates no use to the account', () => {
    // Prepare
    const { properties } = tokenKey();
    const forAccount = keyStatements().filter((s) => JSON.stringify(s.Principal).includes(':root'));

    // Assess: the account may manage the key; no identity policy of it can open a token.
    expect(properties.EnableKeyRotation).toBe(true);
    expect(forAccount).toHaveLength(1);
    for (const action of actions(forAccount[0] as KeyStatement))
      expect(action).not.toMatch(/^kms:(\*|Decrypt|Encrypt|ReEncrypt|GenerateDataKey)/);
  });

  it('lets only the API and the ledger writer open a token, and only with the lease and kind in the context', () => {
    // Prepare
    const tokenOpeners = keyStatements().filter(
      (s) =>
        opens(s) &&
        s.Condition?.Null?.['kms:EncryptionContextKeys'] === 'false' &&
        JSON.stringify(s.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']) ===
          JSON.stringify([...TOKEN_CONTEXT_KEYS]),
    );
    const others = keyStatements().filter((s) => opens(s) && !tokenOpeners.includes(s));

    // Assess
    expect(tokenOpeners.map((s) => s.Principal.AWS)).toEqual(
      expect.arrayContaining([
        roleRef(app.stack.api.handler.role),
        roleRef(app.stack.events.consumers[0]?.handler.role),
      ]),
    );
    expect(tokenOpeners).toHaveLength(2);
    // Every other use is bound to a context no token is sealed under: the workflow's own data,
    // the ledger writer's dead-letter queue, or log delivery.
    for (const s of others) {
      const context = JSON.stringify(s.Condition ?? {});
      const boundTo = /aws:states:stateMachineArn|kms:ViaService|aws:SourceArn/.test(context);
      expect(boundTo || s.Principal.Service === 'delivery.logs.amazonaws.com', JSON.stringify(s)).toBe(true);
    }
    // The reconciler describes executions METADATA_ONLY and holds no token: no use of the key.
    const reconciler = logicalId(app.stack, app.stack.reconciler.handler.role as never);
    expect(actionsOf(statementsOf(app.template, reconciler)).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('keeps the workflow’s execution history under the same key', () => {
    app.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: {
        Type: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyId: { 'Fn::GetAtt': [tokenKey().id, 'Arn'] },
      },
    });
  });

  it('keeps the ledger writer’s dead letters under the key, and no token-bearing event in the archive', () => {
    // Prepare
    const queue = logicalId(app.stack, app.stack.events.consumers[0]?.deadLetterQueue as never);
    const queues = app.template.findResources('AWS::SQS::Queue');
    const archives = Object.values(app.template.findResources('AWS::Events::Archive'));

    // Assess
    expect(queues[queue]?.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [tokenKey().id, 'Arn'] });
    expect(archives).toHaveLength(1);
    expect(archives[0]?.Properties.EventPattern).toEqual(archivePattern);
  });
});
