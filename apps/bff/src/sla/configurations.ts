/**
 * SLA configurations (days per severity, enforced or not), which one each product uses, and the one place
 * that computes findings' SLA expiry. The expiry is sla_start_date + the days of the finding's severity in its
 * product's configuration (the default one when the product has none): sla/rules.ts computeSlaExpiry, written
 * once more as set-based SQL so that changing a configuration recomputes thousands of findings in one
 * statement (configurations.test.ts runs both over the same cases).
 */
import { SEVERITIES, type TSeverity, type TSlaConfigurationBody, type TSlaPeriods, ZSlaConfigurationBody } from '@tocsin/contract/findings';
import type { TProductSla, TSlaConfiguration, TUpdateProductSlaBody } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct } from '../auth/rbac';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { findProductRole, isRoleAtLeast } from '../services/roles';

/** The column prefix of each severity's days and enforced flag in sla_configurations. */
const COLUMN_PREFIX: Record<TSeverity, string> = { Critical: 'critical', High: 'high', Medium: 'medium', Low: 'low', Info: 'info' };

type TConfigurationRow = {
  id: number;
  name: string;
  description: string;
  isDefault: number;
  createdAt: number;
  updatedAt: number;
  productCount: number;
} & Record<`${string}Days`, number | null> &
  Record<`${string}Enforced`, number>;

const CONFIGURATION_COLUMNS = sql.raw(
  [
    'c.id',
    'c.name',
    'c.description',
    'c.is_default as "isDefault"',
    'c.created_at as "createdAt"',
    'c.updated_at as "updatedAt"',
    ...SEVERITIES.flatMap((s) => [
      `c.${COLUMN_PREFIX[s]}_days as "${COLUMN_PREFIX[s]}Days"`,
      `c.${COLUMN_PREFIX[s]}_enforced as "${COLUMN_PREFIX[s]}Enforced"`,
    ]),
  ].join(', '),
);

/** The id of the default configuration, as SQL (there is always one: migration 0006 / pg 0004 inserts it). */
export const DEFAULT_CONFIGURATION_ID_SQL = sql`(select d.id from sla_configurations d where d.is_default = 1 order by d.id limit 1)`;

function toPeriods(row: TConfigurationRow): TSlaPeriods {
  const periods = {} as TSlaPeriods;
  for (const s of SEVERITIES) {
    const prefix = COLUMN_PREFIX[s];
    periods[s] = { days: row[`${prefix}Days`] ?? null, enforced: row[`${prefix}Enforced`] === 1 };
  }
  return periods;
}

const toDto = (row: TConfigurationRow): TSlaConfiguration => ({
  id: row.id,
  name: row.name,
  description: row.description,
  is_default: row.isDefault === 1,
  periods: toPeriods(row),
  product_count: Number(row.productCount),
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

function selectConfigurations(where: SQL = sql`1 = 1`) {
  return sql`select ${CONFIGURATION_COLUMNS},
      (select count(*) from products p
        where p.sla_configuration_id = c.id or (c.is_default = 1 and p.sla_configuration_id is null)) as "productCount"
    from sla_configurations c where ${where}
    order by c.is_default desc, c.name, c.id`;
}

export async function listSlaConfigurations(deps: Deps): Promise<TSlaConfiguration[]> {
  return (await deps.db.all<TConfigurationRow>(selectConfigurations())).map(toDto);
}

export async function getSlaConfiguration(deps: Deps, id: number): Promise<TSlaConfiguration> {
  const row = await deps.db.get<TConfigurationRow>(selectConfigurations(sql`c.id = ${id}`));
  if (!row) throw notFound(`SLA configuration ${id}`);
  return toDto(row);
}

/** The configuration a product uses: its own, or the default. */
export async function findProductSlaConfiguration(db: Database, productId: number): Promise<TSlaConfiguration> {
  const row = await db.get<TConfigurationRow>(
    selectConfigurations(
      sql`c.id = (select coalesce(p.sla_configuration_id, ${DEFAULT_CONFIGURATION_ID_SQL}) from products p where p.id = ${productId})`,
    ),
  );
  if (!row) throw notFound(`Product ${productId}`);
  return toDto(row);
}

// ---------------------------------------------------------------------------
// Expiry, set-based

/**
 * SQL: the SLA expiry of the findings row `findings`, given its product's configuration aliased `c`
 * (computeSlaExpiry of sla/rules.ts: null unless the severity's period is enforced and has days).
 */
function expiryCase(db: Database): SQL {
  const branches = SEVERITIES.map((s) => {
    const prefix = sql.raw(COLUMN_PREFIX[s]);
    return sql`when ${s} then case when c.${prefix}_enforced = 1 and c.${prefix}_days is not null
      then ${db.fragments.addDays(sql`findings.sla_start_date`, sql`c.${prefix}_days`)} end`;
  });
  return sql`case findings.severity ${sql.join(branches, sql` `)} end`;
}

/**
 * Recompute sla_expires_on of the findings matching `where` in one statement. `where` is SQL over the table
 * `findings` and its product `p` (e.g. sql`findings.product_id = 3`). Call it in the transaction of the change that moves the
 * expiry: a new finding, a new severity, a product's other configuration, a configuration's new days.
 */
export async function recomputeSlaExpiry(db: Database, where: SQL): Promise<number> {
  return db.run(sql`update findings set sla_expires_on = ${expiryCase(db)}
    from products p
    left join sla_configurations c on c.id = coalesce(p.sla_configuration_id, ${DEFAULT_CONFIGURATION_ID_SQL})
    where p.id = findings.product_id and ${where}`);
}

// ---------------------------------------------------------------------------
// Configurations (superusers)

function periodValues(periods: TSlaPeriods) {
  return SEVERITIES.map((s) => ({ column: COLUMN_PREFIX[s], days: periods[s].days, enforced: periods[s].enforced }));
}

export async function createSlaConfiguration(deps: Deps, input: TSlaConfigurationBody): Promise<TSlaConfiguration> {
  const body = ZSlaConfigurationBody.parse(input);
  const now = deps.now();
  const values = periodValues(body.periods);
  try {
    const row = await deps.db.get<{ id: number }>(sql`insert into sla_configurations (name, description, is_default,
        ${sql.raw(values.map((v) => `${v.column}_days, ${v.column}_enforced`).join(', '))}, created_at, updated_at)
      values (${body.name}, ${body.description}, 0, ${sql.join(
        values.map((v) => sql`${v.days}, ${v.enforced}`),
        sql`, `,
      )}, ${now}, ${now})
      returning id`);
    return getSlaConfiguration(deps, row!.id);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`An SLA configuration named "${body.name}" already exists (names ignore case).`);
    throw err;
  }
}

/** Replace a configuration's name, description and periods; the findings of every product using it follow at once. */
export async function updateSlaConfiguration(deps: Deps, id: number, input: TSlaConfigurationBody): Promise<TSlaConfiguration> {
  const body = ZSlaConfigurationBody.parse(input);
  const values = periodValues(body.periods);
  await deps.db.transaction(async (tx) => {
    let changed: number;
    try {
      changed = await tx.run(sql`update sla_configurations set name = ${body.name}, description = ${body.description},
          ${sql.join(
            values.map((v) => sql`${sql.raw(`${v.column}_days`)} = ${v.days}, ${sql.raw(`${v.column}_enforced`)} = ${v.enforced}`),
            sql`, `,
          )}, updated_at = ${deps.now()}
        where id = ${id}`);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`An SLA configuration named "${body.name}" already exists (names ignore case).`);
      throw err;
    }
    if (changed === 0) throw notFound(`SLA configuration ${id}`);
    await recomputeSlaExpiry(tx, sql`coalesce(p.sla_configuration_id, ${DEFAULT_CONFIGURATION_ID_SQL}) = ${id}`);
  });
  return getSlaConfiguration(deps, id);
}

