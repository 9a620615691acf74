/** Reference data for every page: region, sectors, networks, municipalities. */
import { z } from 'zod';
import type { Route } from './api';

const option = z.object({ code: z.string(), title: z.string() });

export const metaAnswer = z.object({
  region: z.object({ code: z.string(), name: z.string() }),
  sectors: z.array(option),
  networks: z.array(option),
  municipalities: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type Meta = z.infer<typeof metaAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/meta': Route<{ response: typeof metaAnswer }>;
  }
}
