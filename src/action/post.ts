// Entry point of dist/post.js (action.yml `runs.post`): the work is in post-impl.ts.
import { runPost } from './post-impl.js';

await runPost();
