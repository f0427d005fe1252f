import Alert from '@cloudscape-design/components/alert';
import Autosuggest from '@cloudscape-design/components/autosuggest';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DatePicker from '@cloudscape-design/components/date-picker';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import TimeInput from '@cloudscape-design/components/time-input';
import { useCallback, useMemo, useState } from 'react';
import { ApiError } from '../../api/errors.ts';
import type { EligibleRule } from '../../api/types.ts';
import { useApp } from '../../commons/app-context.tsx';
import { FailureAlert } from '../../commons/failure-alert.tsx';
import { useNotify } from '../../commons/notifications.tsx';
import { useFollow } from '../../commons/use-follow.ts';
import { usePolling } from '../../commons/use-polling.ts';
import { type AccountChoice, accountChoices } from '../../logic/accounts.ts';
import { checkDuration, presetsWithin } from '../../logic/duration.ts';
import {
  approvalText,
  chosenRule,
  longestMaximum,
  permissionSetChoices,
  rulesFor,
} from '../../logic/rules.ts';
import { localToIso } from '../../logic/time.ts';
import { AccountField } from './account-field.tsx';
import { durationOption, permissionSetOption } from './request-config.ts';

type Field = 'accountId' | 'permissionSet' | 'duration' | 'justification' | 'ticket' | 'startAt';

/** Request access: only what the caller is eligible for (`GET /eligibility`). */
export default function RequestAccess() {
  const { api } = useApp();
  const eligibility = usePolling(() => api.eligibility(), 0);
  return (
    <ContentLayout
      header={
        <Header variant="h1" description="Ask for a permission set on an account, for a while, saying why.">
          Request access
        </Header>
      }
    >
      {eligibility.error ? (
        <FailureAlert
          action="Loading what you may request"
          error={eligibility.error}
          retry={eligibility.reload}
        />
      ) : !eligibility.data ? (
        <Spinner size="large" />
      ) : eligibility.data.length === 0 ? (
        <Alert type="info" header="There is nothing you may request">
          No rule of the access policy covers you or your groups. Ask an idc-lease admin to add one.
        </Alert>
      ) : (
        <RequestForm rules={eligibility.data} />
      )}
    </ContentLayout>
  );
}

