import { useCollection } from '@cloudscape-design/collection-hooks';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useMemo, useState } from 'react';
import type { Lease } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';
import { ExtendDialog, RevokeDialog } from '../../commons/lease-dialogs.tsx';
import { useFollow } from '../../commons/use-follow.ts';
import { useNow } from '../../commons/use-now.ts';
import { usePolling } from '../../commons/use-polling.ts';
import { leaseActions } from '../../logic/actions.ts';
import { LEASE_FILTER_FIELDS, leaseColumns } from './leases-config.tsx';

/** My leases: status, account, permission set and a live countdown; extend and revoke. */
export default function MyLeases() {
  const { api, me } = useApp();
  const { href, follow } = useFollow();
  const leases = usePolling(() => api.myLeases(), 3_000);
  const eligibility = usePolling(() => api.eligibility(), 0);
  const now = useNow();
  const [dialog, setDialog] = useState<'extend' | 'revoke'>();
  const names = useMemo(() => {
    const all = new Map<string, string>();
    for (const rule of eligibility.data ?? [])
      for (const [id, name] of Object.entries(rule.accountNames)) all.set(id, name);
    return all;
  }, [eligibility.data]);
  const accountName = (id: string) => (names.get(id) ? `${names.get(id)} (${id})` : id);
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount } = useCollection(
    leases.data ?? [],
    {
      filtering: {
        fields: LEASE_FILTER_FIELDS,
        empty: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="s">
              <b>No leases yet</b>
              <Button href={href('/request')} onFollow={follow}>
                Request access
              </Button>
            </SpaceBetween>
          </Box>
        ),
        noMatch: <Box textAlign="center">No lease matches the filter.</Box>,
      },
      sorting: { defaultState: { sortingColumn: { sortingField: 'requestedAt' }, isDescending: true } },
      pagination: { pageSize: 20 },
      selection: { keepSelection: true, trackBy: 'id' },
    },
  );
  // The selection is kept by id; show the current version of the selected lease.
  const selected = leases.data?.find((l) => l.id === collectionProps.selectedItems?.[0]?.id);
  const actions = selected ? leaseActions(selected, me, false) : undefined;
  const rule = selected && eligibility.data?.find((r) => r.ruleId === selected.ruleId);
  const done = (_: Lease) => {
    setDialog(undefined);
    leases.reload();
  };

  return (
    <SpaceBetween size="m">
      {leases.error ? (
        <FailureAlert action="Loading your leases" error={leases.error} retry={leases.reload} />
      ) : null}
      <Table
        {...collectionProps}
        items={items}
        columnDefinitions={leaseColumns(accountName, now)}
        loading={leases.loading && !leases.data}
        loadingText="Loading your leases"
        selectionType="single"
        trackBy="id"
        ariaLabels={{
          selectionGroupLabel: 'Lease selection',
          itemSelectionLabel: (_, lease) => `Select ${lease.id}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        variant="full-page"
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={leases.data ? `(${leases.data.length})` : undefined}
            description="The leases you requested. Status and time left update by themselves."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!actions?.extend} onClick={() => setDialog('extend')}>
                  Extend
                </Button>
                <Button disabled={!actions?.revoke} onClick={() => setDialog('revoke')}>
                  Revoke
                </Button>
                <Button variant="primary" href={href('/request')} onFollow={follow}>
                  Request access
                </Button>
              </SpaceBetween>
            }
          >
            My leases
          </Header>
        }
        filter={
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find leases"
            filteringAriaLabel="Find leases"
            countText={`${filteredItemsCount ?? 0} match${filteredItemsCount === 1 ? '' : 'es'}`}
          />
        }
        pagination={<Pagination {...paginationProps} />}
      />
      {selected && dialog === 'extend' ? (
        <ExtendDialog
          lease={selected}
          maxDuration={rule?.maxDuration}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      ) : null}
      {selected && dialog === 'revoke' ? (
        <RevokeDialog lease={selected} onClose={() => setDialog(undefined)} onDone={done} />
      ) : null}
    </SpaceBetween>
  );
}
