/**
 * npm run crm -- --port 4010 --token dev-token --data .crm-data [--demo] [--latency-ms 50]
 *   [--fail-rate 0.2] [--seed 7] [--no-idempotency] [--faults error5xx=1,rateLimit=1,dropAfterCommit=1,slow=1]
 *   [--slow-ms 5000] [--per-page-cap 100] [--list-omits-fields] [--no-etag] [--no-updated-since] [--no-users-me]
 *   [--plain] [--unknown-values] [--guide-writes] [--list-extra-fields]
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, startCrmServer, type FaultKind } from './index.ts';

/** Usage text, also printed when a flag is wrong. */
const USAGE =
  'Usage: npm run crm -- --port 4010 --token dev-token --data .crm-data [--demo] [--latency-ms N] [--fail-rate 0..1] [--seed N] ' +
  '[--no-idempotency] [--no-etag] [--no-updated-since] [--no-users-me] [--faults error5xx=1,rateLimit=1,dropAfterCommit=1,slow=1] ' +
  '[--slow-ms N] [--per-page-cap N] [--list-omits-fields] [--host 127.0.0.1] [--plain] [--unknown-values] [--guide-writes] ' +
  '[--list-extra-fields]  (see test/crm-server/README.md)';

const options = {
  port: { type: 'string', default: '4010' },
  host: { type: 'string', default: '127.0.0.1' },
  token: { type: 'string', default: 'dev-token' },
  data: { type: 'string', default: '.crm-data' },
  demo: { type: 'boolean', default: false },
  'latency-ms': { type: 'string', default: '0' },
  'fail-rate': { type: 'string', default: '0' },
  seed: { type: 'string', default: '7' },
  'no-idempotency': { type: 'boolean', default: false },
  'no-etag': { type: 'boolean', default: false },
  'no-updated-since': { type: 'boolean', default: false },
  'no-users-me': { type: 'boolean', default: false },
  faults: { type: 'string' },
  'slow-ms': { type: 'string', default: '5000' },
  // No defaults here: unset means "the profile's default" (--plain changes them).
  'per-page-cap': { type: 'string' },
  'list-omits-fields': { type: 'boolean' },
  plain: { type: 'boolean', default: false },
  'unknown-values': { type: 'boolean', default: false },
  'guide-writes': { type: 'boolean' },
  'list-extra-fields': { type: 'boolean' },
  help: { type: 'boolean', default: false },
} as const;

function parse() {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    console.error(USAGE);
    process.exit(2);
  }
}
const values = parse();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function num(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`--${name} must be a number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function kinds(raw: string | undefined): Record<FaultKind, number> | undefined {
  if (raw === undefined) return undefined;
  const out = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const part of raw.split(',').filter(Boolean)) {
    const [k = '', w = '1'] = part.split('=');
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      console.error(`--faults: unknown kind "${k}" (kinds: ${FAULT_KINDS.join(', ')})`);
      process.exit(2);
    }
    out[k as FaultKind] = num('faults', w);
  }
  return out;
}

const faultKinds = kinds(values.faults);
const crm = await startCrmServer({
  port: num('port', values.port),
  host: values.host,
  token: values.token,
  dataDir: values.data,
  demo: values.demo,
  seed: num('seed', values.seed),
  plain: values.plain,
  unknownValues: values['unknown-values'],
  // A --no-… flag switches an extension off; without one the profile decides (--plain: all off).
  ...(values['no-idempotency'] ? { idempotency: false } : {}),
  ...(values['no-etag'] ? { etag: false } : {}),
  ...(values['no-updated-since'] ? { updatedSince: false } : {}),
  ...(values['no-users-me'] ? { usersMe: false } : {}),
  ...(values['per-page-cap'] !== undefined ? { perPageCap: num('per-page-cap', values['per-page-cap']) } : {}),
  ...(values['list-omits-fields'] !== undefined ? { listOmitsFields: values['list-omits-fields'] } : {}),
  ...(values['guide-writes'] !== undefined ? { guideWrites: values['guide-writes'] } : {}),
  ...(values['list-extra-fields'] !== undefined ? { listExtraFields: values['list-extra-fields'] } : {}),
  faults: {
    failRate: num('fail-rate', values['fail-rate']),
    latencyMs: num('latency-ms', values['latency-ms']),
    slowMs: num('slow-ms', values['slow-ms']),
    ...(faultKinds ? { kinds: faultKinds } : {}),
  },
}).catch((e: unknown) => {
  // Bad settings or an unusable data directory: say why, without a stack trace.
  console.error(`CRM not started: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
const url = values.host === '127.0.0.1' ? crm.url : `http://${values.host}:${crm.port}`;
console.log(`CRM ready ${url} token=${crm.token}`);
console.log(`  data: ${values.data}  activities: ${crm.store.countActivities()}  extensions: ${crm.extensions || 'none'}${
  values.plain ? '  profile: plain' : ''}${values['unknown-values'] ? '  unknown values' : ''}  faults: fail-rate ${values['fail-rate']}, latency ${values['latency-ms']} ms`);
console.log(`  try: curl -H "Authorization: Bearer ${crm.token}" ${url}/api/v1/crm/activities/overdue`);

const stop = () => {
  void crm.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
