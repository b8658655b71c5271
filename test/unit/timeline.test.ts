import { defaultPayloadConverter } from '@temporalio/common';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time.js';
import proto, { type temporal } from '@temporalio/proto';
import type { OneStopView } from '../../processes/one-stop/view.js';
import { publicationRecord } from '../../publication/protocol.js';
import { describe, expect, it } from 'vitest';
import { timelineFromHistory, type TimelineDelivery } from '../../audit/timeline.js';
import type { NotificationInput } from '../../common/notifications.js';
import type { Actor } from '../../common/types.js';
import { workflowTypeOf, type OpenCaseInput } from '../../processes/registry.js';
import { type CaseReceipt, type DecisionInput, type SupplementInput } from '../../workflows/definitions.js';
import { OneStopTemplate } from '../../processes/one-stop/template.js';
import { filedDocument } from '../support/documents.js';

const EventType = proto.temporal.api.enums.v1.EventType;
type IHistoryEvent = temporal.api.history.v1.IHistoryEvent;

const T0 = Date.parse('2024-03-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const enc = (v: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(v)] });

const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const health: Actor = { sub: 'hong', name: 'Officer Hong', roles: ['caseworker'], dept: 'health' };
const applicantActor: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: '91350100M000100Y43' };

const template = OneStopTemplate.parse({
  id: 'mask-line-fast-track',
  title: 'New mask production line',
  kind: 'one-stop-approval',
  sla: 'PT48H',
  departments: [
    { dept: 'market-regulation', title: 'Business licence', sla: 'PT24H' },
    { dept: 'health', title: 'Hygiene permit' },
  ],
});

const openInput: OpenCaseInput = {
  caseId: 'case-1',
  template,
  templateVersion: 3,
  applicant: {
    creditCode: '91350100M000100Y43',
    name: 'Acme Protective Equipment Co., Ltd.',
    contact: { name: 'Zhang Wei', phone: '+86 591 8888 0000', email: 'zhang.wei@acme.example' },
  },
  details: { capacity: 100000 },
  openedBy: opener,
  priority: true,
};

function caseView(over: Partial<OneStopView> = {}): OneStopView {
  return {
    caseId: 'case-1',
    number: 'MLFT-2026-000001',
    templateId: template.id,
    templateVersion: 3,
    kind: 'one-stop-approval',
    title: template.title,
    status: 'in-review',
    priority: true,
    openedAt: iso(T0),
    openedBy: 'alice',
    openedByName: 'Alice Li',
    openedByDept: 'service-centre',
    closedAt: null,
    applicant: { creditCode: openInput.applicant.creditCode, name: openInput.applicant.name },
    details: {},
    documents: [],
    sla: { deadlineAt: iso(T0 + 48 * 3600_000), paused: false, pausedMs: 0, breached: false, breachedAt: null, supplementDueAt: null, calendar: null },
    tasks: [],
    escalations: [],
    supplements: [],
    comments: [],
    decision: null,
    ...over,
  };
}

const ev = (ms: number, type: temporal.api.enums.v1.EventType, attrs: Partial<IHistoryEvent>): IHistoryEvent => ({
  eventId: null,
  eventTime: msNumberToTs(ms),
  eventType: type,
  ...attrs,
});
const accepted = (ms: number, updateId: string, name: string, arg: unknown) =>
  ev(ms, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
    workflowExecutionUpdateAcceptedEventAttributes: {
      protocolInstanceId: updateId,
      acceptedRequest: { meta: { updateId, identity: 'api' }, input: { name, args: enc(arg) } },
    },
  });
const completed = (ms: number, updateId: string, result: CaseReceipt) =>
  ev(ms, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
    workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId }, outcome: { success: enc(result) } },
  });
const scheduledActivity = (ms: number, name: string, input: unknown) =>
  ev(ms, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
    activityTaskScheduledEventAttributes: { activityId: `${name}-${ms}`, activityType: { name }, input: enc(input) },
  });
