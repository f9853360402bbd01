#!/usr/bin/env node
import { g as getDefaultExportFromCjs } from './chunks/_commonjsHelpers.js';
import require$$0 from 'node:events';
import require$$1, { execFile } from 'node:child_process';
import path, { join, resolve, dirname } from 'node:path';
import fs__default, { existsSync } from 'node:fs';
import process$1 from 'node:process';
import { g as getErrorMessage, I as InputError, p as parseResults, R as RESULTS_SCHEMA, a as metricInfo } from './chunks/storage.js';
import { m as loadConfig, x as checkOutputPaths, y as checkOutputDir, u as untilInterrupted, n as runSession, z as isShapeName, S as SHAPE_NAMES, A as isModelType, M as MODEL_TYPES, B as makeModel, C as SHAPES, k as compareSettings, b as compareWithHistory, d as compareResults, a as compareAB, D as parseVerdict, w as writeFileAtomic, K as KNOWN_METRICS, l as loadTemplateFile, h as loadTemplate, t as templatesDir, E as renderReport, F as didYouMean, G as packageRoot, H as sha256Text, T as TOOL_VERSION, I as median, J as mannWhitneyU, L as quantile, O as normalCdf, q as escapeMarkdown, P as InterruptedError } from './chunks/templates.js';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import 'node:crypto';
import 'process';
import 'buffer';
import 'node:async_hooks';
import 'readline';
import 'events';
import 'node:http';
import 'node:https';
import 'fs';
import 'node:url';

var commander$1 = {};

var argument = {};

var error = {};

/**
 * CommanderError class
 */

var hasRequiredError;

function requireError () {
	if (hasRequiredError) return error;
	hasRequiredError = 1;
	class CommanderError extends Error {
	  /**
	   * Constructs the CommanderError class
	   * @param {number} exitCode suggested exit code which could be used with process.exit
	   * @param {string} code an id string representing the error
	   * @param {string} message human-readable description of the error
	   */
	  constructor(exitCode, code, message) {
	    super(message);
	    // properly capture stack trace in Node.js
	    Error.captureStackTrace(this, this.constructor);
	    this.name = this.constructor.name;
	    this.code = code;
	    this.exitCode = exitCode;
	    this.nestedError = undefined;
	  }
	}

	/**
	 * InvalidArgumentError class
	 */
	class InvalidArgumentError extends CommanderError {
	  /**
	   * Constructs the InvalidArgumentError class
	   * @param {string} [message] explanation of why argument is invalid
	   */
	  constructor(message) {
	    super(1, 'commander.invalidArgument', message);
	    // properly capture stack trace in Node.js
	    Error.captureStackTrace(this, this.constructor);
	    this.name = this.constructor.name;
	  }
	}

	error.CommanderError = CommanderError;
	error.InvalidArgumentError = InvalidArgumentError;
	return error;
}

var hasRequiredArgument;

function requireArgument () {
	if (hasRequiredArgument) return argument;
	hasRequiredArgument = 1;
	const { InvalidArgumentError } = requireError();

	class Argument {
	  /**
	   * Initialize a new command argument with the given name and description.
	   * The default is that the argument is required, and you can explicitly
	   * indicate this with <> around the name. Put [] around the name for an optional argument.
	   *
	   * @param {string} name
	   * @param {string} [description]
	   */

	  constructor(name, description) {
	    this.description = description || '';
	    this.variadic = false;
	    this.parseArg = undefined;
	    this.defaultValue = undefined;
	    this.defaultValueDescription = undefined;
	    this.argChoices = undefined;

	    switch (name[0]) {
	      case '<': // e.g. <required>
	        this.required = true;
	        this._name = name.slice(1, -1);
	        break;
	      case '[': // e.g. [optional]
	        this.required = false;
	        this._name = name.slice(1, -1);
	        break;
	      default:
	        this.required = true;
	        this._name = name;
	        break;
	    }

	    if (this._name.endsWith('...')) {
	      this.variadic = true;
	      this._name = this._name.slice(0, -3);
	    }
	  }

	  /**
	   * Return argument name.
	   *
	   * @return {string}
	   */

	  name() {
	    return this._name;
	  }

	  /**
	   * @package
	   */

	  _collectValue(value, previous) {
	    if (previous === this.defaultValue || !Array.isArray(previous)) {
	      return [value];
	    }

	    previous.push(value);
	    return previous;
	  }

	  /**
	   * Set the default value, and optionally supply the description to be displayed in the help.
	   *
	   * @param {*} value
	   * @param {string} [description]
	   * @return {Argument}
	   */

	  default(value, description) {
	    this.defaultValue = value;
	    this.defaultValueDescription = description;
	    return this;
	  }

	  /**
	   * Set the custom handler for processing CLI command arguments into argument values.
	   *
	   * @param {Function} [fn]
	   * @return {Argument}
	   */

	  argParser(fn) {
	    this.parseArg = fn;
	    return this;
	  }

	  /**
	   * Only allow argument value to be one of choices.
	   *
	   * @param {string[]} values
	   * @return {Argument}
	   */

	  choices(values) {
	    this.argChoices = values.slice();
	    this.parseArg = (arg, previous) => {
	      if (!this.argChoices.includes(arg)) {
	        throw new InvalidArgumentError(
	          `Allowed choices are ${this.argChoices.join(', ')}.`,
	        );
	      }
	      if (this.variadic) {
	        return this._collectValue(arg, previous);
	      }
	      return arg;
	    };
	    return this;
	  }

	  /**
	   * Make argument required.
	   *
	   * @returns {Argument}
	   */
	  argRequired() {
	    this.required = true;
	    return this;
	  }

	  /**
	   * Make argument optional.
	   *
	   * @returns {Argument}
	   */
	  argOptional() {
	    this.required = false;
	    return this;
	  }
	}

	/**
	 * Takes an argument and returns its human readable equivalent for help usage.
	 *
	 * @param {Argument} arg
	 * @return {string}
	 * @private
	 */

	function humanReadableArgName(arg) {
	  const nameOutput = arg.name() + (arg.variadic === true ? '...' : '');

	  return arg.required ? '<' + nameOutput + '>' : '[' + nameOutput + ']';
	}

	argument.Argument = Argument;
	argument.humanReadableArgName = humanReadableArgName;
	return argument;
}

var command = {};

var help = {};

var hasRequiredHelp;

function requireHelp () {
	if (hasRequiredHelp) return help;
	hasRequiredHelp = 1;
	const { humanReadableArgName } = requireArgument();

	/**
	 * TypeScript import types for JSDoc, used by Visual Studio Code IntelliSense and `npm run typescript-checkJS`
	 * https://www.typescriptlang.org/docs/handbook/jsdoc-supported-types.html#import-types
	 * @typedef { import("./argument.js").Argument } Argument
	 * @typedef { import("./command.js").Command } Command
	 * @typedef { import("./option.js").Option } Option
	 */

	// Although this is a class, methods are static in style to allow override using subclass or just functions.
	class Help {
	  constructor() {
	    this.helpWidth = undefined;
	    this.minWidthToWrap = 40;
	    this.sortSubcommands = false;
	    this.sortOptions = false;
	    this.showGlobalOptions = false;
	  }

	  /**
	   * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
	   * and just before calling `formatHelp()`.
	   *
	   * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
	   *
	   * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
	   */
	  prepareContext(contextOptions) {
	    this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
	  }

	  /**
	   * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
	   *
	   * @param {Command} cmd
	   * @returns {Command[]}
	   */

	  visibleCommands(cmd) {
	    const visibleCommands = cmd.commands.filter((cmd) => !cmd._hidden);
	    const helpCommand = cmd._getHelpCommand();
	    if (helpCommand && !helpCommand._hidden) {
	      visibleCommands.push(helpCommand);
	    }
	    if (this.sortSubcommands) {
	      visibleCommands.sort((a, b) => {
	        // @ts-ignore: because overloaded return type
	        return a.name().localeCompare(b.name());
	      });
	    }
	    return visibleCommands;
	  }

	  /**
	   * Compare options for sort.
	   *
	   * @param {Option} a
	   * @param {Option} b
	   * @returns {number}
	   */
	  compareOptions(a, b) {
	    const getSortKey = (option) => {
	      // WYSIWYG for order displayed in help. Short used for comparison if present. No special handling for negated.
	      return option.short
	        ? option.short.replace(/^-/, '')
	        : option.long.replace(/^--/, '');
	    };
	    return getSortKey(a).localeCompare(getSortKey(b));
	  }

	  /**
	   * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
	   *
	   * @param {Command} cmd
	   * @returns {Option[]}
	   */

	  visibleOptions(cmd) {
	    const visibleOptions = cmd.options.filter((option) => !option.hidden);
	    // Built-in help option.
	    const helpOption = cmd._getHelpOption();
	    if (helpOption && !helpOption.hidden) {
	      // Automatically hide conflicting flags. Bit dubious but a historical behaviour that is convenient for single-command programs.
	      const removeShort = helpOption.short && cmd._findOption(helpOption.short);
	      const removeLong = helpOption.long && cmd._findOption(helpOption.long);
	      if (!removeShort && !removeLong) {
	        visibleOptions.push(helpOption); // no changes needed
	      } else if (helpOption.long && !removeLong) {
	        visibleOptions.push(
	          cmd.createOption(helpOption.long, helpOption.description),
	        );
	      } else if (helpOption.short && !removeShort) {
	        visibleOptions.push(
	          cmd.createOption(helpOption.short, helpOption.description),
	        );
	      }
	    }
	    if (this.sortOptions) {
	      visibleOptions.sort(this.compareOptions);
	    }
	    return visibleOptions;
	  }

	  /**
	   * Get an array of the visible global options. (Not including help.)
	   *
	   * @param {Command} cmd
	   * @returns {Option[]}
	   */

	  visibleGlobalOptions(cmd) {
	    if (!this.showGlobalOptions) return [];

	    const globalOptions = [];
	    for (
	      let ancestorCmd = cmd.parent;
	      ancestorCmd;
	      ancestorCmd = ancestorCmd.parent
	    ) {
	      const visibleOptions = ancestorCmd.options.filter(
	        (option) => !option.hidden,
	      );
	      globalOptions.push(...visibleOptions);
	    }
	    if (this.sortOptions) {
	      globalOptions.sort(this.compareOptions);
	    }
	    return globalOptions;
	  }

	  /**
	   * Get an array of the arguments if any have a description.
	   *
	   * @param {Command} cmd
	   * @returns {Argument[]}
	   */

	  visibleArguments(cmd) {
	    // Side effect! Apply the legacy descriptions before the arguments are displayed.
	    if (cmd._argsDescription) {
	      cmd.registeredArguments.forEach((argument) => {
	        argument.description =
	          argument.description || cmd._argsDescription[argument.name()] || '';
	      });
	    }

	    // If there are any arguments with a description then return all the arguments.
	    if (cmd.registeredArguments.find((argument) => argument.description)) {
	      return cmd.registeredArguments;
	    }
	    return [];
	  }

	  /**
	   * Get the command term to show in the list of subcommands.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  subcommandTerm(cmd) {
	    // Legacy. Ignores custom usage string, and nested commands.
	    const args = cmd.registeredArguments
	      .map((arg) => humanReadableArgName(arg))
	      .join(' ');
	    return (
	      cmd._name +
	      (cmd._aliases[0] ? '|' + cmd._aliases[0] : '') +
	      (cmd.options.length ? ' [options]' : '') + // simplistic check for non-help option
	      (args ? ' ' + args : '')
	    );
	  }

	  /**
	   * Get the option term to show in the list of options.
	   *
	   * @param {Option} option
	   * @returns {string}
	   */

	  optionTerm(option) {
	    return option.flags;
	  }

	  /**
	   * Get the argument term to show in the list of arguments.
	   *
	   * @param {Argument} argument
	   * @returns {string}
	   */

	  argumentTerm(argument) {
	    return argument.name();
	  }

	  /**
	   * Get the longest command term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestSubcommandTermLength(cmd, helper) {
	    return helper.visibleCommands(cmd).reduce((max, command) => {
	      return Math.max(
	        max,
	        this.displayWidth(
	          helper.styleSubcommandTerm(helper.subcommandTerm(command)),
	        ),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest option term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestOptionTermLength(cmd, helper) {
	    return helper.visibleOptions(cmd).reduce((max, option) => {
	      return Math.max(
	        max,
	        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest global option term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestGlobalOptionTermLength(cmd, helper) {
	    return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
	      return Math.max(
	        max,
	        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
	      );
	    }, 0);
	  }

	  /**
	   * Get the longest argument term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  longestArgumentTermLength(cmd, helper) {
	    return helper.visibleArguments(cmd).reduce((max, argument) => {
	      return Math.max(
	        max,
	        this.displayWidth(
	          helper.styleArgumentTerm(helper.argumentTerm(argument)),
	        ),
	      );
	    }, 0);
	  }

	  /**
	   * Get the command usage to be displayed at the top of the built-in help.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  commandUsage(cmd) {
	    // Usage
	    let cmdName = cmd._name;
	    if (cmd._aliases[0]) {
	      cmdName = cmdName + '|' + cmd._aliases[0];
	    }
	    let ancestorCmdNames = '';
	    for (
	      let ancestorCmd = cmd.parent;
	      ancestorCmd;
	      ancestorCmd = ancestorCmd.parent
	    ) {
	      ancestorCmdNames = ancestorCmd.name() + ' ' + ancestorCmdNames;
	    }
	    return ancestorCmdNames + cmdName + ' ' + cmd.usage();
	  }

	  /**
	   * Get the description for the command.
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  commandDescription(cmd) {
	    // @ts-ignore: because overloaded return type
	    return cmd.description();
	  }

	  /**
	   * Get the subcommand summary to show in the list of subcommands.
	   * (Fallback to description for backwards compatibility.)
	   *
	   * @param {Command} cmd
	   * @returns {string}
	   */

	  subcommandDescription(cmd) {
	    // @ts-ignore: because overloaded return type
	    return cmd.summary() || cmd.description();
	  }

	  /**
	   * Get the option description to show in the list of options.
	   *
	   * @param {Option} option
	   * @return {string}
	   */

	  optionDescription(option) {
	    const extraInfo = [];

	    if (option.argChoices) {
	      extraInfo.push(
	        // use stringify to match the display of the default value
	        `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
	      );
	    }
	    if (option.defaultValue !== undefined) {
	      // default for boolean and negated more for programmer than end user,
	      // but show true/false for boolean option as may be for hand-rolled env or config processing.
	      const showDefault =
	        option.required ||
	        option.optional ||
	        (option.isBoolean() && typeof option.defaultValue === 'boolean');
	      if (showDefault) {
	        extraInfo.push(
	          `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`,
	        );
	      }
	    }
	    // preset for boolean and negated are more for programmer than end user
	    if (option.presetArg !== undefined && option.optional) {
	      extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
	    }
	    if (option.envVar !== undefined) {
	      extraInfo.push(`env: ${option.envVar}`);
	    }
	    if (extraInfo.length > 0) {
	      const extraDescription = `(${extraInfo.join(', ')})`;
	      if (option.description) {
	        return `${option.description} ${extraDescription}`;
	      }
	      return extraDescription;
	    }

	    return option.description;
	  }

	  /**
	   * Get the argument description to show in the list of arguments.
	   *
	   * @param {Argument} argument
	   * @return {string}
	   */

	  argumentDescription(argument) {
	    const extraInfo = [];
	    if (argument.argChoices) {
	      extraInfo.push(
	        // use stringify to match the display of the default value
	        `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
	      );
	    }
	    if (argument.defaultValue !== undefined) {
	      extraInfo.push(
	        `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`,
	      );
	    }
	    if (extraInfo.length > 0) {
	      const extraDescription = `(${extraInfo.join(', ')})`;
	      if (argument.description) {
	        return `${argument.description} ${extraDescription}`;
	      }
	      return extraDescription;
	    }
	    return argument.description;
	  }

	  /**
	   * Format a list of items, given a heading and an array of formatted items.
	   *
	   * @param {string} heading
	   * @param {string[]} items
	   * @param {Help} helper
	   * @returns string[]
	   */
	  formatItemList(heading, items, helper) {
	    if (items.length === 0) return [];

	    return [helper.styleTitle(heading), ...items, ''];
	  }

	  /**
	   * Group items by their help group heading.
	   *
	   * @param {Command[] | Option[]} unsortedItems
	   * @param {Command[] | Option[]} visibleItems
	   * @param {Function} getGroup
	   * @returns {Map<string, Command[] | Option[]>}
	   */
	  groupItems(unsortedItems, visibleItems, getGroup) {
	    const result = new Map();
	    // Add groups in order of appearance in unsortedItems.
	    unsortedItems.forEach((item) => {
	      const group = getGroup(item);
	      if (!result.has(group)) result.set(group, []);
	    });
	    // Add items in order of appearance in visibleItems.
	    visibleItems.forEach((item) => {
	      const group = getGroup(item);
	      if (!result.has(group)) {
	        result.set(group, []);
	      }
	      result.get(group).push(item);
	    });
	    return result;
	  }

	  /**
	   * Generate the built-in help text.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {string}
	   */

	  formatHelp(cmd, helper) {
	    const termWidth = helper.padWidth(cmd, helper);
	    const helpWidth = helper.helpWidth ?? 80; // in case prepareContext() was not called

	    function callFormatItem(term, description) {
	      return helper.formatItem(term, termWidth, description, helper);
	    }

	    // Usage
	    let output = [
	      `${helper.styleTitle('Usage:')} ${helper.styleUsage(helper.commandUsage(cmd))}`,
	      '',
	    ];

	    // Description
	    const commandDescription = helper.commandDescription(cmd);
	    if (commandDescription.length > 0) {
	      output = output.concat([
	        helper.boxWrap(
	          helper.styleCommandDescription(commandDescription),
	          helpWidth,
	        ),
	        '',
	      ]);
	    }

	    // Arguments
	    const argumentList = helper.visibleArguments(cmd).map((argument) => {
	      return callFormatItem(
	        helper.styleArgumentTerm(helper.argumentTerm(argument)),
	        helper.styleArgumentDescription(helper.argumentDescription(argument)),
	      );
	    });
	    output = output.concat(
	      this.formatItemList('Arguments:', argumentList, helper),
	    );

	    // Options
	    const optionGroups = this.groupItems(
	      cmd.options,
	      helper.visibleOptions(cmd),
	      (option) => option.helpGroupHeading ?? 'Options:',
	    );
	    optionGroups.forEach((options, group) => {
	      const optionList = options.map((option) => {
	        return callFormatItem(
	          helper.styleOptionTerm(helper.optionTerm(option)),
	          helper.styleOptionDescription(helper.optionDescription(option)),
	        );
	      });
	      output = output.concat(this.formatItemList(group, optionList, helper));
	    });

	    if (helper.showGlobalOptions) {
	      const globalOptionList = helper
	        .visibleGlobalOptions(cmd)
	        .map((option) => {
	          return callFormatItem(
	            helper.styleOptionTerm(helper.optionTerm(option)),
	            helper.styleOptionDescription(helper.optionDescription(option)),
	          );
	        });
	      output = output.concat(
	        this.formatItemList('Global Options:', globalOptionList, helper),
	      );
	    }

	    // Commands
	    const commandGroups = this.groupItems(
	      cmd.commands,
	      helper.visibleCommands(cmd),
	      (sub) => sub.helpGroup() || 'Commands:',
	    );
	    commandGroups.forEach((commands, group) => {
	      const commandList = commands.map((sub) => {
	        return callFormatItem(
	          helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
	          helper.styleSubcommandDescription(helper.subcommandDescription(sub)),
	        );
	      });
	      output = output.concat(this.formatItemList(group, commandList, helper));
	    });

	    return output.join('\n');
	  }

	  /**
	   * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
	   *
	   * @param {string} str
	   * @returns {number}
	   */
	  displayWidth(str) {
	    return stripColor(str).length;
	  }

	  /**
	   * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
	   *
	   * @param {string} str
	   * @returns {string}
	   */
	  styleTitle(str) {
	    return str;
	  }

	  styleUsage(str) {
	    // Usage has lots of parts the user might like to color separately! Assume default usage string which is formed like:
	    //    command subcommand [options] [command] <foo> [bar]
	    return str
	      .split(' ')
	      .map((word) => {
	        if (word === '[options]') return this.styleOptionText(word);
	        if (word === '[command]') return this.styleSubcommandText(word);
	        if (word[0] === '[' || word[0] === '<')
	          return this.styleArgumentText(word);
	        return this.styleCommandText(word); // Restrict to initial words?
	      })
	      .join(' ');
	  }
	  styleCommandDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleOptionDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleSubcommandDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleArgumentDescription(str) {
	    return this.styleDescriptionText(str);
	  }
	  styleDescriptionText(str) {
	    return str;
	  }
	  styleOptionTerm(str) {
	    return this.styleOptionText(str);
	  }
	  styleSubcommandTerm(str) {
	    // This is very like usage with lots of parts! Assume default string which is formed like:
	    //    subcommand [options] <foo> [bar]
	    return str
	      .split(' ')
	      .map((word) => {
	        if (word === '[options]') return this.styleOptionText(word);
	        if (word[0] === '[' || word[0] === '<')
	          return this.styleArgumentText(word);
	        return this.styleSubcommandText(word); // Restrict to initial words?
	      })
	      .join(' ');
	  }
	  styleArgumentTerm(str) {
	    return this.styleArgumentText(str);
	  }
	  styleOptionText(str) {
	    return str;
	  }
	  styleArgumentText(str) {
	    return str;
	  }
	  styleSubcommandText(str) {
	    return str;
	  }
	  styleCommandText(str) {
	    return str;
	  }

	  /**
	   * Calculate the pad width from the maximum term length.
	   *
	   * @param {Command} cmd
	   * @param {Help} helper
	   * @returns {number}
	   */

	  padWidth(cmd, helper) {
	    return Math.max(
	      helper.longestOptionTermLength(cmd, helper),
	      helper.longestGlobalOptionTermLength(cmd, helper),
	      helper.longestSubcommandTermLength(cmd, helper),
	      helper.longestArgumentTermLength(cmd, helper),
	    );
	  }

	  /**
	   * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
	   *
	   * @param {string} str
	   * @returns {boolean}
	   */
	  preformatted(str) {
	    return /\n[^\S\r\n]/.test(str);
	  }

	  /**
	   * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
	   *
	   * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
	   *   TTT  DDD DDDD
	   *        DD DDD
	   *
	   * @param {string} term
	   * @param {number} termWidth
	   * @param {string} description
	   * @param {Help} helper
	   * @returns {string}
	   */
	  formatItem(term, termWidth, description, helper) {
	    const itemIndent = 2;
	    const itemIndentStr = ' '.repeat(itemIndent);
	    if (!description) return itemIndentStr + term;

	    // Pad the term out to a consistent width, so descriptions are aligned.
	    const paddedTerm = term.padEnd(
	      termWidth + term.length - helper.displayWidth(term),
	    );

	    // Format the description.
	    const spacerWidth = 2; // between term and description
	    const helpWidth = this.helpWidth ?? 80; // in case prepareContext() was not called
	    const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
	    let formattedDescription;
	    if (
	      remainingWidth < this.minWidthToWrap ||
	      helper.preformatted(description)
	    ) {
	      formattedDescription = description;
	    } else {
	      const wrappedDescription = helper.boxWrap(description, remainingWidth);
	      formattedDescription = wrappedDescription.replace(
	        /\n/g,
	        '\n' + ' '.repeat(termWidth + spacerWidth),
	      );
	    }

	    // Construct and overall indent.
	    return (
	      itemIndentStr +
	      paddedTerm +
	      ' '.repeat(spacerWidth) +
	      formattedDescription.replace(/\n/g, `\n${itemIndentStr}`)
	    );
	  }

	  /**
	   * Wrap a string at whitespace, preserving existing line breaks.
	   * Wrapping is skipped if the width is less than `minWidthToWrap`.
	   *
	   * @param {string} str
	   * @param {number} width
	   * @returns {string}
	   */
	  boxWrap(str, width) {
	    if (width < this.minWidthToWrap) return str;

	    const rawLines = str.split(/\r\n|\n/);
	    // split up text by whitespace
	    const chunkPattern = /[\s]*[^\s]+/g;
	    const wrappedLines = [];
	    rawLines.forEach((line) => {
	      const chunks = line.match(chunkPattern);
	      if (chunks === null) {
	        wrappedLines.push('');
	        return;
	      }

	      let sumChunks = [chunks.shift()];
	      let sumWidth = this.displayWidth(sumChunks[0]);
	      chunks.forEach((chunk) => {
	        const visibleWidth = this.displayWidth(chunk);
	        // Accumulate chunks while they fit into width.
	        if (sumWidth + visibleWidth <= width) {
	          sumChunks.push(chunk);
	          sumWidth += visibleWidth;
	          return;
	        }
	        wrappedLines.push(sumChunks.join(''));

	        const nextChunk = chunk.trimStart(); // trim space at line break
	        sumChunks = [nextChunk];
	        sumWidth = this.displayWidth(nextChunk);
	      });
	      wrappedLines.push(sumChunks.join(''));
	    });

	    return wrappedLines.join('\n');
	  }
	}

	/**
	 * Strip style ANSI escape sequences from the string. In particular, SGR (Select Graphic Rendition) codes.
	 *
	 * @param {string} str
	 * @returns {string}
	 * @package
	 */

	function stripColor(str) {
	  // eslint-disable-next-line no-control-regex
	  const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
	  return str.replace(sgrPattern, '');
	}

	help.Help = Help;
	help.stripColor = stripColor;
	return help;
}

