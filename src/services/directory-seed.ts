import { existsSync, readFileSync } from 'node:fs';
import type { SessionUser } from '../domain/access';
import { organisationRows, parseCsv, ruleRows, type Lookup } from './directory-spreadsheet';
import type { OrganisationsService } from './organisations.service';

const REGIONS_DIR = new URL('../../config/regions/', import.meta.url);

/** The region's shipped directory spreadsheets (config/regions/<region>.organisations.csv, .routing-rules.csv). */
export function regionDirectoryFiles(region: string): { organisations: URL; rules: URL } | null {
  const organisations = new URL(`${region}.organisations.csv`, REGIONS_DIR);
  const rules = new URL(`${region}.routing-rules.csv`, REGIONS_DIR);
  return existsSync(organisations) && existsSync(rules) ? { organisations, rules } : null;
}

/**
 * Imports the region's shipped directory when the directory is empty (the demo, a new region);
 * through the same validated import as an uploaded spreadsheet. Returns whether it imported.
 */
export async function seedDirectoryIfEmpty(deps: { organisations: OrganisationsService; lookup: Lookup; region: string; actor: SessionUser }): Promise<boolean> {
  const files = regionDirectoryFiles(deps.region);
  if (!files) return false;
  if ((await deps.organisations.list()).length > 0) return false;
  await deps.organisations.importRows(deps.actor, {
    organisations: organisationRows(parseCsv(readFileSync(files.organisations, 'utf8')), deps.lookup),
    rules: ruleRows(parseCsv(readFileSync(files.rules, 'utf8')), deps.lookup),
  });
  return true;
}
