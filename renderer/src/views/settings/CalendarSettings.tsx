/**
 * Settings → Calendar (issue #14): connect a CalDAV account (address with discovery, user name,
 * app password), pick a calendar or create one named Fieldbook, choose which activities go there
 * and what a done or cancelled one becomes, disconnect. The password goes to the platform once
 * (desktop: main, encrypted) and is never read back.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CalendarInfo, Discovery } from '#shared/caldav/client';
import { useApp } from '../../app/context.tsx';
import { Field } from '../../components/Field.tsx';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { useUiStore } from '../../state/store.ts';
import { calDavPasswordProblem, calDavServerProblem, calDavUsernameProblem } from '#shared/ipc/contract';
import {
  ConnectError, DEFAULT_FILTER, FIELDBOOK_CALENDAR_NAME, FILTER_CHOICES, calendarLabel, createFieldbookCalendar, discoverAccount,
  eventCalendars, filterValue, type CalendarFilterChoice, type DoneMode,
} from './calendar-account.ts';
import { useCalendarAccount, type CalendarAccountState } from '../../caldav/account-store.ts';

const NEW_CALENDAR = '__new__';
/** A plain group of radios, its legend styled like a field label (app.css has no such group). */
const FIELDSET = { border: 0, padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 6, minWidth: 0 } as const;
const LEGEND = { padding: 0, marginBottom: 6, fontSize: 12, fontWeight: 600, color: 'var(--text-2)' } as const;

export function CalendarSettings() {
  const { platform } = useApp();
  const account = useCalendarAccount();
  return (
    <section className="card settings-section" aria-labelledby="set-cal">
      <h2 id="set-cal">Calendar</h2>
      <p className="muted small">
        Fieldbook’s activities in your own calendar (iCloud, Fastmail, Nextcloud, Google or any CalDAV server), both ways: a
        move made there reschedules the activity here, and your other appointments count as busy time.
      </p>
      {!platform.caldav ? (
        <p className="muted small">Calendar sync is not available here.</p>
      ) : account === undefined ? (
        <p className="muted small" aria-busy="true">Reading the calendar account…</p>
      ) : account.config && account.credential ? (
        <Connected state={account} />
      ) : (
        <Connect state={account} />
      )}
    </section>
  );
}

function Connect({ state }: { state: CalendarAccountState }) {
  const { platform } = useApp();
  const caldav = platform.caldav!;
  const web = platform.kind === 'web';
  const toast = useUiStore((s) => s.toast);
  const again = state.config !== null && state.credential === null;
  const [server, setServer] = useState(state.config?.serverUrl ?? 'https://');
  const [user, setUser] = useState(state.config?.username ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ server?: string[]; username?: string[]; password?: string[] }>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<{ discovery: Discovery; serverUrl: string; username: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const serverUrl = server.trim();
    const username = user.trim();
    const next = {
      ...(calDavServerProblem(serverUrl) ? { server: [calDavServerProblem(serverUrl)!] } : {}),
      ...(calDavUsernameProblem(username) ? { username: [calDavUsernameProblem(username)!] } : {}),
      ...(calDavPasswordProblem(password) ? { password: [calDavPasswordProblem(password)!] } : {}),
    };
    setErrors(next);
    setProblem(null);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      await caldav.setCredential({ serverUrl, username, password });
      const discovery = await discoverAccount(caldav.transport, serverUrl, web);
      setPassword('');
      if (again && state.config && discovery.calendars.some((c) => c.href === state.config?.calendarHref)) {
        // Same account, password entered again: nothing else to choose.
        await state.save({ ...state.config, serverUrl, username });
        toast('Calendar connected again.', 'success');
        return;
      }
      setFound({ discovery, serverUrl, username });
    } catch (err) {
      await caldav.clearCredential().catch(() => undefined);
      const c = err instanceof ConnectError ? err : null;
      const message = err instanceof Error ? err.message : String(err);
      setProblem(message);
      // The message once (the alert); the field it is about is marked and points at what to check.
      setErrors(c?.field === 'credentials'
        ? { username: ['Check the user name.'], password: ['Check the password.'] }
        : { server: ['Check the address.'] });
    } finally {
      setBusy(false);
    }
  }

  if (found) {
    return <ChooseCalendar found={found} onCancel={() => { void caldav.clearCredential(); setFound(null); }} save={state.save} />;
  }
  return (
    <form className="form" onSubmit={(e) => { void submit(e); }} noValidate aria-label="Connect a calendar account">
      {again && (
        <p className="notice notice-warn" role="status">
          Enter the calendar password again to resume calendar sync{web ? ' (the browser keeps it in memory only, so a reload forgets it)' : ''}.
        </p>
      )}
      {problem && <p className="form-error" role="alert">{problem}</p>}
      <Field label="Calendar server address" errors={errors.server} hint="For example https://caldav.fastmail.com or your Nextcloud address; Fieldbook finds the calendars from there.">
        <input type="url" value={server} onChange={(e) => setServer(e.target.value)} autoComplete="url" spellCheck={false} />
      </Field>
      <Field label="User name" errors={errors.username}>
        <input type="text" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" spellCheck={false} />
      </Field>
      <Field
        label="App password"
        errors={errors.password}
        hint={web ? 'Kept in memory only in the browser: after a reload you enter it again.' : 'Stored encrypted on this computer, never shown again.'}
      >
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>{busy ? 'Connecting…' : 'Connect calendar'}</button>
      </div>
    </form>
  );
}

