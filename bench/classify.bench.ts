/**
 * `npm run bench:classify` — speed of text analysis + classification on one core.
 *
 * Posts: the corpus test split plus the demo feed (connectors/demo/posts.ru.jsonl), repeated for
 * at least BENCH_SECONDS (default 3) of CPU time after a warm-up; rates are per CPU-second. In the same run, natural's BayesClassifier
 * (deep import) classifies the same posts. It is trained on the corpus train split only: its
 * cost per post grows with its vocabulary, so training it on all our data (as `npm run eval`
 * does, ~3 min) would make it slower still; this keeps the ratio conservative.
 *
 * Also: model load time (read + gunzip + dequantise + fuse, median of 3) and resident memory after
 * the classifier's run (before the baseline is built in the same process).
 * And the CLI's start-up (`cli_start_ms`, CPU time for one line, see `cliCpuMs`).
 * Last line: posts_per_s=… baseline_posts_per_s=… ratio=… load_ms=… rss_mb=… cli_start_ms=…
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier';
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru';
import { loadClassifier } from '../src/classifier/classifier';
import { analyze } from '../src/text/analyze';
import { loadCorpus } from '../scripts/corpus/datasets';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const out = (s: string) => process.stdout.write(s + '\n');

const demo = readFileSync(new URL('../connectors/demo/posts.ru.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text?: string }).text ?? '');
const posts = [...loadCorpus('test').map((e) => e.text), ...demo];
const chars = posts.reduce((s, p) => s + p.length, 0);
out(`posts: ${posts.length} (corpus test ${posts.length - demo.length}, demo ${demo.length}), mean ${Math.round(chars / posts.length)} chars`);

// Model load: median of three cold loads, in CPU time (read + gunzip + dequantise + fuse is
// single-threaded work; on a shared machine the wall clock also counts other processes' turns),
// with the wall clock beside it.
const loads: number[] = [];
const loadWalls: number[] = [];
let clf = await loadClassifier();
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  clf = await loadClassifier();
  const u = process.cpuUsage(u0);
  loads.push((u.user + u.system) / 1000);
  loadWalls.push(performance.now() - t0);
}
const loadMs = loads.sort((a, b) => a - b)[1] as number;
const loadWallMs = loadWalls.sort((a, b) => a - b)[1] as number;
out(`model load: ${Math.round(loadMs)} ms CPU (wall clock ${Math.round(loadWallMs)} ms)`);

/**
 * Runs `f` over all posts repeatedly for ≥ `seconds` of this process's CPU time; posts per
 * CPU-second (one core: the process is single-threaded, and GC helper threads count against it),
 * and the wall-clock rate beside it. CPU time is the figure: on a shared machine the wall clock
 * also counts the time other processes hold the core.
 */
function rate(f: (text: string) => unknown, seconds: number): { cpu: number; wall: number } {
  for (const p of posts.slice(0, 200)) f(p); // warm-up
  let n = 0;
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const cpuSeconds = () => {
    const u = process.cpuUsage(u0);
    return (u.user + u.system) / 1e6;
  };
  do {
    for (const p of posts) f(p);
    n += posts.length;
  } while (cpuSeconds() < seconds);
  return { cpu: n / cpuSeconds(), wall: n / ((performance.now() - t0) / 1000) };
}

let sink = 0;
const ours = rate((t) => {
  sink += clf.classify(analyze(t)).sector.confidence;
}, SECONDS);
const postsPerS = ours.cpu;
// Memory of the classifier's process: taken before the baseline (its vocabulary) joins it.
const rssMb = process.memoryUsage().rss / 1024 / 1024;
out(`dozor: ${Math.round(postsPerS)} posts per CPU-second (wall clock ${Math.round(ours.wall)}/s) (analyze + classify: sector, category, complaint, tone, urgency, misinformation, organisations), rss ${Math.round(rssMb)} MB`);

const t0 = performance.now();
const bayes = new BayesClassifier(PorterStemmerRu);
for (const e of loadCorpus('train')) if (e.sector) bayes.addDocument(e.text, e.sector);
bayes.train();
out(`natural BayesClassifier trained on the corpus train split in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const base = rate((t) => {
  sink += bayes.classify(t)?.length ?? 0;
}, SECONDS);
const baselinePerS = base.cpu;
out(`baseline: ${Math.round(baselinePerS)} posts per CPU-second (wall clock ${Math.round(base.wall)}/s) (sector only)`);

/**
 * CLI start-up: `node scripts/classify.mjs` (what `npm run --silent classify` runs) on one line,
 * after one run that builds its bundle if stale; median of 3 of the child's CPU time (user + sys,
 * from bash's `times`: wall clock on a shared machine counts other processes), beside tsx running
 * scripts/classify.ts (the old command) as the baseline.
 */
function cliCpuMs(command: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = spawnSync('bash', ['-c', `echo '{"id":1,"text":"Третий день нет отопления"}' | ${command} > /dev/null && times`], { encoding: 'utf8', cwd: ROOT });
    // `times` prints the shell's and then its children's user and system time: «0m0.312s 0m0.041s».
    const child = (r.stdout.trim().split('\n')[1] ?? '').match(/(\d+)m([\d.]+)s/g);
    if (r.status !== 0 || !child || child.length < 2) throw new Error(`classify CLI failed: ${r.stderr}`);
    const ms = child.reduce((sum, t) => {
      const [, m, sec] = /(\d+)m([\d.]+)s/.exec(t) as RegExpExecArray;
      return sum + (Number(m) * 60 + Number(sec)) * 1000;
    }, 0);
    if (i > 0) runs.push(ms);
  }
  return runs.sort((x, y) => x - y)[1] as number;
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const cliMs = cliCpuMs('node scripts/classify.mjs');
const cliTsxMs = cliCpuMs('node --import tsx scripts/classify.ts');

out(`cli: one line in ${Math.round(cliMs)} ms CPU (tsx scripts/classify.ts: ${Math.round(cliTsxMs)} ms)`);
if (sink < 0) out(''); // keep the work observable
out(`posts_per_s=${Math.round(postsPerS)} baseline_posts_per_s=${Math.round(baselinePerS)} ratio=${(postsPerS / baselinePerS).toFixed(1)} load_ms=${Math.round(loadMs)} rss_mb=${Math.round(rssMb)} cli_start_ms=${Math.round(cliMs)}`);
