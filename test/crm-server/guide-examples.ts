/**
 * Reads every request example out of the Activity Management Guide (a copy lives in
 * ./fixtures), so the replay test covers the guide itself rather than a hand-made list.
 *
 * An example is: each "Endpoint:" with a request body (both methods of "PUT … or PATCH …"), each
 * "Endpoint:" with neither body nor example request (detail, delete), and every request line of a
 * `bash` block (with the JSON body under it). Responses shown under an endpoint are attached to its
 * examples.
 */
import { readFileSync } from 'node:fs';

export interface GuideExample {
  /** Examples of one group run in order against one fresh server. */
  group: string;
  method: string;
  /** As written in the guide, placeholders included. */
  path: string;
  /** Body text exactly as written (may not be valid JSON, e.g. the troubleshooting "..."). */
  body?: string;
  /** The guide's response for this example, when it shows one. */
  response?: { status: number; json: unknown };
  line: number;
}

const REQUEST = /^(GET|POST|PUT|PATCH|DELETE) (\/api\/\S+)$/;
const ENDPOINT = /^Endpoint: (.+)$/;
const GROUP_TITLE = /^(Scenario \d+: .+|Cannot Create Activity|Activity Not Appearing in Lists|Too Many Overdue Activities)$/;

export function guideText(): string {
  return readFileSync(new URL('./fixtures/activity-management-guide.txt', import.meta.url), 'utf8');
}

export function parseGuideExamples(text: string): GuideExample[] {
  const lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  const out: GuideExample[] = [];
  let endpoint: { title: string; requests: { method: string; path: string }[]; examples: GuideExample[]; hadExample: boolean } | null = null;
  let title = '';

  const flushEndpoint = () => {
    if (endpoint && !endpoint.hadExample) {
      for (const r of endpoint.requests) out.push({ group: endpoint.title, ...r, line: 0 });
    }
    endpoint = null;
  };

  /** Reads a JSON-ish block starting at line i ("{" … matching "}"), string-aware. */
  const readBlock = (i: number): { text: string; next: number } => {
    let depth = 0;
    let inString = false;
    const taken: string[] = [];
    for (let j = i; j < lines.length; j++) {
      const line = lines[j] ?? '';
      taken.push(line);
      for (let k = 0; k < line.length; k++) {
        const ch = line[k];
        if (inString) {
          if (ch === '\\') k++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
      }
      if (depth === 0) return { text: taken.join('\n'), next: j + 1 };
    }
    throw new Error(`Unterminated JSON block at line ${i + 1}`);
  };

  const firstNonBlank = (from: number): number => {
    let k = from;
    while (k < lines.length && (lines[k] ?? '').trim() === '') k++;
    return k;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const t = GROUP_TITLE.exec(line);
    if (t?.[1]) {
      flushEndpoint();
      title = t[1];
      continue;
    }
    if (line === 'Business Scenarios' || line === 'Troubleshooting') flushEndpoint();
    const e = ENDPOINT.exec(line);
    if (e?.[1]) {
      flushEndpoint();
      const requests = e[1].split(' or ').map((part) => {
        const [method = '', path = ''] = part.trim().split(' ');
        return { method, path };
      });
      endpoint = { title: `${e[1]}`, requests, examples: [], hadExample: false };
      continue;
    }
    if (endpoint && /^Request Body/.test(line) && lines[i + 1]?.trim() === '' && lines[i + 2] === 'json') {
      const block = readBlock(firstNonBlank(i + 3));
      for (const r of endpoint.requests) {
        const ex: GuideExample = { group: `${r.method} ${r.path}`, ...r, body: block.text, line: i + 1 };
        out.push(ex);
        endpoint.examples.push(ex);
      }
      endpoint.hadExample = true;
      i = block.next - 1;
      continue;
    }
    if (endpoint && /^Response \((\d{3})/.test(line) && lines[i + 2] === 'json') {
      const status = Number(/^Response \((\d{3})/.exec(line)?.[1]);
      const block = readBlock(firstNonBlank(i + 3));
      const json = JSON.parse(block.text) as unknown;
      for (const ex of endpoint.examples) ex.response ??= { status, json };
      if (!endpoint.hadExample) {
        // The example is the endpoint itself (detail, delete): record it now with its response.
        for (const r of endpoint.requests) out.push({ group: `${r.method} ${r.path}`, ...r, response: { status, json }, line: i + 1 });
        endpoint.hadExample = true;
      }
      i = block.next - 1;
      continue;
    }
    if (line === 'bash') {
      const group = endpoint ? endpoint.title : `${title} (line ${i + 1})`;
      let j = i + 1;
      for (;;) {
        while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
        const l = lines[j] ?? '';
        if (l.startsWith('#')) {
          j++;
          continue;
        }
        const m = REQUEST.exec(l);
        if (!m?.[1] || !m[2]) break;
        const ex: GuideExample = { group, method: m[1], path: m[2], line: j + 1 };
        j++;
        while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
        if ((lines[j] ?? '').startsWith('{')) {
          const block = readBlock(j);
          ex.body = block.text;
          j = block.next;
        }
        out.push(ex);
        if (endpoint) {
          endpoint.examples.push(ex);
          endpoint.hadExample = true;
        }
      }
      i = j - 1;
    }
  }
  flushEndpoint();
  return out;
}
