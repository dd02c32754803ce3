/**
 * A DavTransport over Node's fetch for tests: bound to one server origin, adds HTTP Basic auth
 * (as main will, holding the app password), never follows redirects (the client does), and
 * rejects with TransportError when there is no answer, like the app's transports.
 */
import { TransportError } from '#shared/ipc/platform';
import type { DavRequest, DavTransport } from '#shared/caldav/client';

export function fetchDavTransport(origin: string, user: string, password: string): DavTransport & { requests: DavRequest[] } {
  const requests: DavRequest[] = [];
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return {
    requests,
    async request(req) {
      requests.push(req);
      let res: Response;
      try {
        res = await fetch(new URL(req.path, origin), {
          method: req.method,
          headers: { ...req.headers, Authorization: auth },
          body: req.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
        });
      } catch (e) {
        const timeout = e instanceof Error && e.name === 'TimeoutError';
        throw new TransportError(timeout ? 'timeout' : 'network', e instanceof Error ? e.message : String(e));
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { status: res.status, headers, body: await res.text() };
    },
  };
}
