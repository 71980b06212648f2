/**
 * A superuser managing another user's personal rules. The rule is saved by the same service and rules as the
 * user's own (rules/service.ts): the products and product types it names must be ones the OWNER may view, and
 * its preview counts the events the owner may see. Each change is recorded, in the transaction that makes it, in
 * the user's change history (service.ts: recordRuleChange), which the user sees as "Changed by … on …".
 */
import type { TPersonalRuleBody, TRule, TRulePreview, TRulePreviewBody } from '@tocsin/contract/rules';
import { type Deps, type UserRow, withDb } from '../app-context';
import { deleteRule, getRule, previewRule, savePersonalRule } from '../rules/service';
import { recordRuleChange } from './service';

/** Create (id null) or replace one of `owner`'s personal rules as `actor`, and record it for the owner. */
export async function saveUserRuleAs(
  deps: Deps,
  actor: UserRow,
  owner: UserRow,
  id: number | null,
  body: TPersonalRuleBody,
): Promise<TRule> {
  return deps.db.transaction(async (tx) => {
    const inTx = withDb(deps, tx);
    const before = id === null ? null : await getRule(inTx, 'personal', owner.id, id);
    const after = await savePersonalRule(inTx, owner, id, body, owner.username);
    await recordRuleChange(tx, deps.now(), actor, owner.id, before, after);
    return after;
  });
}

/** Delete one of `owner`'s personal rules as `actor`, and record it for the owner. */
export async function deleteUserRuleAs(deps: Deps, actor: UserRow, owner: UserRow, id: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const inTx = withDb(deps, tx);
    const before = await getRule(inTx, 'personal', owner.id, id);
    await deleteRule(inTx, 'personal', owner.id, id);
    await recordRuleChange(tx, deps.now(), actor, owner.id, before, null);
  });
}

/** The preview as the owner would see it: only the events the owner may see count. */
export const previewUserRule = (deps: Deps, owner: UserRow, body: TRulePreviewBody): Promise<TRulePreview> =>
  previewRule(deps, owner, body);
