/**
 * Push, send: one op's request (after a check against the server when an earlier attempt's
 * outcome is unknown), and the record its 2xx answer means.
 */
import { ApiError, type PartialRemoteActivity } from '../../api/client.ts';
import { type Activity, type ActivityType, type CreateActivityInput, isPartialRemote, normalizeRemote, rescheduledCopy, toIsoInstant, utcDay } from '../../domain/index.ts';
import type { LocalActivity, OutboxOp } from '../types.ts';
import { handleFailure, settleThenNext } from './answer.ts';
import { claim, nextStep, singleExtra, withServerRefs } from './claim.ts';
import { applied, CLIENT_MARKER, expectedAfter, isRescheduledCopy, MAX_LOOKUP_DETAILS, mergeAnswer, refIds, withMarker } from './rules.ts';
import type { LidStep, PushRun, Success } from './run.ts';

// ------------------------------------------------------------------ single op
/** Returns the lid's next step (read, and claimed, in the same transaction as this result), or null to stop. */
export async function sendOne(run: PushRun, op0: OutboxOp, row: LocalActivity, claimed = false): Promise<LidStep | null> {
  const [op] = claimed ? [op0] : await claim(run, [op0], (cur) => singleExtra(cur, row));
  if (!op) return null;
  let ok: Success;
  try {
    ok = await execute(run, op, row);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return (await handleFailure(run, op, row, e)) ? nextStep(run, op.lid) : null;
  }
  const next = await settleThenNext(run, op, ok);
  run.report.succeeded++;
  run.onProgress();
  return next;
}

export async function execute(run: PushRun, op: OutboxOp, row: LocalActivity): Promise<Success> {
  const sid = row.server_id;
  const known = row.base;
  // Check the server before resending when its idempotency cannot recognise the earlier attempt:
  // it has none, or the earlier attempt went out in a bulk request under the bulk's key.
  const verify = op.maybe_sent === true && (!run.idempotent() || op.bulk_key !== undefined);
  const at = toIsoInstant(op.created_at);
  if (op.kind === 'create') {
    // claim.ts sends no op whose related record is still only local, so the refs resolve here.
    const body = withMarker(withServerRefs(run, op.payload) ?? op.payload, op.op_id);
    if (verify) {
      const found = await findCreated(run, op, body);
      if (found) return { remote: found };
    }
    run.report.requests++;
    const res = await run.client.createActivity(body, op.op_id);
    const expected = expectedAfter(op, null, body, at, res.data.id);
    return { remote: await completed(run, expected && { ...expected, created_by: row.created_by ?? null }, res.data) };
  }
  if (!sid) throw new Error('push: op without server id');
  if (op.kind === 'delete') {
    if (verify) {
      const cur = await getOrNull(run, sid);
      if (!cur) return { remote: null, deleted: true };
    }
    try {
      run.report.requests++;
      await run.client.deleteActivity(sid, op.op_id);
    } catch (e) {
      // 404 on delete: already gone, which is what we wanted.
      if (e instanceof ApiError && e.kind === 'not_found') return { remote: null, deleted: true };
      throw e;
    }
    return { remote: null, deleted: true };
  }
  const patch = op.kind === 'update' ? withServerRefs(run, op.payload) ?? op.payload : null;
  const sent: Record<string, unknown> = patch ?? op.payload;
  // Our first attempt may have applied: a resend could be refused because of it (a PATCH to
  // waiting, then "A waiting activity cannot be updated") or apply it twice (reschedule).
  if (verify) {
    const cur = await getOrNull(run, sid);
    if (cur && applied(op, cur, sent)) return { remote: cur, child: await findChild(run, op, row, cur) };
  }
  try {
    run.report.requests++;
    if (op.kind === 'update') {
      const res = await run.client.updateActivity(sid, patch ?? op.payload, op.op_id);
      return { remote: await completed(run, expectedAfter(op, known, sent, at), res.data) };
    }
    if (op.kind === 'complete') {
      const res = await run.client.completeActivity(sid, op.payload, op.op_id);
      return { remote: await completed(run, expectedAfter(op, known, op.payload, at), res.data) };
    }
    if (op.kind === 'reschedule') {
      const res = await run.client.rescheduleActivity(sid, op.payload, op.op_id);
      return { remote: await completed(run, expectedAfter(op, known, op.payload, at), res.data) };
    }
    const input = op.payload;
    const res = await run.client.cancelActivity(sid, input, op.op_id);
    const cancelled = await completed(run, expectedAfter(op, known, input, at), res.data.cancelled);
    let child: Activity | null = null;
    if (res.data.rescheduled && known && input.reschedule_date) {
      child = await completed(run, rescheduledCopy(known, input.reschedule_date, res.data.rescheduled.id, at), res.data.rescheduled);
    } else if (res.data.rescheduled) {
      child = await completed(run, null, res.data.rescheduled);
    } else {
      // The guide's cancel answer does not show the copy it made: look it up like after a lost answer.
      child = await findChild(run, op, row, cancelled);
    }
    return { remote: cancelled, child };
  } catch (e) {
    // 409/422 after a maybe-sent attempt: our earlier request may be what changed the status.
    if (e instanceof ApiError && op.maybe_sent === true && (e.kind === 'conflict' || e.status === 422)) {
      const cur = await getOrNull(run, sid);
      if (cur && applied(op, cur, sent)) return { remote: cur, child: await findChild(run, op, row, cur) };
    }
    throw e;
  }
}

