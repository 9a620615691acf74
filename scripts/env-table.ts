/** Prints the README's variable table, generated from the env schema (src/config/env.ts). */
import { envTableMarkdown } from '../src/config/env';

process.stdout.write(`${envTableMarkdown()}\n`);
