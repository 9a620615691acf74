import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// `docker compose config` needs an engine; this checks what it would: the file parses with its
// anchors merged, every service has an image or a build, every referenced service, volume and
// file exists, and the `scaled` profile has the multi-node topology.
interface Service {
  image?: string;
  build?: string;
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const inProfile = (p: string) => Object.entries(services).filter(([, s]) => s.profiles?.includes(p));

describe('docker-compose.yml', () => {
  it('is complete: images, dependencies, named volumes and mounted files exist', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image ?? s.build, name).toBeTruthy();
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(services[d], `${name} depends on ${d}`).toBeDefined();
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] as string;
        if (source.startsWith('./')) expect(() => readFileSync(source), `${name} mounts ${source}`).not.toThrow();
        else expect(compose.volumes[source], `${name} volume ${source}`).toBeDefined();
      }
      // A profile's services depend only on services of the same profile (or of none).
      for (const d of deps) if (s.profiles) expect(services[d]?.profiles ?? s.profiles, `${name} → ${d}`).toEqual(s.profiles);
    }
  });

  it('profile `scaled`: a three-node Elasticsearch cluster, two API nodes behind a proxy, several workers', () => {
    const scaled = Object.fromEntries(inProfile('scaled'));
    const es = Object.entries(scaled).filter(([, s]) => s.image?.startsWith('docker.elastic.co/elasticsearch/'));
    expect(es).toHaveLength(3);
    for (const [name, s] of es) {
      expect(s.environment?.['cluster.initial_master_nodes']?.split(','), name).toEqual(es.map(([n]) => n));
      expect(s.environment?.['discovery.type'], name).toBeUndefined();
    }
    const apis = Object.entries(scaled).filter(([, s]) => JSON.stringify(s).includes('src/main/api.ts'));
    expect(apis).toHaveLength(2);
    const proxyConf = readFileSync('config/nginx/api.conf', 'utf8');
    for (const [name] of apis) expect(proxyConf).toContain(`server ${name}:3000`);
    expect(proxyConf).toMatch(/proxy_set_header Upgrade/);
    const esConf = readFileSync('config/nginx/elasticsearch.conf', 'utf8');
    for (const [name] of es) expect(esConf).toContain(`server ${name}:9200`);
    for (const role of ['src/main/pipeline-worker.ts', 'src/main/connector-worker.ts']) {
      const s = Object.values(scaled).find((x) => JSON.stringify(x).includes(role));
      expect(s?.deploy?.replicas ?? 1, role).toBeGreaterThanOrEqual(2);
    }
    for (const s of Object.values(scaled).filter((x) => x.build)) expect(s.environment?.ES_REPLICAS).toBe('1');
  });
});
