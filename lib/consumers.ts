import { Duration } from 'aws-cdk-lib';
import { type EventPattern, type IEventBus, Rule, type RuleProps } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import type { TaskTokenKey } from './task-token-key.ts';

/** An event pattern as EventBridge spells it (`detail-type`), not as CDK does (`detailType`). */
export type RawEventPattern = Readonly<Record<string, unknown>>;

/** CDK's `EventPattern` renames the top-level fields; map them back so one definition serves both. */
export const toCdkPattern = (raw: RawEventPattern): EventPattern =>
  Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [
      key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  ) as EventPattern;

/**
 * A dead-letter queue: encrypted, TLS only, messages kept the 14-day maximum so an operator has
 * time to look before redriving.
 */
export function deadLetterQueue(scope: Construct, id: string, key?: TaskTokenKey): Queue {
  const queue = new Queue(scope, id, {
    ...(key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key.key, dataKeyReuse: Duration.minutes(5) }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy'])
    acknowledge(
      queue,
      rule,
      'This queue is itself a dead-letter queue (EventBridge target and Lambda on-failure destination).',
    );
  return queue;
}

export interface EventConsumerProps {
  readonly handler: IFunction;
  /** Dead letters that may hold task tokens are kept under the token key. @default SQS-managed */
  readonly deadLetterKey?: TaskTokenKey;
}

export interface ConsumedRuleProps {
  readonly description: string;
  /** @default the account's default bus */
  readonly bus?: IEventBus;
  /** Raw EventBridge JSON, as in `lib/rules.ts` (the local runtime puts the same to the emulator). */
  readonly eventPattern?: RawEventPattern;
  readonly schedule?: RuleProps['schedule'];
}

/**
 * A function that EventBridge invokes asynchronously, with retries and one dead-letter queue for
 * both ways an event can be lost: EventBridge failing to invoke it, and the function failing
 * every retry. Nothing a consumer misses disappears silently; operators alarm on the queue.
 */
export class EventConsumer extends Construct {
  public readonly handler: IFunction;
  public readonly deadLetterQueue: Queue;
  public readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    this.handler = props.handler;
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', props.deadLetterKey);
    if (props.deadLetterKey && props.handler.role) props.deadLetterKey.grantQueue(props.handler.role);
    props.handler.configureAsyncInvoke({
      onFailure: new SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    acknowledge(
      props.handler,
      'Serverless-LambdaDLQ',
      'Failed asynchronous invocations go to an on-failure destination (this consumer’s dead-letter queue), which keeps more context than a function DLQ.',
    );
  }

  /** Routes the events of a pattern, or a schedule, to this consumer. */
  on(id: string, props: ConsumedRuleProps): Rule {
    if (!props.eventPattern === !props.schedule)
      throw new Error(`${id}: give exactly one of eventPattern and schedule`);
    const rule = new Rule(this, id, {
      description: props.description,
      ...(props.bus ? { eventBus: props.bus } : {}),
      ...(props.eventPattern ? { eventPattern: toCdkPattern(props.eventPattern) } : {}),
      ...(props.schedule ? { schedule: props.schedule } : {}),
    });
    rule.addTarget(
      new LambdaFunction(this.handler, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    this.rules.push(rule);
    return rule;
  }
}
