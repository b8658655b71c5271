/**
 * Registers the engine's search attributes on a namespace that lacks them: a cluster at worker
 * start, the time-skipping test server in tests (the dev server launcher registers them itself).
 */
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { CASE_SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto, { type temporal } from '@temporalio/proto';

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  try {
    // The time-skipping test server can add attributes but not list them: then add them all.
    const have = await connection.operatorService
      .listSearchAttributes({ namespace })
      .then((r) => new Set(Object.keys(r.customAttributes ?? {})))
      .catch(() => new Set<string>());
    const missing = CASE_SEARCH_ATTRIBUTES.filter((k) => !have.has(k.name));
    if (!missing.length) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type] as temporal.api.enums.v1.IndexedValueType])),
    });
    logger.info({ added: missing.map((k) => k.name) }, 'search attributes registered');
  } catch (err) {
    // Temporal Cloud registers attributes through its own control plane; say what is needed.
    logger.warn({ err, needed: CASE_SEARCH_ATTRIBUTES.map((k) => `${k.name}:${k.type}`) }, 'could not register search attributes; register them on the namespace');
  }
}
