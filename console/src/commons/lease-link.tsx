import Link from '@cloudscape-design/components/link';
import { useFollow } from './use-follow.ts';

/** A link to a lease's page, routed inside the app. */
export function LeaseLink({ id }: { id: string }) {
  const { href, follow } = useFollow();
  return (
    <Link href={href(`/leases/${id}`)} onFollow={follow}>
      {id}
    </Link>
  );
}
