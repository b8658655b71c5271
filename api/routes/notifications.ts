/**
 * Notifications and their delivery: the admin's list (`?status=failed` for what failed for good)
 * and retry, and one case's notifications for those who may read the case.
 */
import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../common/notifications.js';
import { getNotification, listNotifications, notificationsOfCase, retryFailed } from '../../db/notifications.js';
import type { Pool } from '../../db/pool.js';
import { caseFacts, permits } from '../access-policy.js';
import type { CaseService } from '../case-service.js';
import { claimWrite } from '../idempotent-write.js';
import { IdempotencyHeader } from '../idempotency-key.js';
import { NotificationSchema, presentNotification } from '../notification-presenter.js';
import { notFound } from '../problem.js';
import type { Routes } from '../route.js';
import { CaseIdParam } from '../schemas.js';

const NotificationId = z.string().regex(/^[1-9][0-9]{0,14}$/, 'a notification id');

const ListQuery = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional().meta({ description: 'failed: a delivery failed for good; pending: one is still to go; delivered: all went' }),
  caseId: CaseIdParam.shape.caseId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: NotificationId.optional().meta({ description: "the previous page's `nextCursor` (the id of its last item; older ones follow)", example: '42' }),
});

const NotificationListSchema = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }).meta({ id: 'NotificationList' });

/** What an admin sees: delivery facts, not the notice nor an applicant's address. */
const ADMIN_VIEW = { text: false, applicantAddress: false };

export function notificationRoutes(routes: Routes, cases: CaseService, pool: Pool, idempotencyTtlMs: number): void {
  routes.add({
    method: 'get',
    path: '/v1/notifications',
    summary: 'Notifications with their delivery status, newest first (`?status=failed`: those to repair and retry)',
    tag: 'notifications',
    query: ListQuery,
    responses: { 200: { description: 'A page of notifications', schema: NotificationListSchema } },
    handler: async ({ query }) => {
      const rows = await listNotifications(pool, { status: query.status, caseId: query.caseId, before: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { body: { items: page.map((n) => presentNotification(n, ADMIN_VIEW)), nextCursor: rows.length > query.limit && last ? last.id : null } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/notifications/:id/retry',
    summary: "Put a notification's failed deliveries back to pending, with a fresh set of attempts (no change to others); honours Idempotency-Key",
    tag: 'notifications',
    params: z.strictObject({ id: NotificationId }),
    headers: IdempotencyHeader,
    responses: {
      200: { description: 'The notification, its failed deliveries now pending', schema: NotificationSchema },
      404: { description: 'No such notification' },
      409: { description: 'Idempotency-Key reused for another request' },
    },
    handler: async ({ params, actor, req }) => {
      const known = await getNotification(pool, params.id);
      if (!known) throw notFound(`no notification ${params.id}`);
      // A repeated key does not start another round (the first may have failed again since).
      if ((await claimWrite(pool, idempotencyTtlMs, actor, req, `notification:${params.id}`, { params })) === 'new')
        await retryFailed(pool, params.id, actor.sub);
      return { body: presentNotification((await getNotification(pool, params.id))!, ADMIN_VIEW) };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/notifications',
    summary: "A case's notifications and their delivery (the applicant: its own notices only)",
    tag: 'cases',
    params: CaseIdParam,
    responses: { 200: { description: 'Oldest first', schema: z.array(NotificationSchema) }, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => {
      const facts = caseFacts(await cases.get(actor, params.caseId)); // 404 for a case the caller may not read
      const staff = permits('property: staff notifications', actor, facts);
      const show = { text: true, applicantAddress: permits('property: applicant.contact', actor, facts) };
      const rows = await notificationsOfCase(pool, params.caseId);
      return { body: rows.filter((n) => staff || n.recipientRole === 'applicant').map((n) => presentNotification(n, show)) };
    },
  });
}
