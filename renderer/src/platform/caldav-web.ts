/**
 * Web mode's calendar account (issue #14): the credential in memory only (like the CRM token in
 * web mode: a reload asks for it again) and requests with window.fetch and HTTP Basic auth. The
 * server must allow this page's origin (CORS) for the DAV methods and headers, and expose ETag.
 * Redirects are followed by the browser (it cannot hand a manual one back), which drops the
 * Authorization header if one leaves the origin.
 */
import type { CalDavPort } from '#shared/ipc/platform';
import { TransportError } from '#shared/ipc/platform';
import { calDavPasswordProblem, calDavServerProblem, calDavUsernameProblem } from '#shared/ipc/contract';

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export function basicAuthHeader(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export function credentialProblem(c: { serverUrl: string; username: string; password: string }): string | null {
  return calDavServerProblem(c.serverUrl) ?? calDavUsernameProblem(c.username) ?? calDavPasswordProblem(c.password);
}

export function createWebCalDav(doFetch: Fetch = (input, init) => fetch(input, init)): CalDavPort {
  let cred: { serverUrl: string; username: string; password: string } | null = null;
  return {
    setCredential(c) {
      const problem = credentialProblem(c);
      if (problem) return Promise.reject(new Error(problem));
      cred = { ...c };
      return Promise.resolve({ persisted: false });
    },
    clearCredential() {
      cred = null;
      return Promise.resolve();
    },
    credential() {
      return Promise.resolve(cred ? { serverUrl: cred.serverUrl, username: cred.username, persisted: false } : null);
    },
    transport: {
      async request(req) {
        const c = cred;
        if (!c) throw new TransportError('network', 'No calendar account: connect one in Settings → Calendar.');
        const origin = new URL(c.serverUrl).origin;
        const url = new URL(req.path, origin);
        if (url.origin !== origin) throw new TransportError('network', 'Refusing a calendar request outside the account’s server.');
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() !== 'authorization') headers.set(k, v);
        headers.set('Authorization', basicAuthHeader(c.username, c.password));
        const controller = new AbortController();
        const timeoutMs = req.timeoutMs ?? 30_000;
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        try {
          const res = await doFetch(url.href, { method: req.method, headers, body: req.body ?? null, signal: controller.signal, credentials: 'omit', cache: 'no-store' });
          const out: Record<string, string> = {};
          res.headers.forEach((v, k) => (out[k.toLowerCase()] = v));
          return { status: res.status, headers: out, body: await res.text() };
        } catch (e) {
          if (controller.signal.aborted) throw new TransportError('timeout', `No answer from the calendar server within ${Math.round(timeoutMs / 1000)} s.`);
          // The browser says only "Failed to fetch" (offline, refused, or not allowed by CORS).
          throw new TransportError('network', e instanceof Error ? e.message.split(c.password).join('[redacted]') : 'network error');
        } finally {
          clearTimeout(timer);
        }
      },
    },
  };
}
