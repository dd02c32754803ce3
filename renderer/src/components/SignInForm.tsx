/**
 * CRM address + token. Web mode keeps the token in memory only, so a reload asks again (the
 * address is remembered). Signing in asks the CRM first; each failure says what to fix. Where the
 * server that served the app offers a demo CRM beside it (npm start / npm run web), one click uses it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { findDemoCrm, SignInError, type DemoCrm } from '../app/connection.ts';
import { crmAddressProblem, tokenProblem } from '#shared/ipc/contract';
import { useApp } from '../app/context.tsx';
import { DEFAULT_CRM_URL } from '../app/AppProvider.tsx';
import { Field } from './Field.tsx';

export function SignInForm({ onDone }: { onDone?: () => void }) {
  const { signIn, session, platform } = useApp();
  const [urlValue, setUrl] = useState(session.baseUrl || DEFAULT_CRM_URL);
  const [tokenValue, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoCrm | null>(null);
  const web = platform.kind === 'web';
  useEffect(() => {
    if (!web) return;
    let live = true;
    void findDemoCrm().then((d) => { if (live) setDemo(d); });
    return () => { live = false; };
  }, [web]);

  async function submit(e: FormEvent | null, given?: { url: string; token: string }) {
    e?.preventDefault();
    const url = given?.url ?? urlValue;
    const token = given?.token ?? tokenValue;
    const next: Record<string, string[]> = {};
    // The same checks as main's IPC validation and web mode's sign-in (shared/ipc/contract.ts).
    const urlErr = crmAddressProblem(url.trim());
    if (urlErr) next.url = [urlErr];
    const tokenErr = tokenProblem(token.trim());
    if (tokenErr) next.token = [tokenErr];
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    // Reminders in web mode are Web Notifications: ask while we have the click's user gesture.
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
    try {
      await signIn(url.trim(), token.trim());
      setToken('');
      onDone?.();
    } catch (err) {
      const field = err instanceof SignInError ? err.field : 'token';
      setErrors({ [field]: [err instanceof Error ? err.message : 'Sign-in failed.'] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form signin-form" onSubmit={(e) => { void submit(e); }} noValidate aria-label="Sign in to the CRM">
      {demo && (
        <div className="notice demo-offer">
          <p>A demo CRM runs beside this app, with sample customers and activities.</p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => { setUrl(demo.url); setToken(demo.token); void submit(null, demo); }}
          >
            Use the demo CRM
          </button>
        </div>
      )}
      <Field label="CRM address" errors={errors.url} hint={web ? 'Remembered on this device.' : undefined}>
        <input type="url" value={urlValue} onChange={(e) => setUrl(e.target.value)} autoComplete="url" />
      </Field>
      <Field
        label="API token"
        errors={errors.token}
        hint={web ? 'Kept in memory only, never stored by the browser: after a reload you sign in again (the address stays filled in).' : 'Stored encrypted on this computer.'}
      >
        <input type="password" value={tokenValue} onChange={(e) => setToken(e.target.value)} autoComplete="off" />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </div>
    </form>
  );
}
