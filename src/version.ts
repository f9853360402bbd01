// Versions baked in at build time from package.json: the tool's own and the pinned node-llama-cpp.
import pkg from '../package.json' with { type: 'json' };

export const TOOL_VERSION: string = pkg.version;
/** The embedded engine's exact version; the action installs this one when it is not beside the bundle. */
export const NODE_LLAMA_CPP_VERSION: string = pkg.dependencies['node-llama-cpp'];