var option = {};

var hasRequiredOption;

function requireOption () {
	if (hasRequiredOption) return option;
	hasRequiredOption = 1;
	const { InvalidArgumentError } = requireError();

	class Option {
	  /**
	   * Initialize a new `Option` with the given `flags` and `description`.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   */

	  constructor(flags, description) {
	    this.flags = flags;
	    this.description = description || '';

	    this.required = flags.includes('<'); // A value must be supplied when the option is specified.
	    this.optional = flags.includes('['); // A value is optional when the option is specified.
	    // variadic test ignores <value,...> et al which might be used to describe custom splitting of single argument
	    this.variadic = /\w\.\.\.[>\]]$/.test(flags); // The option can take multiple values.
	    this.mandatory = false; // The option must have a value after parsing, which usually means it must be specified on command line.
	    const optionFlags = splitOptionFlags(flags);
	    this.short = optionFlags.shortFlag; // May be a short flag, undefined, or even a long flag (if option has two long flags).
	    this.long = optionFlags.longFlag;
	    this.negate = false;
	    if (this.long) {
	      this.negate = this.long.startsWith('--no-');
	    }
	    this.defaultValue = undefined;
	    this.defaultValueDescription = undefined;
	    this.presetArg = undefined;
	    this.envVar = undefined;
	    this.parseArg = undefined;
	    this.hidden = false;
	    this.argChoices = undefined;
	    this.conflictsWith = [];
	    this.implied = undefined;
	    this.helpGroupHeading = undefined; // soft initialised when option added to command
	  }

	  /**
	   * Set the default value, and optionally supply the description to be displayed in the help.
	   *
	   * @param {*} value
	   * @param {string} [description]
	   * @return {Option}
	   */

	  default(value, description) {
	    this.defaultValue = value;
	    this.defaultValueDescription = description;
	    return this;
	  }

	  /**
	   * Preset to use when option used without option-argument, especially optional but also boolean and negated.
	   * The custom processing (parseArg) is called.
	   *
	   * @example
	   * new Option('--color').default('GREYSCALE').preset('RGB');
	   * new Option('--donate [amount]').preset('20').argParser(parseFloat);
	   *
	   * @param {*} arg
	   * @return {Option}
	   */

	  preset(arg) {
	    this.presetArg = arg;
	    return this;
	  }

	  /**
	   * Add option name(s) that conflict with this option.
	   * An error will be displayed if conflicting options are found during parsing.
	   *
	   * @example
	   * new Option('--rgb').conflicts('cmyk');
	   * new Option('--js').conflicts(['ts', 'jsx']);
	   *
	   * @param {(string | string[])} names
	   * @return {Option}
	   */

	  conflicts(names) {
	    this.conflictsWith = this.conflictsWith.concat(names);
	    return this;
	  }

	  /**
	   * Specify implied option values for when this option is set and the implied options are not.
	   *
	   * The custom processing (parseArg) is not called on the implied values.
	   *
	   * @example
	   * program
	   *   .addOption(new Option('--log', 'write logging information to file'))
	   *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
	   *
	   * @param {object} impliedOptionValues
	   * @return {Option}
	   */
	  implies(impliedOptionValues) {
	    let newImplied = impliedOptionValues;
	    if (typeof impliedOptionValues === 'string') {
	      // string is not documented, but easy mistake and we can do what user probably intended.
	      newImplied = { [impliedOptionValues]: true };
	    }
	    this.implied = Object.assign(this.implied || {}, newImplied);
	    return this;
	  }

	  /**
	   * Set environment variable to check for option value.
	   *
	   * An environment variable is only used if when processed the current option value is
	   * undefined, or the source of the current value is 'default' or 'config' or 'env'.
	   *
	   * @param {string} name
	   * @return {Option}
	   */

	  env(name) {
	    this.envVar = name;
	    return this;
	  }

	  /**
	   * Set the custom handler for processing CLI option arguments into option values.
	   *
	   * @param {Function} [fn]
	   * @return {Option}
	   */

	  argParser(fn) {
	    this.parseArg = fn;
	    return this;
	  }

	  /**
	   * Whether the option is mandatory and must have a value after parsing.
	   *
	   * @param {boolean} [mandatory=true]
	   * @return {Option}
	   */

	  makeOptionMandatory(mandatory = true) {
	    this.mandatory = !!mandatory;
	    return this;
	  }

	  /**
	   * Hide option in help.
	   *
	   * @param {boolean} [hide=true]
	   * @return {Option}
	   */

	  hideHelp(hide = true) {
	    this.hidden = !!hide;
	    return this;
	  }

	  /**
	   * @package
	   */

	  _collectValue(value, previous) {
	    if (previous === this.defaultValue || !Array.isArray(previous)) {
	      return [value];
	    }

	    previous.push(value);
	    return previous;
	  }

	  /**
	   * Only allow option value to be one of choices.
	   *
	   * @param {string[]} values
	   * @return {Option}
	   */

	  choices(values) {
	    this.argChoices = values.slice();
	    this.parseArg = (arg, previous) => {
	      if (!this.argChoices.includes(arg)) {
	        throw new InvalidArgumentError(
	          `Allowed choices are ${this.argChoices.join(', ')}.`,
	        );
	      }
	      if (this.variadic) {
	        return this._collectValue(arg, previous);
	      }
	      return arg;
	    };
	    return this;
	  }

	  /**
	   * Return option name.
	   *
	   * @return {string}
	   */

	  name() {
	    if (this.long) {
	      return this.long.replace(/^--/, '');
	    }
	    return this.short.replace(/^-/, '');
	  }

	  /**
	   * Return option name, in a camelcase format that can be used
	   * as an object attribute key.
	   *
	   * @return {string}
	   */

	  attributeName() {
	    if (this.negate) {
	      return camelcase(this.name().replace(/^no-/, ''));
	    }
	    return camelcase(this.name());
	  }

	  /**
	   * Set the help group heading.
	   *
	   * @param {string} heading
	   * @return {Option}
	   */
	  helpGroup(heading) {
	    this.helpGroupHeading = heading;
	    return this;
	  }

	  /**
	   * Check if `arg` matches the short or long flag.
	   *
	   * @param {string} arg
	   * @return {boolean}
	   * @package
	   */

	  is(arg) {
	    return this.short === arg || this.long === arg;
	  }

	  /**
	   * Return whether a boolean option.
	   *
	   * Options are one of boolean, negated, required argument, or optional argument.
	   *
	   * @return {boolean}
	   * @package
	   */

	  isBoolean() {
	    return !this.required && !this.optional && !this.negate;
	  }
	}

	/**
	 * This class is to make it easier to work with dual options, without changing the existing
	 * implementation. We support separate dual options for separate positive and negative options,
	 * like `--build` and `--no-build`, which share a single option value. This works nicely for some
	 * use cases, but is tricky for others where we want separate behaviours despite
	 * the single shared option value.
	 */
	class DualOptions {
	  /**
	   * @param {Option[]} options
	   */
	  constructor(options) {
	    this.positiveOptions = new Map();
	    this.negativeOptions = new Map();
	    this.dualOptions = new Set();
	    options.forEach((option) => {
	      if (option.negate) {
	        this.negativeOptions.set(option.attributeName(), option);
	      } else {
	        this.positiveOptions.set(option.attributeName(), option);
	      }
	    });
	    this.negativeOptions.forEach((value, key) => {
	      if (this.positiveOptions.has(key)) {
	        this.dualOptions.add(key);
	      }
	    });
	  }

	  /**
	   * Did the value come from the option, and not from possible matching dual option?
	   *
	   * @param {*} value
	   * @param {Option} option
	   * @returns {boolean}
	   */
	  valueFromOption(value, option) {
	    const optionKey = option.attributeName();
	    if (!this.dualOptions.has(optionKey)) return true;

	    // Use the value to deduce if (probably) came from the option.
	    const preset = this.negativeOptions.get(optionKey).presetArg;
	    const negativeValue = preset !== undefined ? preset : false;
	    return option.negate === (negativeValue === value);
	  }
	}

	/**
	 * Convert string from kebab-case to camelCase.
	 *
	 * @param {string} str
	 * @return {string}
	 * @private
	 */

	function camelcase(str) {
	  return str.split('-').reduce((str, word) => {
	    return str + word[0].toUpperCase() + word.slice(1);
	  });
	}

	/**
	 * Split the short and long flag out of something like '-m,--mixed <value>'
	 *
	 * @private
	 */

	function splitOptionFlags(flags) {
	  let shortFlag;
	  let longFlag;
	  // short flag, single dash and single character
	  const shortFlagExp = /^-[^-]$/;
	  // long flag, double dash and at least one character
	  const longFlagExp = /^--[^-]/;

	  const flagParts = flags.split(/[ |,]+/).concat('guard');
	  // Normal is short and/or long.
	  if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
	  if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
	  // Long then short. Rarely used but fine.
	  if (!shortFlag && shortFlagExp.test(flagParts[0]))
	    shortFlag = flagParts.shift();
	  // Allow two long flags, like '--ws, --workspace'
	  // This is the supported way to have a shortish option flag.
	  if (!shortFlag && longFlagExp.test(flagParts[0])) {
	    shortFlag = longFlag;
	    longFlag = flagParts.shift();
	  }

	  // Check for unprocessed flag. Fail noisily rather than silently ignore.
	  if (flagParts[0].startsWith('-')) {
	    const unsupportedFlag = flagParts[0];
	    const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
	    if (/^-[^-][^-]/.test(unsupportedFlag))
	      throw new Error(
	        `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`,
	      );
	    if (shortFlagExp.test(unsupportedFlag))
	      throw new Error(`${baseError}
- too many short flags`);
	    if (longFlagExp.test(unsupportedFlag))
	      throw new Error(`${baseError}
- too many long flags`);

	    throw new Error(`${baseError}
- unrecognised flag format`);
	  }
	  if (shortFlag === undefined && longFlag === undefined)
	    throw new Error(
	      `option creation failed due to no flags found in '${flags}'.`,
	    );

	  return { shortFlag, longFlag };
	}

	option.Option = Option;
	option.DualOptions = DualOptions;
	return option;
}

var suggestSimilar = {};

var hasRequiredSuggestSimilar;

function requireSuggestSimilar () {
	if (hasRequiredSuggestSimilar) return suggestSimilar;
	hasRequiredSuggestSimilar = 1;
	const maxDistance = 3;

	function editDistance(a, b) {
	  // https://en.wikipedia.org/wiki/Damerau–Levenshtein_distance
	  // Calculating optimal string alignment distance, no substring is edited more than once.
	  // (Simple implementation.)

	  // Quick early exit, return worst case.
	  if (Math.abs(a.length - b.length) > maxDistance)
	    return Math.max(a.length, b.length);

	  // distance between prefix substrings of a and b
	  const d = [];

	  // pure deletions turn a into empty string
	  for (let i = 0; i <= a.length; i++) {
	    d[i] = [i];
	  }
	  // pure insertions turn empty string into b
	  for (let j = 0; j <= b.length; j++) {
	    d[0][j] = j;
	  }

	  // fill matrix
	  for (let j = 1; j <= b.length; j++) {
	    for (let i = 1; i <= a.length; i++) {
	      let cost = 1;
	      if (a[i - 1] === b[j - 1]) {
	        cost = 0;
	      } else {
	        cost = 1;
	      }
	      d[i][j] = Math.min(
	        d[i - 1][j] + 1, // deletion
	        d[i][j - 1] + 1, // insertion
	        d[i - 1][j - 1] + cost, // substitution
	      );
	      // transposition
	      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
	        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
	      }
	    }
	  }

	  return d[a.length][b.length];
	}

	/**
	 * Find close matches, restricted to same number of edits.
	 *
	 * @param {string} word
	 * @param {string[]} candidates
	 * @returns {string}
	 */

	function suggestSimilar$1(word, candidates) {
	  if (!candidates || candidates.length === 0) return '';
	  // remove possible duplicates
	  candidates = Array.from(new Set(candidates));

	  const searchingOptions = word.startsWith('--');
	  if (searchingOptions) {
	    word = word.slice(2);
	    candidates = candidates.map((candidate) => candidate.slice(2));
	  }

	  let similar = [];
	  let bestDistance = maxDistance;
	  const minSimilarity = 0.4;
	  candidates.forEach((candidate) => {
	    if (candidate.length <= 1) return; // no one character guesses

	    const distance = editDistance(word, candidate);
	    const length = Math.max(word.length, candidate.length);
	    const similarity = (length - distance) / length;
	    if (similarity > minSimilarity) {
	      if (distance < bestDistance) {
	        // better edit distance, throw away previous worse matches
	        bestDistance = distance;
	        similar = [candidate];
	      } else if (distance === bestDistance) {
	        similar.push(candidate);
	      }
	    }
	  });

	  similar.sort((a, b) => a.localeCompare(b));
	  if (searchingOptions) {
	    similar = similar.map((candidate) => `--${candidate}`);
	  }

	  if (similar.length > 1) {
	    return `\n(Did you mean one of ${similar.join(', ')}?)`;
	  }
	  if (similar.length === 1) {
	    return `\n(Did you mean ${similar[0]}?)`;
	  }
	  return '';
	}

	suggestSimilar.suggestSimilar = suggestSimilar$1;
	return suggestSimilar;
}

var hasRequiredCommand;

