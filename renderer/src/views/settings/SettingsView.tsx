/** CRM sign-in, who I am, reminder leads per type, working and quiet hours, time zone, activity plans, theme. */
import { useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, DEFAULT_REMINDER_LEAD_MINUTES, reminderLead, type ActivityType,
} from '#shared/domain/index';
import { useApp } from '../../app/context.tsx';
import { isHhMm, type HoursRange, type Theme } from '../../app/settings.ts';
import { useUsers } from '../../data/entities.ts';
import { crmQueries, remoteQueryClient } from '../../data/remote.ts';
import { useSyncStatus } from '../../data/useSyncStatus.ts';
import { SignInForm } from '../../components/SignInForm.tsx';
import { NotificationPermissionNotice } from '../../components/ReminderCentre.tsx';
import { formatLead } from '../../lib/format.ts';
import { useUiStore } from '../../state/store.ts';
import { DurationSettings } from './DurationSettings.tsx';
import { BillingSettings } from '../billable/BillingSettings.tsx';
import { LocaleSettings } from './LocaleSettings.tsx';
import { PlansSettings } from '../plans/PlansSettings.tsx';
import { CalendarSettings } from './CalendarSettings.tsx';

const LEAD_CHOICES = [null, 0, 5, 10, 15, 30, 60, 120, 240, 1440, 2880] as const;

export function SettingsView() {
  return (
    <section className="view settings" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <Connection />
      <CalendarSettings />
      <Reminders />
      <DurationSettings />
      <Hours />
      <LocaleSettings />
      <PlansSettings />
      <BillingSettings />
      <Appearance />
      <Diagnostics />
    </section>
  );
}

function ServerInfo() {
  const { platform, session } = useApp();
  const info = useQuery({ ...crmQueries.info(platform, session.baseUrl), enabled: session.signedIn }, remoteQueryClient());
  if (!session.signedIn) return null;
  if (info.isPending) return <p className="muted small">Asking the CRM what it supports…</p>;
  if (info.isError) return <p className="muted small">The CRM could not be reached just now; your work is kept here and syncs later.</p>;
  return (
    <p className="muted small">
      CRM features: {info.data.extensions.length ? info.data.extensions.join(', ') : 'standard API only (Fieldbook falls back where needed)'}.
    </p>
  );
}

function Connection() {
  const { session, signOut, currentUser, setCurrentUser, engine } = useApp();
  const { authRequired } = useSyncStatus();
  const users = useUsers();
  const toast = useUiStore((s) => s.toast);
  const [pick, setPick] = useState('');
  return (
    <section className="card settings-section" aria-labelledby="set-crm">
      <h2 id="set-crm">CRM connection</h2>
      {authRequired && (
        <p className="form-error" role="alert">The CRM refused your token. Enter a new one to resume syncing; nothing you changed is lost.</p>
      )}
      {session.signedIn && !authRequired ? (
        <div className="row">
          <p>Signed in to <strong>{session.baseUrl}</strong>{currentUser ? <> as <strong>{currentUser.name}</strong></> : null}.</p>
          <button type="button" className="button" onClick={() => { void signOut().then(() => toast('Signed out. Your local data stays on this device.')); }}>Sign out</button>
        </div>
      ) : (
        <SignInForm onDone={() => toast('Signed in.', 'success')} />
      )}
      <ServerInfo />
      <div className="settings-subsection">
        <h3>Who you are</h3>
        <p className="muted small">New activities are assigned to you by default. The CRM tells us when it can; otherwise pick yourself from the directory.</p>
        <div className="row">
          <div className="field wide">
            <label htmlFor="set-me">Your user</label>
            <select id="set-me" value={pick || currentUser?.id || ''} onChange={(e) => setPick(e.target.value)}>
              {!currentUser && <option value="">Choose…</option>}
              {currentUser && !users?.some((u) => u.id === currentUser.id) && <option value={currentUser.id}>{currentUser.name}</option>}
              {(users ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}{u.email ? ` (${u.email})` : ''}</option>)}
            </select>
          </div>
          <button
            type="button"
            className="button"
            disabled={!pick || pick === currentUser?.id}
            onClick={() => {
              const u = users?.find((x) => x.id === pick);
              if (u) void setCurrentUser({ id: u.id, name: u.name, email: u.email ?? null }).then(() => toast(`You are ${u.name}.`, 'success'));
            }}
          >
            Save
          </button>
          {engine && (
            <button type="button" className="button" onClick={() => { void engine.pullDirectory().then(() => toast('Directory refreshed.', 'success'), (e: unknown) => toast(String(e), 'error')); }}>
              Refresh directory
            </button>
          )}
        </div>
        {users?.length === 0 && <p className="muted small">The directory is empty until the first sync.</p>}
      </div>
    </section>
  );
}

