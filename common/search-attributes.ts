/**
 * Search attributes the engine writes on every case workflow, defined once for the workflow
 * (upserts), the dev server launcher and cluster set-up (registration) and operators
 * (`temporal workflow list --query "CaseStatus='in-review'"`).
 *
 * Search attributes are not encrypted (the server indexes them), so they hold no personal data:
 * ApplicantCode is the enterprise's unified social credit code, its public registration number
 * (printed on its business licence), not contact data; names, phones, emails and pledges travel
 * only in payloads, which the payload codec encrypts. The workflows set no memo.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const TemplateIdKey = defineSearchAttributeKey('TemplateId', SearchAttributeType.KEYWORD);
export const CaseKindKey = defineSearchAttributeKey('CaseKind', SearchAttributeType.KEYWORD);
export const ApplicantCodeKey = defineSearchAttributeKey('ApplicantCode', SearchAttributeType.KEYWORD);
export const PriorityKey = defineSearchAttributeKey('Priority', SearchAttributeType.BOOL);
export const BreachedKey = defineSearchAttributeKey('Breached', SearchAttributeType.BOOL);
export const DeadlineAtKey = defineSearchAttributeKey('DeadlineAt', SearchAttributeType.DATETIME);
export const OpenDeptsKey = defineSearchAttributeKey('OpenDepts', SearchAttributeType.KEYWORD_LIST);

export const CASE_SEARCH_ATTRIBUTES = [
  CaseStatusKey,
  TemplateIdKey,
  CaseKindKey,
  ApplicantCodeKey,
  PriorityKey,
  BreachedKey,
  DeadlineAtKey,
  OpenDeptsKey,
] as const;

/**
 * Every search-attribute type, defined once: the SDK's name (the key; the server's enum is
 * `INDEXED_VALUE_TYPE_<key>`) and the name the Temporal CLI's `--search-attribute NAME=Type` flag takes.
 */
export const CLI_TYPE_NAMES = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const satisfies Record<SearchAttributeType, string>;

export type SearchAttributeTypeName = (typeof CLI_TYPE_NAMES)[SearchAttributeType];

/** The SDK type of a CLI type name (undefined for a name the CLI does not know). */
export function typeOfCliName(name: string): SearchAttributeType | undefined {
  return (Object.keys(CLI_TYPE_NAMES) as SearchAttributeType[]).find((t) => CLI_TYPE_NAMES[t] === name);
}

/** The engine's search attributes, name to type. */
export function caseSearchAttributes(): Record<string, SearchAttributeType> {
  return Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type]));
}

/** The engine's search attributes as the dev server launcher takes them (CLI type names). */
export function searchAttributesForCli(): Record<string, SearchAttributeTypeName> {
  return Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((k) => [k.name, CLI_TYPE_NAMES[k.type]]));
}
