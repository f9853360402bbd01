// The GitHub layer's Logger on @actions/core: every line of the action goes through the runner's log.
import * as core from '@actions/core';
import type { Logger } from '../github/errors.js';

export const actionLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
};