function requireCommand () {
	if (hasRequiredCommand) return command;
	hasRequiredCommand = 1;
	const EventEmitter = require$$0.EventEmitter;
	const childProcess = require$$1;
	const path$1 = path;
	const fs = fs__default;
	const process = process$1;

	const { Argument, humanReadableArgName } = requireArgument();
	const { CommanderError } = requireError();
	const { Help, stripColor } = requireHelp();
	const { Option, DualOptions } = requireOption();
	const { suggestSimilar } = requireSuggestSimilar();

	class Command extends EventEmitter {
	  /**
	   * Initialize a new `Command`.
	   *
	   * @param {string} [name]
	   */

	  constructor(name) {
	    super();
	    /** @type {Command[]} */
	    this.commands = [];
	    /** @type {Option[]} */
	    this.options = [];
	    this.parent = null;
	    this._allowUnknownOption = false;
	    this._allowExcessArguments = false;
	    /** @type {Argument[]} */
	    this.registeredArguments = [];
	    this._args = this.registeredArguments; // deprecated old name
	    /** @type {string[]} */
	    this.args = []; // cli args with options removed
	    this.rawArgs = [];
	    this.processedArgs = []; // like .args but after custom processing and collecting variadic
	    this._scriptPath = null;
	    this._name = name || '';
	    this._optionValues = {};
	    this._optionValueSources = {}; // default, env, cli etc
	    this._storeOptionsAsProperties = false;
	    this._actionHandler = null;
	    this._executableHandler = false;
	    this._executableFile = null; // custom name for executable
	    this._executableDir = null; // custom search directory for subcommands
	    this._defaultCommandName = null;
	    this._exitCallback = null;
	    this._aliases = [];
	    this._combineFlagAndOptionalValue = true;
	    this._description = '';
	    this._summary = '';
	    this._argsDescription = undefined; // legacy
	    this._enablePositionalOptions = false;
	    this._passThroughOptions = false;
	    this._lifeCycleHooks = {}; // a hash of arrays
	    /** @type {(boolean | string)} */
	    this._showHelpAfterError = false;
	    this._showSuggestionAfterError = true;
	    this._savedState = null; // used in save/restoreStateBeforeParse

	    // see configureOutput() for docs
	    this._outputConfiguration = {
	      writeOut: (str) => process.stdout.write(str),
	      writeErr: (str) => process.stderr.write(str),
	      outputError: (str, write) => write(str),
	      getOutHelpWidth: () =>
	        process.stdout.isTTY ? process.stdout.columns : undefined,
	      getErrHelpWidth: () =>
	        process.stderr.isTTY ? process.stderr.columns : undefined,
	      getOutHasColors: () =>
	        useColor() ?? (process.stdout.isTTY && process.stdout.hasColors?.()),
	      getErrHasColors: () =>
	        useColor() ?? (process.stderr.isTTY && process.stderr.hasColors?.()),
	      stripColor: (str) => stripColor(str),
	    };

	    this._hidden = false;
	    /** @type {(Option | null | undefined)} */
	    this._helpOption = undefined; // Lazy created on demand. May be null if help option is disabled.
	    this._addImplicitHelpCommand = undefined; // undecided whether true or false yet, not inherited
	    /** @type {Command} */
	    this._helpCommand = undefined; // lazy initialised, inherited
	    this._helpConfiguration = {};
	    /** @type {string | undefined} */
	    this._helpGroupHeading = undefined; // soft initialised when added to parent
	    /** @type {string | undefined} */
	    this._defaultCommandGroup = undefined;
	    /** @type {string | undefined} */
	    this._defaultOptionGroup = undefined;
	  }

	  /**
	   * Copy settings that are useful to have in common across root command and subcommands.
	   *
	   * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
	   *
	   * @param {Command} sourceCommand
	   * @return {Command} `this` command for chaining
	   */
	  copyInheritedSettings(sourceCommand) {
	    this._outputConfiguration = sourceCommand._outputConfiguration;
	    this._helpOption = sourceCommand._helpOption;
	    this._helpCommand = sourceCommand._helpCommand;
	    this._helpConfiguration = sourceCommand._helpConfiguration;
	    this._exitCallback = sourceCommand._exitCallback;
	    this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
	    this._combineFlagAndOptionalValue =
	      sourceCommand._combineFlagAndOptionalValue;
	    this._allowExcessArguments = sourceCommand._allowExcessArguments;
	    this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
	    this._showHelpAfterError = sourceCommand._showHelpAfterError;
	    this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;

	    return this;
	  }

	  /**
	   * @returns {Command[]}
	   * @private
	   */

	  _getCommandAndAncestors() {
	    const result = [];
	    // eslint-disable-next-line @typescript-eslint/no-this-alias
	    for (let command = this; command; command = command.parent) {
	      result.push(command);
	    }
	    return result;
	  }

	  /**
	   * Define a command.
	   *
	   * There are two styles of command: pay attention to where to put the description.
	   *
	   * @example
	   * // Command implemented using action handler (description is supplied separately to `.command`)
	   * program
	   *   .command('clone <source> [destination]')
	   *   .description('clone a repository into a newly created directory')
	   *   .action((source, destination) => {
	   *     console.log('clone command called');
	   *   });
	   *
	   * // Command implemented using separate executable file (description is second parameter to `.command`)
	   * program
	   *   .command('start <service>', 'start named service')
	   *   .command('stop [service]', 'stop named service, or all if no name supplied');
	   *
	   * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
	   * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
	   * @param {object} [execOpts] - configuration options (for executable)
	   * @return {Command} returns new command for action handler, or `this` for executable command
	   */

	  command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
	    let desc = actionOptsOrExecDesc;
	    let opts = execOpts;
	    if (typeof desc === 'object' && desc !== null) {
	      opts = desc;
	      desc = null;
	    }
	    opts = opts || {};
	    const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);

	    const cmd = this.createCommand(name);
	    if (desc) {
	      cmd.description(desc);
	      cmd._executableHandler = true;
	    }
	    if (opts.isDefault) this._defaultCommandName = cmd._name;
	    cmd._hidden = !!(opts.noHelp || opts.hidden); // noHelp is deprecated old name for hidden
	    cmd._executableFile = opts.executableFile || null; // Custom name for executable file, set missing to null to match constructor
	    if (args) cmd.arguments(args);
	    this._registerCommand(cmd);
	    cmd.parent = this;
	    cmd.copyInheritedSettings(this);

	    if (desc) return this;
	    return cmd;
	  }

	  /**
	   * Factory routine to create a new unattached command.
	   *
	   * See .command() for creating an attached subcommand, which uses this routine to
	   * create the command. You can override createCommand to customise subcommands.
	   *
	   * @param {string} [name]
	   * @return {Command} new command
	   */

	  createCommand(name) {
	    return new Command(name);
	  }

	  /**
	   * You can customise the help with a subclass of Help by overriding createHelp,
	   * or by overriding Help properties using configureHelp().
	   *
	   * @return {Help}
	   */

	  createHelp() {
	    return Object.assign(new Help(), this.configureHelp());
	  }

	  /**
	   * You can customise the help by overriding Help properties using configureHelp(),
	   * or with a subclass of Help by overriding createHelp().
	   *
	   * @param {object} [configuration] - configuration options
	   * @return {(Command | object)} `this` command for chaining, or stored configuration
	   */

	  configureHelp(configuration) {
	    if (configuration === undefined) return this._helpConfiguration;

	    this._helpConfiguration = configuration;
	    return this;
	  }

	  /**
	   * The default output goes to stdout and stderr. You can customise this for special
	   * applications. You can also customise the display of errors by overriding outputError.
	   *
	   * The configuration properties are all functions:
	   *
	   *     // change how output being written, defaults to stdout and stderr
	   *     writeOut(str)
	   *     writeErr(str)
	   *     // change how output being written for errors, defaults to writeErr
	   *     outputError(str, write) // used for displaying errors and not used for displaying help
	   *     // specify width for wrapping help
	   *     getOutHelpWidth()
	   *     getErrHelpWidth()
	   *     // color support, currently only used with Help
	   *     getOutHasColors()
	   *     getErrHasColors()
	   *     stripColor() // used to remove ANSI escape codes if output does not have colors
	   *
	   * @param {object} [configuration] - configuration options
	   * @return {(Command | object)} `this` command for chaining, or stored configuration
	   */

	  configureOutput(configuration) {
	    if (configuration === undefined) return this._outputConfiguration;

	    this._outputConfiguration = {
	      ...this._outputConfiguration,
	      ...configuration,
	    };
	    return this;
	  }

	  /**
	   * Display the help or a custom message after an error occurs.
	   *
	   * @param {(boolean|string)} [displayHelp]
	   * @return {Command} `this` command for chaining
	   */
	  showHelpAfterError(displayHelp = true) {
	    if (typeof displayHelp !== 'string') displayHelp = !!displayHelp;
	    this._showHelpAfterError = displayHelp;
	    return this;
	  }

	  /**
	   * Display suggestion of similar commands for unknown commands, or options for unknown options.
	   *
	   * @param {boolean} [displaySuggestion]
	   * @return {Command} `this` command for chaining
	   */
	  showSuggestionAfterError(displaySuggestion = true) {
	    this._showSuggestionAfterError = !!displaySuggestion;
	    return this;
	  }

	  /**
	   * Add a prepared subcommand.
	   *
	   * See .command() for creating an attached subcommand which inherits settings from its parent.
	   *
	   * @param {Command} cmd - new subcommand
	   * @param {object} [opts] - configuration options
	   * @return {Command} `this` command for chaining
	   */

	  addCommand(cmd, opts) {
	    if (!cmd._name) {
	      throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
	    }

	    opts = opts || {};
	    if (opts.isDefault) this._defaultCommandName = cmd._name;
	    if (opts.noHelp || opts.hidden) cmd._hidden = true; // modifying passed command due to existing implementation

	    this._registerCommand(cmd);
	    cmd.parent = this;
	    cmd._checkForBrokenPassThrough();

	    return this;
	  }

	  /**
	   * Factory routine to create a new unattached argument.
	   *
	   * See .argument() for creating an attached argument, which uses this routine to
	   * create the argument. You can override createArgument to return a custom argument.
	   *
	   * @param {string} name
	   * @param {string} [description]
	   * @return {Argument} new argument
	   */

	  createArgument(name, description) {
	    return new Argument(name, description);
	  }

	  /**
	   * Define argument syntax for command.
	   *
	   * The default is that the argument is required, and you can explicitly
	   * indicate this with <> around the name. Put [] around the name for an optional argument.
	   *
	   * @example
	   * program.argument('<input-file>');
	   * program.argument('[output-file]');
	   *
	   * @param {string} name
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom argument processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */
	  argument(name, description, parseArg, defaultValue) {
	    const argument = this.createArgument(name, description);
	    if (typeof parseArg === 'function') {
	      argument.default(defaultValue).argParser(parseArg);
	    } else {
	      argument.default(parseArg);
	    }
	    this.addArgument(argument);
	    return this;
	  }

	  /**
	   * Define argument syntax for command, adding multiple at once (without descriptions).
	   *
	   * See also .argument().
	   *
	   * @example
	   * program.arguments('<cmd> [env]');
	   *
	   * @param {string} names
	   * @return {Command} `this` command for chaining
	   */

	  arguments(names) {
	    names
	      .trim()
	      .split(/ +/)
	      .forEach((detail) => {
	        this.argument(detail);
	      });
	    return this;
	  }

	  /**
	   * Define argument syntax for command, adding a prepared argument.
	   *
	   * @param {Argument} argument
	   * @return {Command} `this` command for chaining
	   */
	  addArgument(argument) {
	    const previousArgument = this.registeredArguments.slice(-1)[0];
	    if (previousArgument?.variadic) {
	      throw new Error(
	        `only the last argument can be variadic '${previousArgument.name()}'`,
	      );
	    }
	    if (
	      argument.required &&
	      argument.defaultValue !== undefined &&
	      argument.parseArg === undefined
	    ) {
	      throw new Error(
	        `a default value for a required argument is never used: '${argument.name()}'`,
	      );
	    }
	    this.registeredArguments.push(argument);
	    return this;
	  }

	  /**
	   * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
	   *
	   * @example
	   *    program.helpCommand('help [cmd]');
	   *    program.helpCommand('help [cmd]', 'show help');
	   *    program.helpCommand(false); // suppress default help command
	   *    program.helpCommand(true); // add help command even if no subcommands
	   *
	   * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
	   * @param {string} [description] - custom description
	   * @return {Command} `this` command for chaining
	   */

	  helpCommand(enableOrNameAndArgs, description) {
	    if (typeof enableOrNameAndArgs === 'boolean') {
	      this._addImplicitHelpCommand = enableOrNameAndArgs;
	      if (enableOrNameAndArgs && this._defaultCommandGroup) {
	        // make the command to store the group
	        this._initCommandGroup(this._getHelpCommand());
	      }
	      return this;
	    }

	    const nameAndArgs = enableOrNameAndArgs ?? 'help [command]';
	    const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
	    const helpDescription = description ?? 'display help for command';

	    const helpCommand = this.createCommand(helpName);
	    helpCommand.helpOption(false);
	    if (helpArgs) helpCommand.arguments(helpArgs);
	    if (helpDescription) helpCommand.description(helpDescription);

	    this._addImplicitHelpCommand = true;
	    this._helpCommand = helpCommand;
	    // init group unless lazy create
	    if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);

	    return this;
	  }

	  /**
	   * Add prepared custom help command.
	   *
	   * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
	   * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
	   * @return {Command} `this` command for chaining
	   */
	  addHelpCommand(helpCommand, deprecatedDescription) {
	    // If not passed an object, call through to helpCommand for backwards compatibility,
	    // as addHelpCommand was originally used like helpCommand is now.
	    if (typeof helpCommand !== 'object') {
	      this.helpCommand(helpCommand, deprecatedDescription);
	      return this;
	    }

	    this._addImplicitHelpCommand = true;
	    this._helpCommand = helpCommand;
	    this._initCommandGroup(helpCommand);
	    return this;
	  }

	  /**
	   * Lazy create help command.
	   *
	   * @return {(Command|null)}
	   * @package
	   */
	  _getHelpCommand() {
	    const hasImplicitHelpCommand =
	      this._addImplicitHelpCommand ??
	      (this.commands.length &&
	        !this._actionHandler &&
	        !this._findCommand('help'));

	    if (hasImplicitHelpCommand) {
	      if (this._helpCommand === undefined) {
	        this.helpCommand(undefined, undefined); // use default name and description
	      }
	      return this._helpCommand;
	    }
	    return null;
	  }

	  /**
	   * Add hook for life cycle event.
	   *
	   * @param {string} event
	   * @param {Function} listener
	   * @return {Command} `this` command for chaining
	   */

	  hook(event, listener) {
	    const allowedValues = ['preSubcommand', 'preAction', 'postAction'];
	    if (!allowedValues.includes(event)) {
	      throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
	    }
	    if (this._lifeCycleHooks[event]) {
	      this._lifeCycleHooks[event].push(listener);
	    } else {
	      this._lifeCycleHooks[event] = [listener];
	    }
	    return this;
	  }

	  /**
	   * Register callback to use as replacement for calling process.exit.
	   *
	   * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
	   * @return {Command} `this` command for chaining
	   */

	  exitOverride(fn) {
	    if (fn) {
	      this._exitCallback = fn;
	    } else {
	      this._exitCallback = (err) => {
	        if (err.code !== 'commander.executeSubCommandAsync') {
	          throw err;
	        }
	      };
	    }
	    return this;
	  }

	  /**
	   * Call process.exit, and _exitCallback if defined.
	   *
	   * @param {number} exitCode exit code for using with process.exit
	   * @param {string} code an id string representing the error
	   * @param {string} message human-readable description of the error
	   * @return never
	   * @private
	   */

	  _exit(exitCode, code, message) {
	    if (this._exitCallback) {
	      this._exitCallback(new CommanderError(exitCode, code, message));
	      // Expecting this line is not reached.
	    }
	    process.exit(exitCode);
	  }

	  /**
	   * Register callback `fn` for the command.
	   *
	   * @example
	   * program
	   *   .command('serve')
	   *   .description('start service')
	   *   .action(function() {
	   *      // do work here
	   *   });
	   *
	   * @param {Function} fn
	   * @return {Command} `this` command for chaining
	   */

	  action(fn) {
	    const listener = (args) => {
	      // The .action callback takes an extra parameter which is the command or options.
	      const expectedArgsCount = this.registeredArguments.length;
	      const actionArgs = args.slice(0, expectedArgsCount);
	      if (this._storeOptionsAsProperties) {
	        actionArgs[expectedArgsCount] = this; // backwards compatible "options"
	      } else {
	        actionArgs[expectedArgsCount] = this.opts();
	      }
	      actionArgs.push(this);

	      return fn.apply(this, actionArgs);
	    };
	    this._actionHandler = listener;
	    return this;
	  }

	  /**
	   * Factory routine to create a new unattached option.
	   *
	   * See .option() for creating an attached option, which uses this routine to
	   * create the option. You can override createOption to return a custom option.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @return {Option} new option
	   */

	  createOption(flags, description) {
	    return new Option(flags, description);
	  }

	  /**
	   * Wrap parseArgs to catch 'commander.invalidArgument'.
	   *
	   * @param {(Option | Argument)} target
	   * @param {string} value
	   * @param {*} previous
	   * @param {string} invalidArgumentMessage
	   * @private
	   */

	  _callParseArg(target, value, previous, invalidArgumentMessage) {
	    try {
	      return target.parseArg(value, previous);
	    } catch (err) {
	      if (err.code === 'commander.invalidArgument') {
	        const message = `${invalidArgumentMessage} ${err.message}`;
	        this.error(message, { exitCode: err.exitCode, code: err.code });
	      }
	      throw err;
	    }
	  }

	  /**
	   * Check for option flag conflicts.
	   * Register option if no conflicts found, or throw on conflict.
	   *
	   * @param {Option} option
	   * @private
	   */

	  _registerOption(option) {
	    const matchingOption =
	      (option.short && this._findOption(option.short)) ||
	      (option.long && this._findOption(option.long));
	    if (matchingOption) {
	      const matchingFlag =
	        option.long && this._findOption(option.long)
	          ? option.long
	          : option.short;
	      throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
	    }

	    this._initOptionGroup(option);
	    this.options.push(option);
	  }

	  /**
	   * Check for command name and alias conflicts with existing commands.
	   * Register command if no conflicts found, or throw on conflict.
	   *
	   * @param {Command} command
	   * @private
	   */

	  _registerCommand(command) {
	    const knownBy = (cmd) => {
	      return [cmd.name()].concat(cmd.aliases());
	    };

	    const alreadyUsed = knownBy(command).find((name) =>
	      this._findCommand(name),
	    );
	    if (alreadyUsed) {
	      const existingCmd = knownBy(this._findCommand(alreadyUsed)).join('|');
	      const newCmd = knownBy(command).join('|');
	      throw new Error(
	        `cannot add command '${newCmd}' as already have command '${existingCmd}'`,
	      );
	    }

	    this._initCommandGroup(command);
	    this.commands.push(command);
	  }

	  /**
	   * Add an option.
	   *
	   * @param {Option} option
	   * @return {Command} `this` command for chaining
	   */
	  addOption(option) {
	    this._registerOption(option);

	    const oname = option.name();
	    const name = option.attributeName();

	    // store default value
	    if (option.negate) {
	      // --no-foo is special and defaults foo to true, unless a --foo option is already defined
	      const positiveLongFlag = option.long.replace(/^--no-/, '--');
	      if (!this._findOption(positiveLongFlag)) {
	        this.setOptionValueWithSource(
	          name,
	          option.defaultValue === undefined ? true : option.defaultValue,
	          'default',
	        );
	      }
	    } else if (option.defaultValue !== undefined) {
	      this.setOptionValueWithSource(name, option.defaultValue, 'default');
	    }

	    // handler for cli and env supplied values
	    const handleOptionValue = (val, invalidValueMessage, valueSource) => {
	      // val is null for optional option used without an optional-argument.
	      // val is undefined for boolean and negated option.
	      if (val == null && option.presetArg !== undefined) {
	        val = option.presetArg;
	      }

	      // custom processing
	      const oldValue = this.getOptionValue(name);
	      if (val !== null && option.parseArg) {
	        val = this._callParseArg(option, val, oldValue, invalidValueMessage);
	      } else if (val !== null && option.variadic) {
	        val = option._collectValue(val, oldValue);
	      }

	      // Fill-in appropriate missing values. Long winded but easy to follow.
	      if (val == null) {
	        if (option.negate) {
	          val = false;
	        } else if (option.isBoolean() || option.optional) {
	          val = true;
	        } else {
	          val = ''; // not normal, parseArg might have failed or be a mock function for testing
	        }
	      }
	      this.setOptionValueWithSource(name, val, valueSource);
	    };

	    this.on('option:' + oname, (val) => {
	      const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
	      handleOptionValue(val, invalidValueMessage, 'cli');
	    });

	    if (option.envVar) {
	      this.on('optionEnv:' + oname, (val) => {
	        const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
	        handleOptionValue(val, invalidValueMessage, 'env');
	      });
	    }

	    return this;
	  }

	  /**
	   * Internal implementation shared by .option() and .requiredOption()
	   *
	   * @return {Command} `this` command for chaining
	   * @private
	   */
	  _optionEx(config, flags, description, fn, defaultValue) {
	    if (typeof flags === 'object' && flags instanceof Option) {
	      throw new Error(
	        'To add an Option object use addOption() instead of option() or requiredOption()',
	      );
	    }
	    const option = this.createOption(flags, description);
	    option.makeOptionMandatory(!!config.mandatory);
	    if (typeof fn === 'function') {
	      option.default(defaultValue).argParser(fn);
	    } else if (fn instanceof RegExp) {
	      // deprecated
	      const regex = fn;
	      fn = (val, def) => {
	        const m = regex.exec(val);
	        return m ? m[0] : def;
	      };
	      option.default(defaultValue).argParser(fn);
	    } else {
	      option.default(fn);
	    }

	    return this.addOption(option);
	  }

	  /**
	   * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
	   *
	   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
	   * option-argument is indicated by `<>` and an optional option-argument by `[]`.
	   *
	   * See the README for more details, and see also addOption() and requiredOption().
	   *
	   * @example
	   * program
	   *     .option('-p, --pepper', 'add pepper')
	   *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
	   *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
	   *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom option processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */

	  option(flags, description, parseArg, defaultValue) {
	    return this._optionEx({}, flags, description, parseArg, defaultValue);
	  }

	  /**
	   * Add a required option which must have a value after parsing. This usually means
	   * the option must be specified on the command line. (Otherwise the same as .option().)
	   *
	   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
	   *
	   * @param {string} flags
	   * @param {string} [description]
	   * @param {(Function|*)} [parseArg] - custom option processing function or default value
	   * @param {*} [defaultValue]
	   * @return {Command} `this` command for chaining
	   */

	  requiredOption(flags, description, parseArg, defaultValue) {
	    return this._optionEx(
	      { mandatory: true },
	      flags,
	      description,
	      parseArg,
	      defaultValue,
	    );
	  }

	  /**
	   * Alter parsing of short flags with optional values.
	   *
	   * @example
	   * // for `.option('-f,--flag [value]'):
	   * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
	   * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
	   *
	   * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
	   * @return {Command} `this` command for chaining
	   */
	  combineFlagAndOptionalValue(combine = true) {
	    this._combineFlagAndOptionalValue = !!combine;
	    return this;
	  }

	  /**
	   * Allow unknown options on the command line.
	   *
	   * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
	   * @return {Command} `this` command for chaining
	   */
	  allowUnknownOption(allowUnknown = true) {
	    this._allowUnknownOption = !!allowUnknown;
	    return this;
	  }

	  /**
	   * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
	   *
	   * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
	   * @return {Command} `this` command for chaining
	   */
	  allowExcessArguments(allowExcess = true) {
	    this._allowExcessArguments = !!allowExcess;
	    return this;
	  }

	  /**
	   * Enable positional options. Positional means global options are specified before subcommands which lets
	   * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
	   * The default behaviour is non-positional and global options may appear anywhere on the command line.
	   *
	   * @param {boolean} [positional]
	   * @return {Command} `this` command for chaining
	   */
	  enablePositionalOptions(positional = true) {
	    this._enablePositionalOptions = !!positional;
	    return this;
	  }

	  /**
	   * Pass through options that come after command-arguments rather than treat them as command-options,
	   * so actual command-options come before command-arguments. Turning this on for a subcommand requires
	   * positional options to have been enabled on the program (parent commands).
	   * The default behaviour is non-positional and options may appear before or after command-arguments.
	   *
	   * @param {boolean} [passThrough] for unknown options.
	   * @return {Command} `this` command for chaining
	   */
	  passThroughOptions(passThrough = true) {
	    this._passThroughOptions = !!passThrough;
	    this._checkForBrokenPassThrough();
	    return this;
	  }

	  /**
	   * @private
	   */

	  _checkForBrokenPassThrough() {
	    if (
	      this.parent &&
	      this._passThroughOptions &&
	      !this.parent._enablePositionalOptions
	    ) {
	      throw new Error(
	        `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`,
	      );
	    }
	  }

	  /**
	   * Whether to store option values as properties on command object,
	   * or store separately (specify false). In both cases the option values can be accessed using .opts().
	   *
	   * @param {boolean} [storeAsProperties=true]
	   * @return {Command} `this` command for chaining
	   */

	  storeOptionsAsProperties(storeAsProperties = true) {
	    if (this.options.length) {
	      throw new Error('call .storeOptionsAsProperties() before adding options');
	    }
	    if (Object.keys(this._optionValues).length) {
	      throw new Error(
	        'call .storeOptionsAsProperties() before setting option values',
	      );
	    }
	    this._storeOptionsAsProperties = !!storeAsProperties;
	    return this;
	  }

	  /**
	   * Retrieve option value.
	   *
	   * @param {string} key
	   * @return {object} value
	   */

	  getOptionValue(key) {
	    if (this._storeOptionsAsProperties) {
	      return this[key];
	    }
	    return this._optionValues[key];
	  }

	  /**
	   * Store option value.
	   *
	   * @param {string} key
	   * @param {object} value
	   * @return {Command} `this` command for chaining
	   */

	  setOptionValue(key, value) {
	    return this.setOptionValueWithSource(key, value, undefined);
	  }

	  /**
	   * Store option value and where the value came from.
	   *
	   * @param {string} key
	   * @param {object} value
	   * @param {string} source - expected values are default/config/env/cli/implied
	   * @return {Command} `this` command for chaining
	   */

	  setOptionValueWithSource(key, value, source) {
	    if (this._storeOptionsAsProperties) {
	      this[key] = value;
	    } else {
	      this._optionValues[key] = value;
	    }
	    this._optionValueSources[key] = source;
	    return this;
	  }

	  /**
	   * Get source of option value.
	   * Expected values are default | config | env | cli | implied
	   *
	   * @param {string} key
	   * @return {string}
	   */

	  getOptionValueSource(key) {
	    return this._optionValueSources[key];
	  }

	  /**
	   * Get source of option value. See also .optsWithGlobals().
	   * Expected values are default | config | env | cli | implied
	   *
	   * @param {string} key
	   * @return {string}
	   */

	  getOptionValueSourceWithGlobals(key) {
	    // global overwrites local, like optsWithGlobals
	    let source;
	    this._getCommandAndAncestors().forEach((cmd) => {
	      if (cmd.getOptionValueSource(key) !== undefined) {
	        source = cmd.getOptionValueSource(key);
	      }
	    });
	    return source;
	  }

	  /**
	   * Get user arguments from implied or explicit arguments.
	   * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
	   *
	   * @private
	   */

	  _prepareUserArgs(argv, parseOptions) {
	    if (argv !== undefined && !Array.isArray(argv)) {
	      throw new Error('first parameter to parse must be array or undefined');
	    }
	    parseOptions = parseOptions || {};

	    // auto-detect argument conventions if nothing supplied
	    if (argv === undefined && parseOptions.from === undefined) {
	      if (process.versions?.electron) {
	        parseOptions.from = 'electron';
	      }
	      // check node specific options for scenarios where user CLI args follow executable without scriptname
	      const execArgv = process.execArgv ?? [];
	      if (
	        execArgv.includes('-e') ||
	        execArgv.includes('--eval') ||
	        execArgv.includes('-p') ||
	        execArgv.includes('--print')
	      ) {
	        parseOptions.from = 'eval'; // internal usage, not documented
	      }
	    }

	    // default to using process.argv
	    if (argv === undefined) {
	      argv = process.argv;
	    }
	    this.rawArgs = argv.slice();

	    // extract the user args and scriptPath
	    let userArgs;
	    switch (parseOptions.from) {
	      case undefined:
	      case 'node':
	        this._scriptPath = argv[1];
	        userArgs = argv.slice(2);
	        break;
	      case 'electron':
	        // @ts-ignore: because defaultApp is an unknown property
	        if (process.defaultApp) {
	          this._scriptPath = argv[1];
	          userArgs = argv.slice(2);
	        } else {
	          userArgs = argv.slice(1);
	        }
	        break;
	      case 'user':
	        userArgs = argv.slice(0);
	        break;
	      case 'eval':
	        userArgs = argv.slice(1);
	        break;
	      default:
	        throw new Error(
	          `unexpected parse option { from: '${parseOptions.from}' }`,
	        );
	    }

	    // Find default name for program from arguments.
	    if (!this._name && this._scriptPath)
	      this.nameFromFilename(this._scriptPath);
	    this._name = this._name || 'program';

	    return userArgs;
	  }

	  /**
	   * Parse `argv`, setting options and invoking commands when defined.
	   *
	   * Use parseAsync instead of parse if any of your action handlers are async.
	   *
	   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
	   *
	   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
	   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
	   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
	   * - `'user'`: just user arguments
	   *
	   * @example
	   * program.parse(); // parse process.argv and auto-detect electron and special node flags
	   * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
	   * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
	   *
	   * @param {string[]} [argv] - optional, defaults to process.argv
	   * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
	   * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
	   * @return {Command} `this` command for chaining
	   */

	  parse(argv, parseOptions) {
	    this._prepareForParse();
	    const userArgs = this._prepareUserArgs(argv, parseOptions);
	    this._parseCommand([], userArgs);

	    return this;
	  }

	  /**
	   * Parse `argv`, setting options and invoking commands when defined.
	   *
	   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
	   *
	   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
	   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
	   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
	   * - `'user'`: just user arguments
	   *
	   * @example
	   * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
	   * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
	   * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
	   *
	   * @param {string[]} [argv]
	   * @param {object} [parseOptions]
	   * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
	   * @return {Promise}
	   */

	  async parseAsync(argv, parseOptions) {
	    this._prepareForParse();
	    const userArgs = this._prepareUserArgs(argv, parseOptions);
	    await this._parseCommand([], userArgs);

	    return this;
	  }

	  _prepareForParse() {
	    if (this._savedState === null) {
	      this.saveStateBeforeParse();
	    } else {
	      this.restoreStateBeforeParse();
	    }
	  }

	  /**
	   * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
	   * Not usually called directly, but available for subclasses to save their custom state.
	   *
	   * This is called in a lazy way. Only commands used in parsing chain will have state saved.
	   */
	  saveStateBeforeParse() {
	    this._savedState = {
	      // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
	      _name: this._name,
	      // option values before parse have default values (including false for negated options)
	      // shallow clones
	      _optionValues: { ...this._optionValues },
	      _optionValueSources: { ...this._optionValueSources },
	    };
	  }

	  /**
	   * Restore state before parse for calls after the first.
	   * Not usually called directly, but available for subclasses to save their custom state.
	   *
	   * This is called in a lazy way. Only commands used in parsing chain will have state restored.
	   */
	  restoreStateBeforeParse() {
	    if (this._storeOptionsAsProperties)
	      throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);

	    // clear state from _prepareUserArgs
	    this._name = this._savedState._name;
	    this._scriptPath = null;
	    this.rawArgs = [];
	    // clear state from setOptionValueWithSource
	    this._optionValues = { ...this._savedState._optionValues };
	    this._optionValueSources = { ...this._savedState._optionValueSources };
	    // clear state from _parseCommand
	    this.args = [];
	    // clear state from _processArguments
	    this.processedArgs = [];
	  }

	  /**
	   * Throw if expected executable is missing. Add lots of help for author.
	   *
	   * @param {string} executableFile
	   * @param {string} executableDir
	   * @param {string} subcommandName
	   */
	  _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
	    if (fs.existsSync(executableFile)) return;

	    const executableDirMessage = executableDir
	      ? `searched for local subcommand relative to directory '${executableDir}'`
	      : 'no directory for search for local subcommand, use .executableDir() to supply a custom directory';
	    const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
	    throw new Error(executableMissing);
	  }

	  /**
	   * Execute a sub-command executable.
	   *
	   * @private
	   */

	  _executeSubCommand(subcommand, args) {
	    args = args.slice();
	    let launchWithNode = false; // Use node for source targets so do not need to get permissions correct, and on Windows.
	    const sourceExt = ['.js', '.ts', '.tsx', '.mjs', '.cjs'];

	    function findFile(baseDir, baseName) {
	      // Look for specified file
	      const localBin = path$1.resolve(baseDir, baseName);
	      if (fs.existsSync(localBin)) return localBin;

	      // Stop looking if candidate already has an expected extension.
	      if (sourceExt.includes(path$1.extname(baseName))) return undefined;

	      // Try all the extensions.
	      const foundExt = sourceExt.find((ext) =>
	        fs.existsSync(`${localBin}${ext}`),
	      );
	      if (foundExt) return `${localBin}${foundExt}`;

	      return undefined;
	    }

	    // Not checking for help first. Unlikely to have mandatory and executable, and can't robustly test for help flags in external command.
	    this._checkForMissingMandatoryOptions();
	    this._checkForConflictingOptions();

	    // executableFile and executableDir might be full path, or just a name
	    let executableFile =
	      subcommand._executableFile || `${this._name}-${subcommand._name}`;
	    let executableDir = this._executableDir || '';
	    if (this._scriptPath) {
	      let resolvedScriptPath; // resolve possible symlink for installed npm binary
	      try {
	        resolvedScriptPath = fs.realpathSync(this._scriptPath);
	      } catch {
	        resolvedScriptPath = this._scriptPath;
	      }
	      executableDir = path$1.resolve(
	        path$1.dirname(resolvedScriptPath),
	        executableDir,
	      );
	    }

	    // Look for a local file in preference to a command in PATH.
	    if (executableDir) {
	      let localFile = findFile(executableDir, executableFile);

	      // Legacy search using prefix of script name instead of command name
	      if (!localFile && !subcommand._executableFile && this._scriptPath) {
	        const legacyName = path$1.basename(
	          this._scriptPath,
	          path$1.extname(this._scriptPath),
	        );
	        if (legacyName !== this._name) {
	          localFile = findFile(
	            executableDir,
	            `${legacyName}-${subcommand._name}`,
	          );
	        }
	      }
	      executableFile = localFile || executableFile;
	    }

	    launchWithNode = sourceExt.includes(path$1.extname(executableFile));

	    let proc;
	    if (process.platform !== 'win32') {
	      if (launchWithNode) {
	        args.unshift(executableFile);
	        // add executable arguments to spawn
	        args = incrementNodeInspectorPort(process.execArgv).concat(args);

	        proc = childProcess.spawn(process.argv[0], args, { stdio: 'inherit' });
	      } else {
	        proc = childProcess.spawn(executableFile, args, { stdio: 'inherit' });
	      }
	    } else {
	      this._checkForMissingExecutable(
	        executableFile,
	        executableDir,
	        subcommand._name,
	      );
	      args.unshift(executableFile);
	      // add executable arguments to spawn
	      args = incrementNodeInspectorPort(process.execArgv).concat(args);
	      proc = childProcess.spawn(process.execPath, args, { stdio: 'inherit' });
	    }

	    if (!proc.killed) {
	      // testing mainly to avoid leak warnings during unit tests with mocked spawn
	      const signals = ['SIGUSR1', 'SIGUSR2', 'SIGTERM', 'SIGINT', 'SIGHUP'];
	      signals.forEach((signal) => {
	        process.on(signal, () => {
	          if (proc.killed === false && proc.exitCode === null) {
	            // @ts-ignore because signals not typed to known strings
	            proc.kill(signal);
	          }
	        });
	      });
	    }

	    // By default terminate process when spawned process terminates.
	    const exitCallback = this._exitCallback;
	    proc.on('close', (code) => {
	      code = code ?? 1; // code is null if spawned process terminated due to a signal
	      if (!exitCallback) {
	        process.exit(code);
	      } else {
	        exitCallback(
	          new CommanderError(
	            code,
	            'commander.executeSubCommandAsync',
	            '(close)',
	          ),
	        );
	      }
	    });
	    proc.on('error', (err) => {
	      // @ts-ignore: because err.code is an unknown property
	      if (err.code === 'ENOENT') {
	        this._checkForMissingExecutable(
	          executableFile,
	          executableDir,
	          subcommand._name,
	        );
	        // @ts-ignore: because err.code is an unknown property
	      } else if (err.code === 'EACCES') {
	        throw new Error(`'${executableFile}' not executable`);
	      }
	      if (!exitCallback) {
	        process.exit(1);
	      } else {
	        const wrappedError = new CommanderError(
	          1,
	          'commander.executeSubCommandAsync',
	          '(error)',
	        );
	        wrappedError.nestedError = err;
	        exitCallback(wrappedError);
	      }
	    });

	    // Store the reference to the child process
	    this.runningCommand = proc;
	  }

	  /**
	   * @private
	   */

	  _dispatchSubcommand(commandName, operands, unknown) {
	    const subCommand = this._findCommand(commandName);
	    if (!subCommand) this.help({ error: true });

	    subCommand._prepareForParse();
	    let promiseChain;
	    promiseChain = this._chainOrCallSubCommandHook(
	      promiseChain,
	      subCommand,
	      'preSubcommand',
	    );
	    promiseChain = this._chainOrCall(promiseChain, () => {
	      if (subCommand._executableHandler) {
	        this._executeSubCommand(subCommand, operands.concat(unknown));
	      } else {
	        return subCommand._parseCommand(operands, unknown);
	      }
	    });
	    return promiseChain;
	  }

	  /**
	   * Invoke help directly if possible, or dispatch if necessary.
	   * e.g. help foo
	   *
	   * @private
	   */

	  _dispatchHelpCommand(subcommandName) {
	    if (!subcommandName) {
	      this.help();
	    }
	    const subCommand = this._findCommand(subcommandName);
	    if (subCommand && !subCommand._executableHandler) {
	      subCommand.help();
	    }

	    // Fallback to parsing the help flag to invoke the help.
	    return this._dispatchSubcommand(
	      subcommandName,
	      [],
	      [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? '--help'],
	    );
	  }

	  /**
	   * Check this.args against expected this.registeredArguments.
	   *
	   * @private
	   */

	  _checkNumberOfArguments() {
	    // too few
	    this.registeredArguments.forEach((arg, i) => {
	      if (arg.required && this.args[i] == null) {
	        this.missingArgument(arg.name());
	      }
	    });
	    // too many
	    if (
	      this.registeredArguments.length > 0 &&
	      this.registeredArguments[this.registeredArguments.length - 1].variadic
	    ) {
	      return;
	    }
	    if (this.args.length > this.registeredArguments.length) {
	      this._excessArguments(this.args);
	    }
	  }

	  /**
	   * Process this.args using this.registeredArguments and save as this.processedArgs!
	   *
	   * @private
	   */

	  _processArguments() {
	    const myParseArg = (argument, value, previous) => {
	      // Extra processing for nice error message on parsing failure.
	      let parsedValue = value;
	      if (value !== null && argument.parseArg) {
	        const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
	        parsedValue = this._callParseArg(
	          argument,
	          value,
	          previous,
	          invalidValueMessage,
	        );
	      }
	      return parsedValue;
	    };

	    this._checkNumberOfArguments();

	    const processedArgs = [];
	    this.registeredArguments.forEach((declaredArg, index) => {
	      let value = declaredArg.defaultValue;
	      if (declaredArg.variadic) {
	        // Collect together remaining arguments for passing together as an array.
	        if (index < this.args.length) {
	          value = this.args.slice(index);
	          if (declaredArg.parseArg) {
	            value = value.reduce((processed, v) => {
	              return myParseArg(declaredArg, v, processed);
	            }, declaredArg.defaultValue);
	          }
	        } else if (value === undefined) {
	          value = [];
	        }
	      } else if (index < this.args.length) {
	        value = this.args[index];
	        if (declaredArg.parseArg) {
	          value = myParseArg(declaredArg, value, declaredArg.defaultValue);
	        }
	      }
	      processedArgs[index] = value;
	    });
	    this.processedArgs = processedArgs;
	  }

	  /**
	   * Once we have a promise we chain, but call synchronously until then.
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {Function} fn
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCall(promise, fn) {
	    // thenable
	    if (promise?.then && typeof promise.then === 'function') {
	      // already have a promise, chain callback
	      return promise.then(() => fn());
	    }
	    // callback might return a promise
	    return fn();
	  }

	  /**
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {string} event
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCallHooks(promise, event) {
	    let result = promise;
	    const hooks = [];
	    this._getCommandAndAncestors()
	      .reverse()
	      .filter((cmd) => cmd._lifeCycleHooks[event] !== undefined)
	      .forEach((hookedCommand) => {
	        hookedCommand._lifeCycleHooks[event].forEach((callback) => {
	          hooks.push({ hookedCommand, callback });
	        });
	      });
	    if (event === 'postAction') {
	      hooks.reverse();
	    }

	    hooks.forEach((hookDetail) => {
	      result = this._chainOrCall(result, () => {
	        return hookDetail.callback(hookDetail.hookedCommand, this);
	      });
	    });
	    return result;
	  }

	  /**
	   *
	   * @param {(Promise|undefined)} promise
	   * @param {Command} subCommand
	   * @param {string} event
	   * @return {(Promise|undefined)}
	   * @private
	   */

	  _chainOrCallSubCommandHook(promise, subCommand, event) {
	    let result = promise;
	    if (this._lifeCycleHooks[event] !== undefined) {
	      this._lifeCycleHooks[event].forEach((hook) => {
	        result = this._chainOrCall(result, () => {
	          return hook(this, subCommand);
	        });
	      });
	    }
	    return result;
	  }

	  /**
	   * Process arguments in context of this command.
	   * Returns action result, in case it is a promise.
	   *
	   * @private
	   */

	  _parseCommand(operands, unknown) {
	    const parsed = this.parseOptions(unknown);
	    this._parseOptionsEnv(); // after cli, so parseArg not called on both cli and env
	    this._parseOptionsImplied();
	    operands = operands.concat(parsed.operands);
	    unknown = parsed.unknown;
	    this.args = operands.concat(unknown);

	    if (operands && this._findCommand(operands[0])) {
	      return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
	    }
	    if (
	      this._getHelpCommand() &&
	      operands[0] === this._getHelpCommand().name()
	    ) {
	      return this._dispatchHelpCommand(operands[1]);
	    }
	    if (this._defaultCommandName) {
	      this._outputHelpIfRequested(unknown); // Run the help for default command from parent rather than passing to default command
	      return this._dispatchSubcommand(
	        this._defaultCommandName,
	        operands,
	        unknown,
	      );
	    }
	    if (
	      this.commands.length &&
	      this.args.length === 0 &&
	      !this._actionHandler &&
	      !this._defaultCommandName
	    ) {
	      // probably missing subcommand and no handler, user needs help (and exit)
	      this.help({ error: true });
	    }

	    this._outputHelpIfRequested(parsed.unknown);
	    this._checkForMissingMandatoryOptions();
	    this._checkForConflictingOptions();

	    // We do not always call this check to avoid masking a "better" error, like unknown command.
	    const checkForUnknownOptions = () => {
	      if (parsed.unknown.length > 0) {
	        this.unknownOption(parsed.unknown[0]);
	      }
	    };

	    const commandEvent = `command:${this.name()}`;
	    if (this._actionHandler) {
	      checkForUnknownOptions();
	      this._processArguments();

	      let promiseChain;
	      promiseChain = this._chainOrCallHooks(promiseChain, 'preAction');
	      promiseChain = this._chainOrCall(promiseChain, () =>
	        this._actionHandler(this.processedArgs),
	      );
	      if (this.parent) {
	        promiseChain = this._chainOrCall(promiseChain, () => {
	          this.parent.emit(commandEvent, operands, unknown); // legacy
	        });
	      }
	      promiseChain = this._chainOrCallHooks(promiseChain, 'postAction');
	      return promiseChain;
	    }
	    if (this.parent?.listenerCount(commandEvent)) {
	      checkForUnknownOptions();
	      this._processArguments();
	      this.parent.emit(commandEvent, operands, unknown); // legacy
	    } else if (operands.length) {
	      if (this._findCommand('*')) {
	        // legacy default command
	        return this._dispatchSubcommand('*', operands, unknown);
	      }
	      if (this.listenerCount('command:*')) {
	        // skip option check, emit event for possible misspelling suggestion
	        this.emit('command:*', operands, unknown);
	      } else if (this.commands.length) {
	        this.unknownCommand();
	      } else {
	        checkForUnknownOptions();
	        this._processArguments();
	      }
	    } else if (this.commands.length) {
	      checkForUnknownOptions();
	      // This command has subcommands and nothing hooked up at this level, so display help (and exit).
	      this.help({ error: true });
	    } else {
	      checkForUnknownOptions();
	      this._processArguments();
	      // fall through for caller to handle after calling .parse()
	    }
	  }

	  /**
	   * Find matching command.
	   *
	   * @private
	   * @return {Command | undefined}
	   */
	  _findCommand(name) {
	    if (!name) return undefined;
	    return this.commands.find(
	      (cmd) => cmd._name === name || cmd._aliases.includes(name),
	    );
	  }

	  /**
	   * Return an option matching `arg` if any.
	   *
	   * @param {string} arg
	   * @return {Option}
	   * @package
	   */

	  _findOption(arg) {
	    return this.options.find((option) => option.is(arg));
	  }

	  /**
	   * Display an error message if a mandatory option does not have a value.
	   * Called after checking for help flags in leaf subcommand.
	   *
	   * @private
	   */

	  _checkForMissingMandatoryOptions() {
	    // Walk up hierarchy so can call in subcommand after checking for displaying help.
	    this._getCommandAndAncestors().forEach((cmd) => {
	      cmd.options.forEach((anOption) => {
	        if (
	          anOption.mandatory &&
	          cmd.getOptionValue(anOption.attributeName()) === undefined
	        ) {
	          cmd.missingMandatoryOptionValue(anOption);
	        }
	      });
	    });
	  }

	  /**
	   * Display an error message if conflicting options are used together in this.
	   *
	   * @private
	   */
	  _checkForConflictingLocalOptions() {
	    const definedNonDefaultOptions = this.options.filter((option) => {
	      const optionKey = option.attributeName();
	      if (this.getOptionValue(optionKey) === undefined) {
	        return false;
	      }
	      return this.getOptionValueSource(optionKey) !== 'default';
	    });

	    const optionsWithConflicting = definedNonDefaultOptions.filter(
	      (option) => option.conflictsWith.length > 0,
	    );

	    optionsWithConflicting.forEach((option) => {
	      const conflictingAndDefined = definedNonDefaultOptions.find((defined) =>
	        option.conflictsWith.includes(defined.attributeName()),
	      );
	      if (conflictingAndDefined) {
	        this._conflictingOption(option, conflictingAndDefined);
	      }
	    });
	  }

	  /**
	   * Display an error message if conflicting options are used together.
	   * Called after checking for help flags in leaf subcommand.
	   *
	   * @private
	   */
	  _checkForConflictingOptions() {
	    // Walk up hierarchy so can call in subcommand after checking for displaying help.
	    this._getCommandAndAncestors().forEach((cmd) => {
	      cmd._checkForConflictingLocalOptions();
	    });
	  }

	  /**
	   * Parse options from `argv` removing known options,
	   * and return argv split into operands and unknown arguments.
	   *
	   * Side effects: modifies command by storing options. Does not reset state if called again.
	   *
	   * Examples:
	   *
	   *     argv => operands, unknown
	   *     --known kkk op => [op], []
	   *     op --known kkk => [op], []
	   *     sub --unknown uuu op => [sub], [--unknown uuu op]
	   *     sub -- --unknown uuu op => [sub --unknown uuu op], []
	   *
	   * @param {string[]} args
	   * @return {{operands: string[], unknown: string[]}}
	   */

	  parseOptions(args) {
	    const operands = []; // operands, not options or values
	    const unknown = []; // first unknown option and remaining unknown args
	    let dest = operands;

	    function maybeOption(arg) {
	      return arg.length > 1 && arg[0] === '-';
	    }

	    const negativeNumberArg = (arg) => {
	      // return false if not a negative number
	      if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
	      // negative number is ok unless digit used as an option in command hierarchy
	      return !this._getCommandAndAncestors().some((cmd) =>
	        cmd.options
	          .map((opt) => opt.short)
	          .some((short) => /^-\d$/.test(short)),
	      );
	    };

	    // parse options
	    let activeVariadicOption = null;
	    let activeGroup = null; // working through group of short options, like -abc
	    let i = 0;
	    while (i < args.length || activeGroup) {
	      const arg = activeGroup ?? args[i++];
	      activeGroup = null;

	      // literal
	      if (arg === '--') {
	        if (dest === unknown) dest.push(arg);
	        dest.push(...args.slice(i));
	        break;
	      }

	      if (
	        activeVariadicOption &&
	        (!maybeOption(arg) || negativeNumberArg(arg))
	      ) {
	        this.emit(`option:${activeVariadicOption.name()}`, arg);
	        continue;
	      }
	      activeVariadicOption = null;

	      if (maybeOption(arg)) {
	        const option = this._findOption(arg);
	        // recognised option, call listener to assign value with possible custom processing
	        if (option) {
	          if (option.required) {
	            const value = args[i++];
	            if (value === undefined) this.optionMissingArgument(option);
	            this.emit(`option:${option.name()}`, value);
	          } else if (option.optional) {
	            let value = null;
	            // historical behaviour is optional value is following arg unless an option
	            if (
	              i < args.length &&
	              (!maybeOption(args[i]) || negativeNumberArg(args[i]))
	            ) {
	              value = args[i++];
	            }
	            this.emit(`option:${option.name()}`, value);
	          } else {
	            // boolean flag
	            this.emit(`option:${option.name()}`);
	          }
	          activeVariadicOption = option.variadic ? option : null;
	          continue;
	        }
	      }

	      // Look for combo options following single dash, eat first one if known.
	      if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-') {
	        const option = this._findOption(`-${arg[1]}`);
	        if (option) {
	          if (
	            option.required ||
	            (option.optional && this._combineFlagAndOptionalValue)
	          ) {
	            // option with value following in same argument
	            this.emit(`option:${option.name()}`, arg.slice(2));
	          } else {
	            // boolean option
	            this.emit(`option:${option.name()}`);
	            // remove the processed option and keep processing group
	            activeGroup = `-${arg.slice(2)}`;
	          }
	          continue;
	        }
	      }

	      // Look for known long flag with value, like --foo=bar
	      if (/^--[^=]+=/.test(arg)) {
	        const index = arg.indexOf('=');
	        const option = this._findOption(arg.slice(0, index));
	        if (option && (option.required || option.optional)) {
	          this.emit(`option:${option.name()}`, arg.slice(index + 1));
	          continue;
	        }
	      }

	      // Not a recognised option by this command.
	      // Might be a command-argument, or subcommand option, or unknown option, or help command or option.

	      // An unknown option means further arguments also classified as unknown so can be reprocessed by subcommands.
	      // A negative number in a leaf command is not an unknown option.
	      if (
	        dest === operands &&
	        maybeOption(arg) &&
	        !(this.commands.length === 0 && negativeNumberArg(arg))
	      ) {
	        dest = unknown;
	      }

	      // If using positionalOptions, stop processing our options at subcommand.
	      if (
	        (this._enablePositionalOptions || this._passThroughOptions) &&
	        operands.length === 0 &&
	        unknown.length === 0
	      ) {
	        if (this._findCommand(arg)) {
	          operands.push(arg);
	          unknown.push(...args.slice(i));
	          break;
	        } else if (
	          this._getHelpCommand() &&
	          arg === this._getHelpCommand().name()
	        ) {
	          operands.push(arg, ...args.slice(i));
	          break;
	        } else if (this._defaultCommandName) {
	          unknown.push(arg, ...args.slice(i));
	          break;
	        }
	      }

	      // If using passThroughOptions, stop processing options at first command-argument.
	      if (this._passThroughOptions) {
	        dest.push(arg, ...args.slice(i));
	        break;
	      }

	      // add arg
	      dest.push(arg);
	    }

	    return { operands, unknown };
	  }

	  /**
	   * Return an object containing local option values as key-value pairs.
	   *
	   * @return {object}
	   */
	  opts() {
	    if (this._storeOptionsAsProperties) {
	      // Preserve original behaviour so backwards compatible when still using properties
	      const result = {};
	      const len = this.options.length;

	      for (let i = 0; i < len; i++) {
	        const key = this.options[i].attributeName();
	        result[key] =
	          key === this._versionOptionName ? this._version : this[key];
	      }
	      return result;
	    }

	    return this._optionValues;
	  }

	  /**
	   * Return an object containing merged local and global option values as key-value pairs.
	   *
	   * @return {object}
	   */
	  optsWithGlobals() {
	    // globals overwrite locals
	    return this._getCommandAndAncestors().reduce(
	      (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
	      {},
	    );
	  }

	  /**
	   * Display error message and exit (or call exitOverride).
	   *
	   * @param {string} message
	   * @param {object} [errorOptions]
	   * @param {string} [errorOptions.code] - an id string representing the error
	   * @param {number} [errorOptions.exitCode] - used with process.exit
	   */
	  error(message, errorOptions) {
	    // output handling
	    this._outputConfiguration.outputError(
	      `${message}\n`,
	      this._outputConfiguration.writeErr,
	    );
	    if (typeof this._showHelpAfterError === 'string') {
	      this._outputConfiguration.writeErr(`${this._showHelpAfterError}\n`);
	    } else if (this._showHelpAfterError) {
	      this._outputConfiguration.writeErr('\n');
	      this.outputHelp({ error: true });
	    }

	    // exit handling
	    const config = errorOptions || {};
	    const exitCode = config.exitCode || 1;
	    const code = config.code || 'commander.error';
	    this._exit(exitCode, code, message);
	  }

	  /**
	   * Apply any option related environment variables, if option does
	   * not have a value from cli or client code.
	   *
	   * @private
	   */
	  _parseOptionsEnv() {
	    this.options.forEach((option) => {
	      if (option.envVar && option.envVar in process.env) {
	        const optionKey = option.attributeName();
	        // Priority check. Do not overwrite cli or options from unknown source (client-code).
	        if (
	          this.getOptionValue(optionKey) === undefined ||
	          ['default', 'config', 'env'].includes(
	            this.getOptionValueSource(optionKey),
	          )
	        ) {
	          if (option.required || option.optional) {
	            // option can take a value
	            // keep very simple, optional always takes value
	            this.emit(`optionEnv:${option.name()}`, process.env[option.envVar]);
	          } else {
	            // boolean
	            // keep very simple, only care that envVar defined and not the value
	            this.emit(`optionEnv:${option.name()}`);
	          }
	        }
	      }
	    });
	  }

	  /**
	   * Apply any implied option values, if option is undefined or default value.
	   *
	   * @private
	   */
	  _parseOptionsImplied() {
	    const dualHelper = new DualOptions(this.options);
	    const hasCustomOptionValue = (optionKey) => {
	      return (
	        this.getOptionValue(optionKey) !== undefined &&
	        !['default', 'implied'].includes(this.getOptionValueSource(optionKey))
	      );
	    };
	    this.options
	      .filter(
	        (option) =>
	          option.implied !== undefined &&
	          hasCustomOptionValue(option.attributeName()) &&
	          dualHelper.valueFromOption(
	            this.getOptionValue(option.attributeName()),
	            option,
	          ),
	      )
	      .forEach((option) => {
	        Object.keys(option.implied)
	          .filter((impliedKey) => !hasCustomOptionValue(impliedKey))
	          .forEach((impliedKey) => {
	            this.setOptionValueWithSource(
	              impliedKey,
	              option.implied[impliedKey],
	              'implied',
	            );
	          });
	      });
	  }

	  /**
	   * Argument `name` is missing.
	   *
	   * @param {string} name
	   * @private
	   */

	  missingArgument(name) {
	    const message = `error: missing required argument '${name}'`;
	    this.error(message, { code: 'commander.missingArgument' });
	  }

	  /**
	   * `Option` is missing an argument.
	   *
	   * @param {Option} option
	   * @private
	   */

	  optionMissingArgument(option) {
	    const message = `error: option '${option.flags}' argument missing`;
	    this.error(message, { code: 'commander.optionMissingArgument' });
	  }

	  /**
	   * `Option` does not have a value, and is a mandatory option.
	   *
	   * @param {Option} option
	   * @private
	   */

	  missingMandatoryOptionValue(option) {
	    const message = `error: required option '${option.flags}' not specified`;
	    this.error(message, { code: 'commander.missingMandatoryOptionValue' });
	  }

	  /**
	   * `Option` conflicts with another option.
	   *
	   * @param {Option} option
	   * @param {Option} conflictingOption
	   * @private
	   */
	  _conflictingOption(option, conflictingOption) {
	    // The calling code does not know whether a negated option is the source of the
	    // value, so do some work to take an educated guess.
	    const findBestOptionFromValue = (option) => {
	      const optionKey = option.attributeName();
	      const optionValue = this.getOptionValue(optionKey);
	      const negativeOption = this.options.find(
	        (target) => target.negate && optionKey === target.attributeName(),
	      );
	      const positiveOption = this.options.find(
	        (target) => !target.negate && optionKey === target.attributeName(),
	      );
	      if (
	        negativeOption &&
	        ((negativeOption.presetArg === undefined && optionValue === false) ||
	          (negativeOption.presetArg !== undefined &&
	            optionValue === negativeOption.presetArg))
	      ) {
	        return negativeOption;
	      }
	      return positiveOption || option;
	    };

	    const getErrorMessage = (option) => {
	      const bestOption = findBestOptionFromValue(option);
	      const optionKey = bestOption.attributeName();
	      const source = this.getOptionValueSource(optionKey);
	      if (source === 'env') {
	        return `environment variable '${bestOption.envVar}'`;
	      }
	      return `option '${bestOption.flags}'`;
	    };

	    const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
	    this.error(message, { code: 'commander.conflictingOption' });
	  }

	  /**
	   * Unknown option `flag`.
	   *
	   * @param {string} flag
	   * @private
	   */

	  unknownOption(flag) {
	    if (this._allowUnknownOption) return;
	    let suggestion = '';

	    if (flag.startsWith('--') && this._showSuggestionAfterError) {
	      // Looping to pick up the global options too
	      let candidateFlags = [];
	      // eslint-disable-next-line @typescript-eslint/no-this-alias
	      let command = this;
	      do {
	        const moreFlags = command
	          .createHelp()
	          .visibleOptions(command)
	          .filter((option) => option.long)
	          .map((option) => option.long);
	        candidateFlags = candidateFlags.concat(moreFlags);
	        command = command.parent;
	      } while (command && !command._enablePositionalOptions);
	      suggestion = suggestSimilar(flag, candidateFlags);
	    }

	    const message = `error: unknown option '${flag}'${suggestion}`;
	    this.error(message, { code: 'commander.unknownOption' });
	  }

	  /**
	   * Excess arguments, more than expected.
	   *
	   * @param {string[]} receivedArgs
	   * @private
	   */

	  _excessArguments(receivedArgs) {
	    if (this._allowExcessArguments) return;

	    const expected = this.registeredArguments.length;
	    const s = expected === 1 ? '' : 's';
	    const forSubcommand = this.parent ? ` for '${this.name()}'` : '';
	    const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
	    this.error(message, { code: 'commander.excessArguments' });
	  }

	  /**
	   * Unknown command.
	   *
	   * @private
	   */

	  unknownCommand() {
	    const unknownName = this.args[0];
	    let suggestion = '';

	    if (this._showSuggestionAfterError) {
	      const candidateNames = [];
	      this.createHelp()
	        .visibleCommands(this)
	        .forEach((command) => {
	          candidateNames.push(command.name());
	          // just visible alias
	          if (command.alias()) candidateNames.push(command.alias());
	        });
	      suggestion = suggestSimilar(unknownName, candidateNames);
	    }

	    const message = `error: unknown command '${unknownName}'${suggestion}`;
	    this.error(message, { code: 'commander.unknownCommand' });
	  }

	  /**
	   * Get or set the program version.
	   *
	   * This method auto-registers the "-V, --version" option which will print the version number.
	   *
	   * You can optionally supply the flags and description to override the defaults.
	   *
	   * @param {string} [str]
	   * @param {string} [flags]
	   * @param {string} [description]
	   * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
	   */

	  version(str, flags, description) {
	    if (str === undefined) return this._version;
	    this._version = str;
	    flags = flags || '-V, --version';
	    description = description || 'output the version number';
	    const versionOption = this.createOption(flags, description);
	    this._versionOptionName = versionOption.attributeName();
	    this._registerOption(versionOption);

	    this.on('option:' + versionOption.name(), () => {
	      this._outputConfiguration.writeOut(`${str}\n`);
	      this._exit(0, 'commander.version', str);
	    });
	    return this;
	  }

	  /**
	   * Set the description.
	   *
	   * @param {string} [str]
	   * @param {object} [argsDescription]
	   * @return {(string|Command)}
	   */
	  description(str, argsDescription) {
	    if (str === undefined && argsDescription === undefined)
	      return this._description;
	    this._description = str;
	    if (argsDescription) {
	      this._argsDescription = argsDescription;
	    }
	    return this;
	  }

	  /**
	   * Set the summary. Used when listed as subcommand of parent.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */
	  summary(str) {
	    if (str === undefined) return this._summary;
	    this._summary = str;
	    return this;
	  }

	  /**
	   * Set an alias for the command.
	   *
	   * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
	   *
	   * @param {string} [alias]
	   * @return {(string|Command)}
	   */

	  alias(alias) {
	    if (alias === undefined) return this._aliases[0]; // just return first, for backwards compatibility

	    /** @type {Command} */
	    // eslint-disable-next-line @typescript-eslint/no-this-alias
	    let command = this;
	    if (
	      this.commands.length !== 0 &&
	      this.commands[this.commands.length - 1]._executableHandler
	    ) {
	      // assume adding alias for last added executable subcommand, rather than this
	      command = this.commands[this.commands.length - 1];
	    }

	    if (alias === command._name)
	      throw new Error("Command alias can't be the same as its name");
	    const matchingCommand = this.parent?._findCommand(alias);
	    if (matchingCommand) {
	      // c.f. _registerCommand
	      const existingCmd = [matchingCommand.name()]
	        .concat(matchingCommand.aliases())
	        .join('|');
	      throw new Error(
	        `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`,
	      );
	    }

	    command._aliases.push(alias);
	    return this;
	  }

	  /**
	   * Set aliases for the command.
	   *
	   * Only the first alias is shown in the auto-generated help.
	   *
	   * @param {string[]} [aliases]
	   * @return {(string[]|Command)}
	   */

	  aliases(aliases) {
	    // Getter for the array of aliases is the main reason for having aliases() in addition to alias().
	    if (aliases === undefined) return this._aliases;

	    aliases.forEach((alias) => this.alias(alias));
	    return this;
	  }

	  /**
	   * Set / get the command usage `str`.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */

	  usage(str) {
	    if (str === undefined) {
	      if (this._usage) return this._usage;

	      const args = this.registeredArguments.map((arg) => {
	        return humanReadableArgName(arg);
	      });
	      return []
	        .concat(
	          this.options.length || this._helpOption !== null ? '[options]' : [],
	          this.commands.length ? '[command]' : [],
	          this.registeredArguments.length ? args : [],
	        )
	        .join(' ');
	    }

	    this._usage = str;
	    return this;
	  }

	  /**
	   * Get or set the name of the command.
	   *
	   * @param {string} [str]
	   * @return {(string|Command)}
	   */

	  name(str) {
	    if (str === undefined) return this._name;
	    this._name = str;
	    return this;
	  }

	  /**
	   * Set/get the help group heading for this subcommand in parent command's help.
	   *
	   * @param {string} [heading]
	   * @return {Command | string}
	   */

	  helpGroup(heading) {
	    if (heading === undefined) return this._helpGroupHeading ?? '';
	    this._helpGroupHeading = heading;
	    return this;
	  }

	  /**
	   * Set/get the default help group heading for subcommands added to this command.
	   * (This does not override a group set directly on the subcommand using .helpGroup().)
	   *
	   * @example
	   * program.commandsGroup('Development Commands:);
	   * program.command('watch')...
	   * program.command('lint')...
	   * ...
	   *
	   * @param {string} [heading]
	   * @returns {Command | string}
	   */
	  commandsGroup(heading) {
	    if (heading === undefined) return this._defaultCommandGroup ?? '';
	    this._defaultCommandGroup = heading;
	    return this;
	  }

	  /**
	   * Set/get the default help group heading for options added to this command.
	   * (This does not override a group set directly on the option using .helpGroup().)
	   *
	   * @example
	   * program
	   *   .optionsGroup('Development Options:')
	   *   .option('-d, --debug', 'output extra debugging')
	   *   .option('-p, --profile', 'output profiling information')
	   *
	   * @param {string} [heading]
	   * @returns {Command | string}
	   */
	  optionsGroup(heading) {
	    if (heading === undefined) return this._defaultOptionGroup ?? '';
	    this._defaultOptionGroup = heading;
	    return this;
	  }

	  /**
	   * @param {Option} option
	   * @private
	   */
	  _initOptionGroup(option) {
	    if (this._defaultOptionGroup && !option.helpGroupHeading)
	      option.helpGroup(this._defaultOptionGroup);
	  }

	  /**
	   * @param {Command} cmd
	   * @private
	   */
	  _initCommandGroup(cmd) {
	    if (this._defaultCommandGroup && !cmd.helpGroup())
	      cmd.helpGroup(this._defaultCommandGroup);
	  }

	  /**
	   * Set the name of the command from script filename, such as process.argv[1],
	   * or require.main.filename, or __filename.
	   *
	   * (Used internally and public although not documented in README.)
	   *
	   * @example
	   * program.nameFromFilename(require.main.filename);
	   *
	   * @param {string} filename
	   * @return {Command}
	   */

	  nameFromFilename(filename) {
	    this._name = path$1.basename(filename, path$1.extname(filename));

	    return this;
	  }

	  /**
	   * Get or set the directory for searching for executable subcommands of this command.
	   *
	   * @example
	   * program.executableDir(__dirname);
	   * // or
	   * program.executableDir('subcommands');
	   *
	   * @param {string} [path]
	   * @return {(string|null|Command)}
	   */

	  executableDir(path) {
	    if (path === undefined) return this._executableDir;
	    this._executableDir = path;
	    return this;
	  }

	  /**
	   * Return program help documentation.
	   *
	   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
	   * @return {string}
	   */

	  helpInformation(contextOptions) {
	    const helper = this.createHelp();
	    const context = this._getOutputContext(contextOptions);
	    helper.prepareContext({
	      error: context.error,
	      helpWidth: context.helpWidth,
	      outputHasColors: context.hasColors,
	    });
	    const text = helper.formatHelp(this, helper);
	    if (context.hasColors) return text;
	    return this._outputConfiguration.stripColor(text);
	  }

	  /**
	   * @typedef HelpContext
	   * @type {object}
	   * @property {boolean} error
	   * @property {number} helpWidth
	   * @property {boolean} hasColors
	   * @property {function} write - includes stripColor if needed
	   *
	   * @returns {HelpContext}
	   * @private
	   */

	  _getOutputContext(contextOptions) {
	    contextOptions = contextOptions || {};
	    const error = !!contextOptions.error;
	    let baseWrite;
	    let hasColors;
	    let helpWidth;
	    if (error) {
	      baseWrite = (str) => this._outputConfiguration.writeErr(str);
	      hasColors = this._outputConfiguration.getErrHasColors();
	      helpWidth = this._outputConfiguration.getErrHelpWidth();
	    } else {
	      baseWrite = (str) => this._outputConfiguration.writeOut(str);
	      hasColors = this._outputConfiguration.getOutHasColors();
	      helpWidth = this._outputConfiguration.getOutHelpWidth();
	    }
	    const write = (str) => {
	      if (!hasColors) str = this._outputConfiguration.stripColor(str);
	      return baseWrite(str);
	    };
	    return { error, write, hasColors, helpWidth };
	  }

	  /**
	   * Output help information for this command.
	   *
	   * Outputs built-in help, and custom text added using `.addHelpText()`.
	   *
	   * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
	   */

	  outputHelp(contextOptions) {
	    let deprecatedCallback;
	    if (typeof contextOptions === 'function') {
	      deprecatedCallback = contextOptions;
	      contextOptions = undefined;
	    }

	    const outputContext = this._getOutputContext(contextOptions);
	    /** @type {HelpTextEventContext} */
	    const eventContext = {
	      error: outputContext.error,
	      write: outputContext.write,
	      command: this,
	    };

	    this._getCommandAndAncestors()
	      .reverse()
	      .forEach((command) => command.emit('beforeAllHelp', eventContext));
	    this.emit('beforeHelp', eventContext);

	    let helpInformation = this.helpInformation({ error: outputContext.error });
	    if (deprecatedCallback) {
	      helpInformation = deprecatedCallback(helpInformation);
	      if (
	        typeof helpInformation !== 'string' &&
	        !Buffer.isBuffer(helpInformation)
	      ) {
	        throw new Error('outputHelp callback must return a string or a Buffer');
	      }
	    }
	    outputContext.write(helpInformation);

	    if (this._getHelpOption()?.long) {
	      this.emit(this._getHelpOption().long); // deprecated
	    }
	    this.emit('afterHelp', eventContext);
	    this._getCommandAndAncestors().forEach((command) =>
	      command.emit('afterAllHelp', eventContext),
	    );
	  }

	  /**
	   * You can pass in flags and a description to customise the built-in help option.
	   * Pass in false to disable the built-in help option.
	   *
	   * @example
	   * program.helpOption('-?, --help' 'show help'); // customise
	   * program.helpOption(false); // disable
	   *
	   * @param {(string | boolean)} flags
	   * @param {string} [description]
	   * @return {Command} `this` command for chaining
	   */

	  helpOption(flags, description) {
	    // Support enabling/disabling built-in help option.
	    if (typeof flags === 'boolean') {
	      if (flags) {
	        if (this._helpOption === null) this._helpOption = undefined; // reenable
	        if (this._defaultOptionGroup) {
	          // make the option to store the group
	          this._initOptionGroup(this._getHelpOption());
	        }
	      } else {
	        this._helpOption = null; // disable
	      }
	      return this;
	    }

	    // Customise flags and description.
	    this._helpOption = this.createOption(
	      flags ?? '-h, --help',
	      description ?? 'display help for command',
	    );
	    // init group unless lazy create
	    if (flags || description) this._initOptionGroup(this._helpOption);

	    return this;
	  }

	  /**
	   * Lazy create help option.
	   * Returns null if has been disabled with .helpOption(false).
	   *
	   * @returns {(Option | null)} the help option
	   * @package
	   */
	  _getHelpOption() {
	    // Lazy create help option on demand.
	    if (this._helpOption === undefined) {
	      this.helpOption(undefined, undefined);
	    }
	    return this._helpOption;
	  }

	  /**
	   * Supply your own option to use for the built-in help option.
	   * This is an alternative to using helpOption() to customise the flags and description etc.
	   *
	   * @param {Option} option
	   * @return {Command} `this` command for chaining
	   */
	  addHelpOption(option) {
	    this._helpOption = option;
	    this._initOptionGroup(option);
	    return this;
	  }

	  /**
	   * Output help information and exit.
	   *
	   * Outputs built-in help, and custom text added using `.addHelpText()`.
	   *
	   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
	   */

	  help(contextOptions) {
	    this.outputHelp(contextOptions);
	    let exitCode = Number(process.exitCode ?? 0); // process.exitCode does allow a string or an integer, but we prefer just a number
	    if (
	      exitCode === 0 &&
	      contextOptions &&
	      typeof contextOptions !== 'function' &&
	      contextOptions.error
	    ) {
	      exitCode = 1;
	    }
	    // message: do not have all displayed text available so only passing placeholder.
	    this._exit(exitCode, 'commander.help', '(outputHelp)');
	  }

	  /**
	   * // Do a little typing to coordinate emit and listener for the help text events.
	   * @typedef HelpTextEventContext
	   * @type {object}
	   * @property {boolean} error
	   * @property {Command} command
	   * @property {function} write
	   */

	  /**
	   * Add additional text to be displayed with the built-in help.
	   *
	   * Position is 'before' or 'after' to affect just this command,
	   * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
	   *
	   * @param {string} position - before or after built-in help
	   * @param {(string | Function)} text - string to add, or a function returning a string
	   * @return {Command} `this` command for chaining
	   */

	  addHelpText(position, text) {
	    const allowedValues = ['beforeAll', 'before', 'after', 'afterAll'];
	    if (!allowedValues.includes(position)) {
	      throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
	    }

	    const helpEvent = `${position}Help`;
	    this.on(helpEvent, (/** @type {HelpTextEventContext} */ context) => {
	      let helpStr;
	      if (typeof text === 'function') {
	        helpStr = text({ error: context.error, command: context.command });
	      } else {
	        helpStr = text;
	      }
	      // Ignore falsy value when nothing to output.
	      if (helpStr) {
	        context.write(`${helpStr}\n`);
	      }
	    });
	    return this;
	  }

	  /**
	   * Output help information if help flags specified
	   *
	   * @param {Array} args - array of options to search for help flags
	   * @private
	   */

	  _outputHelpIfRequested(args) {
	    const helpOption = this._getHelpOption();
	    const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
	    if (helpRequested) {
	      this.outputHelp();
	      // (Do not have all displayed text available so only passing placeholder.)
	      this._exit(0, 'commander.helpDisplayed', '(outputHelp)');
	    }
	  }
	}

	/**
	 * Scan arguments and increment port number for inspect calls (to avoid conflicts when spawning new command).
	 *
	 * @param {string[]} args - array of arguments from node.execArgv
	 * @returns {string[]}
	 * @private
	 */

	function incrementNodeInspectorPort(args) {
	  // Testing for these options:
	  //  --inspect[=[host:]port]
	  //  --inspect-brk[=[host:]port]
	  //  --inspect-port=[host:]port
	  return args.map((arg) => {
	    if (!arg.startsWith('--inspect')) {
	      return arg;
	    }
	    let debugOption;
	    let debugHost = '127.0.0.1';
	    let debugPort = '9229';
	    let match;
	    if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
	      // e.g. --inspect
	      debugOption = match[1];
	    } else if (
	      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null
	    ) {
	      debugOption = match[1];
	      if (/^\d+$/.test(match[3])) {
	        // e.g. --inspect=1234
	        debugPort = match[3];
	      } else {
	        // e.g. --inspect=localhost
	        debugHost = match[3];
	      }
	    } else if (
	      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null
	    ) {
	      // e.g. --inspect=localhost:1234
	      debugOption = match[1];
	      debugHost = match[3];
	      debugPort = match[4];
	    }

	    if (debugOption && debugPort !== '0') {
	      return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
	    }
	    return arg;
	  });
	}

	/**
	 * @returns {boolean | undefined}
	 * @package
	 */
	function useColor() {
	  // Test for common conventions.
	  // NB: the observed behaviour is in combination with how author adds color! For example:
	  //   - we do not test NODE_DISABLE_COLORS, but util:styletext does
	  //   - we do test NO_COLOR, but Chalk does not
	  //
	  // References:
	  // https://no-color.org
	  // https://bixense.com/clicolors/
	  // https://github.com/nodejs/node/blob/0a00217a5f67ef4a22384cfc80eb6dd9a917fdc1/lib/internal/tty.js#L109
	  // https://github.com/chalk/supports-color/blob/c214314a14bcb174b12b3014b2b0a8de375029ae/index.js#L33
	  // (https://force-color.org recent web page from 2023, does not match major javascript implementations)

	  if (
	    process.env.NO_COLOR ||
	    process.env.FORCE_COLOR === '0' ||
	    process.env.FORCE_COLOR === 'false'
	  )
	    return false;
	  if (process.env.FORCE_COLOR || process.env.CLICOLOR_FORCE !== undefined)
	    return true;
	  return undefined;
	}

	command.Command = Command;
	command.useColor = useColor; // exporting for tests
	return command;
}