function ChooseCalendar({ found, onCancel, save }: {
  found: { discovery: Discovery; serverUrl: string; username: string };
  onCancel: () => void;
  save: CalendarAccountState['save'];
}) {
  const { platform } = useApp();
  const toast = useUiStore((s) => s.toast);
  const id = useId();
  const calendars = eventCalendars(found.discovery);
  const existing = calendars.find((c) => c.displayName === FIELDBOOK_CALENDAR_NAME);
  const [pick, setPick] = useState(existing?.href ?? NEW_CALENDAR);
  const [filter, setFilter] = useState<CalendarFilterChoice>(DEFAULT_FILTER);
  const [doneMode, setDoneMode] = useState<DoneMode>('keep');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function use() {
    setBusy(true);
    setProblem(null);
    try {
      let cal: CalendarInfo | undefined = calendars.find((c) => c.href === pick);
      if (!cal) cal = await createFieldbookCalendar(platform.caldav!.transport, found.discovery);
      await save({ serverUrl: found.serverUrl, username: found.username, calendarHref: cal.href, calendarName: calendarLabel(cal), filter, doneMode });
      toast(`Calendar connected: activities go to “${calendarLabel(cal)}”.`, 'success');
    } catch (e) {
      setProblem(`Could not use that calendar: ${e instanceof Error ? e.message : String(e)}`);
      setBusy(false);
    }
  }

  return (
    <div className="form" role="group" aria-label="Choose the calendar">
      <p>Connected to <strong>{new URL(found.serverUrl).host}</strong> as <strong>{found.username}</strong>.</p>
      {problem && <p className="form-error" role="alert">{problem}</p>}
      <fieldset style={FIELDSET}>
        <legend style={LEGEND}>Calendar for Fieldbook’s activities</legend>
        {!existing && (
          <label className="check">
            <input type="radio" name={`${id}-cal`} value={NEW_CALENDAR} checked={pick === NEW_CALENDAR} onChange={() => setPick(NEW_CALENDAR)} />
            A new calendar named “{FIELDBOOK_CALENDAR_NAME}” (recommended)
          </label>
        )}
        {calendars.map((c) => (
          <label key={c.href} className="check">
            <input type="radio" name={`${id}-cal`} value={c.href} checked={pick === c.href} onChange={() => setPick(c.href)} />
            {calendarLabel(c)}
          </label>
        ))}
      </fieldset>
      <SyncOptions filter={filter} doneMode={doneMode} onFilter={setFilter} onDoneMode={setDoneMode} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>Cancel</button>
        <button type="button" className="button primary" onClick={() => { void use(); }} disabled={busy}>
          {busy ? 'Setting up…' : pick === NEW_CALENDAR ? `Create “${FIELDBOOK_CALENDAR_NAME}” and sync` : 'Use this calendar'}
        </button>
      </div>
    </div>
  );
}

function SyncOptions({ filter, doneMode, onFilter, onDoneMode }: {
  filter: CalendarFilterChoice; doneMode: DoneMode; onFilter: (f: CalendarFilterChoice) => void; onDoneMode: (m: DoneMode) => void;
}) {
  const id = useId();
  return (
    <>
      <Field label="Which activities go to the calendar">
        <select value={filterValue(filter)} onChange={(e) => onFilter(FILTER_CHOICES.find((c) => c.value === e.target.value)?.filter ?? DEFAULT_FILTER)}>
          {FILTER_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        </select>
      </Field>
      <fieldset style={FIELDSET}>
        <legend style={LEGEND}>When an activity is completed or cancelled</legend>
        <label className="check">
          <input type="radio" name={`${id}-done`} checked={doneMode === 'keep'} onChange={() => onDoneMode('keep')} />
          Keep its event, marked done or cancelled
        </label>
        <label className="check">
          <input type="radio" name={`${id}-done`} checked={doneMode === 'remove'} onChange={() => onDoneMode('remove')} />
          Remove its event from the calendar
        </label>
      </fieldset>
    </>
  );
}

function Connected({ state }: { state: CalendarAccountState }) {
  const { platform } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [confirm, setConfirm] = useState(false);
  const config = state.config!;
  const [filter, setFilter] = useState(config.filter);
  const [doneMode, setDoneMode] = useState(config.doneMode);
  useEffect(() => {
    setFilter(config.filter);
    setDoneMode(config.doneMode);
  }, [config.filter, config.doneMode]);
  const change = (patch: Partial<typeof config>) => {
    void state.save({ ...config, ...patch }).then(() => toast('Calendar settings saved.', 'success'));
  };
  return (
    <div className="form">
      <p>
        Connected to <strong>{new URL(config.serverUrl).host}</strong> as <strong>{config.username}</strong>; activities go to
        {' '}<strong>“{config.calendarName}”</strong>.
        {state.credential && !state.credential.persisted && platform.kind === 'electron' && (
          <> This computer has no secure storage: the password is kept until Fieldbook quits.</>
        )}
      </p>
      <SyncOptions
        filter={filter}
        doneMode={doneMode}
        onFilter={(f) => { setFilter(f); change({ filter: f }); }}
        onDoneMode={(m) => { setDoneMode(m); change({ doneMode: m }); }}
      />
      <div className="form-actions">
        <button type="button" className="button danger-text" onClick={() => setConfirm(true)}>Disconnect calendar</button>
      </div>
      {confirm && (
        <ConfirmDialog
          title="Disconnect the calendar?"
          message={<p>Fieldbook stops syncing with “{config.calendarName}” and forgets the password. The events already there stay in your calendar.</p>}
          confirmLabel="Disconnect"
          danger
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false);
            void state.disconnect().then(() => toast('Calendar disconnected.'));
          }}
        />
      )}
    </div>
  );
}