/** Delete a configuration no product uses; the default one stays. */
export async function deleteSlaConfiguration(deps: Deps, id: number): Promise<void> {
  const configuration = await getSlaConfiguration(deps, id);
  if (configuration.is_default) throw conflict('The default SLA configuration cannot be deleted: products without their own use it.');
  await deps.db.transaction(async (tx) => {
    const used = await tx.get<{ n: number }>(sql`select count(*) as n from products where sla_configuration_id = ${id}`);
    const n = Number(used?.n ?? 0);
    if (n > 0) {
      throw conflict(
        `"${configuration.name}" is used by ${n} product${n === 1 ? '' : 's'}; give ${n === 1 ? 'it' : 'them'} another configuration first.`,
      );
    }
    await tx.run(sql`delete from sla_configurations where id = ${id}`);
  });
}

// ---------------------------------------------------------------------------
// A product's SLA (its page)

export async function getProductSla(deps: Deps, user: UserRow, productId: number): Promise<TProductSla> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  const product = await deps.db.get<{ slaConfigurationId: number | null; slaNotifications: number }>(
    sql`select sla_configuration_id as "slaConfigurationId", sla_notifications as "slaNotifications" from products where id = ${productId}`,
  );
  if (!product) throw notFound(`Product ${productId}`);
  return {
    product_id: productId,
    configuration: await findProductSlaConfiguration(deps.db, productId),
    uses_default: product.slaConfigurationId === null,
    sla_notifications: product.slaNotifications === 1,
  };
}

/**
 * Maintainers and Owners of the product (and superusers) choose its configuration and switch its SLA notices
 * off or on. A new configuration recomputes the expiry of every finding of the product in the same transaction.
 */
export async function updateProductSla(deps: Deps, user: UserRow, productId: number, body: TUpdateProductSlaBody): Promise<TProductSla> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  if (!isRoleAtLeast(await findProductRole(deps, user, productId), 'Maintainer')) {
    throw forbidden('Changing the SLA of a product needs the Maintainer or Owner role on it (or globally).');
  }
  await deps.db.transaction(async (tx) => {
    if (body.sla_configuration_id !== undefined) {
      if (body.sla_configuration_id !== null) {
        const exists = await tx.get(sql`select id from sla_configurations where id = ${body.sla_configuration_id}`);
        if (!exists) {
          throw badRequest(`sla_configuration_id: there is no SLA configuration with id ${body.sla_configuration_id}.`, [
            { path: 'sla_configuration_id', message: `No SLA configuration with id ${body.sla_configuration_id}` },
          ]);
        }
      }
      await tx.run(sql`update products set sla_configuration_id = ${body.sla_configuration_id} where id = ${productId}`);
      await recomputeSlaExpiry(tx, sql`findings.product_id = ${productId}`);
    }
    if (body.sla_notifications !== undefined) {
      await tx.run(sql`update products set sla_notifications = ${body.sla_notifications} where id = ${productId}`);
    }
  });
  return getProductSla(withDb(deps, deps.db), user, productId);
}