/** A local activity's marker, as the SDK's core records it: what ran (`data`) and what it answered (`result`). */
const localActivity = (ms: number, activityType: string, result: unknown) =>
  ev(ms, EventType.EVENT_TYPE_MARKER_RECORDED, {
    markerRecordedEventAttributes: {
      markerName: 'core_local_activity',
      details: { data: enc({ seq: 1, attempt: 1, activity_id: String(ms), activity_type: activityType }), result: enc(result) },
    },
  });
/** A publication that took `notifications` to the outbox (publishCase answers with its record of them). */
let publications = 0;
const published = (ms: number, ...notifications: NotificationInput[]) =>
  localActivity(ms, 'publishCase', publicationRecord('case-1', ++publications, notifications));
const receipt = (seq: number, extra: Pick<CaseReceipt, 'resumed'> = {}): CaseReceipt => ({ caseId: 'case-1', seq, ...extra });

const H = 3600_000;
const decision: DecisionInput = {
  taskId: 'health',
  outcome: 'request-info',
  comment: 'need the floor plan',
  requestedDocuments: ['floor-plan'],
  actor: health,
};
const supplement: SupplementInput = { documents: [filedDocument('floor-plan')], note: 'attached', actor: applicantActor };
const escalation: NotificationInput = {
  key: 'case-1:escalation:market-regulation:1',
  caseId: 'case-1',
  kind: 'escalation',
  taskId: 'market-regulation',
  action: 'reminder',
  level: 1,
  recipient: { dept: 'market-regulation', role: 'caseworker' },
  at: iso(T0 + 12 * H),
  message: 'Business licence is at 50% of its SLA',
};
const closedNotice: NotificationInput = {
  ...escalation,
  key: 'case-1:closed',
  kind: 'case-closed',
  taskId: null,
  action: null,
  level: null,
  recipient: { dept: null, role: 'applicant' },
  message: 'closed',
};
const finalView = caseView({
  status: 'rejected',
  closedAt: iso(T0 + 20 * H),
  sla: { deadlineAt: iso(T0 + 50 * H), paused: false, pausedMs: 2 * H, breached: false, breachedAt: null, supplementDueAt: null, calendar: null },
  decision: { status: 'rejected', number: null, at: iso(T0 + 20 * H), by: 'hong', reasons: [{ taskId: 'health', reason: 'unsafe' }], followUps: [] },
  tasks: [
    {
      taskId: 'market-regulation',
      dept: 'market-regulation',
      title: 'Business licence',
      status: 'cancelled',
      openedAt: iso(T0),
      dueAt: iso(T0 + 26 * H),
      outcome: null,
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      decidedNetMs: null,
      comment: null,
      requestedDocuments: [],
      escalationLevel: 1,
      slaMs: 24 * H,
      remainingMs: null,
      assignee: null,
      assigneeName: null,
    },
    {
      taskId: 'health',
      dept: 'health',
      title: 'Hygiene permit',
      status: 'decided',
      openedAt: iso(T0),
      dueAt: iso(T0 + 50 * H),
      outcome: 'reject',
      decidedBy: 'hong',
      decidedByName: 'Officer Hong',
      decidedAt: iso(T0 + 20 * H),
      decidedNetMs: 18 * H,
      comment: 'unsafe',
      requestedDocuments: [],
      escalationLevel: 0,
      slaMs: 48 * H,
      remainingMs: null,
      assignee: null,
      assigneeName: null,
    },
  ],
});

