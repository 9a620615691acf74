import { runProcess } from './process';
import { startPipelineRole } from './roles';

await runProcess('pipeline-worker', startPipelineRole);