/** A 2xx answer as the full record: merged over what we expected (mergeAnswer), else the detail endpoint. */
export async function completed(run: PushRun, expected: Activity | null, answer: PartialRemoteActivity): Promise<Activity> {
  const merged = mergeAnswer(expected, answer);
  if (merged) return merged;
  // Applied (a 2xx) but not enough to show the row: fetch it. A failure here is a failed read:
  // the op is resent only after the check against the server (maybe_sent; see execute).
  let cur: Activity | null;
  try {
    cur = await getOrNull(run, answer.id);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    throw new ApiError(e.status, e.kind === 'auth' ? 'auth' : 'transient', e.message, e.errors, e.retryAfterMs, true);
  }
  // Gone right after our write: someone deleted it; the row says so (a "deleted on the server" conflict).
  if (!cur) throw new ApiError(404, 'not_found', 'The CRM no longer has this activity');
  return cur;
}

export async function getOrNull(run: PushRun, id: string): Promise<Activity | null> {
  try {
    run.report.requests++;
    return normalizeRemote((await run.client.getActivity(id)).data);
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'not_found') return null;
    throw e;
  }
}

/**
 * Matching rule for a create of unknown outcome on a server without idempotency: the create
 * body carries custom_fields._fb_op = op id (a client marker nobody else writes). Candidates are
 * listed narrowly (same related record, type and, when due, the UTC due day) and a candidate is
 * ours only if its marker equals this op id; list items without custom fields are completed from
 * the detail endpoint first. No marker match → the create did not happen and is sent again.
 */
export async function findCreated(run: PushRun, op: OutboxOp, body: CreateActivityInput): Promise<Activity | null> {
  const query: Record<string, string | number> = {
    activityable_type: body.activityable_type, activityable_id: body.activityable_id, type: body.type, per_page: 100,
    // Newest first: ours is among the last created.
    sort_by: 'created_at', sort_direction: 'desc',
  };
  if (body.due_at) { query.due_date_from = utcDay(body.due_at); query.due_date_to = utcDay(body.due_at); }
  let details = 0;
  for (let page = 1; page <= 50; page++) {
    run.report.requests++;
    const res = await run.client.listActivities({ ...query, page });
    for (const item of res.items) {
      if (item.subject !== body.subject) continue;
      // Both list shapes: a server that ignored the filter is caught here.
      const ref = refIds(item);
      if (ref.activityable_id !== undefined && ref.activityable_id !== body.activityable_id) continue;
      let full = item;
      if (!item.custom_fields) {
        // Bounded: past it, which record is ours cannot be told cheaply, and a resend could
        // duplicate it; the op waits for the rep (failed, with this reason) instead.
        if (++details > MAX_LOOKUP_DETAILS) {
          throw new ApiError(0, 'rejected', `Could not tell whether this activity reached the CRM: more than ${MAX_LOOKUP_DETAILS} look-alike records to check`);
        }
        run.report.requests++;
        full = (await run.client.getActivity(item.id)).data;
      }
      if (full.custom_fields?.[CLIENT_MARKER] === op.op_id) return normalizeRemote(full);
    }
    if (page >= res.meta.last_page) break;
  }
  return null;
}

/**
 * The copy a cancel-with-reschedule made, when the cancel's answer was lost: same related record,
 * type and subject, due at reschedule_date, pending, and not already some local row's record.
 */
export async function findChild(run: PushRun, op: OutboxOp, row: LocalActivity, cancelled: Activity): Promise<Activity | null> {
  if (op.kind !== 'cancel') return null;
  const input = op.payload;
  if (!input.reschedule || !input.reschedule_date || !op.child_lid) return null;
  const day = utcDay(input.reschedule_date);
  const parent = { activityable_type: cancelled.activityable_type, activityable_id: cancelled.activityable_id, type: cancelled.type, subject: row.subject };
  for (let page = 1; page <= 50; page++) {
    run.report.requests++;
    const res = await run.client.listActivities({
      // A type this version does not know is still the server's own value to filter by.
      activityable_type: cancelled.activityable_type, activityable_id: cancelled.activityable_id, type: cancelled.type as ActivityType,
      due_date_from: day, due_date_to: day, per_page: 100, page,
    });
    for (const item of res.items) {
      if (!isRescheduledCopy(item, parent, input.reschedule_date)) continue;
      const taken = await run.db.activities.where('server_id').equals(item.id).count();
      if (taken > 0) continue;
      if (!isPartialRemote(item)) return normalizeRemote(item);
      run.report.requests++;
      return normalizeRemote((await run.client.getActivity(item.id)).data);
    }
    if (page >= res.meta.last_page) break;
  }
  return null;
}
