/**
 * The signed webhook: every notification POSTed as JSON to NOTIFY_WEBHOOK_URL, with
 * `X-OneStop-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with NOTIFY_WEBHOOK_SECRET>`
 * and `X-OneStop-Delivery: <delivery id>` (the same on every attempt of the delivery, and so is the
 * body). Any 2xx is delivered; 408, 429, 5xx and network errors are tried again; another 4xx is final.
 */
import { createHmac } from 'node:crypto';
import { DeliveryError, type Delivery, type NotificationChannel } from './delivery.js';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** The JSON body: the same for every attempt of a delivery (no attempt number, no send time). */
export function webhookBody(d: Delivery): string {
  return JSON.stringify({
    id: d.id,
    deliveryId: d.deliveryId,
    caseId: d.caseId,
    caseNumber: d.caseNumber,
    kind: d.kind,
    taskId: d.taskId,
    action: d.action,
    level: d.level,
    recipient: { type: d.recipient.type, dept: d.recipient.dept, address: d.recipient.address },
    text: d.text,
    at: d.at,
  });
}

export function signature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

const RETRYABLE_4XX = new Set([408, 425, 429]);

export function webhookChannel(settings: WebhookSettings): NotificationChannel {
  return {
    name: 'webhook',
    needsAddress: true,
    async send(d) {
      const body = webhookBody(d);
      let res: Response;
      try {
        res = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'OneStop-Notifications',
            'X-OneStop-Delivery': d.deliveryId,
            'X-OneStop-Signature': signature(settings.secret, body),
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        throw new DeliveryError(
          `webhook unreachable: ${e.name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : (e.cause?.code ?? e.message)}`,
        );
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return;
      const final = res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status);
      throw new DeliveryError(`webhook answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, final);
    },
  };
}
