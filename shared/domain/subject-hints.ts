/** Best Practice 2: "Be specific in subject lines". Flags subjects like "Call" or "Follow up". */
import { ACTIVITY_TYPES } from './enums.ts';

const VAGUE = new Set([
  ...ACTIVITY_TYPES.map((t) => t.replace('_', ' ')),
  'follow up', 'followup', 'follow-up', 'meeting with customer', 'call customer', 'check in', 'check-in', 'catch up',
  'todo', 'to do', 'misc', 'stuff', 'call back', 'meeting with client', 'customer meeting', 'quick call',
]);

/** A hint for the rep, or null when the subject is specific enough. */
export function vagueSubjectHint(subject: string): string | null {
  const s = subject.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!s) return null;
  const words = s.split(' ').filter(Boolean);
  if (VAGUE.has(s) || words.length < 2) {
    return 'Be specific: say what and with whom, e.g. "Follow-up Call - Pricing Discussion with CFO".';
  }
  return null;
}
