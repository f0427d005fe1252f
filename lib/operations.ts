import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  EventField,
  type IEventBus,
  type IRule,
  type IRuleTarget,
  Rule,
  type RuleTargetConfig,
  RuleTargetInput,
} from 'aws-cdk-lib/aws-events';
import {
  addToDeadLetterQueueResourcePolicy,
  bindBaseTargetConfig,
  type SnsTopicProps,
} from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueue, toCdkPattern } from './consumers.ts';
import { revocationFailedPattern } from './rules.ts';

export interface OperationsProps {
  readonly bus: IEventBus;
  readonly stateMachine: IStateMachine;
  readonly reconciler: IFunction;
  readonly api: RestApi;
  /** Every dead-letter queue of the stack, by a name operators will recognise. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** @default none; subscribe later (email, chat, paging) to `topic` */
  readonly operatorEmails?: readonly string[];
}

/**
 * What wakes an operator: a revocation that failed (access may still be in place until the
 * reconciler removes it), executions that failed or were aborted, events parked in a
 * dead-letter queue, reconciler errors and API server errors, all on one encrypted topic.
 */
export class Operations extends Construct {
  public readonly topic: Topic;
  public readonly deadLetterQueue: Queue;
  public readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    for (const email of props.operatorEmails ?? [])
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error(`${id}: not an email address: ${email}`);

    const key = new Key(this, 'TopicKey', {
      description: 'idc-lease operators topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the topic, so they must use its key; EventBridge gets the key
    // and the topic for this stack's rule only (RuleScopedTopic).
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'idc-lease operators',
      masterKey: key,
      enforceSSL: true,
    });
    // Messages the topic could not deliver, to a subscriber or from EventBridge, wait here.
    this.deadLetterQueue = deadLetterQueue(this, 'NotificationDeadLetters');
    for (const email of props.operatorEmails ?? [])
      this.topic.addSubscription(new EmailSubscription(email, { deadLetterQueue: this.deadLetterQueue }));

    const revocationFailed = this.routeRevocationFailures(props.bus);
    this.alarm('RevocationFailed', {
      description:
        'A lease revocation failed: the assignment may still be in place until the reconciler removes it. The event itself was sent to this topic.',
      metric: new Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: revocationFailed.ruleName },
        statistic: 'Sum',
      }),
    });
    const execution = (metricName: string) =>
      new Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: props.stateMachine.stateMachineArn },
        statistic: 'Sum',
      });
    this.alarm('WorkflowExecutionsFailed', {
      description: 'Lease executions failed, aborted or timed out; the reconciler runs for each.',
      metric: new MathExpression({
        expression: 'failed + aborted + timedOut',
        usingMetrics: {
          failed: execution('ExecutionsFailed'),
          aborted: execution('ExecutionsAborted'),
          timedOut: execution('ExecutionsTimedOut'),
        },
        label: 'executions ended badly',
      }),
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${name}DeadLetters`, {
        description: `Events the ${name} consumer could not process wait in its dead-letter queue.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
      });
    }
    this.alarm('ReconcilerErrors', {
      description: 'The reconciler failed: assignments that outlived their lease may stay in place.',
      metric: props.reconciler.metricErrors({ statistic: 'Sum' }),
    });
    this.alarm('ApiServerErrors', {
      description: 'The lease API answered 5xx.',
      metric: props.api.metricServerError({ statistic: 'Sum' }),
    });
  }

  /** `Lease Revocation Failed` events go to the topic as they are, with the lease and the cause. */
  private routeRevocationFailures(bus: IEventBus): Rule {
    // Named, so that the topic's key can name the rule's ARN without depending on the rule, which
    // depends on the topic, which depends on the key.
    const ruleName = `${Stack.of(this).stackName}-revocation-failed`;
    const rule = new Rule(this, 'RevocationFailedRule', {
      ruleName,
      description: 'idc-lease: revocation failures to the operators',
      eventBus: bus,
      eventPattern: toCdkPattern(revocationFailedPattern),
    });
    const ruleArn = Stack.of(this).formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${bus.eventBusName}/${ruleName}`,
    });
    rule.addTarget(
      new RuleScopedTopic(this.topic, ruleArn, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        message: RuleTargetInput.fromText(
          `idc-lease: revocation of lease ${EventField.fromPath('$.detail.leaseId')} failed ` +
            `(account ${EventField.fromPath('$.detail.accountId')}, permission set ${EventField.fromPath('$.detail.permissionSet')}). ` +
            `The reconciler removes the assignment on its next run. Detail: ${EventField.fromPath('$.detail')}`,
        ),
      }),
    );
    this.alarm('NotificationDeadLetters', {
      description:
        'Operator notifications could not be delivered (to the topic, or from it to a subscriber).',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
    });
    return rule;
  }

  private alarm(id: string, props: { description: string; metric: IMetric }): Alarm {
    const alarm = new Alarm(this, `${id}Alarm`, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}

/**
 * EventBridge → an encrypted topic, like `SnsTopic`, except that the topic's policy and its key's
 * admit `events.amazonaws.com` only for the rule it targets, in this account (`aws:SourceArn`,
 * `aws:SourceAccount`): no other rule, of this account or another, can publish to operators.
 */
class RuleScopedTopic implements IRuleTarget {
  constructor(
    private readonly topic: Topic,
    /** The rule's ARN, written from its name (a reference to the rule would be circular). */
    private readonly ruleArn: string,
    private readonly props: SnsTopicProps,
  ) {}

  bind(rule: IRule): RuleTargetConfig {
    // Publishing grants both the topic's policy and its key's (kms:Decrypt, kms:GenerateDataKey*).
    this.topic.grantPublish(
      new ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(rule).account },
          ArnEquals: { 'aws:SourceArn': this.ruleArn },
        },
      }),
    );
    if (this.props.deadLetterQueue) addToDeadLetterQueueResourcePolicy(rule, this.props.deadLetterQueue);
    return {
      ...bindBaseTargetConfig(this.props),
      arn: this.topic.topicArn,
      input: this.props.message,
      targetResource: this.topic,
    };
  }
}
