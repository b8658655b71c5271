/**
 * Refusing a request from inside a workflow (typically an update validator). The failure's `type`
 * is what the API reads to answer 403 / 404 / 409 / 400; its message becomes the problem `detail`.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { REFUSAL } from '../../common/errors.js';

const refuse =
  (type: string) =>
  (message: string): never => {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  };

export const forbidden = refuse(REFUSAL.forbidden);
export const conflict = refuse(REFUSAL.conflict);
export const notFound = refuse(REFUSAL.notFound);
export const invalid = refuse(REFUSAL.invalid);
