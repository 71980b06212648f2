import { useSearchParams } from 'react-router-dom';
import { MyReviews } from '../../features/findings/components/my-reviews';
import { readPage } from '../../features/findings/utils/filters';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function Component() {
  useDocumentTitle('My reviews');
  const [params, setParams] = useSearchParams();
  const page = readPage(params);
  return (
    <section aria-labelledby="my-reviews-heading">
      <h1 id="my-reviews-heading">My reviews</h1>
      <p>Findings people asked you to review: pending first, then the ones you completed.</p>
      <MyReviews page={page} onPageChange={(next) => setParams(next > 1 ? { page: String(next) } : {})} />
    </section>
  );
}
