/** The channels a worker delivers on, from its settings: e-mail and/or the webhook, else the log. */
import type { Logger } from 'pino';
import type { Config } from '../../infra/config.js';
import type { NotificationChannel } from './delivery.js';
import { emailChannel, smtpServerOf } from './email.js';
import { logChannel } from './log.js';
import { webhookChannel } from './webhook.js';

export function channelsFromConfig(config: Config, logger: Logger): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (config.SMTP_URL) {
    channels.push(emailChannel({ url: config.SMTP_URL, from: config.SMTP_FROM }));
    logger.info({ server: smtpServerOf(config.SMTP_URL), from: config.SMTP_FROM }, 'notifications go out by e-mail');
  }
  if (config.NOTIFY_WEBHOOK_URL && config.NOTIFY_WEBHOOK_SECRET) {
    channels.push(webhookChannel({ url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET, timeoutMs: config.NOTIFY_WEBHOOK_TIMEOUT_MS }));
    logger.info({ url: new URL(config.NOTIFY_WEBHOOK_URL).origin }, 'notifications go out on the signed webhook');
  }
  if (!channels.length) {
    channels.push(logChannel(logger));
    logger.info('no SMTP_URL or NOTIFY_WEBHOOK_URL: notifications go to the log only');
  }
  return channels;
}
