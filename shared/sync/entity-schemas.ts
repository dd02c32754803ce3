/**
 * What the rep may send for the directory records the guide's scenarios write: a new opportunity
 * (Scenario 3 step 2), an opportunity update (Scenario 1 step 5) and a customer update (Scenario 2
 * step 5). The guide gives only example bodies, so these check the fields it uses; a server may
 * know more (the stand-in keeps unknown fields), but the app sends only these.
 */
import { z } from 'zod';
import { isoDateSchema } from '../domain/index.ts';
import type { EditableEntityType } from './types.ts';

export const OPPORTUNITY_STAGES = [
  'prospecting', 'qualification', 'discovery', 'proposal', 'negotiation', 'closed_won', 'closed_lost',
] as const;
export const CUSTOMER_STATUSES = ['prospect', 'active', 'at_risk', 'inactive', 'churned'] as const;

/** The four BANT checks of a discovery call (Scenario 1 step 5). */
export const QUALIFICATION_FLAGS = ['budget_confirmed', 'authority_confirmed', 'need_confirmed', 'timeline_confirmed'] as const;

const nameSchema = z
  .string({ error: 'Enter a name.' })
  .trim()
  .min(1, { error: 'Enter a name.' })
  .max(255, { error: 'Keep the name under 255 characters.' });

const text = (max: number, label: string) =>
  z.string({ error: `${label} must be text.` }).max(max, { error: `Keep ${label.toLowerCase()} under ${max} characters.` }).nullable();

const tagsSchema = z
  .array(z.string({ error: 'Each tag must be text.' }).trim().min(1, { error: 'Tags cannot be empty.' }).max(64, { error: 'Keep each tag under 64 characters.' }), {
    error: 'Tags must be a list of words.',
  })
  .max(50, { error: 'Use at most 50 tags.' });

const opportunityFields = {
  name: nameSchema,
  value: z
    .number({ error: 'Enter the value as a number, e.g. 175000.' })
    .min(0, { error: 'The value cannot be negative.' })
    .max(1e12, { error: 'That value looks wrong; check it.' })
    .nullable(),
  probability: z
    .number({ error: 'Enter the probability as a number from 0 to 100.' })
    .int({ error: 'Enter the probability as a whole number.' })
    .min(0, { error: 'Probability is 0 to 100.' })
    .max(100, { error: 'Probability is 0 to 100.' })
    .nullable(),
  stage: z.enum(OPPORTUNITY_STAGES, { error: 'Choose a stage from the list.' }),
  expected_close_date: isoDateSchema.nullable(),
  budget_confirmed: z.boolean({ error: 'Budget confirmed is yes or no.' }),
  authority_confirmed: z.boolean({ error: 'Authority confirmed is yes or no.' }),
  need_confirmed: z.boolean({ error: 'Need confirmed is yes or no.' }),
  timeline_confirmed: z.boolean({ error: 'Timeline confirmed is yes or no.' }),
  discovery_notes: text(20_000, 'Discovery notes'),
  next_step: text(1_000, 'The next step'),
  description: text(20_000, 'The description'),
  source: text(255, 'The source'),
  tags: tagsSchema,
};

const partial = <T extends Record<string, z.ZodType>>(shape: T) =>
  Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };

const somethingToSend = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);

/** POST /opportunities: a name and the customer are required. */
export const createOpportunitySchema = z.strictObject({
  ...partial(opportunityFields),
  name: nameSchema,
  customer_id: z.string({ error: 'Choose the customer.' }).trim().min(1, { error: 'Choose the customer.' }).max(64, { error: 'That customer id is too long.' }),
});
export type CreateOpportunityInput = z.infer<typeof createOpportunitySchema>;

/** PATCH /opportunities/{id}: any of the fields, at least one. */
export const updateOpportunitySchema = z
  .strictObject(partial(opportunityFields))
  .refine(somethingToSend, { error: 'Change at least one field.', path: ['_'] });
export type UpdateOpportunityInput = z.infer<typeof updateOpportunitySchema>;

/** PATCH /customers/{id}: status, notes, tags (and the name). */
export const updateCustomerSchema = z
  .strictObject(partial({
    name: nameSchema,
    status: z.enum(CUSTOMER_STATUSES, { error: 'Choose a status from the list.' }),
    notes: text(20_000, 'Notes'),
    tags: tagsSchema,
  }))
  .refine(somethingToSend, { error: 'Change at least one field.', path: ['_'] });
export type UpdateCustomerInput = z.infer<typeof updateCustomerSchema>;

export function updateSchemaOf(type: EditableEntityType) {
  return type === 'opportunity' ? updateOpportunitySchema : updateCustomerSchema;
}
