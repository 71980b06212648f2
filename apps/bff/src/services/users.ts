/** Local accounts: creation (with the notification template copied in), profile, password, admin edits and memberships. */
import type { TMemberships, TSetMembershipsBody, TUpdateProfileBody, TUpdateUserBody, TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { Db } from '../db/client';
import { productMembers, products, productTypeMembers, productTypes, sessions, users } from '../db/schema';
import { badRequest, conflict, notFound } from '../lib/errors';
import { toIso } from '../lib/time';

export type TNewUser = {
  username: string;
  email: string;
  password: string;
  firstName?: string;
  lastName?: string;
  isActive?: boolean;
  isSuperuser?: boolean;
  globalRole?: TRole | null;
  slackEmail?: string | null;
};

export function toUserDto(row: UserRow): TUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    first_name: row.firstName,
    last_name: row.lastName,
    is_active: row.isActive,
    is_superuser: row.isSuperuser,
    global_role: (row.globalRole as TRole | null) ?? null,
    slack_email: row.slackEmail,
    created_at: toIso(row.createdAt),
  };
}

export function findUserById(deps: Deps, id: number): UserRow | undefined {
  return deps.db.select().from(users).where(eq(users.id, id)).get();
}

/** Usernames are unique regardless of case (the index is `collate nocase`). */
export function findUserByUsername(deps: Deps, username: string): UserRow | undefined {
  return deps.db.select().from(users).where(sql`${users.username} = ${username} collate nocase`).get();
}

export function getUser(deps: Deps, id: number): UserRow {
  const row = findUserById(deps, id);
  if (!row) throw notFound(`User ${id}`);
  return row;
}

/** Users whose username, names or email contain `q` (case-insensitive), by username. */
export function listUsers(deps: Deps, q?: string): UserRow[] {
  const needle = q?.trim();
  const where = needle
    ? sql`(${users.username} like ${`%${escapeLike(needle)}%`} escape '\\'
        or ${users.email} like ${`%${escapeLike(needle)}%`} escape '\\'
        or (${users.firstName} || ' ' || ${users.lastName}) like ${`%${escapeLike(needle)}%`} escape '\\')`
    : undefined;
  return deps.db.select().from(users).where(where).orderBy(sql`${users.username} collate nocase`).all();
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Active users as {id, username}, for pickers such as an engagement's lead. */
export function listUserOptions(deps: Deps): { id: number; username: string }[] {
  return deps.db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(eq(users.isActive, true))
    .orderBy(sql`${users.username} collate nocase`)
    .all();
}

/**
 * Create a local account. In the same transaction the user's personal notification settings are
 * copied from the template record, so users created after a template exists start from it.
 */
export async function createUser(deps: Deps, input: TNewUser): Promise<UserRow> {
  const username = input.username.trim();
  if (findUserByUsername(deps, username)) throw duplicateUsername(username);
  const passwordHash = await hashPassword(input.password);
  try {
    return deps.db.transaction((tx) =>
      insertUserWithTemplate(tx, {
        username,
        email: input.email,
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        passwordHash,
        isActive: input.isActive ?? true,
        isSuperuser: input.isSuperuser ?? false,
        globalRole: input.globalRole ?? null,
        slackEmail: input.slackEmail || null,
        createdAt: deps.now(),
      }),
    );
  } catch (err) {
    // Two requests racing for one name: the unique index decides.
    if (isUniqueViolation(err)) throw duplicateUsername(username);
    throw err;
  }
}

type TDbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Insert a user row and copy the template into their personal settings. Run it inside a transaction. */
export function insertUserWithTemplate(db: TDbOrTx, values: typeof users.$inferInsert): UserRow {
  const row = db.insert(users).values(values).returning().get();
  db.run(sql`insert into notification_settings (scope, user_id, event, channels)
    select 'personal', ${row.id}, event, channels from notification_settings where scope = 'template'`);
  return row;
}

const duplicateUsername = (username: string) => conflict(`The username "${username}" is already taken (usernames ignore case).`);

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err as { code: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A user edits their own profile. A new Slack email makes the cached Slack user id stale, so it is cleared. */
export function updateProfile(deps: Deps, user: UserRow, body: TUpdateProfileBody): UserRow {
  const patch: Partial<typeof users.$inferInsert> = {};
  if (body.first_name !== undefined) patch.firstName = body.first_name;
  if (body.last_name !== undefined) patch.lastName = body.last_name;
  if (body.email !== undefined) patch.email = body.email;
  if (body.slack_email !== undefined) {
    const slackEmail = body.slack_email || null;
    patch.slackEmail = slackEmail;
    if (slackEmail !== user.slackEmail) {
      patch.slackUserId = null;
      patch.slackUserIdEmail = null;
    }
  }
  if (Object.keys(patch).length === 0) return user;
  return deps.db.update(users).set(patch).where(eq(users.id, user.id)).returning().get() as UserRow;
}

/** Change one's own password; other sessions of the user are ended, the current one is kept. */
export async function changePassword(
  deps: Deps,
  user: UserRow,
  currentPassword: string,
  newPassword: string,
  keepSessionId: string | null,
): Promise<void> {
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw badRequest('current_password: The current password is not correct.', [
      { path: 'current_password', message: 'The current password is not correct.' },
    ]);
  }
  const passwordHash = await hashPassword(newPassword);
  deps.db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    tx.delete(sessions)
      .where(keepSessionId ? and(eq(sessions.userId, user.id), ne(sessions.id, keepSessionId)) : eq(sessions.userId, user.id))
      .run();
  });
}

