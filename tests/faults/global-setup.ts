import { esService } from './harness';

/** The fault project's own Elasticsearch node: started once for every scenario, stopped after. */
export function setup(): () => void {
  esService('es-start');
  return () => {
    if (process.env.FAULTS_KEEP_ES !== '1') esService('es-stop');
  };
}
