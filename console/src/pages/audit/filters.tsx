import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import DatePicker from '@cloudscape-design/components/date-picker';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import { useState } from 'react';
import type { AuditFilters } from '../../api/client.ts';
import { localToIso } from '../../logic/time.ts';

/** Principal, account, permission set and a time range (request time), applied on Search. */
export function AuditFilterForm({ onSearch }: { onSearch: (filters: AuditFilters) => void }) {
  const [principal, setPrincipal] = useState('');
  const [accountId, setAccountId] = useState('');
  const [permissionSet, setPermissionSet] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const accountError = accountId && !/^\d{12}$/.test(accountId.trim()) ? 'A 12-digit account id.' : undefined;
  const search = () => {
    if (accountError) return;
    const toIso = to ? localToIso(to, '23:59:59') : undefined;
    const fromIso = from ? localToIso(from, '00:00') : undefined;
    onSearch({
      ...(principal.trim() ? { principal: principal.trim() } : {}),
      ...(accountId.trim() ? { accountId: accountId.trim() } : {}),
      ...(permissionSet.trim() ? { permissionSet: permissionSet.trim() } : {}),
      ...(fromIso ? { from: fromIso } : {}),
      ...(toIso ? { to: toIso } : {}),
    });
  };
  return (
    <ColumnLayout columns={3}>
      <FormField label="Principal" description="An Identity Store user name">
        <Input value={principal} onChange={({ detail }) => setPrincipal(detail.value)} />
      </FormField>
      <FormField label="Account" errorText={accountError}>
        <Input value={accountId} onChange={({ detail }) => setAccountId(detail.value)} inputMode="numeric" />
      </FormField>
      <FormField label="Permission set">
        <Input value={permissionSet} onChange={({ detail }) => setPermissionSet(detail.value)} />
      </FormField>
      <FormField label="Requested from">
        <DatePicker value={from} onChange={({ detail }) => setFrom(detail.value)} placeholder="YYYY/MM/DD" />
      </FormField>
      <FormField label="Requested until">
        <DatePicker value={to} onChange={({ detail }) => setTo(detail.value)} placeholder="YYYY/MM/DD" />
      </FormField>
      <FormField label="Apply the filters">
        <Button onClick={search} iconName="search">
          Search
        </Button>
      </FormField>
    </ColumnLayout>
  );
}
