import Autosuggest from '@cloudscape-design/components/autosuggest';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Lease } from '../api/types.ts';
import { checkDuration, extensionRoom, humanDuration, presetsWithin } from '../logic/duration.ts';
import { useApp } from './app-context.tsx';
import { useNotify } from './notifications.tsx';

interface DialogProps {
  lease: Lease;
  /** The rule's maximum, from `GET /eligibility`, when the caller still has that rule. */
  maxDuration?: string;
  onClose: () => void;
  onDone: (lease: Lease) => void;
}

function Footer({
  busy,
  action,
  onClose,
  onConfirm,
}: {
  busy: boolean;
  action: string;
  onClose: () => void;
  onConfirm: () => void;
}) {
  return (
    <Box float="right">
      <SpaceBetween direction="horizontal" size="xs">
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
        <Button variant="primary" loading={busy} onClick={onConfirm}>
          {action}
        </Button>
      </SpaceBetween>
    </Box>
  );
}

/** Extend: a further duration, within what the rule still allows the lease in total. */
export function ExtendDialog({ lease, maxDuration, onClose, onDone }: DialogProps) {
  const { api } = useApp();
  const notify = useNotify();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const room = maxDuration ? extensionRoom(maxDuration, lease.duration) : undefined;
  const check = checkDuration(text, room);
  async function confirm() {
    setTried(true);
    if (!check.ok) return;
    setBusy(true);
    try {
      const extended = await api.extend(lease.id, text.trim().toUpperCase());
      notify.success(
        extended.pendingExtension
          ? `The extension of ${lease.id} waits for approval; access goes on until the current expiry.`
          : `Extended ${lease.id} by ${humanDuration(check.seconds)}.`,
      );
      onDone(extended);
    } catch (error) {
      notify.failure('The extension', error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      visible
      header={`Extend ${lease.id}`}
      onDismiss={onClose}
      footer={<Footer busy={busy} action="Extend" onClose={onClose} onConfirm={() => void confirm()} />}
    >
      <FormField
        label="Duration"
        description="How much longer, as ISO 8601 (PT30M, PT1H), or pick one."
        constraintText={room ? `At most ${room} more: the rule allows ${maxDuration} in all.` : undefined}
        errorText={tried && !check.ok ? check.error : undefined}
      >
        <Autosuggest
          value={text}
          onChange={({ detail }) => setText(detail.value)}
          options={presetsWithin(room).map((value) => ({ value }))}
          enteredTextLabel={(value) => `Use ${value.toUpperCase()}`}
          placeholder="PT30M"
        />
      </FormField>
    </Modal>
  );
}

/** Revoke: ends an active lease now, or cancels one that has not started. */
export function RevokeDialog({ lease, onClose, onDone }: DialogProps) {
  const { api } = useApp();
  const notify = useNotify();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const started = lease.status === 'ACTIVE' || lease.status === 'GRANTING';
  async function confirm() {
    setBusy(true);
    try {
      const revoked = await api.revoke(lease.id, reason.trim() || undefined);
      notify.success(`${lease.id} is ${revoked.status}.`);
      onDone(revoked);
    } catch (error) {
      notify.failure('Revoking', error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      visible
      header={`Revoke ${lease.id}`}
      onDismiss={onClose}
      footer={<Footer busy={busy} action="Revoke" onClose={onClose} onConfirm={() => void confirm()} />}
    >
      <SpaceBetween size="m">
        <Box>
          {started
            ? `The access to ${lease.permissionSet} on ${lease.accountId} ends now.`
            : 'The request is cancelled; nothing was granted.'}
        </Box>
        <FormField label="Reason" constraintText="Optional; kept in the lease's timeline.">
          <Input value={reason} onChange={({ detail }) => setReason(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}