var hasRequiredCommander;

function requireCommander () {
	if (hasRequiredCommander) return commander$1;
	hasRequiredCommander = 1;
	const { Argument } = requireArgument();
	const { Command } = requireCommand();
	const { CommanderError, InvalidArgumentError } = requireError();
	const { Help } = requireHelp();
	const { Option } = requireOption();

	commander$1.program = new Command();

	commander$1.createCommand = (name) => new Command(name);
	commander$1.createOption = (flags, description) => new Option(flags, description);
	commander$1.createArgument = (name, description) => new Argument(name, description);

	/**
	 * Expose classes
	 */

	commander$1.Command = Command;
	commander$1.Option = Option;
	commander$1.Argument = Argument;
	commander$1.Help = Help;

	commander$1.CommanderError = CommanderError;
	commander$1.InvalidArgumentError = InvalidArgumentError;
	commander$1.InvalidOptionArgumentError = InvalidArgumentError; // Deprecated
	return commander$1;
}

var commanderExports = requireCommander();
var commander = /*@__PURE__*/getDefaultExportFromCjs(commanderExports);

// wrapper to provide named exports for ESM.
const {
  program,
  createCommand,
  createArgument,
  createOption,
  CommanderError,
  InvalidArgumentError,
  InvalidOptionArgumentError, // deprecated old name
  Command,
  Argument,
  Option,
  Help,
} = commander;

