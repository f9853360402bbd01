// The GitHub layer's Logger on @actions/core: every line of the action goes through the runner's log.
import * as core from '@actions/core';
import type { Logger } from '../util/log.js';
import { logSafe } from '../util/log-safe.js';

/**
 * core.info writes its text as it is, where the runner parses workflow commands: every line goes through logSafe.
 * (core.warning and core.debug escape their data themselves; logSafe also keeps them to one line.)
 */
export const actionLogger: Logger = {
  info: (message) => core.info(logSafe(message)),
  warning: (message) => core.warning(logSafe(message)),
  debug: (message) => core.debug(logSafe(message)),
};
