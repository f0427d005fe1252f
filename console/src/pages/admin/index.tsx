import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { ReconcileReport } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { useNotify } from '../../commons/notifications.tsx';
import { visiblePages } from '../../logic/actions.ts';

const listed = (items: unknown[]) =>
  items.length === 0 ? (
    'none'
  ) : (
    <Box variant="code">
      <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
        {items.map((i) => JSON.stringify(i)).join('\n')}
      </pre>
    </Box>
  );

/** Admin: run the reconciler now and read its report. */
export default function Admin() {
  const { api, me } = useApp();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<{ at: string; report: ReconcileReport }>();
  if (!visiblePages(me).admin) {
    return (
      <Alert type="error" header="Only admins run the reconciler">
        The access policy names the admins.
      </Alert>
    );
  }
  async function reconcile() {
    setBusy(true);
    try {
      setReport({ at: new Date().toLocaleString(), report: await api.reconcile() });
    } catch (error) {
      notify.failure('Reconciling', error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Compares the ledger with Identity Center's assignments now, instead of waiting for the schedule."
          actions={
            <Button variant="primary" loading={busy} onClick={() => void reconcile()}>
              Reconcile now
            </Button>
          }
        >
          Admin
        </Header>
      }
    >
      <Container header={<Header variant="h2">Reconciler report</Header>}>
        {report ? (
          <SpaceBetween size="m">
            <KeyValuePairs
              columns={3}
              items={[
                { label: 'Run at', value: report.at },
                { label: 'Assignments checked', value: String(report.report.checkedAssignments) },
                { label: 'Removed', value: String(report.report.removed.length) },
              ]}
            />
            <KeyValuePairs
              columns={1}
              items={[
                {
                  label: 'Removed (the tool made them; no live lease holds them)',
                  value: listed(report.report.removed),
                },
                {
                  label: 'Out of band (not the tool’s; left in place)',
                  value: listed(report.report.outOfBand),
                },
              ]}
            />
          </SpaceBetween>
        ) : (
          <Box color="text-body-secondary">No run yet in this page. Reconcile now to see what it finds.</Box>
        )}
      </Container>
    </ContentLayout>
  );
}
