/**
 * The e-mail channel: one plain-text mail per notification through the SMTP server of SMTP_URL
 * (nodemailer). The Message-ID is the delivery id, so a mail sent again after a crash between the
 * server's acceptance and our record of it carries the same id as the first.
 */
import nodemailer from 'nodemailer';
import { DeliveryError, plainTextOf, subjectOf, type NotificationChannel } from './delivery.js';

export interface EmailSettings {
  url: string;
  from: string;
}

/** Where mail goes, for logs: the server without its credentials. */
export function smtpServerOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export function emailChannel(settings: EmailSettings): NotificationChannel {
  const transport = nodemailer.createTransport({ url: settings.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    name: 'email',
    needsAddress: true,
    async send(d) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: d.recipient.address!,
          subject: subjectOf(d),
          text: plainTextOf(d),
          messageId: `<${d.deliveryId}@onestop>`,
          headers: { 'X-OneStop-Delivery': d.deliveryId, 'X-OneStop-Case': d.caseId, 'X-OneStop-Kind': d.kind },
        });
      } catch (err) {
        const e = err as Error & { responseCode?: number; code?: string };
        // SMTP 5xx is a permanent refusal (RFC 5321): the same mail would be refused again.
        const final = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new DeliveryError(`SMTP ${e.responseCode ?? e.code ?? 'error'}: ${e.message}`, final);
      }
    },
    async close() {
      transport.close();
    },
  };
}
