import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useState } from 'react';
import type { Activity } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';

function Query({ label, text }: { label: string; text: string }) {
  return (
    <SpaceBetween size="xxs">
      <Box variant="awsui-key-label">{label}</Box>
      <Box variant="code">
        <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{text}</pre>
      </Box>
      <CopyToClipboard
        variant="button"
        textToCopy={text}
        copyButtonText={`Copy the ${label} query`}
        copySuccessText="Copied"
        copyErrorText="Could not copy: select the text instead"
      />
    </SpaceBetween>
  );
}

/** What a lease's sessions did: its window and the CloudTrail queries, ready to copy (loaded on demand). */
export function ActivityPanel({ leaseId }: { leaseId: string }) {
  const { api } = useApp();
  const [state, setState] = useState<{ data?: Activity; error?: unknown; loading?: boolean }>({});
  const load = () => {
    setState({ loading: true });
    api.activity(leaseId).then(
      (data) => setState({ data }),
      (error: unknown) => setState({ error }),
    );
  };
  const { data } = state;
  return (
    <ExpandableSection
      variant="container"
      headerText="What this lease's sessions did"
      headerDescription="CloudTrail queries over the organization trail for the lease's window."
      onChange={({ detail }) => {
        if (detail.expanded && !state.data && !state.loading) load();
      }}
    >
      {state.error ? (
        <FailureAlert action="Loading the activity queries" error={state.error} retry={load} />
      ) : !data ? (
        <Spinner />
      ) : (
        <SpaceBetween size="l">
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Window', value: `${data.window.from} – ${data.window.to}` },
              { label: 'Role name', value: data.roleNamePattern },
              { label: 'Session name', value: data.sessionName },
            ]}
          />
          <Query label="Athena SQL" text={data.queries.athena.queryString} />
          <Query label="CloudWatch Logs Insights" text={data.queries.logsInsights.queryString} />
          {data.resultsError ? (
            <Box color="text-status-warning">Running the query failed: {data.resultsError}</Box>
          ) : null}
          {data.results ? (
            <Box>
              {data.results.length} record{data.results.length === 1 ? '' : 's'} found by the Logs Insights
              query.{' '}
              <Button variant="inline-link" onClick={load}>
                Run again
              </Button>
            </Box>
          ) : null}
        </SpaceBetween>
      )}
    </ExpandableSection>
  );
}
