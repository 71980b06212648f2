/** Local accounts: creation (with the notification template copied in), profile, password, admin edits and memberships. */
import { randomBytes } from 'node:crypto';
import type { TMemberships, TSetMembershipsBody, TUpdateProfileBody, TUpdateUserBody, TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { deleteRows, findRow, findRows, insertRow, insertRows, updateRows } from '../db/rows';
import { productMembers, productTypeMembers, sessions, users } from '../db/schema';
import { badRequest, conflict, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { revokeAllTokens } from './tokens';

export type TNewUser = {
  username: string;
  email: string;
  /** Required unless isService: a service user gets an unusable random password (it cannot log in). */
  password?: string;
  isService?: boolean;
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
    is_service: row.isService,
    created_at: toIso(row.createdAt),
  };
}

export function findUserById(deps: Deps, id: number): Promise<UserRow | undefined> {
  return findRow(deps.db, users, eq(users.id, id));
}

/** Usernames are unique regardless of case (the index is on the case-folded name). */
export function findUserByUsername(deps: Deps, username: string): Promise<UserRow | undefined> {
  return findRow(deps.db, users, deps.db.fragments.ciEquals(users.username, username));
}

export async function getUser(deps: Deps, id: number): Promise<UserRow> {
  const row = await findUserById(deps, id);
  if (!row) throw notFound(`User ${id}`);
  return row;
}

/** Users whose username, names or email contain `q` (case-insensitive), by username. */
export function listUsers(deps: Deps, q?: string): Promise<UserRow[]> {
  const { ciLike, ciOrder } = deps.db.fragments;
  const needle = q?.trim();
  const pattern = needle ? `%${escapeLike(needle)}%` : '';
  const where = needle
    ? sql`(${ciLike(users.username, pattern)} or ${ciLike(users.email, pattern)}
        or ${ciLike(sql`(${users.firstName} || ' ' || ${users.lastName})`, pattern)})`
    : undefined;
  return findRows(deps.db, users, where, { orderBy: ciOrder(users.username) });
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Active people as {id, username}, for pickers such as an engagement's lead (service users lead nothing). */
export function listUserOptions(deps: Deps): Promise<{ id: number; username: string }[]> {
  return deps.db.all<{ id: number; username: string }>(
    sql`select id, username from users where is_active = 1 and is_service = 0 order by ${deps.db.fragments.ciOrder(sql`username`)}`,
  );
}

/**
 * Create a local account. In the same transaction the user's personal notification settings are
 * copied from the template record, so users created after a template exists start from it.
 */
export async function createUser(deps: Deps, input: TNewUser): Promise<UserRow> {
  const username = input.username.trim();
  if (await findUserByUsername(deps, username)) throw duplicateUsername(username);
  const isService = input.isService ?? false;
  if (!isService && !input.password) throw badRequest('password: Enter a password.', [{ path: 'password', message: 'Enter a password' }]);
  // A service user's password is random and never shown: nobody can log in as it (login refuses it anyway).
  const passwordHash = await hashPassword(input.password ?? randomBytes(32).toString('base64url'));
  try {
    return await deps.db.transaction((tx) =>
      insertUserWithTemplate(tx, {
        username,
        email: input.email,
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        passwordHash,
        isActive: input.isActive ?? true,
        isSuperuser: isService ? false : (input.isSuperuser ?? false),
        globalRole: input.globalRole ?? null,
        slackEmail: input.slackEmail || null,
        isService,
        createdAt: deps.now(),
      }),
    );
  } catch (err) {
    // Two requests racing for one name: the unique index decides.
    if (isUniqueViolation(err)) throw duplicateUsername(username);
    throw err;
  }
}

/** Insert a user row and copy the template into their personal settings. Run it inside a transaction. */
export async function insertUserWithTemplate(db: Database, values: typeof users.$inferInsert): Promise<UserRow> {
  const row = await insertRow(db, users, values);
  await db.run(sql`insert into notification_settings (scope, user_id, event, channels)
    select 'personal', cast(${row.id} as integer), event, channels from notification_settings where scope = 'template'`);
  return row;
}

const duplicateUsername = (username: string) => conflict(`The username "${username}" is already taken (usernames ignore case).`);

/** A user edits their own profile. A new Slack email makes the cached Slack user id stale, so it is cleared. */
export async function updateProfile(deps: Deps, user: UserRow, body: TUpdateProfileBody): Promise<UserRow> {
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
  const [row] = await updateRows(deps.db, users, patch, eq(users.id, user.id));
  if (!row) throw notFound(`User ${user.id}`);
  return row;
}

/**
 * Change one's own password; other sessions of the user are ended, the current one is kept, and every API token
 * of the user is revoked (whoever learnt the old password may have made one).
 */
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
  await deps.db.transaction(async (tx) => {
    await updateRows(tx, users, { passwordHash }, eq(users.id, user.id));
    const ended = await deleteRows(
      tx,
      sessions,
      keepSessionId ? and(eq(sessions.userId, user.id), ne(sessions.id, keepSessionId)) : eq(sessions.userId, user.id),
    );
    await revokeAllTokens(tx, user.id);
    if (ended > 0) await deps.bus.publish(tx, { type: 'sessions-ended', userIds: [user.id] });
  });
}

/** A superuser edits an account. They cannot lock themselves out (drop their own superuser flag or deactivate themselves). */
export async function updateUser(deps: Deps, actor: UserRow, id: number, body: TUpdateUserBody): Promise<UserRow> {
  const target = await getUser(deps, id);
  if (target.id === actor.id) {
    if (body.is_superuser === false) {
      throw badRequest('You cannot remove your own superuser status; ask another superuser to do it.');
    }
    if (body.is_active === false) throw badRequest('You cannot deactivate your own account; ask another superuser to do it.');
  }
  if (target.isService && body.is_superuser === true) {
    throw badRequest('is_superuser: A service user cannot be a superuser.', [
      { path: 'is_superuser', message: 'A service user cannot be a superuser.' },
    ]);
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
  return deps.db.transaction(async (tx) => {
    const [row] = await updateRows(tx, users, patch, eq(users.id, id));
    if (!row) throw notFound(`User ${id}`);
    // A password reset or deactivation ends the user's sessions, so an old login cannot keep going; a reset also
    // revokes the user's API tokens (a deactivated user's tokens stay, refused while the account is inactive).
    if (body.password !== undefined || body.is_active === false) {
      const ended = await deleteRows(tx, sessions, eq(sessions.userId, id));
      if (body.password !== undefined) await revokeAllTokens(tx, id);
      if (ended > 0 || body.is_active === false) await deps.bus.publish(tx, { type: 'sessions-ended', userIds: [id] });
    }
    return row;
  });
}

type TMembershipRow = { id: number; name: string; role: string };

export async function getMemberships(deps: Deps, userId: number): Promise<TMemberships> {
  await getUser(deps, userId);
  const { ciOrder } = deps.db.fragments;
  const productTypeRows = await deps.db.all<TMembershipRow>(sql`select pt.id, pt.name, m.role
    from product_type_members m join product_types pt on pt.id = m.product_type_id
    where m.user_id = ${userId} order by ${ciOrder(sql`pt.name`)}`);
  const productRows = await deps.db.all<TMembershipRow>(sql`select p.id, p.name, m.role
    from product_members m join products p on p.id = m.product_id
    where m.user_id = ${userId} order by ${ciOrder(sql`p.name`)}`);
  return {
    product_types: productTypeRows.map((r) => ({ id: r.id, name: r.name, role: r.role as TRole })),
    products: productRows.map((r) => ({ id: r.id, name: r.name, role: r.role as TRole })),
  };
}

/** Replace all memberships of a user. Every id must exist; the first unknown one is named in the error. */
export async function setMemberships(deps: Deps, userId: number, body: TSetMembershipsBody): Promise<TMemberships> {
  await getUser(deps, userId);
  const productTypeIds = uniqueIds(body.product_types, 'product_types', 'product type');
  const productIds = uniqueIds(body.products, 'products', 'product');
  await assertAllExist(deps.db, productTypeIds, 'product_types', 'product type');
  await assertAllExist(deps.db, productIds, 'products', 'product');
  await deps.db.transaction(async (tx) => {
    await deleteRows(tx, productTypeMembers, eq(productTypeMembers.userId, userId));
    await deleteRows(tx, productMembers, eq(productMembers.userId, userId));
    await insertRows(
      tx,
      productTypeMembers,
      body.product_types.map((m) => ({ userId, productTypeId: m.id, role: m.role })),
    );
    await insertRows(
      tx,
      productMembers,
      body.products.map((m) => ({ userId, productId: m.id, role: m.role })),
    );
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

async function assertAllExist(db: Database, ids: number[], field: 'product_types' | 'products', label: string) {
  if (ids.length === 0) return;
  const table = field === 'products' ? sql`products` : sql`product_types`;
  const rows = await db.all<{ id: number }>(sql`select id from ${table} where ${db.fragments.inIds(sql`id`, ids)}`);
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(`${field}: there is no ${label} with id ${missing.join(', ')}.`, { field, missing });
  }
}
