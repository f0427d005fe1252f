import Alert from '@cloudscape-design/components/alert';
import Link from '@cloudscape-design/components/link';
import { useFollow } from '../../commons/use-follow.ts';

export default function NotFound() {
  const { href, follow } = useFollow();
  return (
    <Alert type="warning" header="There is no such page in the console">
      Check the address, or go to{' '}
      <Link href={href('/leases')} onFollow={follow}>
        My leases
      </Link>
      .
    </Alert>
  );
}
