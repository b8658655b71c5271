/**
 * Produce first's own message: the enterprise (or its caseworker) files a certificate for one of the
 * case's obligations. Every other message is every process's (workflows/definitions.ts).
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Actor, FiledDocument } from '../../common/types.js';
import type { CaseReceipt, OnBehalf } from '../../workflows/definitions.js';

/** A certificate filed for one of the case's obligations. */
export interface CertificateInput extends OnBehalf {
  qualification: string;
  number: string;
  issuer: string;
  issuedAt: string;
  /** Resolved by the API from the digest filed (api/documents/resolve.ts). */
  document: FiledDocument;
  actor: Actor;
}

export const fileCertificateUpdate = defineUpdate<CaseReceipt, [CertificateInput]>('fileCertificate');

/** The verification task of a qualification (`verify:<qualification>`), in the case and in its timeline. */
export const verifyTaskId = (qualification: string): string => `verify:${qualification}`;
