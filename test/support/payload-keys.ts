/**
 * Payload keys for tests. Each test process draws a fresh random key (nothing a test run writes
 * to Temporal is readable afterwards without it), except the saved histories, which must replay in
 * every later run and so are encrypted with a fixed key committed here.
 */
import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, encryptingDataConverter } from '../../infra/payload-codec.js';
import { parsePayloadKeys } from '../../infra/payload-keys.js';

/** A random `id:base64key` entry. */
export function randomKeyEntry(id = `test-${randomBytes(3).toString('hex')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** This test process's key list (PAYLOAD_KEYS format). */
export const TEST_PAYLOAD_KEYS = randomKeyEntry();

export function codecFor(keys: string): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(parsePayloadKeys(keys, 'test keys'));
}

export function dataConverterFor(keys: string): DataConverter {
  return encryptingDataConverter(codecFor(keys));
}

export const testDataConverter: DataConverter = dataConverterFor(TEST_PAYLOAD_KEYS);

/**
 * TEST-ONLY key of the saved encrypted histories (test/histories/…/*.encrypted.json). It protects
 * nothing: those histories hold fixtures, not personal data. Never use it anywhere else.
 */
export const HISTORY_TEST_KEYS = 'histories-test-only-2026:Mf3QnYXZk0T8l6m0u8f4b1Qm8h5p7Qk2s9V3x0c6Ywo=';