function RequestForm({ rules }: { rules: EligibleRule[] }) {
  const { api } = useApp();
  const notify = useNotify();
  const { navigate } = useFollow();
  const choices = useMemo(() => accountChoices(rules), [rules]);
  const [account, setAccount] = useState<AccountChoice>();
  const [permissionSetText, setPermissionSetText] = useState('');
  const [durationText, setDurationText] = useState('');
  const [justification, setJustification] = useState('');
  const [ticket, setTicket] = useState('');
  const [startDate, setStartDate] = useState('');
  const [startTime, setStartTime] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string>>>({});
  const [clientToken, setClientToken] = useState(() => crypto.randomUUID());

  const permissionSets = permissionSetChoices(rules, account?.id);
  const permissionSet = permissionSets.find(
    (p) => p.toLowerCase() === permissionSetText.trim().toLowerCase(),
  );
  const matching = rulesFor(rules, account?.id, permissionSet);
  const maxDuration = longestMaximum(matching);
  const duration = checkDuration(durationText, maxDuration);
  const rule =
    account && permissionSet ? chosenRule(matching, duration.ok ? duration.seconds : undefined) : undefined;
  const startAt = startDate ? localToIso(startDate, startTime) : undefined;

  const problems: Partial<Record<Field, string>> = {
    ...(account ? {} : { accountId: 'Choose an account from the list.' }),
    ...(permissionSet
      ? {}
      : {
          permissionSet: permissionSetText
            ? `${permissionSetText} is not one you may request${account ? ` on ${account.label}` : ''}.`
            : 'Choose a permission set.',
        }),
    ...(duration.ok ? {} : { duration: duration.error }),
    ...(justification.trim().length >= 3
      ? {}
      : { justification: 'Say why you need it (at least 3 characters).' }),
    ...(startDate && !startAt ? { startAt: 'Enter the start as a date and a time.' } : {}),
    ...(startAt && Date.parse(startAt) <= Date.now() ? { startAt: 'The start must be in the future.' } : {}),
  };
  const onAccount = useCallback((picked: AccountChoice | undefined) => {
    setAccount(picked);
    // Another request now: a retry of the same one keeps its token, so it is never made twice.
    setClientToken(crypto.randomUUID());
    setServerErrors(({ accountId: _, ...rest }) => rest);
  }, []);
  const errorOf = (field: Field) => serverErrors[field] ?? (submitted ? problems[field] : undefined);
  const edited =
    <T,>(set: (v: T) => void, field: Field) =>
    (value: T) => {
      set(value);
      // Another request now: a retry of the same one keeps its token, so it is never made twice.
      setClientToken(crypto.randomUUID());
      setServerErrors(({ [field]: _, ...rest }) => rest);
    };

  async function submit() {
    setSubmitted(true);
    if (Object.keys(problems).length > 0 || !account || !permissionSet || !duration.ok) return;
    setSubmitting(true);
    try {
      const lease = await api.request({
        accountId: account.id,
        permissionSet,
        duration: durationText.trim().toUpperCase(),
        justification: justification.trim(),
        ...(ticket.trim() ? { ticket: ticket.trim() } : {}),
        ...(startAt ? { startAt } : {}),
        clientToken,
      });
      notify.success(`Requested ${permissionSet} on ${account.label}: lease ${lease.id} is ${lease.status}.`);
      navigate(`/leases/${lease.id}`);
    } catch (error) {
      // A 400 names its field first ("duration: …"): show it there too.
      const field =
        error instanceof ApiError && error.status === 400 ? error.message.split(':')[0] : undefined;
      if (
        field &&
        ['accountId', 'permissionSet', 'duration', 'justification', 'ticket', 'startAt'].includes(field)
      ) {
        setServerErrors({ [field]: error instanceof ApiError ? error.message : '' });
      }
      notify.failure('The request', error);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Form
      actions={
        <Button variant="primary" loading={submitting} onClick={() => void submit()}>
          Request
        </Button>
      }
    >
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">What you need</Header>}>
          <SpaceBetween size="l">
            <AccountField choices={choices} errorText={errorOf('accountId')} onAccount={onAccount} />
            <FormField label="Permission set" errorText={errorOf('permissionSet')}>
              <Autosuggest
                value={permissionSetText}
                onChange={({ detail }) => edited(setPermissionSetText, 'permissionSet')(detail.value)}
                options={permissionSets.map(permissionSetOption)}
                hideEnteredTextOption
                enteredTextLabel={(value) => `Use "${value}"`}
                empty={account ? `Nothing you may request on ${account.label}` : 'No permission set'}
                placeholder="e.g. ReadOnly"
                expandToViewport
              />
            </FormField>
            <FormField
              label="Duration"
              description="ISO 8601, such as PT30M, PT2H or P1D; or pick one."
              constraintText={maxDuration ? `At most ${maxDuration} for this access.` : undefined}
              errorText={errorOf('duration')}
            >
              <Autosuggest
                value={durationText}
                onChange={({ detail }) => edited(setDurationText, 'duration')(detail.value)}
                options={presetsWithin(maxDuration).map(durationOption)}
                enteredTextLabel={(value) => `Use ${value.toUpperCase()}`}
                placeholder="PT1H"
                expandToViewport
              />
            </FormField>
          </SpaceBetween>
        </Container>
        <Container header={<Header variant="h2">Why</Header>}>
          <SpaceBetween size="l">
            <FormField label="Justification" errorText={errorOf('justification')}>
              <Textarea
                value={justification}
                onChange={({ detail }) => edited(setJustification, 'justification')(detail.value)}
                placeholder="What you will do, and why it needs this access"
              />
            </FormField>
            <FormField label="Ticket" constraintText="Optional." errorText={errorOf('ticket')}>
              <Input
                value={ticket}
                onChange={({ detail }) => edited(setTicket, 'ticket')(detail.value)}
                placeholder="INC-1234"
              />
            </FormField>
            <SpaceBetween size="l" direction="horizontal">
              <FormField
                label="Start date"
                constraintText="Optional: later than now, in your time zone."
                errorText={errorOf('startAt')}
              >
                <DatePicker
                  value={startDate}
                  onChange={({ detail }) => edited(setStartDate, 'startAt')(detail.value)}
                  placeholder="YYYY/MM/DD"
                  isDateEnabled={(date) => date.getTime() >= new Date().setHours(0, 0, 0, 0)}
                />
              </FormField>
              <FormField label="Start time">
                <TimeInput
                  value={startTime}
                  onChange={({ detail }) => edited(setStartTime, 'startAt')(detail.value)}
                  format="hh:mm"
                  placeholder="hh:mm"
                />
              </FormField>
            </SpaceBetween>
          </SpaceBetween>
        </Container>
        {rule ? (
          <Alert
            type={rule.approvalRequired ? 'warning' : 'info'}
            header={rule.approvalRequired ? 'Needs approval' : 'No approval needed'}
          >
            {approvalText(rule)}
          </Alert>
        ) : null}
      </SpaceBetween>
    </Form>
  );
}
