import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { ConflictError } from '../core/errors.ts';
import '../core/zod-locale.ts';
import { API_TRIGGER, type ReconcileReport } from '../core/reconcile.ts';

/** The one call made of the Lambda client: a `LambdaClient` is one, and so is a test's stub. */
export interface LambdaInvoker {
  send(command: InvokeCommand): Promise<InvokeCommandOutput>;
}

/** The reconciler function ran and threw; its own error type and message say why. */
export class ReconcilerFailedError extends Error {
  readonly errorType: string;

  constructor(functionError: string, errorType: string, errorMessage: string) {
    super(`the reconciler function failed (${functionError}): ${errorType}: ${errorMessage}`);
    this.name = 'ReconcilerFailedError';
    this.errorType = errorType;
  }
}

const Report = z.looseObject({
  checkedAssignments: z.number().check(z.int(), z.nonnegative()),
  removed: z.array(z.unknown()),
  outOfBand: z.array(z.unknown()),
  failed: z.array(z.unknown()),
});

/** What Lambda puts in the payload when the handler throws. */
const ErrorPayload = z.partial(z.looseObject({ errorType: z.string(), errorMessage: z.string() }));

const decode = (payload: Uint8Array | undefined): unknown => {
  const text = payload ? new TextDecoder().decode(payload) : '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Runs the reconciler function and waits for its report: the API's way to reconcile without
 * holding Identity Center delete rights itself.
 */
export class ReconcilerFunction {
  constructor(
    private readonly lambda: LambdaInvoker,
    private readonly functionName: string,
  ) {}

  async run(): Promise<ReconcileReport> {
    let out: InvokeCommandOutput;
    try {
      out = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(API_TRIGGER)),
        }),
      );
    } catch (err) {
      // Lambda refuses the run when the function has no concurrency left: a run is under way.
      if ((err as { name?: unknown }).name === 'TooManyRequestsException')
        throw new ConflictError('the reconciler is already running; ask again once it has finished');
      throw err;
    }
    const payload = decode(out.Payload);
    if (out.FunctionError) {
      const detail = ErrorPayload.safeParse(payload);
      throw new ReconcilerFailedError(
        out.FunctionError,
        (detail.success && detail.data.errorType) || 'unknown',
        (detail.success && detail.data.errorMessage) || String(JSON.stringify(payload)).slice(0, 500),
      );
    }
    const report = Report.safeParse(payload);
    if (!report.success)
      throw new Error(`the reconciler function answered no report: ${report.error.message}`);
    return report.data as ReconcileReport;
  }
}
