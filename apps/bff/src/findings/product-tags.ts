/** A product's tags (lower-case, in a join table so they can be filtered and, later, used in routing rules). */
import type { TProductTags, TSetProductTagsBody } from '@tocsin/contract/findings-api';
import { ZSetProductTagsBody } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewProduct } from '../auth/rbac';
import { forbidden, notFound } from '../lib/errors';
import { findProductRole, isRoleAtLeast } from '../services/roles';

export async function getProductTags(deps: Deps, user: UserRow, productId: number): Promise<TProductTags> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  const rows = await deps.db.all<{ tag: string }>(sql`select tag from product_tags where product_id = ${productId} order by tag`);
  return { product_id: productId, tags: rows.map((r) => r.tag) };
}

/** Replace the product's tags: Maintainers and Owners of the product (and superusers), as for its other settings. */
export async function setProductTags(deps: Deps, user: UserRow, productId: number, input: TSetProductTagsBody): Promise<TProductTags> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  if (!isRoleAtLeast(await findProductRole(deps, user, productId), 'Maintainer')) {
    throw forbidden("Changing a product's tags needs the Maintainer or Owner role on it (or globally).");
  }
  const { tags } = ZSetProductTagsBody.parse(input);
  await deps.db.transaction(async (tx) => {
    await tx.run(sql`delete from product_tags where product_id = ${productId}`);
    if (tags.length > 0) {
      await tx.run(
        sql`insert into product_tags (product_id, tag) values ${sql.join(
          tags.map((t) => sql`(${productId}, ${t})`),
          sql`, `,
        )}`,
      );
    }
  });
  return getProductTags(deps, user, productId);
}
