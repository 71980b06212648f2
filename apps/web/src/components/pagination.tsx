/** "Previous · Page 2 of 7 · Next" for any paged list. Pages are 1-based. */
export function getPageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

export function Pagination({
  page,
  total,
  pageSize,
  onPageChange,
  label = 'Pagination',
}: {
  page: number;
  total: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  label?: string;
}) {
  const pageCount = getPageCount(total, pageSize);
  if (pageCount <= 1 && page <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      <button type="button" className="button" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
        <span aria-hidden="true">‹ </span>Previous
      </button>
      <span className="pagination-status" aria-live="polite">
        Page {page} of {pageCount}
      </span>
      <button type="button" className="button" disabled={page >= pageCount} onClick={() => onPageChange(page + 1)}>
        Next<span aria-hidden="true"> ›</span>
      </button>
    </nav>
  );
}
