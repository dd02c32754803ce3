/**
 * Fills the app's own IndexedDB with N activities, in the page (served by the Vite dev server and
 * imported by test/bench/search-browser.ts through page.evaluate): 100 000 rows over HTTP would
 * measure the pull, not the views. Rows go through the app's toLocalRow, so every derived index
 * field (open, due_ms, words) is what a pull would have stored.
 */
import type { Dexie } from 'dexie';
import { monotonicFactory } from 'ulid';
import { FieldbookDB, toLocalRow, type LocalActivity } from '#shared/sync/index';
import { shippedSchemaDb } from '#shared/sync/store.testing';
import { generateActivities } from '../crm-server/demo.ts';
import { seededRng, type Rng } from '../crm-server/prng.ts';

/**
 * Words reps put in notes, most common first. Picked with Zipf weights (1/rank), so the head
 * words are in thousands of rows and the tail (names, places) in a few dozen: common and rare
 * prefixes both exist, as in a real notebook.
 */
export const NOTE_WORDS = [
  'customer', 'pricing', 'proposal', 'contract', 'meeting', 'follow', 'budget', 'timeline', 'renewal', 'discount',
  'quote', 'demo', 'integration', 'decision', 'approval', 'procurement', 'legal', 'security', 'review', 'pilot',
  'rollout', 'training', 'onboarding', 'support', 'escalation', 'invoice', 'payment', 'forecast', 'pipeline', 'competitor',
  'stakeholder', 'champion', 'sponsor', 'requirements', 'workshop', 'roadmap', 'migration', 'license', 'seats', 'upgrade',
  'warehouse', 'logistics', 'inventory', 'shipping', 'reporting', 'dashboard', 'analytics', 'mobile', 'tablet', 'scanner',
  'quarterly', 'annual', 'monthly', 'weekly', 'urgent', 'blocked', 'waiting', 'signed', 'verbal', 'redlines',
  'kickoff', 'handover', 'reference', 'case', 'study', 'webinar', 'tradeshow', 'conference', 'dinner', 'lunch',
  'munich', 'hamburg', 'berlin', 'cologne', 'frankfurt', 'stuttgart', 'leipzig', 'dresden', 'hannover', 'bremen',
  'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'schulz', 'hoffmann', 'koch', 'richter',
  'klein', 'wolf', 'schroeder', 'neumann', 'schwarz', 'zimmermann', 'braun', 'krueger', 'hofmann', 'hartmann',
  'lange', 'schmitt', 'werner', 'krause', 'lehmann', 'koehler', 'maier', 'kaiser', 'fuchs', 'peters',
  'sap', 'oracle', 'salesforce', 'dynamics', 'netsuite', 'workday', 'servicenow', 'jira', 'confluence', 'sharepoint',
  'gdpr', 'sla', 'rfp', 'rfq', 'poc', 'nda', 'msa', 'sow', 'kpi', 'roi',
] as const;

function zipfPicker(rng: Rng, words: readonly string[]): () => string {
  const cum: number[] = [];
  let sum = 0;
  for (let i = 0; i < words.length; i++) cum.push((sum += 1 / (i + 1)));
  return () => {
    const x = rng() * sum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? words[0] ?? '';
  };
}

export interface SeedOptions {
  dbName: string;
  n: number;
  nowMs: number;
  /** The rep (most activities are theirs, the rest spread over the directory's users). */
  userId: string;
  seed?: number;
  /** Share of the activities assigned to the rep (default 0.1). */
  ownShare?: number;
  /**
   * Write the store as schema v6 left it (no links field, no v7 indexes), to time the upgrade
   * the app runs on its next start (test/bench/upgrade-browser.ts).
   */
  asSchemaV6?: boolean;
}


export interface SeedResult {
  rows: number;
  generateMs: number;
  putMs: number;
}

/** Writes N activities (due within ±1.5 years of now, past ones mostly done) into the store. */
export async function seedActivities(opts: SeedOptions): Promise<SeedResult> {
  const seed = opts.seed ?? 5;
  const t0 = performance.now();
  const newId = monotonicFactory(seededRng(seed));
  // One rep's device: their own among colleagues' on the accounts they follow. ownShare goes to
  // the rep and the rest is spread over the directory's four users (the rep included), so at
  // the default about a third (~32 000, some 30 a day over three years) are the rep's.
  const activities = generateActivities(opts.n, {
    seed, nowMs: opts.nowMs, spreadDays: 540, assignedUserId: opts.userId, assignedShare: opts.ownShare ?? 0.1,
  }, (ms) => newId(ms).toLowerCase());
  const rng = seededRng(seed + 1);
  const word = zipfPicker(rng, NOTE_WORDS);
  // Its own stream, so the notes are the same words as before follow-ups were added.
  const followRng = seededRng(seed + 2);
  const rows: LocalActivity[] = activities.map((a) => {
    const notes = `${word()} ${word()} ${word()}`;
    // A fifth of the completions asked for a follow-up (the weekly review looks for one).
    const followUp = a.status === 'completed' && followRng() < 0.2 ? { follow_up_required: true, follow_up_date: a.completed_at?.slice(0, 10) ?? null } : {};
    const withNotes = { ...a, ...followUp, description: a.description ? `${a.description} ${notes}` : notes };
    return toLocalRow(withNotes, { lid: `b${a.id}`, base: withNotes, sync: 'synced' });
  });
  const generateMs = performance.now() - t0;
  let db: Dexie;
  let put: (chunk: LocalActivity[]) => Promise<unknown>;
  if (opts.asSchemaV6) {
    const v6 = shippedSchemaDb(opts.dbName, 6);
    for (const r of rows) delete r.links;
    [db, put] = [v6, (chunk) => v6.table<LocalActivity, string>('activities').bulkPut(chunk)];
  } else {
    const fb = new FieldbookDB(opts.dbName);
    [db, put] = [fb, (chunk) => fb.activities.bulkPut(chunk)];
  }
  const t1 = performance.now();
  for (let i = 0; i < rows.length; i += 5000) await put(rows.slice(i, i + 5000));
  const putMs = performance.now() - t1;
  db.close();
  return { rows: rows.length, generateMs: Math.round(generateMs), putMs: Math.round(putMs) };
}
