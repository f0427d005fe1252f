/** A synthesized CloudFormation template, as far as the IAM proof reads it. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, { Type: string; Properties?: Record<string, unknown> }>>;
}

/**
 * How the template's resources map to the local runtime's: the pseudo parameters, the local name
 * of each resource the local runtime really has (by logical id), and literal strings of the
 * template that stand for a local value (a name CDK writes into an ARN, a configured placeholder).
 */
export interface LocalBinding {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly names: Readonly<Record<string, string>>;
  readonly literals: Readonly<Record<string, string>>;
}

/** ARN of a resource of each type the roles name, from its (local) name; `Ref` of each type. */
const ARN_OF_TYPE: Readonly<Record<string, (name: string, b: LocalBinding) => string>> = {
  'AWS::DynamoDB::Table': (n, b) => `arn:${b.partition}:dynamodb:${b.region}:${b.account}:table/${n}`,
  'AWS::Events::EventBus': (n, b) => `arn:${b.partition}:events:${b.region}:${b.account}:event-bus/${n}`,
  'AWS::StepFunctions::StateMachine': (n, b) =>
    `arn:${b.partition}:states:${b.region}:${b.account}:stateMachine:${n}`,
  'AWS::Lambda::Function': (n, b) => `arn:${b.partition}:lambda:${b.region}:${b.account}:function:${n}`,
  // CloudFormation's Arn of a log group ends in `:*`.
  'AWS::Logs::LogGroup': (n, b) => `arn:${b.partition}:logs:${b.region}:${b.account}:log-group:${n}:*`,
  'AWS::SQS::Queue': (n, b) => `arn:${b.partition}:sqs:${b.region}:${b.account}:${n}`,
  'AWS::SNS::Topic': (n, b) => `arn:${b.partition}:sns:${b.region}:${b.account}:${n}`,
  'AWS::KMS::Key': (n, b) => `arn:${b.partition}:kms:${b.region}:${b.account}:key/${n}`,
  'AWS::IAM::Role': (n, b) => `arn:${b.partition}:iam::${b.account}:role/${n}`,
};
const REF_IS_ARN = new Set(['AWS::StepFunctions::StateMachine', 'AWS::SNS::Topic']);
const NAME_PROPERTIES = [
  'TableName',
  'Name',
  'StateMachineName',
  'FunctionName',
  'LogGroupName',
  'QueueName',
  'TopicName',
  'RoleName',
];

export class TemplateResolver {
  constructor(
    readonly template: CfnTemplate,
    private readonly binding: LocalBinding,
  ) {}

  private resource(logicalId: string) {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }

  /** The local name of a resource: mapped explicitly, or the literal name the template gives it. */
  nameOf(logicalId: string): string {
    const mapped = this.binding.names[logicalId];
    if (mapped) return mapped;
    const props = this.resource(logicalId).Properties ?? {};
    const literal = NAME_PROPERTIES.map((p) => props[p]).find((v): v is string => typeof v === 'string');
    return this.literal(literal ?? logicalId);
  }

  arnOf(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    const arn = ARN_OF_TYPE[Type];
    if (!arn) throw new Error(`${logicalId}: no ARN format for ${Type}; add one to ARN_OF_TYPE`);
    return arn(this.nameOf(logicalId), this.binding);
  }

  private literal(text: string): string {
    return Object.entries(this.binding.literals).reduce((out, [from, to]) => out.split(from).join(to), text);
  }

  /** A template value with its intrinsics (Ref, Fn::GetAtt Arn, Fn::Join, pseudo parameters) resolved. */
  resolve(value: unknown): unknown {
    if (typeof value === 'string') return this.literal(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [fn, arg] = first;
      if (fn === 'Ref') return this.ref(arg as string);
      if (fn === 'Fn::GetAtt') {
        const [logicalId, attribute] = arg as [string, string];
        if (attribute === 'Arn') return this.arnOf(logicalId);
        if (attribute === 'Name') return this.nameOf(logicalId);
        throw new Error(`Fn::GetAtt ${logicalId}.${attribute}: not resolved; add it to TemplateResolver`);
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => this.resolve(p)).join(separator);
      }
      if (fn.startsWith('Fn::')) throw new Error(`${fn}: not resolved; add it to TemplateResolver`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': this.binding.partition,
      'AWS::Region': this.binding.region,
      'AWS::AccountId': this.binding.account,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (pseudo[name]) return pseudo[name];
    return REF_IS_ARN.has(this.resource(name).Type) ? this.arnOf(name) : this.nameOf(name);
  }

  /**
   * Every identity policy of a role, resolved: its inline `Policies` and each `AWS::IAM::Policy`
   * attached to it. A managed policy cannot be read from the template, so a role with one is refused.
   */
  /**
   * The policy of the resource with this ARN where IAM requires the resource to allow the call
   * too: a KMS key, whose key policy is the only way use of it is granted (`lib/task-token-key.ts`).
   */
  resourcePolicyOf(arn: string): unknown {
    for (const [logicalId, resource] of Object.entries(this.template.Resources))
      if (resource.Type === 'AWS::KMS::Key' && this.arnOf(logicalId) === arn)
        return this.resolve(resource.Properties?.KeyPolicy);
    return undefined;
  }

  policiesOf(roleLogicalId: string): { name: string; policy: unknown }[] {
    const role = this.resource(roleLogicalId);
    const managed = (role.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [];
    if (managed.length > 0)
      throw new Error(
        `${roleLogicalId}: managed policies ${JSON.stringify(managed)} cannot be proven offline`,
      );
    const inline = (
      (role.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[]) ?? []
    ).map((p) => ({ name: p.PolicyName, policy: this.resolve(p.PolicyDocument) }));
    const attached = Object.entries(this.template.Resources)
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          ((r.Properties?.Roles as { Ref?: string }[]) ?? []).some((ref) => ref.Ref === roleLogicalId),
      )
      .map(([id, r]) => ({ name: id, policy: this.resolve(r.Properties?.PolicyDocument) }));
    return [...inline, ...attached];
  }

  /** The role logical id behind each function and state machine of the template. */
  principalsOfTemplate(): { logicalId: string; type: string; roleLogicalId: string }[] {
    return Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' || r.Type === 'AWS::StepFunctions::StateMachine')
      .map(([logicalId, r]) => {
        const role = (r.Properties?.Role ?? r.Properties?.RoleArn) as { 'Fn::GetAtt'?: [string, string] };
        const roleLogicalId = role?.['Fn::GetAtt']?.[0];
        if (!roleLogicalId) throw new Error(`${logicalId}: its role is not a role of the template`);
        return { logicalId, type: r.Type, roleLogicalId };
      });
  }
}