function jsonErrorOffset(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " 	\n\r".includes(text[i])) i++;
  };
  const fail = () => {
    throw i;
  };
  const literal = (word) => {
    for (const ch of word) if (text[i++] !== ch) fail();
  };
  const string = () => {
    i++;
    for (; ; ) {
      if (i >= text.length) fail();
      const ch = text[i];
      if (ch === '"') return void i++;
      if (ch < " ") fail();
      if (ch === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
        else i++;
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === "-" || m[0] === "") fail();
    i += m[0].length;
  };
  const value = () => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (; ; ) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    }
    if (ch === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (; ; ) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === "t") return literal("true");
    if (ch === "f") return literal("false");
    if (ch === "n") return literal("null");
    if (ch === "-" || ch !== void 0 && ch >= "0" && ch <= "9") return number();
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return void 0;
  } catch (offset) {
    if (typeof offset === "number") return Math.min(offset, text.length);
    throw offset;
  }
}
function jsonErrorMessage(error, text) {
  const raw = getErrorMessage(error);
  const reason = raw.replace(/, (\.\.\.)?".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "").replace(/\s+/g, " ");
  const offset = jsonErrorOffset(text) ?? (/at position (\d+)/.exec(raw) ? Number(/at position (\d+)/.exec(raw)[1]) : void 0);
  if (offset === void 0) return reason;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${reason} at line ${line}, column ${column}`;
}
async function readJsonFile(file, what) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = error.code;
    const reason = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory, expected a file" : code === "EACCES" ? "permission denied" : getErrorMessage(error).split("\n")[0];
    throw new InputError(`cannot read ${what}: ${reason}`, { file });
  }
  text = text.replace(/^\uFEFF/, "");
  if (!text.trim()) throw new InputError(`${what} is empty; expected a JSON document`, { file });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${jsonErrorMessage(error, text)}`, { file });
  }
}
const MAX_COUNT = 1e6;
function positiveInt(name, max = MAX_COUNT) {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number \u2265 1, got '${value}'`);
    }
    if (n > max)
      throw new InvalidArgumentError(`${name} must be a whole number \u2264 ${max.toLocaleString("en-US")}, got '${value}'`);
    return n;
  };
}
function reportId(value) {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value))
    throw new InvalidArgumentError(
      `--report-id must be 1\u201364 letters, digits, '.', '_' or '-', got ${JSON.stringify(value)}`
    );
  return value;
}
function runnerLabel(value) {
  if (!/^[^\u0000-\u001f\u007f]{1,100}$/.test(value) || !value.trim()) {
    throw new InvalidArgumentError(
      `--label must be 1\u2013100 characters on one line, without control characters, got ${JSON.stringify(value)}`
    );
  }
  return value;
}
function oneLine(text) {
  return text.trim().replace(/\r\n|[\r\n\u2028\u2029]/g, " \u23CE ").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
function git(args, cwd) {
  return new Promise(
    (res) => execFile("git", args, { cwd, timeout: 3e3 }, (err, out) => res(err ? void 0 : out.trim() || void 0))
  );
}
async function gitIdentity(env, cwd) {
  const sha = env.GITHUB_SHA ?? await git(["rev-parse", "HEAD"], cwd);
  const ref = env.GITHUB_HEAD_REF || env.GITHUB_REF || await git(["rev-parse", "--abbrev-ref", "HEAD"], cwd);
  return sha || ref ? { ...sha ? { sha } : {}, ...ref ? { ref } : {} } : void 0;
}
function defaultCacheDir(env) {
  return env.LLM_BENCH_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "llm-bench", "models");
}

function configInputs(config, flag) {
  const out = [{ label: flag, path: config.file }];
  config.prompts.forEach((p, i) => {
    if (p.file)
      out.push({
        label: flag,
        path: resolve(config.dir, p.file),
        shown: `the prompt file ${p.file} (prompts[${i}].file in ${config.file})`
      });
  });
  config.models.forEach((m, i) => {
    if (m.source === "path")
      out.push({
        label: flag,
        path: resolve(config.dir, m.name),
        shown: `the model file ${m.name} (models[${i}] in ${config.file})`
      });
  });
  return out;
}
function resultsOutputs(out, flag) {
  return [
    { label: flag, path: out },
    { label: flag, path: `${out}.jsonl`, shown: `${out}.jsonl (the journal of ${flag} ${out})` }
  ];
}
async function runSides(inputs, opts, ctx) {
  const first = inputs[0].configPath;
  const envLabel = ctx.env.LLM_BENCH_LABEL;
  if (opts.label === void 0 && envLabel && (!/^[^\u0000-\u001f\u007f]{1,100}$/.test(envLabel) || !envLabel.trim())) {
    throw new InputError(
      `LLM_BENCH_LABEL: expected 1\u2013100 characters on one line, without control characters, got ${JSON.stringify(envLabel)}`
    );
  }
  const env = envLabel === "" ? { ...ctx.env, LLM_BENCH_LABEL: void 0 } : ctx.env;
  const git = await gitIdentity(ctx.env, dirname(resolve(first)));
  return untilInterrupted(
    () => ctx.log("stopping after the current request; everything measured so far is kept"),
    (signal) => runSession(
      inputs.map((i) => ({ side: i.side, config: i.config ?? i.configPath })),
      {
        out: opts.out,
        cacheDir: opts.cacheDir ?? defaultCacheDir(ctx.env),
        label: opts.label,
        repetitions: opts.repetitions,
        git,
        signal
      },
      { env, log: ctx.log, tty: ctx.tty }
    )
  );
}
function describeRun(results, out) {
  const errors = results.cases.reduce((n, c) => n + c.errors.length, 0);
  const requests = results.cases.reduce((n, c) => n + c.requests.ok, 0);
  return `wrote ${out}: ${results.cases.length} case${results.cases.length === 1 ? "" : "s"}, ${requests} measured requests, ${errors} error${errors === 1 ? "" : "s"} (${results.status}) on runner ${results.runner.label}`;
}
async function runCommand(opts, ctx) {
  const config = await loadConfig(opts.config);
  await checkOutputPaths(resultsOutputs(opts.out, "--out"), configInputs(config, "--config"));
  if (opts.cacheDir) await checkOutputDir({ label: "--cache-dir", path: opts.cacheDir });
  const results = await runSides([{ configPath: opts.config, config }], opts, ctx).catch((error) => {
    throw error instanceof InputError ? error.inFile(opts.config) : error;
  });
  ctx.log(describeRun(results, opts.out));
  return results.status === "complete" ? 0 : 130;
}

async function makeModelCommand(opts, ctx) {
  const shape = opts.shape ?? opts.preset ?? "tiny";
  if (!isShapeName(shape))
    throw new InputError(`unknown shape "${shape}"; expected one of ${SHAPE_NAMES.join(", ")}`, {
      path: opts.shape ? "--shape" : "--preset"
    });
  const type = opts.type ?? "f32";
  if (!isModelType(type))
    throw new InputError(`unknown type "${type}"; expected one of ${MODEL_TYPES.join(", ")}`, { path: "--type" });
  const started = Date.now();
  const model = await makeModel({ out: opts.out, preset: shape, type, seed: opts.seed });
  const what = SHAPES[shape].source ? `${shape} shape (${SHAPES[shape].source}, random weights)` : `${shape} preset`;
  ctx.log(
    `wrote ${model.path}: ${what}, ${type}, ${(model.sizeBytes / 1e6).toFixed(1)} MB, ${model.parameterCount.toLocaleString("en-US")} parameters, sha256 ${model.sha256}, in ${((Date.now() - started) / 1e3).toFixed(1)} s`
  );
  return 0;
}

const EXIT = { pass: 0, regression: 1, badInput: 2, incomplete: 3, interrupted: 130 };

async function readResults(file) {
  return parseResults(await readJsonFile(file, "results file"), file);
}
async function renderVerdict(verdict, opts) {
  const kind = opts.kind ?? "comment";
  const template = opts.template ? await loadTemplateFile(opts.template) : await loadTemplate(kind, templatesDir());
  return renderReport(verdict, {
    kind,
    template,
    reportId: opts.reportId,
    ...opts.maxChars !== void 0 ? { maxChars: opts.maxChars } : {}
  });
}
const templateInput = (template) => template ? [{ label: "--template", path: template }] : [];
function checkConfigMetrics(config, results) {
  const known = [.../* @__PURE__ */ new Set([...KNOWN_METRICS, ...results.flatMap((r) => Object.keys(r.metrics))])];
  const check = (name, path) => {
    if (known.includes(name) || results.some((r) => r.cases.some((c) => c.samples[name] !== void 0))) return;
    const custom = known.filter((k) => !KNOWN_METRICS.includes(k));
    throw new InputError(
      `unknown metric '${name}': no results file declares it; ${didYouMean(name, known)}known metrics: ${KNOWN_METRICS.join(", ")}${custom.length ? `, and the custom ${custom.join(", ")}` : ""}`,
      { file: config.file, path }
    );
  };
  for (const metric of Object.keys(config.gates)) check(metric, `gates.${metric}`);
  check(config.compare.headline, "compare.headline");
}
async function writeVerdict(verdict, out) {
  if (out) await writeFileAtomic(out, `${JSON.stringify(verdict, null, 2)}
`);
}
async function emit(verdict, opts, ctx) {
  const text = opts.format === "json" ? JSON.stringify(verdict, null, 2) : await renderVerdict(verdict, { template: opts.template });
  await writeVerdict(verdict, opts.out);
  ctx.print(text);
  if (opts.out)
    ctx.log(
      `wrote ${opts.out}: ${verdict.status} (${verdict.strategy}), ${verdict.summary.regressions} regression(s), ${verdict.summary.limits} limit(s)`
    );
  if (verdict.incomplete) ctx.log(`not judged in full: ${verdict.incomplete.reasons.join("; ")}`);
  return verdict.status === "regression" ? EXIT.regression : verdict.status === "incomplete" ? EXIT.incomplete : EXIT.pass;
}
async function compareCommand(opts, ctx) {
  const config = opts.config ? await loadConfig(opts.config) : void 0;
  const head = await readResults(opts.head);
  const bases = [];
  for (const file of opts.base) bases.push(await readResults(file));
  if (config) checkConfigMetrics(config, [head, ...bases]);
  if (opts.out) {
    const inputs = [
      ...opts.base.map((path) => ({ label: "--base", path })),
      { label: "--head", path: opts.head },
      ...opts.config ? [{ label: "--config", path: opts.config }] : [],
      ...templateInput(opts.template)
    ];
    await checkOutputPaths([{ label: "--out", path: opts.out }], inputs);
  }
  const settings = compareSettings(config);
  const now = /* @__PURE__ */ new Date();
  const verdict = bases.length >= 3 ? compareWithHistory(bases, head, settings, { now, files: { head: opts.head, history: opts.base } }) : compareResults(
    [
      {
        label: head.runner.label,
        base: bases.at(-1) ?? null,
        head,
        baseFile: opts.base.at(-1),
        headFile: opts.head
      }
    ],
    settings,
    { now }
  );
  return emit(verdict, opts, ctx);
}
async function abCommand(opts, ctx) {
  const baseConfig = await loadConfig(opts.baseConfig);
  const headConfig = await loadConfig(opts.headConfig);
  const resultsFile = opts.results ?? resolve(dirname(opts.out), "ab-results.json");
  await checkOutputPaths(
    [
      { label: "--out", path: opts.out },
      ...resultsOutputs(resultsFile, opts.results ? "--results" : "the A/B results")
    ],
    [
      ...configInputs(baseConfig, "--base-config"),
      ...configInputs(headConfig, "--head-config"),
      ...templateInput(opts.template)
    ]
  );
  if (opts.cacheDir) await checkOutputDir({ label: "--cache-dir", path: opts.cacheDir });
  const results = await runSides(
    [
      { side: "base", configPath: opts.baseConfig, config: baseConfig },
      { side: "head", configPath: opts.headConfig, config: headConfig }
    ],
    { out: resultsFile, label: opts.label, repetitions: opts.repetitions, cacheDir: opts.cacheDir },
    ctx
  );
  ctx.log(describeRun(results, resultsFile));
  const verdict = compareAB(results, compareSettings(headConfig), { now: /* @__PURE__ */ new Date(), file: resultsFile });
  return emit(verdict, { out: opts.out, format: opts.format, template: opts.template }, ctx);
}
async function reportCommand(opts, ctx) {
  const verdict = parseVerdict(await readJsonFile(opts.verdict, "verdict file"), opts.verdict);
  if (opts.out)
    await checkOutputPaths(
      [{ label: "--out", path: opts.out }],
      [{ label: "--verdict", path: opts.verdict }, ...templateInput(opts.template)]
    );
  const text = await renderVerdict(verdict, { ...opts, ...opts.out ? { maxChars: Infinity } : {} });
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out}`);
  } else {
    ctx.print(text);
  }
  return 0;
}

