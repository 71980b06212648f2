/** A finding's SLA as words and a tone: the colour only repeats what the text says. */
import type { TFindingSla } from '@tocsin/contract/findings-api';

export type TSlaTone = 'neutral' | 'ok' | 'warning' | 'danger';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

export function describeSla(sla: TFindingSla): { label: string; tone: TSlaTone } {
  switch (sla.state) {
    case 'none':
      return { label: 'No SLA', tone: 'neutral' };
    case 'closed':
      return { label: 'Closed', tone: 'neutral' };
    case 'breaching_today':
      return { label: 'Due today', tone: 'danger' };
    case 'overdue':
      return { label: `${days(Math.abs(sla.days_left ?? 0))} overdue`, tone: 'danger' };
    case 'pre_breach':
      return { label: `${days(sla.days_left ?? 0)} left`, tone: 'warning' };
    case 'ok':
      return { label: `${days(sla.days_left ?? 0)} left`, tone: 'ok' };
  }
}
