/**
 * The events × channels grid of checkboxes. Controlled: the parent owns the selection.
 * Every cell has its own accessible name ("Scan Added: Mail"), every column a "select all".
 */
import { CHANNEL_LABELS, findEventInfo, type TChannel } from '@tocsin/contract/catalogue';
import { useEffect, useRef } from 'react';
import type { TInheritedCells } from '../utils/inherited';
import { getColumnState, isSelected, setCell, setColumn, type TColumnState, type TMatrixSelection } from '../utils/matrix';

type TNotificationMatrixProps = {
  caption: string;
  events: readonly string[];
  columns: readonly TChannel[];
  selection: TMatrixSelection;
  onChange: (selection: TMatrixSelection) => void;
  isDisabled?: boolean;
  /** Cells the user already receives from another record: shown checked, marked with why, and not editable here. */
  inherited?: TInheritedCells;
};

export function NotificationMatrix({
  caption,
  events,
  columns,
  selection,
  onChange,
  isDisabled = false,
  inherited = {},
}: TNotificationMatrixProps) {
  if (columns.length === 0) {
    return <p>No notification channel is available here. A superuser can enable channels in System Settings.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table notification-matrix">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            {columns.map((channel) => {
              // "Select all" acts on the cells this matrix may change, not on inherited ones.
              const editable = events.filter((event) => !inherited[event]?.[channel]);
              return (
                <th scope="col" key={channel}>
                  <span className="notification-matrix-column">
                    {CHANNEL_LABELS[channel]}
                    <ColumnCheckbox
                      label={`Select all: ${CHANNEL_LABELS[channel]}`}
                      state={getColumnState(selection, editable, channel)}
                      isDisabled={isDisabled || editable.length === 0}
                      onChange={(checked) => onChange(setColumn(selection, editable, channel, checked))}
                    />
                  </span>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const info = findEventInfo(event);
            // An event the catalogue does not know (a newer server) still gets a readable row.
            const label = info.name === event ? info.label : event;
            const helpId = `event-help-${event}`;
            return (
              <tr key={event}>
                <th scope="row">
                  <span className="notification-matrix-event">{label}</span>
                  {info.name === event && (
                    <span className="notification-matrix-help" id={helpId}>
                      {info.help}
                    </span>
                  )}
                </th>
                {columns.map((channel) => {
                  const from = inherited[event]?.[channel];
                  if (from) {
                    // Already received through another record: checked, and the reason in words (name and visible text).
                    return (
                      <td key={channel} className="notification-matrix-cell notification-matrix-inherited">
                        <label className="checkbox-target">
                          <input type="checkbox" aria-label={`${label}: ${CHANNEL_LABELS[channel]} (${from})`} checked disabled readOnly />
                        </label>
                        <span className="inherited-mark" aria-hidden="true">
                          {from}
                        </span>
                      </td>
                    );
                  }
                  return (
                    <td key={channel} className="notification-matrix-cell">
                      {/* The label around the box makes the whole cell a touch target. */}
                      <label className="checkbox-target">
                        <input
                          type="checkbox"
                          aria-label={`${label}: ${CHANNEL_LABELS[channel]}`}
                          checked={isSelected(selection, event, channel)}
                          disabled={isDisabled}
                          onChange={(e) => onChange(setCell(selection, event, channel, e.currentTarget.checked))}
                        />
                      </label>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ColumnCheckbox({
  label,
  state,
  isDisabled,
  onChange,
}: {
  label: string;
  state: TColumnState;
  isDisabled: boolean;
  onChange: (checked: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <label className="checkbox-target">
      <input
        ref={ref}
        type="checkbox"
        aria-label={label}
        title={label}
        checked={state === 'all'}
        disabled={isDisabled}
        // A partly checked column becomes fully checked on the first click.
        onChange={() => onChange(state !== 'all')}
      />
    </label>
  );
}
