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

/** The names the Temporal CLI's `--search-attribute NAME=Type` flag takes. */
export const CLI_TYPE_NAMES: Record<string, 'Keyword' | 'Bool' | 'Datetime' | 'KeywordList'> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function searchAttributesForCli(): Record<string, 'Keyword' | 'Bool' | 'Datetime' | 'KeywordList'> {
  return Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((k) => [k.name, CLI_TYPE_NAMES[k.type] ?? 'Keyword']));
}
