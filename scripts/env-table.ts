/**
 * The README's variable table, generated from the env schema (src/config/env.ts).
 *   npm run docs:env            print it
 *   npm run docs:env -- --write rewrite it in README.md between the env-table markers
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { envTableMarkdown } from '../src/config/env';

const table = envTableMarkdown();
if (process.argv.includes('--write')) {
  const file = new URL('../README.md', import.meta.url);
  const readme = readFileSync(file, 'utf8');
  const next = readme.replace(/(<!-- env-table:start -->\n)[\s\S]*?(\n<!-- env-table:end -->)/, `$1${table}$2`);
  if (next === readme && !readme.includes(table)) throw new Error('README.md has no env-table markers');
  writeFileSync(file, next);
} else {
  process.stdout.write(`${table}\n`);
}
