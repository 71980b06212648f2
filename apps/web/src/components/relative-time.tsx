import { useNow } from '../hooks/use-now';
import { formatExactTime, formatRelativeTime } from '../lib/relative-time';

/** "3 minutes ago", with the exact time on hover (title) and in the machine-readable dateTime. */
export function RelativeTime({ value }: { value: string }) {
  const now = useNow();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span>{value}</span>;
  // The clock is read when the page renders; a just-created item must not read "in 1 minute".
  const reference = Math.max(now, Date.now());
  return (
    <time dateTime={date.toISOString()} title={formatExactTime(date)}>
      {formatRelativeTime(date, new Date(reference))}
    </time>
  );
}
