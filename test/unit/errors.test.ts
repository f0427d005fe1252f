import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  LeaseError,
  NotFoundError,
  PolicyError,
  toErrorBody,
  UnauthorizedError,
  ValidationError,
} from '../../core/errors.ts';

describe('toErrorBody', () => {
  it.each([
    [new ValidationError('duration', 'must be an ISO 8601 duration'), 400, 'VALIDATION'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('no rule'), 403, 'FORBIDDEN'],
    [new NotFoundError('lease l-1 not found'), 404, 'NOT_FOUND'],
    [new ConflictError('lease is ENDED'), 409, 'CONFLICT'],
  ])('maps %s to its status and code', (err, status, code) => {
    // Act
    const result = toErrorBody(err);

    // Assess
    expect(err).toBeInstanceOf(LeaseError);
    expect(result).toEqual({ status, body: { error: { code, message: err.message } } });
  });

  it('names the field first in a validation message', () => {
    // Prepare
    const err = new ValidationError('duration', 'must be an ISO 8601 duration');

    // Assess
    expect(err.message).toBe('duration: must be an ISO 8601 duration');
    expect(err.field).toBe('duration');
    expect(err.detail).toBe('must be an ISO 8601 duration');
    expect(err.name).toBe('ValidationError');
  });

  it.each([
    new Error('arn:aws:sso:::instance/ssoins-123 AccessDenied'),
    new PolicyError(['rules[0].id: duplicate']),
    'a string',
    undefined,
  ])('hides the details of %s behind a 500', (err) => {
    // Act
    const result = toErrorBody(err);

    // Assess
    expect(result).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
  });
});

describe('PolicyError', () => {
  it('lists every problem in its message', () => {
    // Act
    const err = new PolicyError(['rules[0].id: a', 'rules[1].maxDuration: b'], 'policies/x.json');

    // Assess
    expect(err.problems).toEqual(['rules[0].id: a', 'rules[1].maxDuration: b']);
    expect(err.message).toBe('invalid policies/x.json:\n  rules[0].id: a\n  rules[1].maxDuration: b');
  });
});
