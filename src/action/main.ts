// Entry point of dist/main.js (action.yml `runs.main`): the work is in main-impl.ts.
import { runMain } from './main-impl.js';

await runMain();
