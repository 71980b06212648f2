import type { TFindingStatus } from '@tocsin/contract/findings';
import { describe, expect, it } from 'vitest';
import { matchReimport, type TExistingFinding, type TReimportMatch } from './reimport';

const f = (id: number, fingerprint: string, status: TFindingStatus, mitigatedAt: string | null = null): TExistingFinding => ({
  id,
  fingerprint,
  status,
  mitigatedAt,
});
const none: TReimportMatch = { new: [], reactivated: [], mitigated: [], untouched: [], keptTriaged: [] };
const SCAN = '2026-04-01';

describe('matchReimport', () => {
  const cases: { name: string; existing: TExistingFinding[]; incoming: string[]; closeOld?: boolean; expected: Partial<TReimportMatch> }[] =
    [
      { name: 'a fingerprint the test does not have is new', existing: [], incoming: ['a'], expected: { new: ['a'] } },
      { name: 'new findings keep the order of the file', existing: [], incoming: ['c', 'a', 'b'], expected: { new: ['c', 'a', 'b'] } },
      {
        name: 'a fingerprint twice in the file counts once',
        existing: [f(1, 'a', 'active')],
        incoming: ['b', 'a', 'b', 'a'],
        expected: { new: ['b'], untouched: [1] },
      },
      {
        name: 'an active finding reported again is untouched',
        existing: [f(1, 'a', 'active')],
        incoming: ['a'],
        expected: { untouched: [1] },
      },
      {
        name: 'a verified finding reported again is untouched',
        existing: [f(1, 'a', 'verified')],
        incoming: ['a'],
        expected: { untouched: [1] },
      },
      {
        name: 'a mitigated finding reported again is reactivated',
        existing: [f(1, 'a', 'mitigated', '2026-03-01')],
        incoming: ['a'],
        expected: { reactivated: [1] },
      },
      {
        name: 'an active finding no longer reported is mitigated on the scan date',
        existing: [f(1, 'a', 'active')],
        incoming: [],
        expected: { mitigated: [{ id: 1, mitigatedAt: SCAN }] },
      },
      {
        name: 'a verified finding no longer reported is mitigated',
        existing: [f(1, 'a', 'verified')],
        incoming: ['b'],
        expected: { new: ['b'], mitigated: [{ id: 1, mitigatedAt: SCAN }] },
      },
      {
        name: 'a mitigated finding still not reported stays as it is',
        existing: [f(1, 'a', 'mitigated', '2026-03-01')],
        incoming: [],
        expected: {},
      },
      {
        name: 'a false positive reported again is not reactivated',
        existing: [f(1, 'a', 'false_positive')],
        incoming: ['a'],
        expected: { keptTriaged: [1] },
      },
      { name: 'a false positive no longer reported is not mitigated', existing: [f(1, 'a', 'false_positive')], incoming: [], expected: {} },
      {
        name: 'out of scope reported again is not reactivated',
        existing: [f(1, 'a', 'out_of_scope')],
        incoming: ['a'],
        expected: { keptTriaged: [1] },
      },
      { name: 'out of scope no longer reported is not mitigated', existing: [f(1, 'a', 'out_of_scope')], incoming: [], expected: {} },
      {
        name: 'risk accepted reported again is not reactivated',
        existing: [f(1, 'a', 'risk_accepted')],
        incoming: ['a'],
        expected: { keptTriaged: [1] },
      },
      { name: 'risk accepted no longer reported is not mitigated', existing: [f(1, 'a', 'risk_accepted')], incoming: [], expected: {} },
      {
        name: 'a duplicate reported again is not reactivated',
        existing: [f(1, 'a', 'duplicate')],
        incoming: ['a'],
        expected: { keptTriaged: [1] },
      },
      { name: 'a duplicate no longer reported is not mitigated', existing: [f(1, 'a', 'duplicate')], incoming: [], expected: {} },
      {
        name: 'close_old_findings off: disappeared findings stay open',
        existing: [f(1, 'a', 'active'), f(2, 'b', 'active')],
        incoming: ['b'],
        closeOld: false,
        expected: { untouched: [2] },
      },
      {
        name: 'close_old_findings off still reactivates',
        existing: [f(1, 'a', 'mitigated', '2026-03-01')],
        incoming: ['a'],
        closeOld: false,
        expected: { reactivated: [1] },
      },
      {
        name: 'an empty file mitigates every open finding and nothing else',
        existing: [f(1, 'a', 'active'), f(2, 'b', 'verified'), f(3, 'c', 'mitigated', '2026-02-01'), f(4, 'd', 'risk_accepted')],
        incoming: [],
        expected: {
          mitigated: [
            { id: 1, mitigatedAt: SCAN },
            { id: 2, mitigatedAt: SCAN },
          ],
        },
      },
      {
        name: 'two mitigated findings with the same fingerprint: only the latest mitigated is reopened',
        existing: [f(1, 'a', 'mitigated', '2026-01-10'), f(2, 'a', 'mitigated', '2026-02-20'), f(3, 'a', 'mitigated', '2026-02-01')],
        incoming: ['a'],
        expected: { reactivated: [2] },
      },
      {
        name: 'same mitigation day: the higher id is reopened',
        existing: [f(1, 'a', 'mitigated', '2026-02-20'), f(2, 'a', 'mitigated', '2026-02-20')],
        incoming: ['a'],
        expected: { reactivated: [2] },
      },
      {
        name: 'an open finding with the fingerprint already tracks it: its mitigated twin stays closed',
        existing: [f(1, 'a', 'mitigated', '2026-01-10'), f(2, 'a', 'active')],
        incoming: ['a'],
        expected: { untouched: [2] },
      },
      {
        name: 'a triaged finding with the fingerprint carries a decision: its mitigated twin stays closed',
        existing: [f(1, 'a', 'mitigated', '2026-01-10'), f(2, 'a', 'false_positive')],
        incoming: ['a'],
        expected: { keptTriaged: [2] },
      },
      {
        name: 'a mix, each by its rule',
        existing: [
          f(1, 'open-again', 'active'),
          f(2, 'gone', 'verified'),
          f(3, 'back', 'mitigated', '2026-03-15'),
          f(4, 'fp', 'false_positive'),
          f(5, 'accepted-gone', 'risk_accepted'),
        ],
        incoming: ['open-again', 'back', 'fp', 'brand-new', 'brand-new'],
        expected: { new: ['brand-new'], reactivated: [3], mitigated: [{ id: 2, mitigatedAt: SCAN }], untouched: [1], keptTriaged: [4] },
      },
    ];

  it.each(cases)('$name', ({ existing, incoming, closeOld, expected }) => {
    const options = closeOld === undefined ? { scanDate: SCAN } : { scanDate: SCAN, closeOldFindings: closeOld };
    expect(matchReimport(existing, incoming, options)).toEqual({ ...none, ...expected });
  });

  it('takes any iterable of fingerprints, such as a generator over parsed findings', () => {
    function* fingerprints() {
      yield 'a';
      yield 'b';
    }
    expect(matchReimport([f(1, 'a', 'active')], fingerprints(), { scanDate: SCAN }).new).toEqual(['b']);
  });

  it('puts every existing finding in at most one list', () => {
    const statuses: TFindingStatus[] = ['active', 'verified', 'false_positive', 'out_of_scope', 'risk_accepted', 'mitigated', 'duplicate'];
    const existing = statuses.flatMap((s, i) => [f(i * 2, `x${i}`, s, '2026-01-01'), f(i * 2 + 1, `y${i}`, s, '2026-01-01')]);
    const incoming = statuses.map((_, i) => `x${i}`);
    const r = matchReimport(existing, incoming, { scanDate: SCAN });
    const ids = [...r.reactivated, ...r.mitigated.map((m) => m.id), ...r.untouched, ...r.keptTriaged];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