/** A superuser edits an account. They cannot lock themselves out (drop their own superuser flag or deactivate themselves). */
export async function updateUser(deps: Deps, actor: UserRow, id: number, body: TUpdateUserBody): Promise<UserRow> {
  const target = getUser(deps, id);
  if (target.id === actor.id) {
    if (body.is_superuser === false) {
      throw badRequest('You cannot remove your own superuser status; ask another superuser to do it.');
    }
    if (body.is_active === false) throw badRequest('You cannot deactivate your own account; ask another superuser to do it.');
  }
  const patch: Partial<typeof users.$inferInsert> = {};
  if (body.email !== undefined) patch.email = body.email;
  if (body.first_name !== undefined) patch.firstName = body.first_name;
  if (body.last_name !== undefined) patch.lastName = body.last_name;
  if (body.is_active !== undefined) patch.isActive = body.is_active;
  if (body.is_superuser !== undefined) patch.isSuperuser = body.is_superuser;
  if (body.global_role !== undefined) patch.globalRole = body.global_role;
  if (body.password !== undefined) patch.passwordHash = await hashPassword(body.password);
  if (Object.keys(patch).length === 0) return target;
  return deps.db.transaction((tx) => {
    const row = tx.update(users).set(patch).where(eq(users.id, id)).returning().get() as UserRow;
    // A password reset or deactivation ends the user's sessions, so an old login cannot keep going.
    if (body.password !== undefined || body.is_active === false) tx.delete(sessions).where(eq(sessions.userId, id)).run();
    return row;
  });
}

export function getMemberships(deps: Deps, userId: number): TMemberships {
  getUser(deps, userId);
  const productTypeRows = deps.db
    .select({ id: productTypes.id, name: productTypes.name, role: productTypeMembers.role })
    .from(productTypeMembers)
    .innerJoin(productTypes, eq(productTypes.id, productTypeMembers.productTypeId))
    .where(eq(productTypeMembers.userId, userId))
    .orderBy(asc(productTypes.name))
    .all();
  const productRows = deps.db
    .select({ id: products.id, name: products.name, role: productMembers.role })
    .from(productMembers)
    .innerJoin(products, eq(products.id, productMembers.productId))
    .where(eq(productMembers.userId, userId))
    .orderBy(asc(products.name))
    .all();
  return {
    product_types: productTypeRows.map((r) => ({ ...r, role: r.role as TRole })),
    products: productRows.map((r) => ({ ...r, role: r.role as TRole })),
  };
}

/** Replace all memberships of a user. Every id must exist; the first unknown one is named in the error. */
export function setMemberships(deps: Deps, userId: number, body: TSetMembershipsBody): TMemberships {
  getUser(deps, userId);
  const productTypeIds = uniqueIds(body.product_types, 'product_types', 'product type');
  const productIds = uniqueIds(body.products, 'products', 'product');
  assertAllExist(deps, productTypeIds, 'product_types', 'product type');
  assertAllExist(deps, productIds, 'products', 'product');
  deps.db.transaction((tx) => {
    tx.delete(productTypeMembers).where(eq(productTypeMembers.userId, userId)).run();
    tx.delete(productMembers).where(eq(productMembers.userId, userId)).run();
    if (body.product_types.length > 0) {
      tx.insert(productTypeMembers)
        .values(body.product_types.map((m) => ({ userId, productTypeId: m.id, role: m.role })))
        .run();
    }
    if (body.products.length > 0) {
      tx.insert(productMembers)
        .values(body.products.map((m) => ({ userId, productId: m.id, role: m.role })))
        .run();
    }
  });
  return getMemberships(deps, userId);
}

function uniqueIds(items: { id: number }[], field: string, label: string): number[] {
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.id)) throw badRequest(`${field}: ${label} ${item.id} is listed twice; give it one role.`);
    seen.add(item.id);
  }
  return [...seen];
}

function assertAllExist(deps: Deps, ids: number[], field: 'product_types' | 'products', label: string) {
  if (ids.length === 0) return;
  const table = field === 'products' ? products : productTypes;
  const found = new Set(
    deps.db
      .select({ id: table.id })
      .from(table)
      .where(inArray(table.id, ids))
      .all()
      .map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(`${field}: there is no ${label} with id ${missing.join(', ')}.`, { field, missing });
  }
}
