/** Schemas every area shares: the error answer. */
import { z } from 'zod';

/** Every non-2xx answer; `fields` lists validation failures (`body.username`, `query.from`, …). */
export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;
