/** First run (or a reload in web mode): ask for the CRM sign-in before showing the desk. */
import { useState, type ReactNode } from 'react';
import { useApp } from './context.tsx';
import { useUiStore } from '../state/store.ts';
import { SignInForm } from '../components/SignInForm.tsx';

export function SignInGate({ children }: { children: ReactNode }) {
  const { session, currentUser } = useApp();
  const view = useUiStore((s) => s.view);
  const [offline, setOffline] = useState(false);
  if (session.signedIn || offline || view === 'settings') return <>{children}</>;
  return (
    <section className="view signin-gate" aria-labelledby="signin-title">
      <div className="card narrow">
        <h1 id="signin-title">Sign in to your CRM</h1>
        <p className="muted">Fieldbook keeps your activities on this device and syncs them with the central CRM.</p>
        <SignInForm />
        {currentUser && (
          <button type="button" className="button link" onClick={() => setOffline(true)}>
            Work offline as {currentUser.name}
          </button>
        )}
      </div>
    </section>
  );
}
