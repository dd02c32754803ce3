/** CRM address + token. Web mode keeps the token in memory only, so a reload asks again. */
import { useState, type FormEvent } from 'react';
import { crmAddressProblem, tokenProblem } from '#shared/ipc/contract';
import { useApp } from '../app/context.tsx';
import { DEFAULT_CRM_URL } from '../app/AppProvider.tsx';
import { Field } from './Field.tsx';

export function SignInForm({ onDone }: { onDone?: () => void }) {
  const { signIn, session } = useApp();
  const [url, setUrl] = useState(session.baseUrl || DEFAULT_CRM_URL);
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
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
      setErrors({ token: [err instanceof Error ? err.message : 'Sign-in failed.'] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form signin-form" onSubmit={(e) => { void submit(e); }} noValidate aria-label="Sign in to the CRM">
      <Field label="CRM address" errors={errors.url}>
        <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="url" />
      </Field>
      <Field label="API token" errors={errors.token} hint="Kept in memory only in the browser; you'll be asked again after a reload.">
        <input type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </div>
    </form>
  );
}
