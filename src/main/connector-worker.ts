import { runProcess } from './process';
import { startConnectorRole } from './roles';

await runProcess('connector-worker', startConnectorRole);
