/**
 * A product's findings on its page: filters and page in the address, SLA days left per finding, and for
 * Writers and up a selection that feeds "Accept risk".
 */
import type { TUserOption } from '@tocsin/contract/auth';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../../components/messages';
import { Pagination } from '../../../components/pagination';
import { getErrorMessage } from '../../../lib/api-client';
import { FINDINGS_PAGE_SIZE, useProductFindings } from '../api/get-product-findings';
import { readFindingFilters, readPage, writeFindingFilters } from '../utils/filters';
import { AcceptRiskForm } from './accept-risk-form';
import { FindingFilters } from './finding-filters';
import { FindingsTable } from './findings-table';

export function ProductFindings({ productId, canWrite, owners }: { productId: number; canWrite: boolean; owners: readonly TUserOption[] }) {
  const [params, setParams] = useSearchParams();
  const paramsKey = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the address text is the identity of the filters.
  const filters = useMemo(() => readFindingFilters(params), [paramsKey]);
  const page = readPage(params);
  const findings = useProductFindings({ productId, filters, page });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const selectedIds = useMemo(() => [...selected], [selected]);

  return (
    <section aria-labelledby="findings-heading">
      <h2 id="findings-heading">Findings</h2>
      <FindingFilters
        filters={filters}
        onApply={(next) => {
          setSelected(new Set());
          setParams(writeFindingFilters(params, next, 1));
        }}
      />
      {findings.isPending && <p role="status">Loading findings…</p>}
      {findings.isError && <ErrorMessage>{getErrorMessage(findings.error)}</ErrorMessage>}
      {findings.isSuccess && (
        <>
          <p className="muted" aria-live="polite">
            {findings.data.total} {findings.data.total === 1 ? 'finding' : 'findings'}
          </p>
          {findings.data.items.length === 0 ? (
            <p>No findings match.</p>
          ) : (
            <FindingsTable
              findings={findings.data.items}
              caption="Findings, most severe first"
              selection={
                canWrite
                  ? {
                      ids: selected,
                      onToggle: (id, isOn) =>
                        setSelected((prev) => {
                          const next = new Set(prev);
                          if (isOn) next.add(id);
                          else next.delete(id);
                          return next;
                        }),
                    }
                  : undefined
              }
            />
          )}
          <Pagination
            page={page}
            total={findings.data.total}
            pageSize={FINDINGS_PAGE_SIZE}
            label="Findings pages"
            onPageChange={(next) => setParams(writeFindingFilters(params, filters, next))}
          />
        </>
      )}
      {canWrite && (
        <AcceptRiskForm productId={productId} findingIds={selectedIds} owners={owners} onAccepted={() => setSelected(new Set())} />
      )}
    </section>
  );
}