function Reminders() {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  function change(type: ActivityType, raw: string) {
    const next = { ...settings.reminderLeads };
    const value = raw === 'default' ? undefined : raw === 'none' ? null : Number(raw);
    if (value === undefined) delete next[type];
    else next[type] = value;
    void updateSettings({ reminderLeads: next }).then(() => toast(`Reminder for ${ACTIVITY_TYPE_LABELS[type]} saved.`, 'success'));
  }
  return (
    <section className="card settings-section" aria-labelledby="set-rem">
      <h2 id="set-rem">Default reminders</h2>
      <p className="muted small">How long before the due time a new activity reminds you, by type. Calls 15 minutes, meetings 30 minutes, tasks and demos a day ahead (the CRM guide's advice), visits and appointments an hour ahead; every type has one unless you change it.</p>
      <NotificationPermissionNotice />
      <div className="settings-grid">
        {ACTIVITY_TYPES.map((t) => {
          const own = t in settings.reminderLeads;
          const current = reminderLead(t, settings.reminderLeads);
          const value = own ? (current === null ? 'none' : String(current)) : 'default';
          return (
            <div className="field" key={t}>
              <label htmlFor={`lead-${t}`}>{ACTIVITY_TYPE_LABELS[t]}</label>
              <select id={`lead-${t}`} value={value} onChange={(e) => change(t, e.target.value)}>
                <option value="default">Default ({formatLead(DEFAULT_REMINDER_LEAD_MINUTES[t])})</option>
                {LEAD_CHOICES.map((m) => (
                  <option key={String(m)} value={m === null ? 'none' : String(m)}>{m === 0 ? 'At the due time' : formatLead(m)}</option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function HoursFields({ label, value, onSave }: { label: string; value: HoursRange; onSave: (v: HoursRange) => void }) {
  const id = useId();
  const [start, setStart] = useState(value.start);
  const [end, setEnd] = useState(value.end);
  const bad = !isHhMm(start) || !isHhMm(end);
  const dirty = start !== value.start || end !== value.end;
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-s`}>{label} start</label>
        <input id={`${id}-s`} type="time" value={start} onChange={(e) => setStart(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-e`}>{label} end</label>
        <input id={`${id}-e`} type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
      </div>
      <button type="button" className="button" disabled={bad || !dirty} onClick={() => onSave({ start, end })}>Save {label.toLowerCase()}</button>
      {bad && <span className="field-errors" role="alert">Enter both times as HH:mm.</span>}
    </div>
  );
}

function Hours() {
  const { settings, updateSettings } = useApp();
  const toast = useUiStore((s) => s.toast);
  const zones = useMemo(() => {
    const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    return all.includes(settings.timeZone) ? all : [settings.timeZone, ...all];
  }, [settings.timeZone]);
  return (
    <section className="card settings-section" aria-labelledby="set-hours">
      <h2 id="set-hours">Hours and time zone</h2>
      <HoursFields label="Working hours" value={settings.workingHours}
        onSave={(v) => { void updateSettings({ workingHours: v }).then(() => toast('Working hours saved.', 'success')); }} />
      <label className="check">
        <input type="checkbox" checked={!!settings.quietHours}
          onChange={(e) => { void updateSettings({ quietHours: e.target.checked ? { start: '20:00', end: '07:00' } : null }); }} />
        Quiet hours (no reminder pop-ups)
      </label>
      {settings.quietHours && (
        <HoursFields label="Quiet hours" value={settings.quietHours}
          onSave={(v) => { void updateSettings({ quietHours: v }).then(() => toast('Quiet hours saved.', 'success')); }} />
      )}
      <div className="field wide">
        <label htmlFor="set-tz">Show dates in time zone</label>
        <select id="set-tz" value={settings.timeZone} onChange={(e) => { void updateSettings({ timeZone: e.target.value }); }}>
          {zones.map((z) => <option key={z} value={z}>{z}</option>)}
        </select>
      </div>
    </section>
  );
}

function Appearance() {
  const { settings, updateSettings } = useApp();
  const themes: { value: Theme; label: string }[] = [
    { value: 'system', label: 'Match the system' }, { value: 'light', label: 'Light' }, { value: 'dark', label: 'Dark' },
  ];
  return (
    <section className="card settings-section" aria-labelledby="set-theme">
      <h2 id="set-theme">Appearance</h2>
      <div role="radiogroup" aria-labelledby="set-theme" className="row">
        {themes.map((t) => (
          <label key={t.value} className="check">
            <input type="radio" name="theme" value={t.value} checked={settings.theme === t.value}
              onChange={() => { void updateSettings({ theme: t.value }); }} />
            {t.label}
          </label>
        ))}
      </div>
    </section>
  );
}

/** Desktop only: main keeps the logs (electron-log); the rep can hand them to support. */
function Diagnostics() {
  const { platform } = useApp();
  const toast = useUiStore((s) => s.toast);
  const [busy, setBusy] = useState(false);
  return (
    <section className="card settings-section" aria-labelledby="set-diag">
      <h2 id="set-diag">Diagnostics</h2>
      {platform.kind === 'electron' ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            platform.exportLogs()
              .then((path) => toast(path ? `Logs saved to ${path}` : 'Export cancelled.', path ? 'success' : 'info'))
              .catch((e: unknown) => toast(`Could not export logs: ${e instanceof Error ? e.message : String(e)}`, 'error'))
              .finally(() => setBusy(false));
          }}
        >
          Export logs
        </button>
      ) : (
        <p className="muted small">Logs are kept by the desktop app; in the browser there is nothing to export.</p>
      )}
    </section>
  );
}
