/**
 * `npm run --silent classify < posts.jsonl > out.jsonl`
 *
 * Reads JSON lines (`{"id": "...", "text": "..."}` at least; optional `"municipality"`, the
 * source's municipality code) on stdin and writes one JSON line per input with every output:
 * sector, category, complaint, tone, urgency, misinformation, organisations, place (resolved
 * against the REGION gazetteer, default omsk) and the model version. A bad line gets an error line
 * naming the input id (or the line number) and the problem; the rest go on. Exit code 0, or 1 if
 * any line failed. MODEL_PATH picks another model file.
 */
import { createInterface } from 'node:readline';
import { loadClassifier } from '../src/classifier/classifier';
import { createPlaceResolver } from '../src/classifier/place';
import { createGazetteer, loadRegion } from '../src/services/gazetteer.service';
import { POST_LIMITS } from '../src/domain/post';
import { analyze } from '../src/text/analyze';

const classifier = await loadClassifier(process.env.MODEL_PATH);
const place = createPlaceResolver(createGazetteer(loadRegion(process.env.REGION ?? 'omsk')));
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let lineNo = 0;
let failed = 0;

function result(line: string): object {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { line: lineNo, error: 'not valid JSON' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { line: lineNo, error: 'expected a JSON object' };
  const { id, text, municipality } = input as { id?: unknown; text?: unknown; municipality?: unknown };
  const ref = typeof id === 'string' || typeof id === 'number' ? { id } : { line: lineNo };
  if (!('id' in ref)) return { ...ref, error: 'id: required (string or number)' };
  if (typeof text !== 'string') return { ...ref, error: 'text: required string' };
  if (text.length > POST_LIMITS.maxTextChars) return { ...ref, error: `text: longer than ${POST_LIMITS.maxTextChars} characters` };
  if (municipality !== undefined && typeof municipality !== 'string') return { ...ref, error: 'municipality: expected a municipality code (string)' };
  const a = analyze(text);
  return { ...ref, ...classifier.classify(a), place: place.resolve(a.normalized, municipality ?? null) };
}

for await (const line of rl) {
  lineNo++;
  if (line.trim() === '') continue;
  const out = result(line);
  if ('error' in out) failed++;
  // Backpressure: wait for the pipe to drain rather than buffering a whole file in memory.
  if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
}
process.exitCode = failed > 0 ? 1 : 0;
