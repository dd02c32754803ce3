/**
 * The customer's local time beside the rep's, when the contact or related record has a time zone
 * (the contact's first: it is the person on the call). Used by the scheduling form and reminders.
 */
import { customerLocalTime, isValidTimeZone, type DirectoryType } from '#shared/domain/index';
import { useEntity } from '../../data/entities.ts';
import '../series/series.css';

export interface CustomerLocalTimeProps {
  /** The due time (ISO instant), or null while unset. */
  dueIso: string | null;
  repZone: string;
  entity?: { type: DirectoryType; id: string } | null;
  contactId?: string | null;
}

/** The zone to show: the contact's if known, else the related record's. */
export function useCustomerZone(entity: CustomerLocalTimeProps['entity'], contactId: string | null | undefined): string | null {
  const contact = useEntity(contactId ? 'contact' : null, contactId);
  const record = useEntity(entity?.type, entity?.id);
  for (const z of [contact?.time_zone, record?.time_zone]) if (z && isValidTimeZone(z)) return z;
  return null;
}

export function CustomerLocalTime({ dueIso, repZone, entity, contactId }: CustomerLocalTimeProps) {
  const zone = useCustomerZone(entity, contactId);
  if (!dueIso || !zone || Number.isNaN(Date.parse(dueIso))) return null;
  const pair = customerLocalTime(dueIso, repZone, zone);
  if (!pair.customer) return null;
  const text = pair.sameClock
    ? `Same time for the customer (${zone})`
    : `${pair.label} · ${zone}`;
  return (
    <span className={`local-time${pair.outsideCustomerHours ? ' outside' : ''}`} data-testid="customer-local-time">
      {text}{pair.outsideCustomerHours ? ' — outside their working hours' : ''}
    </span>
  );
}