const history: temporal.api.history.v1.IHistory = {
  events: [
    ev(T0, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: { workflowType: { name: workflowTypeOf('one-stop-approval') }, input: enc(openInput) },
    }),
    ev(T0 + 10, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, { workflowTaskScheduledEventAttributes: {} }),
    ev(T0 + 2 * H, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED, {}),
    accepted(T0 + 2 * H, 'u-decide', 'decide', decision),
    completed(T0 + 2 * H + 5, 'u-decide', receipt(2)),
    accepted(T0 + 4 * H, 'u-supp', 'supplement', supplement),
    completed(T0 + 4 * H + 5, 'u-supp', receipt(3, { resumed: { stoppedMs: 2 * H, deadlineAt: iso(T0 + 50 * H) } })),
    published(T0 + 14 * H, escalation),
    // other activities and local activities: no entry
    scheduledActivity(T0 + 14 * H + 1, 'writeAudit', { anything: true }),
    localActivity(T0 + 14 * H + 2, 'projectCase', null),
    // accepted, then failed in its handler: must not appear
    accepted(T0 + 15 * H, 'u-failed', 'decide', { ...decision, taskId: 'market-regulation', outcome: 'approve', actor: health }),
    ev(T0 + 15 * H + 5, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
      workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'u-failed' }, outcome: { failure: { message: 'task already decided' } } },
    }),
    // a completion for an update never accepted: ignored
    completed(T0 + 16 * H, 'u-unknown', receipt(5)),
    accepted(T0 + 20 * H, 'u-reject', 'decide', { taskId: 'health', outcome: 'reject', comment: 'unsafe', actor: health } satisfies DecisionInput),
    completed(T0 + 20 * H + 5, 'u-reject', receipt(6)),
    published(T0 + 20 * H + 6, closedNotice),
    ev(T0 + 20 * H + 10, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, { workflowExecutionCompletedEventAttributes: { result: enc(finalView) } }),
  ],
};

