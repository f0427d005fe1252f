import type { Lease } from './lease.ts';

/**
 * What a lease's sessions did, as queries over the organization's CloudTrail: the records of
 * the `AWSReservedSSO_<PermissionSet>_<hex>` role in the lease's account whose session name is the
 * requester's userName, within the lease's window. Athena over the trail's S3 table and CloudWatch
 * Logs Insights over the trail's log group; not CloudTrail Lake, closed to new customers.
 */

/** The longest session a permission set can issue: sessions may outlive the assignment by this much. */
export const MAX_SESSION_SECONDS = 12 * 3600;

export interface AthenaTarget {
  database: string;
  table: string;
  workGroup?: string;
}

export interface ActivityQueries {
  window: { from: string; to: string };
  roleNamePattern: string;
  sessionName: string;
  queries: {
    athena: { queryString: string; database?: string; workGroup?: string };
    logsInsights: { queryString: string; startTime: number; endTime: number; logGroupNames?: string[] };
  };
}

/** CloudTrail's eventTime has whole seconds: `2026-11-22T10:00:00Z`. */
const trailTime = (iso: string) => `${iso.slice(0, 19)}Z`;

/** A string literal for Athena's SQL: quotes doubled. */
const sql = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A SQL LIKE pattern matching `text` literally, with `\` as the escape character. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A regular expression matching `text` literally, inside Logs Insights' /…/ delimiters. */
const regexLiteral = (text: string) => text.replace(/[\\/^$.*+?()[\]{}|]/g, (c) => `\\${c}`);

/**
 * The window in which the lease's sessions can have acted: from the grant to the end, plus the
 * longest session unless the lease's live sessions were ended with it (`SESSIONS_ENDED`).
 * Undefined for a lease that was never granted.
 */
export function activityWindow(lease: Lease, now: Date): { from: string; to: string } | undefined {
  if (!lease.grantedAt) return undefined;
  const end = lease.endedAt ?? now.toISOString();
  const sessionsEnded = lease.timeline.some((entry) => entry.type === 'SESSIONS_ENDED');
  const to = new Date(Date.parse(end) + (sessionsEnded ? 0 : MAX_SESSION_SECONDS * 1000));
  return { from: lease.grantedAt, to: (to > now ? now : to).toISOString() };
}

export function activityQueries(
  lease: Lease,
  window: { from: string; to: string },
  targets: { athena?: AthenaTarget; logGroupNames?: string[] } = {},
): ActivityQueries {
  const roleName = `AWSReservedSSO_${lease.permissionSet}_`;
  const sessionName = lease.requester.userName;
  const table = targets.athena
    ? `"${targets.athena.database.replaceAll('"', '""')}"."${targets.athena.table.replaceAll('"', '""')}"`
    : '"<database>"."<cloudtrail table>"';
  const athena = [
    'SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, requestparameters',
    `FROM ${table}`,
    `WHERE recipientaccountid = ${sql(lease.accountId)}`,
    `  AND useridentity.sessioncontext.sessionissuer.username LIKE ${sql(`${likeLiteral(roleName)}%`)} ESCAPE '\\'`,
    `  AND useridentity.arn LIKE ${sql(`%/${likeLiteral(sessionName)}`)} ESCAPE '\\'`,
    `  AND eventtime BETWEEN ${sql(trailTime(window.from))} AND ${sql(trailTime(window.to))}`,
    'ORDER BY eventtime',
  ].join('\n');
  const logsInsights = [
    'fields @timestamp, eventName, eventSource, awsRegion, sourceIPAddress, errorCode, @message',
    `| filter recipientAccountId = ${JSON.stringify(lease.accountId)}`,
    `| filter userIdentity.sessionContext.sessionIssuer.userName like /^${regexLiteral(roleName)}[0-9a-f]+$/`,
    `| filter userIdentity.arn like /\\/${regexLiteral(sessionName)}$/`,
    '| sort @timestamp asc',
    '| limit 10000',
  ].join('\n');
  return {
    window,
    roleNamePattern: `${roleName}*`,
    sessionName,
    queries: {
      athena: {
        queryString: athena,
        ...(targets.athena ? { database: targets.athena.database } : {}),
        ...(targets.athena?.workGroup ? { workGroup: targets.athena.workGroup } : {}),
      },
      logsInsights: {
        queryString: logsInsights,
        startTime: Math.floor(Date.parse(window.from) / 1000),
        endTime: Math.ceil(Date.parse(window.to) / 1000),
        ...(targets.logGroupNames ? { logGroupNames: targets.logGroupNames } : {}),
      },
    },
  };
}
