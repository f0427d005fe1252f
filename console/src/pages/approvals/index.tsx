import Box from '@cloudscape-design/components/box';
import Cards from '@cloudscape-design/components/cards';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useMemo } from 'react';
import { useApp } from '../../commons/app-context.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';
import { usePolling } from '../../commons/use-polling.ts';
import { approvalCard } from './approvals-config.tsx';

/**
 * What waits for the caller's decision (`GET /approvals`, which never lists the caller's own
 * leases), newest first, with quorum progress; new requests appear without a reload.
 */
export default function Approvals() {
  const { api } = useApp();
  const waiting = usePolling(() => api.approvals(), 4_000);
  const eligibility = usePolling(() => api.eligibility(), 0);
  const names = useMemo(
    () => new Map((eligibility.data ?? []).flatMap((r) => Object.entries(r.accountNames))),
    [eligibility.data],
  );
  const accountName = (id: string) => (names.get(id) ? `${names.get(id)} (${id})` : id);
  const items = [...(waiting.data ?? [])].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  return (
    <SpaceBetween size="m">
      {waiting.error ? (
        <FailureAlert action="Loading what waits for you" error={waiting.error} retry={waiting.reload} />
      ) : null}
      <Cards
        items={items}
        trackBy="id"
        cardDefinition={approvalCard(accountName, () => waiting.reload())}
        cardsPerRow={[{ cards: 1 }, { minWidth: 700, cards: 2 }]}
        loading={waiting.loading && !waiting.data}
        loadingText="Loading what waits for you"
        variant="full-page"
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={waiting.data ? `(${waiting.data.length})` : undefined}
            description="Requests and extensions that wait for your decision. Your own never appear here."
          >
            Approvals
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>Nothing waits for your decision</b>
          </Box>
        }
      />
    </SpaceBetween>
  );
}
