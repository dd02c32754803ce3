/**
 * shared/api's front door: the CRM contract (envelopes, paths, headers), the typed client and the
 * fetch transport, for code outside shared/api. eslint.config.js keeps renderer/ and electron/ on it.
 * Keep it a flat list of named re-exports, grouped by job.
 */

// The contract: envelopes, paths, headers.
export {
  API_PREFIX, bulkResultSchema, COLLECTION_OF, ENTITY_COLLECTIONS, errorEnvelopeSchema, HEADERS, pageEnvelope, pageMetaSchema, paths,
  successEnvelope,
  type BulkResult, type EntityCollection, type ErrorEnvelope, type PageMeta,
} from './envelope.ts';

// The typed client over a Transport, and the errors it maps failures to.
export {
  ApiError, classifyStatus, createCrmClient, entitySchema, readWriteAnswer, userSchema,
  type ActivityListQuery, type ApiErrorKind, type CancelResultRemote, type ClientOptions, type CrmClient, type Extensions,
  type Page, type PartialRemoteActivity, type RemoteEntity, type RemoteUser, type WriteResult,
} from './client.ts';

// Reading an answer's headers: the one X-CRM-Extensions parser.
export { advertisedExtensions, headerOf } from './extensions.ts';

// The Transport over fetch() (web mode, Node), and the guards the desktop's transport shares with it.
export {
  BAD_TOKEN_MESSAGE, createFetchTransport, isHeaderSafeToken, MAX_RESPONSE_BYTES, readBodyCapped, redactSecret, redirectRefusal,
  RefusedAnswerError, tooLargeMessage,
  type FetchTransportOptions,
} from './fetch-transport.ts';
