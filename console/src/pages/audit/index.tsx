import { useCollection } from '@cloudscape-design/collection-hooks';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import type { AuditFilters } from '../../api/client.ts';
import type { VerifyReport } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';
import { useNotify } from '../../commons/notifications.tsx';
import { usePolling } from '../../commons/use-polling.ts';
import { visiblePages } from '../../logic/actions.ts';
import { exportFileName, joinExportPages } from '../../logic/audit-export.ts';
import { ActivityPanel } from '../lease/activity-panel.tsx';
import { auditColumns, driftColumns } from './audit-config.tsx';
import { AuditFilterForm } from './filters.tsx';

function download(text: string, name: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Audit (auditors and admins): the filtered trail, exports, drift findings and the integrity
 * check. Anyone else gets the reason, and the page asks the API for nothing it would refuse.
 */
export default function Audit() {
  const { me } = useApp();
  if (!visiblePages(me).audit) {
    return (
      <Alert type="error" header="Only auditors and admins see the audit trail">
        The access policy names who they are. Ask an idc-lease admin if you need it.
      </Alert>
    );
  }
  return <AuditTrail />;
}

function AuditTrail() {
  const { api } = useApp();
  const notify = useNotify();
  const [filters, setFilters] = useState<AuditFilters>({});
  const trail = usePolling(() => api.audit(filters), 10_000, JSON.stringify(filters));
  const drift = usePolling(
    () =>
      api.drift({
        ...(filters.from ? { from: filters.from } : {}),
        ...(filters.to ? { to: filters.to } : {}),
      }),
    30_000,
    `${filters.from}:${filters.to}`,
  );
  const [exporting, setExporting] = useState<'csv' | 'jsonl'>();
  const [verify, setVerify] = useState<{ busy?: boolean; report?: VerifyReport }>({});
  const leases = useCollection(trail.data?.leases ?? [], {
    pagination: { pageSize: 20 },
    sorting: { defaultState: { sortingColumn: { sortingField: 'requestedAt' }, isDescending: true } },
    selection: { trackBy: 'id', keepSelection: true },
  });
  const findings = useCollection(drift.data ?? [], { pagination: { pageSize: 10 }, sorting: {} });
  const selected = leases.collectionProps.selectedItems?.[0];

  async function exportTrail(format: 'csv' | 'jsonl') {
    setExporting(format);
    try {
      const pages: string[] = [];
      let next: string | undefined;
      do {
        const page = await api.auditExport(filters, format, next);
        pages.push(page.text);
        next = page.nextToken;
      } while (next);
      download(
        joinExportPages(format, pages),
        exportFileName(format, new Date()),
        format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      );
    } catch (error) {
      notify.failure('The export', error);
    } finally {
      setExporting(undefined);
    }
  }

  async function verifyTrail() {
    setVerify({ busy: true });
    try {
      setVerify({ report: await api.verify() });
    } catch (error) {
      setVerify({});
      notify.failure('Verifying the audit trail', error);
    }
  }

  const report = verify.report;
  return (
    <SpaceBetween size="l">
      <Header
        variant="h1"
        description="Every lease with its hash-chained timeline, newest first."
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button loading={verify.busy} onClick={() => void verifyTrail()}>
              Verify audit trail
            </Button>
            <Button loading={exporting === 'jsonl'} onClick={() => void exportTrail('jsonl')}>
              Export JSON Lines
            </Button>
            <Button variant="primary" loading={exporting === 'csv'} onClick={() => void exportTrail('csv')}>
              Export CSV
            </Button>
          </SpaceBetween>
        }
      >
        Audit
      </Header>
      {report ? (
        <Alert
          type={report.ok ? 'success' : 'error'}
          dismissible
          onDismiss={() => setVerify({})}
          header={report.ok ? 'The audit trail is intact' : 'The audit trail is broken'}
        >
          {report.ok
            ? `${report.checkedEntries} entries of ${report.checkedLeases} leases checked; every hash links.`
            : `First bad entry: lease ${report.firstBadEntry?.leaseId}, entry ${report.firstBadEntry?.index} (${report.firstBadEntry?.problem}). Keep the table as it is and tell your security team.`}
        </Alert>
      ) : null}
      <Container header={<Header variant="h2">Filters</Header>}>
        <AuditFilterForm onSearch={setFilters} />
      </Container>
      {trail.error ? (
        <FailureAlert action="Loading the audit trail" error={trail.error} retry={trail.reload} />
      ) : null}
      <Table
        {...leases.collectionProps}
        items={leases.items}
        columnDefinitions={auditColumns}
        selectionType="single"
        trackBy="id"
        ariaLabels={{
          selectionGroupLabel: 'Leases',
          itemSelectionLabel: (_, l) => `Select ${l.id}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        loading={trail.loading && !trail.data}
        loadingText="Loading the audit trail"
        variant="container"
        header={
          <Header
            variant="h2"
            counter={
              trail.data ? `(${trail.data.leases.length}${trail.data.nextToken ? '+' : ''})` : undefined
            }
            description={
              trail.data?.nextToken
                ? 'The newest 200 are shown; the exports hold all of them.'
                : 'Select a lease for its activity queries.'
            }
          >
            Leases
          </Header>
        }
        empty={<Box textAlign="center">No lease matches these filters.</Box>}
        pagination={<Pagination {...leases.paginationProps} />}
      />
      {selected ? <ActivityPanel key={selected.id} leaseId={selected.id} /> : null}
      {drift.error ? (
        <FailureAlert action="Loading the drift findings" error={drift.error} retry={drift.reload} />
      ) : null}
      <Table
        {...findings.collectionProps}
        items={findings.items}
        columnDefinitions={driftColumns}
        loading={drift.loading && !drift.data}
        loadingText="Loading drift findings"
        variant="container"
        header={
          <Header
            variant="h2"
            counter={drift.data ? `(${drift.data.length})` : undefined}
            description="Assignments the tool did not make (OUT_OF_BAND) and ones it made that outlived their lease (ORPHANED)."
          >
            Drift findings
          </Header>
        }
        empty={<Box textAlign="center">No drift found.</Box>}
        pagination={<Pagination {...findings.paginationProps} />}
      />
    </SpaceBetween>
  );
}
