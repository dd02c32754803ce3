/**
 * Validation of the directory records (leads, customers, opportunities, contacts, users). The guide
 * defines no schema for them beyond its scenario bodies, so these are loose: the fields the guide
 * uses are checked, anything else is kept as sent.
 */
import { z } from 'zod';
import { isoDateSchema, type DirectoryType } from '#shared/domain/index';

export const OPPORTUNITY_STAGES = [
  'prospecting', 'qualification', 'discovery', 'proposal', 'negotiation', 'closed_won', 'closed_lost',
] as const;
export const CUSTOMER_STATUSES = ['prospect', 'active', 'at_risk', 'inactive', 'churned'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted'] as const;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const name = z.string({ error: 'Enter a name.' }).trim().min(1, { error: 'Enter a name.' }).max(255, { error: 'Keep the name under 255 characters.' });
const common = {
  email: z.email({ error: 'Enter a valid email address.' }).nullable(),
  phone: z.string({ error: 'The phone number must be text.' }).max(50, { error: 'Keep the phone number under 50 characters.' }).nullable(),
  time_zone: z.string().refine(isTimeZone, { error: 'Use an IANA time zone such as Europe/Berlin.' }).nullable(),
  tags: z.array(z.string().trim().min(1).max(64), { error: 'Tags must be a list of words.' }).max(50),
  notes: z.string({ error: 'Notes must be text.' }).max(20_000).nullable(),
  description: z.string({ error: 'The description must be text.' }).max(20_000).nullable(),
};
const money = z.number({ error: 'Enter the value as a number.' }).min(0, { error: 'The value cannot be negative.' });

const shapes = {
  lead: { ...common, company: z.string().max(255).nullable(), status: z.enum(LEAD_STATUSES, { error: `Choose a status (${LEAD_STATUSES.join(', ')}).` }) },
  customer: { ...common, status: z.enum(CUSTOMER_STATUSES, { error: `Choose a status (${CUSTOMER_STATUSES.join(', ')}).` }), industry: z.string().max(255).nullable() },
  opportunity: {
    ...common,
    customer_id: z.string({ error: 'Choose the customer.' }).min(1, { error: 'Choose the customer.' }),
    value: money,
    stage: z.enum(OPPORTUNITY_STAGES, { error: `Choose a stage (${OPPORTUNITY_STAGES.join(', ')}).` }),
    probability: z.number({ error: 'Enter the probability as a number.' }).int().min(0).max(100, { error: 'Probability is 0 to 100.' }),
    expected_close_date: isoDateSchema.nullable(),
    source: z.string().max(255).nullable(),
  },
  contact: { ...common, customer_id: z.string().min(1).nullable(), title: z.string().max(255).nullable() },
  user: { ...common, role: z.string().max(255).nullable() },
} satisfies Record<DirectoryType, Record<string, z.ZodType>>;

type AnyShape = Record<string, z.ZodType>;
function optionalAll(shape: AnyShape): AnyShape {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()]));
}

/** POST body: a name is required (and a customer for an opportunity); unknown fields are kept. */
export function createEntitySchema(type: DirectoryType) {
  const shape: AnyShape = { ...optionalAll(shapes[type]), name };
  if (type === 'opportunity') shape.customer_id = shapes.opportunity.customer_id;
  if (type === 'user') shape.email = common.email.unwrap();
  return z.looseObject(shape);
}

/** PATCH/PUT body: any subset of the fields, at least one. */
export function patchEntitySchema(type: DirectoryType) {
  return z
    .looseObject({ ...optionalAll(shapes[type]), name: name.optional() })
    .refine((v) => Object.keys(v).length > 0, { error: 'Nothing to update.', path: ['_'] })
    .refine((v) => !('id' in v), { error: 'The id cannot be changed.', path: ['id'] });
}