async function demoCommand(opts, ctx) {
  const quickstart = join(packageRoot(), "examples", "quickstart");
  const outDir = resolve(opts.outDir);
  await checkOutputDir({ label: "--out-dir", path: opts.outDir });
  const resultsFile = join(outDir, "ab-results.json");
  const inDir = (name) => ({
    label: "--out-dir",
    path: join(outDir, name),
    shown: `${join(opts.outDir, name)} (in --out-dir ${opts.outDir})`
  });
  const baseConfigPath = join(quickstart, "bench.yml");
  const headConfigPath = join(quickstart, "bench.pr.yml");
  await checkOutputPaths(["ab-results.json", "ab-results.json.jsonl", "verdict.json", "report.md"].map(inDir), [
    ...configInputs(await loadConfig(baseConfigPath), "the quickstart config"),
    ...configInputs(await loadConfig(headConfigPath), "the quickstart config")
  ]);
  for (const preset of ["small", "medium"]) {
    const file = join(quickstart, "models", `${preset}.gguf`);
    if (!existsSync(file)) {
      const model = await makeModel({ out: file, preset, seed: 1 });
      ctx.log(`generated ${file} (${(model.sizeBytes / 1e6).toFixed(1)} MB)`);
    }
  }
  const label = "demo";
  const baseConfig = await loadConfig(baseConfigPath);
  const headConfig = await loadConfig(headConfigPath);
  ctx.log(
    '\n== 1/2 A/B: examples/quickstart/bench.yml (base: small model behind id "assistant") and bench.pr.yml (head: medium model behind the same id), interleaved in lockstep'
  );
  const results = await runSides(
    [
      { side: "base", configPath: baseConfigPath, config: baseConfig },
      { side: "head", configPath: headConfigPath, config: headConfig }
    ],
    { out: resultsFile, label, repetitions: opts.repetitions },
    ctx
  );
  ctx.log(describeRun(results, resultsFile));
  ctx.log("\n== 2/2 compare (paired, per block) and report\n");
  const verdict = compareAB(results, compareSettings(headConfig), { now: /* @__PURE__ */ new Date(), file: resultsFile });
  const report = await renderVerdict(verdict, { kind: "comment" });
  await writeFileAtomic(join(outDir, "verdict.json"), `${JSON.stringify(verdict, null, 2)}
`);
  await writeFileAtomic(join(outDir, "report.md"), report);
  ctx.print(report);
  ctx.log(
    `
demo verdict: ${verdict.status} with ${verdict.summary.regressions} gated regression(s). Files in ${outDir}: ab-results.json, verdict.json, report.md.
The same comparison from the command line: node dist/cli.js ab --base-config ${baseConfigPath} --head-config ${headConfigPath} --out ${join(outDir, "verdict.json")}`
  );
  return 0;
}

const TEST_FIELDS = /* @__PURE__ */ new Set([
  "build_commit",
  "build_number",
  "cpu_info",
  "gpu_info",
  "backends",
  "model_filename",
  "model_type",
  "model_size",
  "model_n_params",
  "n_prompt",
  "n_gen",
  "n_depth",
  "test_time",
  "avg_ns",
  "stddev_ns",
  "avg_ts",
  "stddev_ts",
  "samples_ns",
  "samples_ts"
]);
const ALWAYS_PARAMS = ["n_threads", "n_gpu_layers", "n_batch", "n_ubatch", "type_k", "type_v", "flash_attn"];
function records(text, file) {
  const trimmed = text.trim();
  if (!trimmed)
    throw new InputError("the file is empty; expected llama-bench output from -o json or -o jsonl", { file });
  if (trimmed.startsWith("[")) {
    let data;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`not valid JSON (llama-bench -o json writes one array): ${error.message}`, {
        file
      });
    }
    if (!Array.isArray(data)) throw new InputError("expected a JSON array of llama-bench tests", { file });
    return data.map((r, i) => checkRecord(r, file, `[${i}]`));
  }
  return trimmed.split(/\r?\n/).flatMap((line, i) => {
    if (!line.trim()) return [];
    let data;
    try {
      data = JSON.parse(line);
    } catch {
      throw new InputError(`line ${i + 1} is not JSON; expected llama-bench -o jsonl (one test per line) or -o json`, {
        file
      });
    }
    return [checkRecord(data, file, `line ${i + 1}`)];
  });
}
function checkRecord(data, file, where) {
  const r = data;
  const fail = (what) => {
    throw new InputError(`${what}; is this llama.cpp's llama-bench output (-o json / -o jsonl)?`, {
      file,
      path: where
    });
  };
  if (r === null || typeof r !== "object" || Array.isArray(r)) fail("expected an object per test");
  for (const key of ["n_prompt", "n_gen"]) if (typeof r[key] !== "number") fail(`expected a number in ${key}`);
  const samples = r.samples_ts;
  if (!Array.isArray(samples) || samples.length === 0 || !samples.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0)) {
    fail("expected samples_ts, a list of non-negative numbers");
  }
  if (typeof r.model_filename !== "string") fail("expected model_filename");
  return r;
}
const scalar = (v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
function importLlamaBench(text, opts) {
  const recs = records(text, opts.file);
  const configKey = (r) => JSON.stringify(
    Object.keys(r).filter((k) => !TEST_FIELDS.has(k)).sort().map((k) => [k, r[k]]).concat([["model_filename", r.model_filename]])
  );
  const groups = /* @__PURE__ */ new Map();
  for (const r of recs) {
    const key = configKey(r);
    groups.set(key, [...groups.get(key) ?? [], r]);
  }
  const first = [...groups.values()].map((g) => g[0]);
  const varying = /* @__PURE__ */ new Set();
  for (const k of new Set(first.flatMap((r) => Object.keys(r)))) {
    if (TEST_FIELDS.has(k) || !first.every((r) => scalar(r[k]) || r[k] === void 0)) continue;
    if (new Set(first.map((r) => JSON.stringify(r[k]))).size > 1) varying.add(k);
  }
  const paramKeys = [.../* @__PURE__ */ new Set([...ALWAYS_PARAMS, ...varying])].filter((k) => first.some((r) => scalar(r[k])));
  const cases = [];
  const starts = [];
  for (const group of groups.values()) {
    const head = group[0];
    const model = String(head.model_filename);
    const modelName = model.split(/[\\/]/).pop() || model;
    const params = {};
    for (const k of paramKeys) if (scalar(head[k])) params[k] = head[k];
    const samples = {};
    const tests = [];
    let maxTokens = 1;
    for (const r of group) {
      const np = r.n_prompt;
      const ng = r.n_gen;
      const depth = typeof r.n_depth === "number" && r.n_depth > 0 ? `@d${r.n_depth}` : "";
      const metric = np > 0 && ng === 0 ? "prefill_tps" : ng > 0 && np === 0 ? "decode_tps" : "pg_tps";
      const name = (np > 0 && ng === 0 ? `pp${np}` : ng > 0 && np === 0 ? `tg${ng}` : `pp${np}+tg${ng}`) + depth;
      if (samples[metric]) {
        throw new InputError(
          `two ${metric} tests for ${modelName} with the same configuration (${tests.join(", ")}, ${name}): import them from separate files`,
          { file: opts.file }
        );
      }
      samples[metric] = [...r.samples_ts];
      tests.push(name);
      maxTokens = Math.max(maxTokens, ng);
      if (typeof r.test_time === "string") starts.push(r.test_time);
    }
    const varyingText = [...varying].filter((k) => k in params).map((k) => `${k}=${params[k]}`).join(",");
    const promptId = tests.join("+");
    cases.push({
      id: `${modelName}/${promptId}${varyingText ? `/${varyingText}` : ""}`,
      model: {
        id: modelName,
        name: model,
        source: "path",
        ...typeof head.model_type === "string" ? { quantization: head.model_type.split(" ").pop() } : {},
        ...typeof head.model_n_params === "number" ? { parameter_count: head.model_n_params } : {},
        ...typeof head.model_size === "number" ? { size_bytes: head.model_size } : {}
      },
      params,
      prompt: { id: promptId, sha256: sha256Text(promptId), chars: 0, max_tokens: maxTokens },
      samples,
      errors: [],
      requests: { ok: Math.max(...Object.values(samples).map((s) => s.length)), failed: 0 }
    });
  }
  const h = recs[0];
  const results = {
    schema: RESULTS_SCHEMA,
    tool: { name: "llm-bench", version: TOOL_VERSION },
    started_at: starts.sort()[0] ?? (/* @__PURE__ */ new Date(0)).toISOString(),
    finished_at: starts.sort().at(-1) ?? (/* @__PURE__ */ new Date(0)).toISOString(),
    status: "complete",
    runner: {
      label: opts.label,
      os: opts.runner?.os ?? "unknown",
      arch: opts.runner?.arch ?? "unknown",
      cpu: typeof h.cpu_info === "string" && h.cpu_info ? h.cpu_info : "unknown",
      cores: opts.runner?.cores ?? 0,
      memory_bytes: opts.runner?.memory_bytes ?? 0,
      gpus: typeof h.gpu_info === "string" && h.gpu_info ? h.gpu_info.split(",").map((name) => ({ name: name.trim() })) : []
    },
    engine: {
      kind: "llama-bench",
      version: `${String(h.build_number ?? "?")} (${String(h.build_commit ?? "?")})`,
      ...typeof h.build_commit === "string" ? { build_commit: h.build_commit } : {},
      ...typeof h.build_number === "number" ? { build_number: h.build_number } : {},
      ...typeof h.backends === "string" ? { backends: h.backends } : {},
      ...typeof h.cpu_info === "string" ? { cpu_info: h.cpu_info } : {},
      ...typeof h.gpu_info === "string" ? { gpu_info: h.gpu_info } : {}
    },
    config: { path: opts.file },
    options: {},
    workload: { imported_from: "llama-bench", repetitions: Math.max(...cases.map((c) => c.requests.ok)) },
    metrics: cases.some((c) => c.samples.pg_tps) ? {
      pg_tps: {
        direction: "higher",
        unit: "tok/s",
        description: "llama-bench -pg: prompt and generation tokens \xF7 time"
      }
    } : {},
    cases,
    notes: [`imported from llama-bench output ${opts.file}`]
  };
  return parseResults(results, opts.file);
}

const num = (v) => typeof v === "number" && Number.isFinite(v);
function vllmDate(value) {
  const m = typeof value === "string" ? /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(value) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : void 0;
}
function importVllm(text, opts) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `not valid JSON (vllm bench serve --save-result writes one object): ${error.message}`,
      { file: opts.file }
    );
  }
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new InputError("expected one JSON object from vllm bench serve --save-result", { file: opts.file });
  const need = (key) => {
    if (!num(data[key]))
      throw new InputError(`expected a number in ${key}; is this vllm bench serve --save-result output?`, {
        file: opts.file,
        path: key
      });
    return data[key];
  };
  const completed = need("completed");
  const requestTps = need("request_throughput");
  const outputTps = need("output_throughput");
  const failed = num(data.failed) ? data.failed : 0;
  const samples = { request_tps: [requestTps], output_tps: [outputTps] };
  const errors = [];
  const ttfts = data.ttfts;
  const itls = data.itls;
  const outputLens = data.output_lens;
  const errorList = Array.isArray(data.errors) ? data.errors : [];
  const detailed = Array.isArray(ttfts) && Array.isArray(itls) && Array.isArray(outputLens) && ttfts.length === itls.length && ttfts.length === outputLens.length;
  if (detailed) {
    const ttft = [];
    const e2e = [];
    const tpot = [];
    const decode = [];
    const tokens = [];
    ttfts.forEach((t, i) => {
      const err = errorList[i];
      if (typeof err === "string" && err !== "") {
        errors.push({ repetition: i, kind: "engine", message: err.slice(0, 500) });
        return;
      }
      const gaps = itls[i];
      const n = outputLens[i];
      if (!num(t) || !Array.isArray(gaps) || !gaps.every(num) || !num(n)) return;
      const gapSum = gaps.reduce((a, b) => a + b, 0);
      ttft.push(t * 1e3);
      e2e.push((t + gapSum) * 1e3);
      tokens.push(n);
      if (n > 1 && gapSum > 0) {
        tpot.push(gapSum * 1e3 / (n - 1));
        decode.push((n - 1) / gapSum);
      }
    });
    Object.assign(samples, { ttft_ms: ttft, e2e_ms: e2e, output_tokens: tokens });
    if (tpot.length) Object.assign(samples, { tpot_ms: tpot, decode_tps: decode });
  } else {
    for (const [key, metric] of [
      ["median_ttft_ms", "ttft_ms"],
      ["median_tpot_ms", "tpot_ms"],
      ["median_e2el_ms", "e2e_ms"]
    ]) {
      if (num(data[key])) samples[metric] = [data[key]];
    }
  }
  for (const [k, v] of Object.entries(samples)) if (v.length === 0) delete samples[k];
  const model = typeof data.model_id === "string" && data.model_id ? data.model_id : "unknown-model";
  const params = {};
  for (const key of ["request_rate", "burstiness", "max_concurrency", "num_prompts"]) {
    const v = data[key];
    if (num(v)) params[key] = v;
    else if (typeof v === "string" && v) params[key] = v;
  }
  const label = typeof data.label === "string" && data.label ? data.label : typeof data.backend === "string" ? data.backend : "vllm";
  const promptId = `serve${num(data.num_prompts) ? `-${data.num_prompts}` : ""}`;
  const started = vllmDate(data.date) ?? (/* @__PURE__ */ new Date(0)).toISOString();
  const results = {
    schema: RESULTS_SCHEMA,
    tool: { name: "llm-bench", version: TOOL_VERSION },
    started_at: started,
    status: "complete",
    runner: { label: opts.label, os: "unknown", arch: "unknown", cpu: "unknown", cores: 0, memory_bytes: 0, gpus: [] },
    engine: { kind: "openai", version: `vllm bench serve (${label})` },
    config: { path: opts.file },
    options: {},
    workload: {
      imported_from: "vllm bench serve",
      detailed,
      ...num(data.duration) ? { duration_s: data.duration } : {}
    },
    metrics: {},
    cases: [
      {
        id: `${model}/${promptId}${Object.keys(params).length ? `/${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(",")}` : ""}`,
        model: { id: model, name: model, source: "name" },
        params,
        prompt: {
          id: promptId,
          sha256: sha256Text(promptId),
          chars: 0,
          max_tokens: Math.max(1, ...(detailed ? outputLens : [1]).filter(num))
        },
        samples,
        errors,
        requests: { ok: completed, failed }
      }
    ],
    notes: [
      `imported from vllm bench serve output ${opts.file}` + (detailed ? "" : " (aggregates only: rerun with --save-detailed for per-request samples that can be compared)")
    ]
  };
  return parseResults(results, opts.file);
}