describe('timelineFromHistory', () => {
  it('event times are Long seconds plus nanos (tsToMs calls Long methods; a plain number would not do)', () => {
    const ts = msNumberToTs(T0 + 123);
    expect(typeof ts.seconds).toBe('object');
    expect(ts.nanos).toBe(123_000_000);
    expect(tsToMs(ts)).toBe(T0 + 123);
  });

  const timeline = timelineFromHistory(history);

  it('lists the entries in history order', () => {
    expect(timeline.map((e) => e.type)).toEqual([
      'case-opened',
      'decision',
      'clock-stopped',
      'supplement-filed',
      'clock-resumed',
      'escalation',
      'decision',
      'case-closed',
    ]);
  });

  it('case-opened: the opener, template and applicant', () => {
    expect(timeline[0]).toEqual({
      at: iso(T0),
      type: 'case-opened',
      actor: { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' },
      details: {
        templateId: 'mask-line-fast-track',
        templateVersion: 3,
        kind: 'one-stop-approval',
        applicant: { creditCode: '91350100M000100Y43', name: 'Acme Protective Equipment Co., Ltd.' },
        priority: true,
        // The documents filed with the opening (none here): digest, name, type and size of each.
        documents: [],
        sla: 'PT48H',
        tasks: ['market-regulation', 'health'],
      },
    });
  });

  it('a request-info decision: the decision at its acceptance time, then the clock stop', () => {
    const actor = { sub: 'hong', name: 'Officer Hong', roles: ['caseworker'], dept: 'health' };
    expect(timeline[1]).toEqual({
      at: iso(T0 + 2 * H),
      type: 'decision',
      actor,
      taskId: 'health',
      details: { outcome: 'request-info', comment: 'need the floor plan', requestedDocuments: ['floor-plan'] },
    });
    expect(timeline[2]).toEqual({ at: iso(T0 + 2 * H), type: 'clock-stopped', actor, taskId: 'health', details: { reason: 'request-info' } });
  });

  it('a supplement: filed by the applicant (no org leaked), clock resumed with the stop length and the new deadline', () => {
    const actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'] };
    expect(timeline[3]).toEqual({
      at: iso(T0 + 4 * H),
      type: 'supplement-filed',
      actor,
      details: { documents: [filedDocument('floor-plan')], note: 'attached' },
    });
    expect(timeline[4]).toEqual({
      at: iso(T0 + 4 * H),
      type: 'clock-resumed',
      actor,
      details: { stoppedMs: 2 * H, deadlineAt: iso(T0 + 50 * H) },
    });
  });

  it('an escalation: by the system, at the workflow time it carries', () => {
    expect(timeline[5]).toEqual({
      at: iso(T0 + 12 * H),
      type: 'escalation',
      taskId: 'market-regulation',
      actor: { sub: 'system', name: 'OneStop engine', roles: [] },
      details: {
        action: 'reminder',
        level: 1,
        recipient: { dept: 'market-regulation', role: 'caseworker' },
        message: 'Business licence is at 50% of its SLA',
      },
    });
  });

  it('a failed update leaves no entry', () => {
    expect(timeline.filter((e) => e.type === 'decision').map((e) => e.taskId)).toEqual(['health', 'health']);
    expect(timeline.some((e) => (e.details as { outcome?: string }).outcome === 'approve')).toBe(false);
  });

  it('a decision without comment or requested documents', () => {
    expect(timeline[6]).toEqual({
      at: iso(T0 + 20 * H),
      type: 'decision',
      actor: { sub: 'hong', name: 'Officer Hong', roles: ['caseworker'], dept: 'health' },
      taskId: 'health',
      details: { outcome: 'reject', comment: 'unsafe' },
    });
  });

  it('case-closed: status, decision, cancelled tasks, pause and breach', () => {
    expect(timeline[7]).toEqual({
      at: iso(T0 + 20 * H + 10),
      type: 'case-closed',
      details: {
        status: 'rejected',
        decision: finalView.decision,
        cancelledTasks: ['market-regulation'],
        pausedMs: 2 * H,
        breached: false,
      },
    });
    expect(timeline[7]?.actor).toBeUndefined();
  });

  it('terminated and failed executions are listed with their reason', () => {
    const t = timelineFromHistory({
      events: [
        ev(T0, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, { workflowExecutionTerminatedEventAttributes: { reason: 'operator' } }),
        ev(T0 + 1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, { workflowExecutionFailedEventAttributes: { failure: { message: 'boom' } } }),
      ],
    });
    expect(t).toEqual([
      { at: iso(T0), type: 'case-terminated', details: { reason: 'operator' } },
      { at: iso(T0 + 1), type: 'case-failed', details: { message: 'boom' } },
    ]);
  });

  it("an update's entries come before what was published while it ran (published before the update completed)", () => {
    const reminder: NotificationInput = { ...escalation, key: 'case-1:escalation:health:1', taskId: 'health', at: iso(T0 + 3 * H) };
    const t = timelineFromHistory({
      events: [
        accepted(T0 + H, 'u-a', 'decide', { taskId: 'health', outcome: 'approve', actor: health } satisfies DecisionInput),
        accepted(T0 + H + 1, 'u-b', 'withdraw', { reason: 'moved', actor: applicantActor }),
        published(T0 + H + 2, { ...escalation, kind: 'follow-up', at: iso(T0 + H) }),
        completed(T0 + H + 3, 'u-b', receipt(2)),
        completed(T0 + H + 4, 'u-a', receipt(3)),
        published(T0 + 3 * H, reminder),
      ],
    });
    expect(t.map((e) => e.type)).toEqual(['decision', 'withdrawn', 'follow-up-notified', 'escalation']);
  });

  it("reads OneStop's publication record wherever a marker holds it, and nothing else a marker holds", () => {
    const record = publicationRecord('case-1', 7, [escalation]);
    const marker = (name: string, details: Record<string, temporal.api.common.v1.IPayloads>) =>
      ev(T0 + H, EventType.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: name, details } });
    const renamed = marker('a-later-sdk-name', { outcome: enc(record) });
    expect(timelineFromHistory({ events: [renamed] }).map((e) => e.type)).toEqual(['escalation']);
    // The notifications alone (untagged), another activity's answer, and a payload in an encoding not JSON: no entry.
    const untagged = marker('core_local_activity', { result: enc([escalation]) });
    const other = marker('core_local_activity', { result: enc({ record: 'something-else', version: 1, seq: 1, notifications: [escalation] }) });
    const binary = marker('core_local_activity', {
      result: { payloads: [{ metadata: { encoding: Buffer.from('binary/unknown') }, data: Buffer.from([1, 2]) }] },
    });
    expect(timelineFromHistory({ events: [untagged, other, binary] })).toEqual([]);
  });

  it("a process's own notices take the entry its timeline.ts gives them", () => {
    const notice = (kind: NotificationInput['kind'], role: NotificationInput['recipient']['role']): NotificationInput => ({
      ...escalation,
      key: `case-1:${kind}:${role}`,
      kind,
      action: null,
      level: null,
      recipient: { dept: role === 'applicant' ? null : 'market-regulation', role },
    });
    const kinds: [NotificationInput, string][] = [
      [notice('follow-up', 'caseworker'), 'follow-up-notified'],
      [notice('deemed-approved', 'caseworker'), 'deemed-approved'],
      [notice('permit-issued', 'caseworker'), 'permit-issued'],
      [notice('obligation-overdue', 'caseworker'), 'obligation-overdue'],
      [notice('obligation-overdue', 'applicant'), 'applicant-notified'],
      [notice('suspended', 'caseworker'), 'suspended'],
      [notice('prepayment', 'applicant'), 'applicant-notified'],
      [notice('settlement', 'applicant'), 'applicant-notified'],
    ];
    const t = timelineFromHistory({ events: kinds.map(([n], i) => published(T0 + i, n)) });
    expect(t.map((e) => e.type)).toEqual(kinds.map(([, type]) => type));
    expect(t[4]?.details).toMatchObject({ kind: 'obligation-overdue', recipient: { role: 'applicant' } });
    expect(t[1]?.details).toEqual({ message: escalation.message });
  });

  it('an empty history gives an empty timeline', () => {
    expect(timelineFromHistory({})).toEqual([]);
    expect(timelineFromHistory({ events: [] })).toEqual([]);
  });
});

