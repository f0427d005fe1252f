import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useApp } from '../../commons/app-context.tsx';
import { useFollow } from '../../commons/use-follow.ts';
import { usePolling } from '../../commons/use-polling.ts';

/** The start page: what the caller holds and what waits for them. */
export default function Home() {
  const { api, me } = useApp();
  const { href, follow } = useFollow();
  const leases = usePolling(() => api.myLeases(), 10_000);
  const approvals = usePolling(() => api.approvals(), 10_000);
  const active = leases.data?.filter((l) => l.status === 'ACTIVE').length;
  const pending = leases.data?.filter((l) => l.status === 'PENDING_APPROVAL').length;
  const count = (n: number | undefined) => (n === undefined ? '…' : String(n));
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={`Signed in as ${me.userName}. Access to AWS accounts, for as long as you need it and no longer.`}
          actions={
            <Button variant="primary" href={href('/request')} onFollow={follow}>
              Request access
            </Button>
          }
        >
          idc-lease
        </Header>
      }
    >
      <Container header={<Header variant="h2">Overview</Header>}>
        <ColumnLayout columns={3} variant="text-grid">
          <SpaceBetween size="xxs">
            <Box variant="awsui-key-label">Active leases</Box>
            <Link
              variant="awsui-value-large"
              href={href('/leases')}
              onFollow={follow}
              ariaLabel={`Active leases: ${count(active)}`}
            >
              {count(active)}
            </Link>
          </SpaceBetween>
          <SpaceBetween size="xxs">
            <Box variant="awsui-key-label">Your requests waiting for approval</Box>
            <Link
              variant="awsui-value-large"
              href={href('/leases')}
              onFollow={follow}
              ariaLabel={`Your requests waiting for approval: ${count(pending)}`}
            >
              {count(pending)}
            </Link>
          </SpaceBetween>
          <SpaceBetween size="xxs">
            <Box variant="awsui-key-label">Waiting for your decision</Box>
            <Link
              variant="awsui-value-large"
              href={href('/approvals')}
              onFollow={follow}
              ariaLabel={`Waiting for your decision: ${count(approvals.data?.length)}`}
            >
              {count(approvals.data?.length)}
            </Link>
          </SpaceBetween>
        </ColumnLayout>
      </Container>
    </ContentLayout>
  );
}
