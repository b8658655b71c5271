/**
 * Registers search attributes on a namespace, the one routine for every place that needs them: the
 * engine's attributes on a cluster at worker start and on the time-skipping test server in tests
 * (`ensureSearchAttributes`), and whatever a dev server is launched with (infra/temporal-dev-server.ts).
 */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { Logger } from 'pino';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto, { type temporal } from '@temporalio/proto';
import { caseSearchAttributes, CLI_TYPE_NAMES } from '../common/search-attributes.js';

type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** The server's enum value of a search-attribute type (`INDEXED_VALUE_TYPE_<type>`). */
export function indexedValueType(type: SearchAttributeType): IndexedValueType {
  return proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];
}

/**
 * Adds the attributes of `wanted` that the namespace lacks and returns their names. An attribute that
 * exists with another type is an error (workflows would fail at run time anyway). The time-skipping
 * test server can add attributes but not list them: then all are added.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Record<string, SearchAttributeType>,
  logger?: Logger,
): Promise<string[]> {
  if (Object.keys(wanted).length === 0) return [];
  const existing: Record<string, number> = await connection.operatorService
    .listSearchAttributes({ namespace })
    .then((r) => ({ ...(r.customAttributes ?? {}) }))
    .catch(() => ({}));
  const missing: Record<string, IndexedValueType> = {};
  const mismatched: string[] = [];
  for (const [name, type] of Object.entries(wanted)) {
    const want = indexedValueType(type);
    const have = existing[name];
    if (have === undefined) missing[name] = want;
    else if (have !== want) mismatched.push(`${name} (wanted ${CLI_TYPE_NAMES[type]}, server has type #${have})`);
  }
  if (mismatched.length > 0) {
    throw new Error(
      `search attributes with a different type already exist in namespace ${namespace}: ${mismatched.join(', ')}. ` +
        'Delete the dev db file or rename the attribute.',
    );
  }
  const added = Object.keys(missing);
  if (added.length === 0) return [];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  logger?.info({ namespace, added }, 'search attributes registered');
  return added;
}

/** Registers the engine's search attributes; where that is not allowed (Temporal Cloud), says what is needed. */
export async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  const wanted = caseSearchAttributes();
  try {
    await registerSearchAttributes(connection, namespace, wanted, logger);
  } catch (err) {
    // Temporal Cloud registers attributes through its own control plane; say what is needed.
    logger.warn(
      { err, needed: Object.entries(wanted).map(([name, type]) => `${name}:${type}`) },
      'could not register search attributes; register them on the namespace',
    );
  }
}
