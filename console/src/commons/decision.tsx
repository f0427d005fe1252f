import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Lease } from '../api/types.ts';
import { useApp } from './app-context.tsx';
import { useNotify } from './notifications.tsx';

/**
 * Approve or reject one waiting lease, with a comment: its own `Comment` field and `Approve` /
 * `Reject` buttons (the names tests rely on), one set per lease.
 */
export function Decision({ lease, onDecided }: { lease: Lease; onDecided: (lease: Lease) => void }) {
  const { api } = useApp();
  const notify = useNotify();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const what = lease.pendingExtension ? `the extension of ${lease.id}` : lease.id;
  async function decide(decision: 'approve' | 'reject') {
    setBusy(decision);
    try {
      const text = comment.trim() || undefined;
      const decided =
        decision === 'approve' ? await api.approve(lease.id, text) : await api.reject(lease.id, text);
      notify.success(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${what}: now ${decided.status}.`);
      onDecided(decided);
    } catch (error) {
      notify.failure(decision === 'approve' ? 'Approving' : 'Rejecting', error);
    } finally {
      setBusy(undefined);
    }
  }
  return (
    <SpaceBetween size="s">
      <FormField label="Comment" constraintText="Optional; the requester sees it.">
        <Input value={comment} onChange={({ detail }) => setComment(detail.value)} />
      </FormField>
      <SpaceBetween direction="horizontal" size="xs">
        <Button
          variant="primary"
          loading={busy === 'approve'}
          disabled={busy === 'reject'}
          onClick={() => void decide('approve')}
        >
          Approve
        </Button>
        <Button
          loading={busy === 'reject'}
          disabled={busy === 'approve'}
          onClick={() => void decide('reject')}
        >
          Reject
        </Button>
      </SpaceBetween>
    </SpaceBetween>
  );
}
