import type { CardsProps } from '@cloudscape-design/components/cards';
import type { Lease } from '../../api/types.ts';
import { Decision } from '../../commons/decision.tsx';
import { LeaseLink } from '../../commons/lease-link.tsx';
import { quorumText } from '../../logic/quorum.ts';

/** One card per waiting lease: what is asked, why, by whom, the quorum so far, and the decision. */
export const approvalCard = (
  accountName: (id: string) => string,
  onDecided: (lease: Lease) => void,
): CardsProps.CardDefinition<Lease> => ({
  header: (l) => <LeaseLink id={l.id} />,
  sections: [
    {
      id: 'what',
      header: 'Asks for',
      content: (l) =>
        `${l.permissionSet} on ${accountName(l.accountId)} for ${l.pendingExtension ? `${l.pendingExtension.duration} more (extension)` : l.duration}`,
    },
    { id: 'requester', header: 'Requester', content: (l) => l.requester.userName },
    { id: 'justification', header: 'Justification', content: (l) => l.justification },
    { id: 'ticket', header: 'Ticket', content: (l) => l.ticket ?? '–' },
    { id: 'rule', header: 'Rule', content: (l) => l.ruleId },
    { id: 'quorum', header: 'Approvals', content: (l) => quorumText(l) },
    { id: 'decision', content: (l) => <Decision lease={l} onDecided={onDecided} /> },
  ],
});