const EXPORT_FORMATS = ["bmf", "gab-bigger", "gab-smaller", "csv", "jsonl"];
function rows(results) {
  const out = [];
  for (const c of results.cases) {
    for (const [metric, samples] of Object.entries(c.samples)) {
      const info = metricInfo(metric, results.metrics);
      out.push({
        runner: results.runner.label,
        side: c.side ?? "",
        case: c.id,
        model: c.model.name,
        prompt: c.prompt.id,
        params: Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(" "),
        metric,
        unit: info.unit,
        direction: info.direction,
        n: samples.length,
        median: median(samples),
        min: Math.min(...samples),
        max: Math.max(...samples)
      });
    }
  }
  return out;
}
const benchName = (r) => [r.runner, r.side, r.case].filter(Boolean).join(" / ");
function csvField(value) {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
function exportResults(results, format) {
  const all = rows(results);
  switch (format) {
    case "bmf": {
      const out = {};
      for (const r of all)
        (out[benchName(r)] ??= {})[r.metric] = { value: r.median, lower_value: r.min, upper_value: r.max };
      return `${JSON.stringify(out, null, 2)}
`;
    }
    case "gab-bigger":
    case "gab-smaller": {
      const want = format === "gab-bigger" ? "higher" : "lower";
      const entries = all.filter((r) => r.direction === want).map((r) => ({
        name: `${benchName(r)} ${r.metric}`,
        unit: r.unit,
        value: r.median,
        range: `${r.min} \u2026 ${r.max}`,
        extra: `n=${r.n} ${r.params}`.trim()
      }));
      return `${JSON.stringify(entries, null, 2)}
`;
    }
    case "csv": {
      const header = [
        "runner",
        "side",
        "case",
        "model",
        "prompt",
        "params",
        "metric",
        "unit",
        "direction",
        "n",
        "median",
        "min",
        "max"
      ];
      return `${[header.join(","), ...all.map((r) => header.map((k) => csvField(r[k])).join(","))].join("\n")}
`;
    }
    case "jsonl":
      return all.map((r) => JSON.stringify(r)).join("\n") + (all.length ? "\n" : "");
  }
}
function exportVerdict(verdict, format) {
  const out = verdict.cases.flatMap(
    (c) => Object.values(c.metrics).map((m) => ({
      runner: c.label,
      case: c.id,
      metric: m.metric,
      unit: m.unit,
      base_median: m.base?.median ?? null,
      head_median: m.head?.median ?? null,
      base_n: m.base?.n ?? null,
      head_n: m.head?.n ?? null,
      ratio: m.ratio,
      ci_low: m.ci?.[0] ?? null,
      ci_high: m.ci?.[1] ?? null,
      p_value: m.p_value,
      verdict: m.verdict,
      gated: m.gated,
      threshold: m.threshold
    }))
  );
  if (format === "jsonl") return out.map((r) => JSON.stringify(r)).join("\n") + (out.length ? "\n" : "");
  const header = Object.keys(out[0] ?? { runner: "" });
  return `${[header.join(","), ...out.map((r) => header.map((k) => csvField(r[k])).join(","))].join("\n")}
`;
}

async function readText(file, what) {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = error.code;
    throw new InputError(
      code === "ENOENT" ? `${what} does not exist` : code === "EISDIR" ? `${what} is a directory, expected a file` : getErrorMessage(error),
      { file }
    );
  }
}
async function importCommand(opts, ctx) {
  await checkOutputPaths([{ label: "--out", path: opts.out }], [{ label: "--file", path: opts.file }]);
  const text = await readText(opts.file, `the ${opts.from} output`);
  const results = opts.from === "vllm" ? importVllm(text, { label: opts.label, file: opts.file }) : importLlamaBench(text, { label: opts.label, file: opts.file });
  await writeFileAtomic(opts.out, `${JSON.stringify(results, null, 2)}
`);
  ctx.log(
    `wrote ${opts.out}: ${results.cases.length} case(s) from ${opts.from} output ${opts.file} (runner "${results.runner.label}")`
  );
  return EXIT.pass;
}
async function exportCommand(opts, ctx) {
  if (!opts.results === !opts.verdict) throw new InputError("give exactly one of --results or --verdict");
  const input = opts.results ?? opts.verdict;
  if (opts.out)
    await checkOutputPaths(
      [{ label: "--out", path: opts.out }],
      [{ label: opts.results ? "--results" : "--verdict", path: input }]
    );
  let text;
  if (opts.results) {
    text = exportResults(await readResults(opts.results), opts.format);
  } else {
    if (opts.format !== "csv" && opts.format !== "jsonl")
      throw new InputError(`--format ${opts.format} exports results; a verdict exports as csv or jsonl`);
    text = exportVerdict(parseVerdict(await readJsonFile(input, "verdict file"), input), opts.format);
  }
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out} (${opts.format})`);
  } else ctx.print(text.replace(/\n$/, ""));
  return EXIT.pass;
}

function logChoose(n, k) {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
function smallestMannWhitneyP(n1, n2) {
  return Math.exp(-logChoose(n1 + n2, Math.min(n1, n2)));
}
function goalOf(metric, results, goal) {
  if (goal) return goal;
  return metricInfo(metric, results.metrics).direction === "lower" ? "min" : "max";
}
function stat(samples, q) {
  return q === void 0 ? median(samples) : quantile(samples, q);
}
function holm(pValues) {
  const order = pValues.map((p, i) => [p, i]).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
function analyseSweep(results, opts) {
  const metric = opts.objective.metric;
  const goal = goalOf(metric, results, opts.objective.goal);
  const better = (a, b) => goal === "max" ? a > b : a < b;
  const cases = results.cases.filter((c) => c.side === void 0 || c.side === "head");
  const groups = /* @__PURE__ */ new Map();
  for (const c of cases) {
    const key = `${c.model.id}\0${c.prompt.id}`;
    groups.set(key, [...groups.get(key) ?? [], c]);
  }
  const out = [];
  for (const group of groups.values()) {
    const first = group[0];
    const candidates = group.filter((c) => (c.samples[metric]?.length ?? 0) > 0).map((c) => {
      const violations = [];
      for (const [name, bound] of Object.entries(opts.constraints ?? {})) {
        const samples = name === "success_rate" ? [c.requests.ok / Math.max(1, c.requests.ok + c.requests.failed)] : c.samples[name];
        const what = bound.quantile === void 0 ? `${name}` : `${name} p${Math.round(bound.quantile * 100)}`;
        if (!samples?.length) {
          violations.push(`${name} not measured`);
          continue;
        }
        const v = stat(samples, bound.quantile);
        if (bound.max !== void 0 && v > bound.max) violations.push(`${what} ${fmt$1(v)} > max ${bound.max}`);
        if (bound.min !== void 0 && v < bound.min) violations.push(`${what} ${fmt$1(v)} < min ${bound.min}`);
      }
      return {
        caseId: c.id,
        params: c.params,
        value: median(c.samples[metric]),
        n: c.samples[metric].length,
        feasible: violations.length === 0,
        violations,
        pValue: null,
        tied: false
      };
    });
    const feasible = candidates.filter((c) => c.feasible);
    const best = feasible.reduce(
      (a, c) => !a || better(c.value, a.value) ? c : a,
      void 0
    );
    if (best) {
      best.tied = true;
      const others = feasible.filter((c) => c !== best);
      const bestSamples = group.find((c) => c.id === best.caseId).samples[metric];
      const raw = others.map((c) => {
        const samples = group.find((g) => g.id === c.caseId).samples[metric];
        const p2 = mannWhitneyU(bestSamples, samples).pValue;
        const worse = goal === "max" ? median(samples) <= best.value : median(samples) >= best.value;
        return worse ? p2 / 2 : 1 - p2 / 2;
      });
      const adjusted = holm(raw);
      const minEffect = opts.minEffect ?? 0.03;
      others.forEach((c, i) => {
        c.pValue = adjusted[i];
        const shortfall = goal === "max" ? 1 - c.value / best.value : c.value / best.value - 1;
        c.tied = !(adjusted[i] < (opts.alpha ?? 0.05) && shortfall > minEffect);
      });
    }
    const alpha = opts.alpha ?? 0.05;
    const comparisons = Math.max(1, feasible.length - 1);
    const fewest = feasible.length ? Math.min(...feasible.map((c) => c.n)) : 0;
    const resolvable = feasible.length < 2 || smallestMannWhitneyP(fewest, fewest) * comparisons < alpha;
    let repetitionsNeeded;
    if (!resolvable) {
      repetitionsNeeded = fewest;
      while (smallestMannWhitneyP(repetitionsNeeded, repetitionsNeeded) * comparisons >= alpha && repetitionsNeeded < 1e3)
        repetitionsNeeded++;
    }
    const swept = [...new Set(group.flatMap((c) => Object.keys(c.params)))].filter(
      (p) => new Set(group.map((c) => JSON.stringify(c.params[p]))).size > 1
    );
    const effects = best ? swept.map((param) => {
      const levels = [
        ...new Set(feasible.map((c) => c.params[param]).filter((v) => v !== void 0))
      ];
      const rows = levels.map((value) => {
        const at = feasible.filter((c) => c.params[param] === value);
        const top = at.reduce((a, c) => better(c.value, a) ? c.value : a, at[0].value);
        return { value, median: top, ratio: top / best.value };
      });
      const worst = goal === "max" ? Math.min(...rows.map((r) => r.ratio)) : Math.max(...rows.map((r) => r.ratio));
      return {
        param,
        levels: rows.sort((a, b) => goal === "max" ? b.ratio - a.ratio : a.ratio - b.ratio),
        spread: goal === "max" ? 1 - worst : worst - 1
      };
    }).sort((a, b) => b.spread - a.spread) : [];
    out.push({
      model: first.model.id,
      prompt: first.prompt.id,
      objective: { metric, goal, unit: metricInfo(metric, results.metrics).unit },
      candidates,
      best,
      equivalents: feasible.filter((c) => c !== best && c.tied),
      effects,
      swept,
      resolvable,
      ...repetitionsNeeded !== void 0 ? { repetitionsNeeded } : {}
    });
  }
  return out;
}
function fmt$1(v) {
  return Number(v.toPrecision(4)).toString();
}
function heatmap(group, rowParam, colParam) {
  const levels = (p) => [...new Set(group.candidates.map((c) => c.params[p]).filter((v) => v !== void 0))].sort(
    (x, y) => typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))
  );
  const rows = levels(rowParam);
  const cols = levels(colParam);
  const better = (a, b) => group.objective.goal === "max" ? a > b : a < b;
  let best = null;
  let bestValue = 0;
  const cells = rows.map(
    (r, i) => cols.map((c, j) => {
      const at = group.candidates.filter((k) => k.feasible && k.params[rowParam] === r && k.params[colParam] === c);
      if (at.length === 0) return null;
      const v = at.reduce((a, k) => better(k.value, a) ? k.value : a, at[0].value);
      if (best === null || better(v, bestValue)) {
        best = [i, j];
        bestValue = v;
      }
      return v;
    })
  );
  return { rows, cols, cells, best };
}
function bestOptionsYaml(group) {
  if (!group.best) return void 0;
  const lines = Object.entries(group.best.params).map(
    ([k, v]) => `  ${k}: ${typeof v === "string" ? JSON.stringify(v) : v}`
  );
  return `options:
