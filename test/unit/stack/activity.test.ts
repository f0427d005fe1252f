import { describe, expect, it } from 'vitest';
import { actionsOf, logicalId, statementsOf, synthesize } from './fixture.ts';

const environmentOf = (app: ReturnType<typeof synthesize>) => {
  const id = logicalId(app.stack, app.stack.api.handler);
  const fn = app.template.findResources('AWS::Lambda::Function')[id] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return fn.Properties.Environment.Variables;
};

describe('the activity route’s trail', { timeout: 60_000 }, () => {
  it('lets the API start queries on the configured log groups only, and names the Athena table', () => {
    // Act
    const app = synthesize({
      activity: {
        athena: { database: 'security', table: 'org_trail', workGroup: 'audit' },
        logGroupNames: ['aws-cloudtrail-logs-org', 'org/trail'],
      },
    });

    // Assess
    const statements = statementsOf(app.template, logicalId(app.stack, app.stack.api.handler.role as never));
    const start = statements.find((s) => actionsOf([s]).includes('logs:StartQuery'));
    expect(actionsOf([start as never])).toEqual(['logs:StartQuery']);
    expect(JSON.stringify(start?.Resource)).toContain(':log-group:aws-cloudtrail-logs-org"');
    expect(JSON.stringify(start?.Resource)).toContain(':log-group:org/trail"');
    // Query results are read by query id: those two actions have no resource-level permissions.
    const results = statements.find((s) => actionsOf([s]).includes('logs:GetQueryResults'));
    expect(actionsOf([results as never])).toContain('logs:StopQuery');
    expect(results?.Resource).toBe('*');
    expect(
      actionsOf(statements)
        .filter((a) => a.startsWith('logs:') && a !== 'logs:CreateLogStream' && a !== 'logs:PutLogEvents')
        .sort(),
    ).toEqual(['logs:GetQueryResults', 'logs:StartQuery', 'logs:StopQuery']);
    expect(environmentOf(app)).toMatchObject({
      ACTIVITY_ATHENA_DATABASE: 'security',
      ACTIVITY_ATHENA_TABLE: 'org_trail',
      ACTIVITY_ATHENA_WORKGROUP: 'audit',
      ACTIVITY_LOG_GROUPS: 'aws-cloudtrail-logs-org,org/trail',
    });
  });

  it('grants no logs action and sets no target when none is configured', () => {
    const app = synthesize();
    const actions = actionsOf(
      statementsOf(app.template, logicalId(app.stack, app.stack.api.handler.role as never)),
    );
    expect(
      actions.filter(
        (a) => a.startsWith('logs:') && a !== 'logs:CreateLogStream' && a !== 'logs:PutLogEvents',
      ),
    ).toEqual([]);
    expect(Object.keys(environmentOf(app)).filter((k) => k.startsWith('ACTIVITY_'))).toEqual([]);
  });

  it('refuses a log group or table name that is not one, naming the field', () => {
    expect(() => synthesize({ activity: { logGroupNames: ['bad name!'] } })).toThrow(
      /activity\.logGroupNames\[0\]|activity\.logGroupNames\.0/,
    );
    expect(() => synthesize({ activity: { athena: { database: 'x;drop', table: 't' } } })).toThrow(
      /activity\.athena\.database: must be a Glue database name/,
    );
  });
});
