/**
 * GET /openapi.json: an OpenAPI 3.1 description of every route. Request bodies come from the
 * shared zod schemas (z.toJSONSchema), so the document cannot drift from what the server validates.
 */
import { z } from 'zod';
import {
  ACTIVITY_STATUSES, ACTIVITY_TYPES, ACTIVITYABLE_TYPES, INCLUDES, LIST_STATUS_FILTERS, PRIORITIES, SORT_DIRECTIONS, SORT_FIELDS,
  bulkActionSchema, cancelActivitySchema, completeActivitySchema, createActivitySchema, rescheduleActivitySchema,
  updateActivitySchema,
} from '#shared/domain/index';
import { API_PREFIX, ENTITY_COLLECTIONS, HEADERS } from '#shared/api/index';
import { createEntitySchema, patchEntitySchema } from './entities.ts';
import { COLLECTION_TYPE } from './app.ts';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType): Json => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });
const q = (name: string, schema: Json, description?: string) => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const idemHeader = { name: HEADERS.idempotencyKey, in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Extension: a repeat returns the stored response.' };
const ifMatchHeader = { name: HEADERS.ifMatch, in: 'header', required: false, schema: { type: 'string' }, description: 'Extension: 412 when the ETag no longer matches.' };

const errors = {
  '400': { description: 'Malformed JSON', content: json(ref('Error')) },
  '401': { description: 'Missing or invalid bearer token', content: json(ref('Error')) },
  '422': { description: 'Validation failed (incl. "Related entity not found")', content: json(ref('Error')) },
  '429': { description: 'Rate limited (see Retry-After)', content: json(ref('Error')) },
};
const notFound = { '404': { description: 'Unknown or soft-deleted id', content: json(ref('Error')) } };
const conflict = { '409': { description: "The activity's status does not allow this action", content: json(ref('Error')) } };
const precondition = { '412': { description: 'If-Match did not match the current ETag', content: json(ref('Error')) } };

const ok = (description: string, data: Json, status = '200') => ({ [status]: { description, content: json(envelope(data)) } });
const envelope = (data: Json): Json => ({
  type: 'object', required: ['success'], properties: { success: { const: true }, message: { type: 'string' }, data },
});
const pageOf = (item: Json): Json => ({
  type: 'object', required: ['success', 'data', 'meta'],
  properties: { success: { const: true }, data: { type: 'array', items: item }, meta: ref('PageMeta') },
});

const listParams = [
  q('type', { enum: [...ACTIVITY_TYPES] }),
  q('status', { enum: [...LIST_STATUS_FILTERS] }, 'overdue = due in the past and still open'),
  q('priority', { enum: [...PRIORITIES] }),
  q('assigned_user_id', { type: 'string' }),
  q('activityable_type', { enum: [...ACTIVITYABLE_TYPES] }),
  q('activityable_id', { type: 'string' }),
  q('due_date_from', { type: 'string', format: 'date' }, 'UTC day, inclusive'),
  q('due_date_to', { type: 'string', format: 'date' }, 'UTC day, inclusive'),
  q('search', { type: 'string', minLength: 2 }, 'every word must occur in subject or description'),
  q('per_page', { type: 'integer', minimum: 1, default: 25 }, 'at most 100; larger values are clamped'),
  q('page', { type: 'integer', minimum: 1, default: 1 }),
  q('sort_by', { enum: [...SORT_FIELDS], default: 'due_at' }),
  q('sort_direction', { enum: [...SORT_DIRECTIONS], default: 'asc' }),
  q('includes', { type: 'string' }, `comma-separated: ${INCLUDES.join(', ')}`),
  q('updated_since', { type: 'string', format: 'date-time' }, 'extension: echoed in meta.updated_since'),
];
const pageParams = [q('per_page', { type: 'integer', minimum: 1, default: 25 }), q('page', { type: 'integer', minimum: 1 })];

function activityPaths(): Json {
  const act = ref('Activity');
  const action = (summary: string, body: Json, message: string) => ({
    post: {
      summary, parameters: [idParam, idemHeader, ifMatchHeader], requestBody: { content: json(body) },
      responses: { ...ok(message, act), ...errors, ...notFound, ...conflict, ...precondition },
    },
  });
  return {
    [`${API_PREFIX}/activities`]: {
      get: { summary: 'List activities', parameters: listParams, responses: { '200': { description: 'A page', content: json(pageOf(act)) }, ...errors } },
      post: {
        summary: 'Create an activity', parameters: [idemHeader], requestBody: { required: true, content: json(ref('CreateActivity')) },
        responses: { ...ok('Activity created successfully', act, '201'), ...errors },
      },
    },
    [`${API_PREFIX}/activities/search`]: {
      get: { summary: 'Search subject and description', parameters: [q('q', { type: 'string', minLength: 2 }), ...pageParams], responses: { '200': { description: 'A page', content: json(pageOf(act)) }, ...errors } },
    },
    [`${API_PREFIX}/activities/overdue`]: {
      get: { summary: 'Overdue activities (same filters as the list)', parameters: listParams, responses: { '200': { description: 'A page', content: json(pageOf(act)) }, ...errors } },
    },
    [`${API_PREFIX}/activities/bulk-actions`]: {
      post: {
        summary: 'Cancel, complete, reschedule or delete many activities', parameters: [idemHeader],
        requestBody: { required: true, content: json(schemaOf(bulkActionSchema)) },
        responses: { ...ok('Per-id results', ref('BulkResult')), ...errors },
      },
    },
    [`${API_PREFIX}/activities/{id}`]: {
      get: { summary: 'Activity detail', parameters: [idParam, q('includes', { type: 'string' })], responses: { ...ok('The activity (ETag header)', act), ...errors, ...notFound } },
      put: { summary: 'Update (partial)', parameters: [idParam, idemHeader, ifMatchHeader], requestBody: { content: json(ref('UpdateActivity')) }, responses: { ...ok('Activity updated successfully', act), ...errors, ...notFound, ...conflict, ...precondition } },
      patch: { summary: 'Update (partial)', parameters: [idParam, idemHeader, ifMatchHeader], requestBody: { content: json(ref('UpdateActivity')) }, responses: { ...ok('Activity updated successfully', act), ...errors, ...notFound, ...conflict, ...precondition } },
      delete: { summary: 'Soft delete', parameters: [idParam, idemHeader, ifMatchHeader], responses: { '200': { description: 'Activity deleted successfully', content: json(envelope({})) }, ...errors, ...notFound, ...precondition } },
    },
    [`${API_PREFIX}/activities/{id}/complete`]: action('Complete', schemaOf(completeActivitySchema), 'Activity completed successfully'),
    [`${API_PREFIX}/activities/{id}/cancel`]: action('Cancel (reschedule=true also creates data.rescheduled_activity)', schemaOf(cancelActivitySchema), 'Activity cancelled successfully'),
    [`${API_PREFIX}/activities/{id}/reschedule`]: action('Reschedule', schemaOf(rescheduleActivitySchema), 'Activity rescheduled successfully'),
  };
}

function entityPaths(): Json {
  const out: Json = {};
  for (const collection of ENTITY_COLLECTIONS) {
    const type = COLLECTION_TYPE[collection];
    const entity = ref('Entity');
    out[`${API_PREFIX}/${collection}`] = {
      get: {
        summary: `List ${collection}`,
        parameters: [...pageParams, q('search', { type: 'string', minLength: 2 }), q('updated_since', { type: 'string', format: 'date-time' }), q('customer_id', { type: 'string' })],
        responses: { '200': { description: 'A page', content: json(pageOf(entity)) }, ...errors },
      },
      post: { summary: `Create a ${type}`, parameters: [idemHeader], requestBody: { content: json(schemaOf(createEntitySchema(type))) }, responses: { ...ok('Created', entity, '201'), ...errors } },
    };
    out[`${API_PREFIX}/${collection}/{id}`] = {
      get: { summary: `${type} detail`, parameters: [idParam], responses: { ...ok(`The ${type}`, entity), ...errors, ...notFound } },
      patch: { summary: `Update a ${type}`, parameters: [idParam, idemHeader], requestBody: { content: json(schemaOf(patchEntitySchema(type))) }, responses: { ...ok('Updated', entity), ...errors, ...notFound } },
      put: { summary: `Update a ${type} (partial)`, parameters: [idParam, idemHeader], requestBody: { content: json(schemaOf(patchEntitySchema(type))) }, responses: { ...ok('Updated', entity), ...errors, ...notFound } },
    };
  }
  out[`${API_PREFIX}/users/me`] = { get: { summary: "Extension: the token's user", responses: { ...ok('The signed-in user', ref('Entity')), ...errors } } };
  return out;
}

let cached: Json | undefined;

export function buildOpenApi(extensions: string): Json {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Stand-in central CRM (Activity Management Guide)', version: '1.0.0' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        CreateActivity: schemaOf(createActivitySchema),
        UpdateActivity: schemaOf(updateActivitySchema),
        Activity: {
          type: 'object', additionalProperties: true,
          required: ['id', 'type', 'status', 'priority', 'subject', 'activityable_type', 'activityable_id', 'is_overdue', 'created_at', 'updated_at'],
          properties: {
            id: { type: 'string' }, type: { enum: [...ACTIVITY_TYPES] }, status: { enum: [...ACTIVITY_STATUSES] }, priority: { enum: [...PRIORITIES] },
            subject: { type: 'string' }, is_overdue: { type: 'boolean' }, rescheduled_activity: { type: 'object', description: 'cancel with reschedule=true' },
          },
        },
        Entity: { type: 'object', required: ['id', 'name'], additionalProperties: true, properties: { id: { type: 'string' }, name: { type: 'string' } } },
        PageMeta: {
          type: 'object', required: ['current_page', 'per_page', 'total', 'last_page'],
          properties: { current_page: { type: 'integer' }, per_page: { type: 'integer' }, total: { type: 'integer' }, last_page: { type: 'integer' }, updated_since: { type: 'string' } },
        },
        BulkResult: {
          type: 'object', required: ['succeeded', 'failed'],
          properties: {
            succeeded: { type: 'array', items: { type: 'string' } },
            failed: { type: 'array', items: { type: 'object', required: ['id', 'status', 'message'], properties: { id: { type: 'string' }, status: { type: 'integer' }, message: { type: 'string' } } } },
          },
        },
        Error: {
          type: 'object', required: ['success', 'message'],
          properties: { success: { const: false }, message: { type: 'string' }, errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: { ...activityPaths(), ...entityPaths() },
  };
  return { ...cached, 'x-crm-extensions': extensions.split(', ').filter(Boolean) };
}
