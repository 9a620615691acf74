import { runProcess } from './process';
import { startApiRole } from './roles';

await runProcess('api', startApiRole);
