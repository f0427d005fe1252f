import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import type { Lease } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { Decision } from '../../commons/decision.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';
import { ExtendDialog, RevokeDialog } from '../../commons/lease-dialogs.tsx';
import { LeaseStatusBadge } from '../../commons/status.tsx';
import { useNow } from '../../commons/use-now.ts';
import { usePolling } from '../../commons/use-polling.ts';
import { awaitsDecision, isTerminal, leaseActions } from '../../logic/actions.ts';
import { portalLink } from '../../logic/portal.ts';
import { quorumText } from '../../logic/quorum.ts';
import { ActivityPanel } from './activity-panel.tsx';
import { leaseFacts, timelineColumns } from './lease-config.tsx';

/** One lease: its status (live), facts, timeline, the caller's actions and its activity queries. */
export default function LeaseDetail({ id }: { id: string }) {
  const { api, me, config } = useApp();
  const [ended, setEnded] = useState(false);
  // Until the lease has ended its status changes by itself: look again every two seconds.
  const polled = usePolling(() => api.lease(id), ended ? 0 : 2_000, `${id}:${ended}`);
  const lease = polled.data;
  if (lease && isTerminal(lease.status) !== ended) setEnded(isTerminal(lease.status));
  const waiting = usePolling(
    () => api.approvals(),
    lease && awaitsDecision(lease) ? 5_000 : 0,
    lease && awaitsDecision(lease),
  );
  const eligibility = usePolling(() => api.eligibility(), 0);
  const now = useNow();
  const [dialog, setDialog] = useState<'extend' | 'revoke'>();

  if (polled.error && !lease)
    return <FailureAlert action={`Loading lease ${id}`} error={polled.error} retry={polled.reload} />;
  if (!lease) return <Spinner size="large" />;

  const waitingForMe = waiting.data?.some((l) => l.id === lease.id) ?? false;
  const actions = leaseActions(lease, me, waitingForMe);
  const rule = eligibility.data?.find((r) => r.ruleId === lease.ruleId);
  const name = eligibility.data?.map((r) => r.accountNames[lease.accountId]).find(Boolean);
  const accountName = name ? `${name} (${lease.accountId})` : lease.accountId;
  const done = (_: Lease) => {
    setDialog(undefined);
    polled.reload();
  };

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={<LeaseStatusBadge status={lease.status} />}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {actions.openInPortal && config.portalUrl ? (
                <Button
                  href={portalLink(config.portalUrl, lease.accountId, lease.permissionSet)}
                  target="_blank"
                  iconName="external"
                  iconAlign="right"
                >
                  Open in access portal
                </Button>
              ) : null}
              {actions.extend ? <Button onClick={() => setDialog('extend')}>Extend</Button> : null}
              {actions.revoke ? <Button onClick={() => setDialog('revoke')}>Revoke</Button> : null}
            </SpaceBetween>
          }
        >
          {lease.permissionSet} on {accountName}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {polled.error ? (
          <FailureAlert action="Refreshing the lease" error={polled.error} retry={polled.reload} />
        ) : null}
        {actions.approve ? (
          <Container
            header={
              <Header variant="h2" description={`Approvals: ${quorumText(lease)}`}>
                {lease.pendingExtension
                  ? `Extension by ${lease.pendingExtension.duration} waits for your decision`
                  : 'Waits for your decision'}
              </Header>
            }
          >
            <Decision lease={lease} onDecided={done} />
          </Container>
        ) : null}
        <Container header={<Header variant="h2">Lease {lease.id}</Header>}>
          <KeyValuePairs columns={3} items={leaseFacts(lease, accountName, now)} />
        </Container>
        <Table
          header={
            <Header variant="h2" counter={`(${lease.timeline.length})`}>
              Timeline
            </Header>
          }
          items={lease.timeline}
          columnDefinitions={timelineColumns}
          variant="container"
          wrapLines
        />
        <ActivityPanel leaseId={lease.id} />
      </SpaceBetween>
      {dialog === 'extend' ? (
        <ExtendDialog
          lease={lease}
          maxDuration={rule?.maxDuration}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      ) : null}
      {dialog === 'revoke' ? (
        <RevokeDialog lease={lease} onClose={() => setDialog(undefined)} onDone={done} />
      ) : null}
    </ContentLayout>
  );
}