describe('timelineFromHistory with the delivery of each notification', () => {
  const delivered: TimelineDelivery = {
    notificationId: '7',
    status: 'delivered',
    channels: [{ channel: 'email', status: 'delivered', attempts: 1, reason: null, deliveredAt: iso(T0 + 14 * H + 50), nextAttemptAt: null }],
  };
  const failed: TimelineDelivery = {
    notificationId: '8',
    status: 'failed',
    channels: [{ channel: 'email', status: 'failed', attempts: 10, reason: 'SMTP 550: mailbox <address> unavailable', deliveredAt: null, nextAttemptAt: null }],
  };
  const outbox = new Map([
    [escalation.key, delivered],
    [closedNotice.key, failed],
  ]);
  const timeline = timelineFromHistory(history, (key) => outbox.get(key));

  it('a notification event carries its delivery; the closing notice rides on case-closed', () => {
    expect(timeline.map((e) => e.type)).toEqual(timelineFromHistory(history).map((e) => e.type));
    expect(timeline[5]?.details).toMatchObject({ action: 'reminder', delivery: delivered });
    expect(timeline[7]?.details.notices).toEqual([{ recipient: closedNotice.recipient, message: 'closed', delivery: failed }]);
  });

  it('a notification the outbox has no row for yet is pending; a kind without an entry of its own gets a generic one', () => {
    const later = {
      ...escalation,
      key: 'case-1:licence-renewal:1',
      kind: 'licence-renewal' as unknown as NotificationInput['kind'],
      message: 'renew the licence',
    };
    const t = timelineFromHistory({ events: [published(T0 + H, later)] }, () => undefined);
    expect(t).toEqual([
      {
        at: later.at,
        type: 'notification',
        taskId: 'market-regulation',
        actor: { sub: 'system', name: 'OneStop engine', roles: [] },
        details: {
          kind: 'licence-renewal',
          recipient: later.recipient,
          message: 'renew the licence',
          delivery: { notificationId: null, status: 'pending', channels: [] },
        },
      },
    ]);
  });
});
