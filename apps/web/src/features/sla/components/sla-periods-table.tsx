import { SEVERITIES, type TSlaPeriods } from '@tocsin/contract/findings';

/** "Critical: 7 days" per severity, as a small table. */
export function SlaPeriodsTable({ periods, caption }: { periods: TSlaPeriods; caption: string }) {
  return (
    <table className="table table-compact">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {SEVERITIES.map((s) => (
            <th key={s} scope="col">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          {SEVERITIES.map((s) => (
            <td key={s}>
              {periods[s].days === null ? 'No SLA' : `${periods[s].days} days${periods[s].enforced ? '' : ' (not enforced)'}`}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
