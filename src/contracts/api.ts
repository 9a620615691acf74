/**
 * The REST contract between the API and the dashboards, at the type level only.
 *
 * Every area keeps its zod schemas in `src/contracts/<area>.ts`: the server's routes validate and
 * serialise with them, and the same file adds its routes to `ApiRoutes` below by module
 * augmentation, so the dashboards' one client (`dashboards/shared/api.ts`) knows each route's
 * params, query, body and answer. Change a schema and the dashboards stop type-checking wherever
 * they relied on the old shape. Dashboards import from here with `import type` only: zod never
 * reaches the browser bundle.
 *
 *   declare module './api' {
 *     interface ApiRoutes {
 *       'GET /api/things/:id': Route<{ params: typeof idParams; response: typeof thingSchema }>;
 *     }
 *   }
 */
import type { z } from 'zod';

/** The schemas of one route; `response` is the success answer (200, 201 or 204). */
export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
}

type In<S> = S extends z.ZodType ? z.input<S> : undefined;

/** What a caller sends and gets for one route (inputs before defaults, the answer as parsed). */
export interface Route<S extends RouteSchemas> {
  params: In<S['params']>;
  query: In<S['query']>;
  body: In<S['body']>;
  response: z.output<S['response']>;
}

/** Every route the dashboards may call, keyed `'METHOD /path/:param'`; filled by the area files. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApiRoutes {}

export type RouteKey = keyof ApiRoutes & string;
