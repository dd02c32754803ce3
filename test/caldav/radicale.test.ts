/** The Radicale helper itself: it starts on 127.0.0.1 with its own account, answers CalDAV, refuses a wrong password, and stops. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { radicaleAvailable, skipMessage, startRadicale, type RadicaleServer } from './radicale.testing.ts';

const available = radicaleAvailable();
if (!available) console.warn(skipMessage());

describe.skipIf(!available)('radicale.testing', () => {
  let server: RadicaleServer;
  beforeAll(async () => {
    server = await startRadicale();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('answers PROPFIND for the test user on 127.0.0.1 and refuses a wrong password', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${server.url}/${server.user}/`, {
      method: 'PROPFIND',
      headers: { Authorization: basic(server.user, server.password), Depth: '0' },
    });
    expect(ok.status).toBe(207);
    const refused = await fetch(`${server.url}/${server.user}/`, {
      method: 'PROPFIND',
      headers: { Authorization: basic(server.user, 'wrong'), Depth: '0' },
    });
    expect(refused.status).toBe(401);
  });
});
