import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';

export interface LogsQuery {
  queryString: string;
  startTime: number;
  endTime: number;
}

/** The query did not finish in time (or failed); the caller still has the query to run itself. */
export class ActivityQueryError extends Error {
  override readonly name = 'ActivityQueryError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Logs Insights query over the organization trail's log group and waits for its rows,
 * within a budget that keeps the API under API Gateway's 29 s.
 */
export class ActivityLogs {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly logGroupNames: string[],
    private readonly budgetMs = 20_000,
    private readonly pollMs = 500,
  ) {}

  async run(query: LogsQuery): Promise<Record<string, string>[]> {
    const { queryId } = await this.logs.send(
      new StartQueryCommand({ logGroupNames: this.logGroupNames, ...query }),
    );
    if (!queryId) throw new ActivityQueryError('Logs Insights started no query');
    const deadline = Date.now() + this.budgetMs;
    for (;;) {
      const out = await this.logs.send(new GetQueryResultsCommand({ queryId }));
      if (out.status === 'Complete')
        return (out.results ?? []).map((row) =>
          Object.fromEntries(
            row
              .filter((cell) => cell.field && cell.field !== '@ptr')
              .map((cell) => [cell.field as string, cell.value ?? '']),
          ),
        );
      if (out.status !== 'Running' && out.status !== 'Scheduled')
        throw new ActivityQueryError(`the Logs Insights query ended ${out.status ?? 'without a status'}`);
      if (Date.now() > deadline) {
        await this.logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        throw new ActivityQueryError('the Logs Insights query did not finish in time');
      }
      await sleep(this.pollMs);
    }
  }
}
