/**
 * The sync engine on the UI thread: only when the sync worker cannot run, or the page asks for it
 * (?syncWorker=off). A chunk of its own, loaded then (issue #12): the worker has its own copy of
 * the engine (pull, push, the CRM client), so the start page does not carry a second one.
 */
// eslint-disable-next-line no-restricted-imports -- see above: not through the front door, which the start page also imports
export { createSyncEngine } from '#shared/sync/engine';
