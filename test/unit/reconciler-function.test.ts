import {
  type InvokeCommand,
  type InvokeCommandOutput,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { ReconcilerFailedError, ReconcilerFunction } from '../../adapters/reconciler-function.ts';
import { ConflictError, toErrorBody } from '../../core/errors.ts';
import { parseTrigger } from '../../lambdas/reconciler/trigger.ts';

const FUNCTION = 'idc-lease-reconciler';
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A Lambda client whose only call answers `answer` and remembers what it was asked. */
/** The real payload is a Uint8Array with helpers the adapter does not use. */
type Answer = Omit<Partial<InvokeCommandOutput>, 'Payload'> & { Payload?: Uint8Array };

const stubLambda = (answer: () => Promise<Answer>) => {
  const sent: InvokeCommand[] = [];
  return {
    sent,
    lambda: {
      send: async (command: InvokeCommand) => {
        sent.push(command);
        return { $metadata: {}, ...(await answer()) } as InvokeCommandOutput;
      },
    },
  };
};

const report = {
  checkedAssignments: 4,
  removed: [
    {
      accountId: '111111111111',
      permissionSet: 'ReadOnly',
      principal: { type: 'USER', id: 'u-1' },
      leaseIds: ['l-1'],
      requestId: 'req-1',
    },
  ],
  outOfBand: [],
  failed: [],
};

describe('ReconcilerFunction', () => {
  it('runs the function synchronously with the API trigger and relays its report', async () => {
    // Prepare
    const { lambda, sent } = stubLambda(async () => ({ StatusCode: 200, Payload: bytes(report) }));

    // Act
    const out = await new ReconcilerFunction(lambda, FUNCTION).run();

    // Assess
    expect(out).toEqual(report);
    expect(sent).toHaveLength(1);
    const input = sent[0]?.input;
    expect(input?.FunctionName).toBe(FUNCTION);
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(parseTrigger(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array)))).toEqual({
      kind: 'api',
    });
  });

  it('turns an error the function threw into a 500 that names its error type', async () => {
    // Prepare
    const { lambda } = stubLambda(async () => ({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'ThrottlingException', errorMessage: 'Rate exceeded', trace: [] }),
    }));

    // Act
    const run = new ReconcilerFunction(lambda, FUNCTION).run();

    // Assess
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconcilerFailedError);
    expect((err as Error).message).toBe(
      'the reconciler function failed (Unhandled): ThrottlingException: Rate exceeded',
    );
    expect(toErrorBody(err).status).toBe(500);
  });

  it('still fails, with what there is, when the error payload is not JSON', async () => {
    // Prepare
    const { lambda } = stubLambda(async () => ({
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('Task timed out after 600.00 seconds'),
    }));

    // Act
    const err = await new ReconcilerFunction(lambda, FUNCTION).run().catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ReconcilerFailedError);
    expect((err as Error).message).toContain('unknown: "Task timed out after 600.00 seconds"');
  });

  it('answers 409 when Lambda throttles the run', async () => {
    // Prepare
    const { lambda } = stubLambda(async () => {
      throw new TooManyRequestsException({
        message: 'Rate Exceeded.',
        $metadata: { httpStatusCode: 429 },
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
    });

    // Act
    const err = await new ReconcilerFunction(lambda, FUNCTION).run().catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ConflictError);
    expect(toErrorBody(err)).toEqual({
      status: 409,
      body: {
        error: { code: 'CONFLICT', message: expect.stringMatching(/^the reconciler is already running/) },
      },
    });
  });

  it('passes other invocation errors on untouched', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform lambda:InvokeFunction'), {
      name: 'AccessDeniedException',
    });
    const { lambda } = stubLambda(async () => {
      throw denied;
    });

    // Act
    const err = await new ReconcilerFunction(lambda, FUNCTION).run().catch((e: unknown) => e);

    // Assess
    expect(err).toBe(denied);
    expect(toErrorBody(err).status).toBe(500);
  });

  it('refuses an answer that is not a report', async () => {
    // Prepare
    const { lambda } = stubLambda(async () => ({ StatusCode: 200, Payload: bytes({ checked: 1 }) }));

    // Act
    const err = await new ReconcilerFunction(lambda, FUNCTION).run().catch((e: unknown) => e);

    // Assess
    expect((err as Error).message).toMatch(/^the reconciler function answered no report/);
    expect(toErrorBody(err).status).toBe(500);
  });
});
