import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createOrganisationSchema,
  createRuleSchema,
  exportQuerySchema,
  importQuerySchema,
  importResultSchema,
  organisationSchema,
  ruleSchema,
  suggestionSchema,
  suggestQuerySchema,
  ruleIdParams,
  updateOrganisationSchema,
  updateRuleSchema,
} from '../../contracts/organisations';
import { ValidationError } from '../../lib/errors';
import type { AuthService } from '../../services/auth.service';
import { organisationGrid, organisationRows, parseCsv, parseXlsx, ruleGrid, ruleRows, toCsv, toXlsx, type Lookup } from '../../services/directory-spreadsheet';
import type { OrganisationsService } from '../../services/organisations.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const idParams = z.object({ id: z.string().min(1).max(128) });
const denied = { 401: errorBody, 403: errorBody };
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IMPORT_LIMIT = 5 * 1024 * 1024;

/**
 * The organisation directory and responsibility rules. Reading is for everyone who works
 * incidents (the route action picks from it); changing, importing and exporting needs
 * `organisations:manage`. Every change is audited by the service.
 */
export const organisationRoutes: FastifyPluginAsyncZod<{ auth: AuthService; organisations: OrganisationsService; lookup: Lookup }> = async (app, { auth, organisations, lookup }) => {
  const read = requirePermission(auth, 'incidents:read');
  const manage = requirePermission(auth, 'organisations:manage');

  // Spreadsheets arrive as the raw file body; parsed by the route, validated by the service.
  app.addContentTypeParser(['text/csv', 'application/octet-stream', XLSX_TYPE], { parseAs: 'buffer', bodyLimit: IMPORT_LIMIT }, (_req, body, done) => done(null, body));

  app.get(
    '/api/organisations',
    { preHandler: read, schema: { tags: ['organisations'], response: { 200: z.object({ items: z.array(organisationSchema) }), ...denied } } },
    async () => ({ items: await organisations.list() }),
  );

  app.post(
    '/api/organisations',
    { preHandler: manage, schema: { tags: ['organisations'], body: createOrganisationSchema, response: { 201: z.object({ organisation: organisationSchema }), 400: errorBody, ...denied, 409: errorBody } } },
    async (request, reply) => reply.status(201).send({ organisation: await organisations.create(sessionOf(request).user, request.body, request.ip) }),
  );

  app.get(
    '/api/organisations/suggest',
    {
      preHandler: read,
      schema: {
        tags: ['organisations'],
        description: 'Where to route an incident: the most specific responsibility rule, then where similar incidents went before.',
        querystring: suggestQuerySchema,
        response: { 200: z.object({ items: z.array(suggestionSchema) }), 400: errorBody, ...denied },
      },
    },
    async (request) => ({ items: await organisations.suggest(request.query) }),
  );

  app.get(
    '/api/organisations/export',
    { preHandler: manage, schema: { tags: ['organisations'], description: 'CSV: one table (organisations or rules); XLSX: both sheets.', querystring: exportQuerySchema, response: { 200: z.any(), 400: errorBody, ...denied } } },
    async (request, reply) => {
      const { organisations: orgs, rules } = await organisations.exportDirectory(sessionOf(request).user, request.query.format, request.ip);
      const date = new Date().toISOString().slice(0, 10);
      if (request.query.format === 'csv') {
        const grid = request.query.table === 'rules' ? ruleGrid(rules) : organisationGrid(orgs);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${request.query.table}-${date}.csv"`)
          .send(toCsv(grid));
      }
      const file = await toXlsx({ organisations: organisationGrid(orgs), rules: ruleGrid(rules) });
      return reply.type(XLSX_TYPE).header('content-disposition', `attachment; filename="directory-${date}.xlsx"`).send(file);
    },
  );

  app.post(
    '/api/organisations/import',
    {
      preHandler: manage,
      schema: {
        tags: ['organisations'],
        description:
          'Imports a spreadsheet (body: the file; CSV needs ?table=organisations|rules, XLSX reads the sheets «Организации» and «Правила»). Organisations are upserted by code, rules by key. Any broken row rejects the whole file (400, `fields` names each row and reason) and nothing is imported.',
        querystring: importQuerySchema,
        response: { 200: importResultSchema, 400: errorBody, ...denied },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new ValidationError('body: send the file as text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const { format, table } = request.query;
      if (format === 'csv') {
        if (!table) throw new ValidationError('querystring.table: a CSV holds one table, name it (organisations or rules)');
        const grid = parseCsv(body.toString('utf8'));
        const rows = table === 'organisations' ? { organisations: organisationRows(grid, lookup) } : { rules: ruleRows(grid, lookup) };
        return organisations.importRows(sessionOf(request).user, rows, request.ip);
      }
      const sheets = await parseXlsx(body);
      return organisations.importRows(
        sessionOf(request).user,
        {
          ...(sheets.organisations ? { organisations: organisationRows(sheets.organisations, lookup) } : {}),
          ...(sheets.rules ? { rules: ruleRows(sheets.rules, lookup) } : {}),
        },
        request.ip,
      );
    },
  );

  app.get(
    '/api/organisations/:id',
    { preHandler: read, schema: { tags: ['organisations'], params: idParams, response: { 200: z.object({ organisation: organisationSchema }), ...denied, 404: errorBody } } },
    async (request) => ({ organisation: await organisations.get(request.params.id) }),
  );

  app.patch(
    '/api/organisations/:id',
    {
      preHandler: manage,
      schema: { tags: ['organisations'], params: idParams, body: updateOrganisationSchema, response: { 200: z.object({ organisation: organisationSchema }), 400: errorBody, ...denied, 404: errorBody } },
    },
    async (request) => ({ organisation: await organisations.update(sessionOf(request).user, request.params.id, request.body, request.ip) }),
  );

  app.delete(
    '/api/organisations/:id',
    { preHandler: manage, schema: { tags: ['organisations'], description: 'Deletes the organisation and the rules pointing at it.', params: idParams, response: { 204: z.null(), ...denied, 404: errorBody } } },
    async (request, reply) => {
      await organisations.remove(sessionOf(request).user, request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/routing-rules',
    { preHandler: read, schema: { tags: ['organisations'], response: { 200: z.object({ items: z.array(ruleSchema) }), ...denied } } },
    async () => ({ items: await organisations.listRules() }),
  );

  app.post(
    '/api/routing-rules',
    {
      preHandler: manage,
      schema: {
        tags: ['organisations'],
        description: 'sector × category × municipality → organisation; omit category or municipality for "any". The most specific matching rule wins.',
        body: createRuleSchema,
        response: { 201: z.object({ rule: ruleSchema }), 400: errorBody, ...denied, 409: errorBody },
      },
    },
    async (request, reply) => reply.status(201).send({ rule: await organisations.createRule(sessionOf(request).user, request.body, request.ip) }),
  );

  app.patch(
    '/api/routing-rules/:id',
    {
      preHandler: manage,
      schema: { tags: ['organisations'], description: 'Points the rule at another organisation (its key — sector, category, municipality — is its id and stays). URL-encode the id.', params: ruleIdParams, body: updateRuleSchema, response: { 200: z.object({ rule: ruleSchema }), 400: errorBody, ...denied, 404: errorBody } },
    },
    async (request) => ({ rule: await organisations.updateRule(sessionOf(request).user, request.params.id, request.body, request.ip) }),
  );

  app.delete(
    '/api/routing-rules/:id',
    { preHandler: manage, schema: { tags: ['organisations'], description: 'Rule ids look like `housing|housing.heating|omsk`: URL-encode them.', params: z.object({ id: z.string().min(1).max(200) }), response: { 204: z.null(), ...denied, 404: errorBody } } },
    async (request, reply) => {
      await organisations.deleteRule(sessionOf(request).user, request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