${lines.join("\n")}
`;
}

function normalQuantile(p) {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}
function medianSorted(sorted) {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function roundHalfEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
function tieTerm(values) {
  const counts = /* @__PURE__ */ new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) if (t > 1) sum += t * (t - 1) * (2 * t + 5);
  return sum;
}
function theilSen(x, y, confidence = 0.95) {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`theilSen: ${n} x values but ${y.length} y values`);
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN, low: Number.NaN, high: Number.NaN };
  const slopes = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j] - x[i];
      if (dx !== 0) slopes.push((y[j] - y[i]) / dx);
    }
  }
  slopes.sort((a, b) => a - b);
  const slope = medianSorted(slopes);
  const intercept = medianSorted([...y].sort((a, b) => a - b)) - slope * medianSorted([...x].sort((a, b) => a - b));
  const m = slopes.length;
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - tieTerm(x) - tieTerm(y)) / 18);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  let ru = roundHalfEven((m + z * sigma) / 2);
  let rl = roundHalfEven((m - z * sigma) / 2) - 1;
  ru = Math.min(m - 1, Math.max(0, ru));
  rl = Math.min(m - 1, Math.max(0, rl));
  return { slope, intercept, low: slopes[rl], high: slopes[ru] };
}
function mannKendall(y) {
  const n = y.length;
  if (n < 3) return { s: 0, z: 0, pValue: 1, tau: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - y[i]);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm(y)) / 18;
  const z = variance > 0 ? s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0 : 0;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { s, z, pValue, tau: s / (n * (n - 1) / 2) };
}
function wilsonInterval(successes, trials, confidence = 0.95) {
  if (trials <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = z / (1 + z2 / trials) * Math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
function downsampleIndices(n, max) {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = [];
  for (let k = 0; k < max; k++) out.push(Math.round(k * (n - 1) / (max - 1)));
  return [...new Set(out)];
}

const THROTTLE_BITS = [
  [0, "under-voltage"],
  [1, "arm frequency capped"],
  [2, "throttled"],
  [3, "soft temperature limit"],
  [16, "under-voltage has occurred"],
  [17, "arm frequency capping has occurred"],
  [18, "throttling has occurred"],
  [19, "soft temperature limit has occurred"]
];
function decodeThrottled(bits) {
  return THROTTLE_BITS.filter(([bit]) => (bits & 1 << bit) !== 0).map(([, name]) => name);
}
function trendOf(points, alpha, minPerHour, maxPoints) {
  if (points.length < 4) return void 0;
  const idx = downsampleIndices(points.length, maxPoints);
  const t = idx.map((i) => points[i].t_s / 3600);
  const v = idx.map((i) => points[i].v);
  const ts = theilSen(t, v);
  const mk = mannKendall(v);
  const centre = median(v);
  const pct = centre !== 0 ? ts.slope / Math.abs(centre) : 0;
  return {
    n: points.length,
    perHour: ts.slope,
    perHourCi: [ts.low, ts.high],
    pctPerHour: pct,
    pValue: mk.pValue,
    // Significant and large enough, with the interval of the slope excluding zero.
    significant: mk.pValue < alpha && Math.abs(pct) >= minPerHour && (ts.low > 0 || ts.high < 0)
  };
}
function outagesOf(requests) {
  const out = [];
  let current;
  for (const r of requests) {
    if (!r.ok) {
      if (!current) current = { start_s: r.t_s, end_s: void 0, duration_s: void 0, failures: 0 };
      current.failures++;
    } else if (current) {
      current.end_s = r.t_s;
      current.duration_s = r.t_s - current.start_s;
      out.push(current);
      current = void 0;
    }
  }
  if (current) out.push(current);
  return out;
}
function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
function analyseSoak(requests, monitor, opts = {}) {
  const alpha = opts.alpha ?? 0.05;
  const maxPoints = opts.maxTrendPoints ?? 1e3;
  const sorted = [...requests].sort((a, b) => a.t_s - b.t_s);
  const samples = [...monitor].sort((a, b) => a.t_s - b.t_s);
  const end = Math.max(sorted.at(-1)?.t_s ?? 0, samples.at(-1)?.t_s ?? 0);
  const warmup = opts.warmupS ?? Math.min(60, 0.1 * end);
  const ok = sorted.filter((r) => r.ok).length;
  const failed = sorted.length - ok;
  const byKind = {};
  for (const r of sorted) if (!r.ok) byKind[r.kind ?? "unknown"] = (byKind[r.kind ?? "unknown"] ?? 0) + 1;
  const drift = {};
  for (const metric of ["e2e_ms", "ttft_ms", "decode_tps"]) {
    const points = sorted.filter((r) => r.ok && r.t_s >= warmup && r[metric] !== void 0).map((r) => ({ t_s: r.t_s, v: r[metric] }));
    const trend = trendOf(points, alpha, opts.minDriftPerHour ?? 0.02, maxPoints);
    if (trend) drift[metric] = trend;
  }
  const rss = samples.filter((s) => s.rss_mb !== void 0 && s.t_s >= warmup).map((s) => ({ t_s: s.t_s, v: s.rss_mb }));
  let leak;
  const rssTrend = trendOf(rss, opts.leakAlpha ?? 0.01, 0, maxPoints);
  if (!rssTrend) {
    leak = { verdict: "not measured", note: `${rss.length} engine RSS samples after warm-up: too few to judge a leak` };
  } else {
    const span = (rss.at(-1).t_s - rss[0].t_s) / 3600;
    const growthMb = rssTrend.perHour * span;
    const base = median(rss.slice(0, Math.max(1, Math.ceil(rss.length / 10))).map((p) => p.v));
    const growthPct = base > 0 ? growthMb / base : 0;
    const horizon = opts.leakHorizonH ?? 24;
    const projectedPct = base > 0 ? rssTrend.perHour * horizon / base : 0;
    const isLeak = rssTrend.significant && rssTrend.perHour > 0 && projectedPct >= (opts.minLeakGrowth ?? 0.05);
    leak = {
      verdict: isLeak ? "leak" : "no leak",
      growth_mb: growthMb,
      growth_pct: growthPct,
      trend: rssTrend,
      note: isLeak ? `engine RSS grew ${growthMb.toFixed(1)} MB (${(growthPct * 100).toFixed(1)}%) over the soak, ${rssTrend.perHour.toFixed(1)} MB/h [${rssTrend.perHourCi[0].toFixed(1)}, ${rssTrend.perHourCi[1].toFixed(1)}] (p = ${rssTrend.pValue.toPrecision(2)}): +${(projectedPct * 100).toFixed(0)}% in ${horizon} h` : `no significant growth of the engine RSS that would reach ${((opts.minLeakGrowth ?? 0.05) * 100).toFixed(0)}% in ${horizon} h (slope ${rssTrend.perHour.toFixed(2)} MB/h, p = ${rssTrend.pValue.toPrecision(2)})`
    };
  }
  const temps = samples.filter((s) => s.temp_c !== void 0);
  let temperature;
  if (temps.length > 0) {
    const limit = opts.tempLimitC ?? 80;
    let above = 0;
    for (let i = 0; i < temps.length; i++) {
      const next = temps[i + 1]?.t_s ?? temps[i].t_s;
      if (temps[i].temp_c > limit) above += next - temps[i].t_s;
    }
    const values = temps.map((s) => s.temp_c);
    temperature = {
      mean: mean(values),
      min: Math.min(...values),
      max: Math.max(...values),
      limit,
      minutes_above: above / 60,
      throttling: samples.filter((s) => (s.throttled_bits ?? 0) & 15).map((s) => ({ t_s: s.t_s, flags: decodeThrottled(s.throttled_bits & 15) }))
    };
  }
  const mem = samples.filter((s) => s.mem_used_pct !== void 0).map((s) => s.mem_used_pct);
  const memory = mem.length > 0 ? { mean_used_pct: mean(mem), max_used_pct: Math.max(...mem) } : void 0;
  const firstOk = sorted.findIndex((r) => r.ok);
  let cold;
  if (firstOk >= 0) {
    const warm = sorted.slice(firstOk + 1).filter((r) => r.ok);
    const c = sorted[firstOk];
    const warmTtft = warm.filter((r) => r.ttft_ms !== void 0).map((r) => r.ttft_ms);
    const warmDecode = warm.filter((r) => r.decode_tps !== void 0).map((r) => r.decode_tps);
    cold = {
      ...c.ttft_ms !== void 0 ? { ttft_ms: c.ttft_ms } : {},
      ...c.decode_tps !== void 0 ? { decode_tps: c.decode_tps } : {},
      ...warmTtft.length ? { warm_ttft_ms: median(warmTtft) } : {},
      ...warmDecode.length ? { warm_decode_tps: median(warmDecode) } : {},
      ...c.decode_tps !== void 0 && warmDecode.length ? { decode_ratio: c.decode_tps / median(warmDecode) } : {}
    };
  }
  const lengths = [
    ...new Set(sorted.filter((r) => r.ok && r.max_tokens && r.decode_tps !== void 0).map((r) => r.max_tokens))
  ].sort((a, b) => a - b);
  let byOutputLength;
  if (lengths.length >= 2) {
    const points = lengths.map((len) => {
      const v = sorted.filter((r) => r.ok && r.max_tokens === len && r.decode_tps !== void 0).map((r) => r.decode_tps);
      return { max_tokens: len, decode_tps: median(v), n: v.length };
    });
    const x = points.map((p) => Math.log2(p.max_tokens));
    const y = points.map((p) => Math.log(p.decode_tps));
    const mx = mean(x);
    const my = mean(y);
    const slope = x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    byOutputLength = { points, dropPerDoubling: 1 - Math.exp(slope) };
  }
  return {
    duration_s: end,
    requests: sorted.length,
    success: {
      ok,
      failed,
      rate: sorted.length ? ok / sorted.length : 0,
      ci: wilsonInterval(ok, sorted.length),
      byKind,
      failureTimes: sorted.filter((r) => !r.ok).map((r) => r.t_s)
    },
    drift,
    leak,
    ...temperature ? { temperature } : {},
    ...memory ? { memory } : {},
    outages: outagesOf(sorted),
    ...cold ? { cold } : {},
    ...byOutputLength ? { byOutputLength } : {}
  };
}

const esc = (s) => escapeMarkdown(String(s), { maxLength: 80 });
const fmt = (v) => Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
const pct = (r) => `${r >= 0 ? "+" : "\u2212"}${Math.abs(r * 100).toFixed(1)}%`;
function parseConstraint(text) {
  const m = /^([a-z][a-z0-9_]*):(min|max)=(-?\d+(?:\.\d+)?)(?::p(\d{1,2}))?$/.exec(text.trim());
  if (!m)
    throw new InputError(
      `--constraint ${JSON.stringify(text)}: expected <metric>:min=<number> or <metric>:max=<number>, optionally :p<percentile> (e.g. ttft_ms:max=500:p90)`
    );
  return [m[1], { [m[2]]: Number(m[3]), ...m[4] ? { quantile: Number(m[4]) / 100 } : {} }];
}
function sweepMarkdown(groups) {
  const out = [];
  for (const g of groups) {
    out.push(`### ${esc(g.model)} \xB7 ${esc(g.prompt)}`, "");
    if (!g.best) {
      out.push(`No configuration meets the constraints (${g.candidates.length} measured).`, "");
      continue;
    }
    const params = (p) => Object.entries(p).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(" ");
    out.push(
      `**Best for ${esc(g.objective.metric)} (${g.objective.goal}):** ${params(g.best.params)}: ${fmt(g.best.value)} ${esc(g.objective.unit)} (n=${g.best.n})` + (!g.resolvable ? `; with ${Math.min(...g.candidates.filter((c) => c.feasible).map((c) => c.n))} repetitions the ${g.candidates.filter((c) => c.feasible).length} configurations cannot be told apart by the test (run at least ${g.repetitionsNeeded}): this best is the largest median, not a significant winner` : g.equivalents.length ? `; not significantly different: ${g.equivalents.map((c) => `${params(c.params)} (${fmt(c.value)})`).join(", ")}` : "; every other configuration is significantly worse"),
      ""
    );
    if (g.effects.length) {
      out.push("| parameter | effect | levels (best at each \xF7 overall best) |", "| --- | ---: | --- |");
      for (const e of g.effects)
        out.push(
          `| ${esc(e.param)} | ${(e.spread * 100).toFixed(1)}% | ${e.levels.map((l) => `${esc(l.value)}: ${l.ratio.toFixed(3)}`).join(" \xB7 ")} |`
        );
      out.push("");
    }
    if (g.swept.length >= 2) {
      const [rowP, colP] = [g.effects[0]?.param ?? g.swept[0], g.effects[1]?.param ?? g.swept[1]];
      const h = heatmap(g, rowP, colP);
      out.push(
        `| ${esc(rowP)} \\ ${esc(colP)} | ${h.cols.map(esc).join(" | ")} |`,
        `| --- |${h.cols.map(() => " ---: |").join("")}`
      );
      h.rows.forEach(
        (r, i) => out.push(
          `| ${esc(r)} | ${h.cells[i].map((v, j) => v === null ? "\u2014" : h.best && h.best[0] === i && h.best[1] === j ? `**${fmt(v)}** \u2605` : fmt(v)).join(" | ")} |`
        )
      );
      out.push("");
    }
    const excluded = g.candidates.filter((c) => !c.feasible);
    if (excluded.length)
      out.push(
        `Ruled out by the constraints: ${excluded.map((c) => `${params(c.params)} (${c.violations.map(esc).join("; ")})`).join(", ")}`,
        ""
      );
    out.push("```yaml", bestOptionsYaml(g).trimEnd(), "```", "");
  }
  return out.join("\n");
}
async function sweepCommand(opts, ctx) {
  if (opts.out)
    await checkOutputPaths([{ label: "--out", path: opts.out }], [{ label: "--results", path: opts.results }]);
  const constraints = Object.fromEntries((opts.constraint ?? []).map(parseConstraint));
  const results = await readResults(opts.results);
  if (!results.cases.some((c) => c.samples[opts.objective])) {
    throw new InputError(
      `--objective ${opts.objective}: no case of ${opts.results} measured it (measured: ${[...new Set(results.cases.flatMap((c) => Object.keys(c.samples)))].join(", ")})`
    );
  }
  const groups = analyseSweep(results, {
    objective: { metric: opts.objective, ...opts.goal ? { goal: opts.goal } : {} },
    constraints
  });
  const text = opts.format === "json" ? `${JSON.stringify(groups, null, 2)}
` : sweepMarkdown(groups);
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out}`);
  } else ctx.print(text.replace(/\n$/, ""));
  return EXIT.pass;
}
function requestsFromJournal(text, file, maxTokens = {}) {
  const events = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      throw new InputError(`line ${i + 1} is not JSON; expected the <out>.jsonl journal llm-bench run writes`, {
        file
      });
    }
    const at = typeof e.at === "string" ? Date.parse(e.at) : Number.NaN;
    if (!Number.isFinite(at) || typeof e.type !== "string")
      throw new InputError(`line ${i + 1}: expected an event with "at" and "type"`, { file });
    events.push({ at, type: e.type, e });
  });
  const measured = events.filter(
    (x) => (x.type === "sample" || x.type === "error") && typeof x.e.repetition === "number" && x.e.repetition >= 0
  );
  if (measured.length === 0) throw new InputError("no measured requests in the journal", { file });
  const start = Math.min(...events.map((x) => x.at));
  return measured.sort((a, b) => a.at - b.at).map((x) => {
    const t_s = (x.at - start) / 1e3;
    const max = maxTokens[String(x.e.case)];
    if (x.type === "error") return { t_s, ok: false, kind: typeof x.e.kind === "string" ? x.e.kind : "engine" };
    const m = x.e.metrics ?? {};
    return {
      t_s,
      ok: true,
      ...typeof m.e2e_ms === "number" ? { e2e_ms: m.e2e_ms } : {},
      ...typeof m.ttft_ms === "number" ? { ttft_ms: m.ttft_ms } : {},
      ...typeof m.decode_tps === "number" ? { decode_tps: m.decode_tps } : {},
      ...max !== void 0 ? { max_tokens: max } : {}
    };
  });
}
function soakMarkdown(a, file) {
  const out = [
    `### Soak: ${esc(file)}`,
    "",
    `${a.requests} requests over ${(a.duration_s / 60).toFixed(1)} minutes: ${a.success.ok} succeeded (${(a.success.rate * 100).toFixed(2)}%, 95% interval ${(a.success.ci[0] * 100).toFixed(2)}\u2013${(a.success.ci[1] * 100).toFixed(2)}%)` + (a.success.failed ? `; failures by kind: ${Object.entries(a.success.byKind).map(([k, n]) => `${esc(k)} ${n}`).join(", ")}` : "") + ".",
    "",
    "| metric | drift per hour | 95% interval (per hour) | p (Mann\u2013Kendall) | |",
    "| --- | ---: | --- | ---: | --- |",
    ...Object.entries(a.drift).map(
      ([m, d]) => `| ${m} | ${pct(d.pctPerHour)} | ${fmt(d.perHourCi[0])} \u2026 ${fmt(d.perHourCi[1])} | ${d.pValue < 1e-3 ? "<0.001" : d.pValue.toFixed(3)} | ${d.significant ? "\u26A0\uFE0F drifts" : "~"} |`
    ),
    "",
    `Memory: ${a.leak.verdict === "leak" ? "\u26A0\uFE0F leak: " : ""}${esc(a.leak.note)}.`
  ];
  if (a.outages.length)
    out.push(
      "",
      `Outages: ${a.outages.map((o) => `at ${fmt(o.start_s)} s, ${o.failures} failed, ${o.duration_s === void 0 ? "not recovered" : `recovered after ${fmt(o.duration_s)} s`}`).join("; ")}.`
    );
  if (a.cold?.decode_ratio !== void 0)
    out.push(
      "",
      `Cold start: the first request decoded at ${fmt(a.cold.decode_tps)} tok/s, ${fmt(1 / a.cold.decode_ratio)}\xD7 slower than warm (${fmt(a.cold.warm_decode_tps)} tok/s).`
    );
  if (a.byOutputLength)
    out.push(
      "",
      `Decode speed by output length: ${a.byOutputLength.points.map((p) => `${p.max_tokens} tokens ${fmt(p.decode_tps)} tok/s`).join(", ")}; ${(a.byOutputLength.dropPerDoubling * 100).toFixed(1)}% slower per doubling.`
    );
  return `${out.join("\n")}
`;
}
async function soakCommand(opts, ctx) {
  const inputs = [
    { label: "--journal", path: opts.journal },
    ...opts.results ? [{ label: "--results", path: opts.results }] : []
  ];
  if (opts.out) await checkOutputPaths([{ label: "--out", path: opts.out }], inputs);
  let text;
  try {
    text = await readFile(opts.journal, "utf8");
  } catch (error) {
    throw new InputError(
      error.code === "ENOENT" ? "the journal does not exist (llm-bench run writes it beside --out as <out>.jsonl)" : getErrorMessage(error),
      { file: opts.journal }
    );
  }
  const maxTokens = opts.results ? Object.fromEntries((await readResults(opts.results)).cases.map((c) => [c.id, c.prompt.max_tokens])) : {};
  const analysis = analyseSoak(requestsFromJournal(text, opts.journal, maxTokens), []);
  const rendered = opts.format === "json" ? `${JSON.stringify(analysis, null, 2)}
` : soakMarkdown(analysis, opts.journal);
  if (opts.out) {
    await writeFileAtomic(opts.out, rendered);
    ctx.log(`wrote ${opts.out}`);
  } else ctx.print(rendered.replace(/\n$/, ""));
  return EXIT.pass;
}

const EXIT_HELP = "Exit codes: 0 pass, 1 regression, 2 bad input or usage, 3 incomplete (not judged in full), 130 interrupted.";
const ENV_HELP = {
  LLM_BENCH_LABEL: "runner label when --label is not given",
  LLM_BENCH_CACHE_DIR: "where hf:/URL models are downloaded and looked up first (default ~/.cache/llm-bench/models)",
  HF_TOKEN: "token for gated Hugging Face models",
  HF_ENDPOINT: "a Hugging Face mirror (also MODEL_ENDPOINT)",
  OLLAMA_HOST: "the Ollama server when the config names no host",
  LLM_BENCH_DOWNLOAD_STALL_S: "seconds a model download may go without progress before it fails (default 60)",
  LLM_BENCH_DEBUG: "print stack traces of unexpected errors"
};
function helpFooter(example, env = []) {
  const lines = ["", EXIT_HELP];
  if (env.length) lines.push("", "Environment:", ...env.map((name) => `  ${name.padEnd(20)} ${ENV_HELP[name]}`));
  lines.push("", "Example:", `  ${example}`);
  return lines.join("\n");
}
function buildProgram(ctx, setExit) {
  const program = new Command("llm-bench").description(
    "Benchmark local LLM inference, compare with a baseline using real statistics, and report regressions."
  ).version(TOOL_VERSION).exitOverride().configureOutput({
    writeOut: (s) => ctx.print(s.replace(/\n$/, "")),
    writeErr: (s) => ctx.log(s.replace(/\n$/, "")),
    // Usage errors read like every other error: one line, prefixed with the tool's name, with the hint on the same line.
    outputError: (s, write) => write(`llm-bench: ${oneLine(s)} (add --help for usage)`)
  });
  program.command("run").description("benchmark the cases of a config on this machine and write an llm-bench/results@1 file").requiredOption("--config <file>", "the bench.yml to run (required)").requiredOption(
    "--out <file>",
    "results file to write (samples also stream to <file>.jsonl as they are measured) (required)"
  ).option(
    "--label <label>",
    "runner label the results are keyed by (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])",
    runnerLabel
  ).option("--repetitions <n>", "override workload.repetitions", positiveInt("--repetitions")).option("--cache-dir <dir>", "where downloaded models are kept (default: ~/.cache/llm-bench/models)").addHelpText(
    "after",
    helpFooter("llm-bench run --config bench.yml --out results.json --label gpu-4080", [
      "LLM_BENCH_LABEL",
      "LLM_BENCH_CACHE_DIR",
      "LLM_BENCH_DOWNLOAD_STALL_S",
      "HF_TOKEN",
      "HF_ENDPOINT",
      "OLLAMA_HOST",
      "LLM_BENCH_DEBUG"
    ])
  ).action(async (opts) => setExit(await runCommand(opts, ctx)));
  program.command("make-model").description("write a tiny GGUF model (llama architecture, random weights) that llama.cpp really runs").requiredOption("--out <file>", "the .gguf file to write (required)").addOption(new Option("--preset <preset>", "model size").choices(["tiny", "small", "medium"]).default("tiny")).addOption(
    new Option(
      "--shape <shape>",
      "a preset or a real model's shape, with random weights; wins over --preset"
    ).choices(SHAPE_NAMES)
  ).addOption(new Option("--type <type>", "tensor type of the weights (default f32)").choices(MODEL_TYPES)).option("--seed <n>", "seed of the random weights", positiveInt("--seed", 2 ** 32 - 1), 1).addHelpText(
    "after",
    helpFooter("llm-bench make-model --shape smollm2-135m --type q4_0 --out models/smollm2-q4.gguf", [])
  ).action(async (opts) => {
    await checkOutputPaths([{ label: "--out", path: opts.out }], []);
    setExit(await makeModelCommand(opts, ctx));
  });
  program.command("compare").description("compare head results with a baseline (or a history of baselines) and write an llm-bench/verdict@1").requiredOption(
    "--base <file...>",
    "baseline results; give three or more stored runs to use their spread (history) (required)"
  ).requiredOption("--head <file>", "results to judge (required)").option("--config <file>", "bench.yml whose gates and compare settings apply (default: alpha 0.05, min_effect 3%)").option("--out <file>", "write the verdict JSON here").addOption(new Option("--format <format>", "what to print").choices(["md", "json"]).default("md")).option("--template <file>", "Handlebars template replacing the built-in comment template").addHelpText(
    "after",
    helpFooter("llm-bench compare --base base.json --head head.json --config bench.yml --out verdict.json", [
      "LLM_BENCH_DEBUG"
    ])
  ).action(async (opts) => setExit(await compareCommand(opts, ctx)));
  program.command("ab").description("run base and head configs interleaved in randomised blocks on this machine and compare them pairwise").requiredOption("--base-config <file>", "the config as on the base branch (required)").requiredOption("--head-config <file>", "the config as in the pull request (required)").requiredOption("--out <file>", "write the verdict JSON here (required)").option("--results <file>", "results of both sides (default: ab-results.json beside --out)").option("--label <label>", "runner label (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])", runnerLabel).option("--repetitions <n>", "blocks to run (overrides workload.repetitions)", positiveInt("--repetitions")).addOption(new Option("--format <format>", "what to print").choices(["md", "json"]).default("md")).option("--template <file>", "Handlebars template replacing the built-in comment template").option("--cache-dir <dir>", "where downloaded models are kept").addHelpText(
    "after",
    helpFooter("llm-bench ab --base-config base/bench.yml --head-config bench.yml --out verdict.json", [
      "LLM_BENCH_LABEL",
      "LLM_BENCH_CACHE_DIR",
      "LLM_BENCH_DOWNLOAD_STALL_S",
      "HF_TOKEN",
      "HF_ENDPOINT",
      "OLLAMA_HOST",
      "LLM_BENCH_DEBUG"
    ])
  ).action(async (opts) => setExit(await abCommand(opts, ctx)));
  program.command("report").description("render a verdict as Markdown with a Handlebars template").requiredOption("--verdict <file>", "an llm-bench/verdict@1 file (required)").addOption(
    new Option("--kind <kind>", "built-in template").choices(["comment", "summary", "check"]).default("comment")
  ).option("--template <file>", "your own Handlebars template (overrides --kind)").option("--report-id <id>", "id in the hidden marker of a comment", reportId, "llm-bench").option("--out <file>", "write the Markdown here instead of printing it").addHelpText("after", helpFooter("llm-bench report --verdict verdict.json --kind summary --out summary.md", [])).action(async (opts) => setExit(await reportCommand(opts, ctx)));
  program.command("demo").description(
    "offline demo: generate models, benchmark a baseline and a pull request that swaps the model, compare, report"
  ).option("--out-dir <dir>", "where the demo writes its results, verdict and report", "out/demo").option("--repetitions <n>", "override workload.repetitions", positiveInt("--repetitions")).addHelpText("after", helpFooter("npm run demo   (or: llm-bench demo --out-dir out/demo)", ["LLM_BENCH_CACHE_DIR"])).action(async (opts) => setExit(await demoCommand(opts, ctx)));
  program.command("import").description("convert another tool's results into an llm-bench/results@1 file (for compare, history and reports)").addOption(
    new Option("--from <tool>", "the tool that wrote the file (required)").choices(["llama-bench", "vllm"]).makeOptionMandatory()
  ).requiredOption(
    "--file <file>",
    "its output (llama-bench: -o json or -o jsonl; vllm: bench serve --save-result [--save-detailed]) (required)"
  ).requiredOption("--out <file>", "the results file to write (required)").requiredOption("--label <label>", "runner label the results are keyed by (required)", runnerLabel).addHelpText(
    "after",
    helpFooter(
      "llama-bench -m model.gguf -p 512 -n 128 -r 5 -o jsonl > bench.jsonl && llm-bench import --from llama-bench --file bench.jsonl --out results.json --label gpu-4080"
    )
  ).action(async (opts) => setExit(await importCommand(opts, ctx)));
  program.command("export").description("write results (or a verdict) in the formats other tools read").option("--results <file>", "an llm-bench/results@1 file").option("--verdict <file>", "an llm-bench/verdict@1 file (csv or jsonl)").addOption(
    new Option(
      "--format <format>",
      "bmf: Bencher Metric Format; gab-bigger / gab-smaller: github-action-benchmark custom JSON; csv; jsonl (required)"
    ).choices([...EXPORT_FORMATS]).makeOptionMandatory()
  ).option("--out <file>", "write here instead of printing").addHelpText("after", helpFooter("llm-bench export --results results.json --format bmf --out bmf.json", [])).action(async (opts) => setExit(await exportCommand(opts, ctx)));
  program.command("sweep").description(
    "what a matrix run means: per model and prompt the best configuration, the ones not significantly different, what matters"
  ).requiredOption("--results <file>", "results of a run with a matrix (required)").requiredOption("--objective <metric>", "the metric to optimise, e.g. decode_tps (required)").addOption(
    new Option("--goal <goal>", "max or min (default: the metric's better direction)").choices(["max", "min"])
  ).option("--constraint <rule...>", "e.g. ttft_ms:max=500, success_rate:min=0.99, ttft_ms:max=500:p90").addOption(new Option("--format <format>", "what to print").choices(["md", "json"]).default("md")).option("--out <file>", "write here instead of printing").addHelpText(
    "after",
    helpFooter("llm-bench sweep --results sweep.json --objective decode_tps --constraint ttft_ms:max=500:p90")
  ).action(async (opts) => setExit(await sweepCommand(opts, ctx)));
  program.command("soak").description(
    "a long run's readiness from its journal: success with its interval, drift per hour, outages, cold start"
  ).requiredOption("--journal <file>", "the <out>.jsonl journal llm-bench run wrote (required)").option("--results <file>", "its results file (adds decode speed by output length)").addOption(new Option("--format <format>", "what to print").choices(["md", "json"]).default("md")).option("--out <file>", "write here instead of printing").addHelpText("after", helpFooter("llm-bench soak --journal out/soak.json.jsonl --results out/soak.json")).action(async (opts) => setExit(await soakCommand(opts, ctx)));
  return program;
}
async function main(argv, ctx) {
  let code = EXIT.pass;
  const program = buildProgram(ctx, (c) => code = c);
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.pass : EXIT.badInput;
    }
    if (error instanceof InterruptedError) {
      ctx.log(`llm-bench: ${oneLine(error.message)}`);
      return EXIT.interrupted;
    }
    if (error instanceof InputError) {
      ctx.log(`llm-bench: error: ${oneLine(error.message)}`);
      return EXIT.badInput;
    }
    ctx.log(`llm-bench: error: ${oneLine(getErrorMessage(error))}`);
    if (ctx.env.LLM_BENCH_DEBUG && error instanceof Error && error.stack) ctx.log(error.stack);
    return EXIT.badInput;
  }
}

function quietWriter(stream) {
  let open = true;
  stream.on("error", () => {
    open = false;
  });
  return (text) => {
    if (!open || stream.destroyed || !stream.writable) return;
    try {
      stream.write(text);
    } catch {
      open = false;
    }
  };
}
const writeErr = quietWriter(process.stderr);
const writeOut = quietWriter(process.stdout);
const defuseWorkflowCommands = (text) => text.replace(/^(\s*)(::|##\[)/gm, "$1\u2039\u203A$2");
const code = await main(process.argv.slice(2), {
  env: process.env,
  log: (line) => writeErr(`${defuseWorkflowCommands(line)}
`),
  print: (text) => writeOut(text.endsWith("\n") ? text : `${text}
`),
  tty: Boolean(process.stderr.isTTY)
});
process.exitCode = code;
