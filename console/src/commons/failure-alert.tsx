import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import { ApiError } from '../api/errors.ts';
import { explain } from '../logic/failures.ts';

/** A page's data could not be loaded: what went wrong and what to do, with a retry. */
export function FailureAlert({
  action,
  error,
  retry,
}: {
  action: string;
  error: unknown;
  retry?: () => void;
}) {
  const { what, todo } =
    error instanceof ApiError ? explain(error) : { what: String(error), todo: 'Reload the page.' };
  return (
    <Alert
      type="error"
      header={`${action} failed: ${what}`}
      action={retry ? <Button onClick={retry}>Retry</Button> : undefined}
    >
      {todo}
    </Alert>
  );
}
