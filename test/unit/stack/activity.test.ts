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
    // Logs Insights checks `…:log-group:NAME:*`; both forms, for the query and its results.
    expect(actionsOf([start as never]).sort()).toEqual(['logs:GetQueryResults', 'logs:StartQuery']);
    const resources = JSON.stringify(start?.Resource);
    for (const name of ['aws-cloudtrail-logs-org', 'org/trail']) {
      expect(resources).toContain(`:log-group:${name}"`);
      expect(resources).toContain(`:log-group:${name}:*"`);
    }
    expect(resources).not.toContain('"*"');
    // Only StopQuery has no resource-level permission.
    const stop = statements.find((s) => actionsOf([s]).includes('logs:StopQuery'));
    expect(stop?.Resource).toBe('*');
    expect(actionsOf([stop as never]).filter((a) => a.startsWith('logs:'))).toEqual(['logs:StopQuery']);
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
