/** The central CRM's response envelopes (guide + docs/crm-contract.md "Envelopes and status codes"). */
import { z } from 'zod';

export const pageMetaSchema = z.looseObject({
  current_page: z.number(),
  per_page: z.number(),
  total: z.number(),
  last_page: z.number(),
  /** Echoed by servers that honour the updated_since extension. */
  updated_since: z.string().optional(),
});
export type PageMeta = z.infer<typeof pageMetaSchema>;

export const errorEnvelopeSchema = z.looseObject({
  success: z.literal(false),
  message: z.string(),
  errors: z.record(z.string(), z.array(z.string().min(1))).optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.looseObject({ success: z.literal(true), message: z.string().optional(), data });
}

export function pageEnvelope<T extends z.ZodType>(item: T) {
  return z.looseObject({ success: z.literal(true), message: z.string().optional(), data: z.array(item), meta: pageMetaSchema });
}

export const bulkResultSchema = z.object({
  succeeded: z.array(z.string()),
  failed: z.array(z.object({ id: z.string(), status: z.number(), message: z.string() })),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

/** Base path of every CRM route. */
export const API_PREFIX = '/api/v1/crm';

export const paths = {
  activities: `${API_PREFIX}/activities`,
  activitySearch: `${API_PREFIX}/activities/search`,
  activityOverdue: `${API_PREFIX}/activities/overdue`,
  activityBulk: `${API_PREFIX}/activities/bulk-actions`,
  activity: (id: string) => `${API_PREFIX}/activities/${encodeURIComponent(id)}`,
  activityAction: (id: string, action: 'complete' | 'cancel' | 'reschedule') =>
    `${API_PREFIX}/activities/${encodeURIComponent(id)}/${action}`,
  entities: (type: EntityCollection) => `${API_PREFIX}/${type}`,
  entity: (type: EntityCollection, id: string) => `${API_PREFIX}/${type}/${encodeURIComponent(id)}`,
  me: `${API_PREFIX}/users/me`,
} as const;

export const ENTITY_COLLECTIONS = ['leads', 'customers', 'opportunities', 'contacts', 'users'] as const;
export type EntityCollection = (typeof ENTITY_COLLECTIONS)[number];

export const COLLECTION_OF = {
  lead: 'leads', customer: 'customers', opportunity: 'opportunities', contact: 'contacts', user: 'users',
} as const satisfies Record<string, EntityCollection>;

/** Headers of the optional extensions (docs/crm-contract.md "Extensions"). */
export const HEADERS = {
  idempotencyKey: 'Idempotency-Key',
  ifMatch: 'If-Match',
  etag: 'ETag',
  retryAfter: 'Retry-After',
  /** The stand-in advertises its extensions in this header on every response. */
  extensions: 'X-CRM-Extensions',
  idempotentReplay: 'Idempotent-Replayed',
} as const;
