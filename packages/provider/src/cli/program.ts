/**
 * What every command line of ours shares: commander for parsing and `--help`, and one rule for
 * failures. A user's mistake (an unknown flag, a bad value, an invalid file) is one clear line
 * and a non-zero exit, never a stack trace: 2 for usage, 1 for what the command found.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { formatProblem, messageOf, VampError } from "../model/problem";

/** A new command line that reports usage errors as one line (exit 2) instead of throwing. */
export function newProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .showHelpAfterError(`(run ${name} --help for usage)`)
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, `${name}: `)) });
}

/** An option value that must be a whole number in a range (ports, milliseconds). */
export function intOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/**
 * Runs a program to completion and exits: 0 on success, 2 on a usage error, 1 when the command
 * failed. Errors print as one line; `VAMP_DEBUG=1` adds the stack of unexpected ones.
 */
export async function runProgram(program: Command, argv: string[] = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 2);
    console.error(failureLine(program.name(), e));
    if (process.env.VAMP_DEBUG && !(e instanceof VampError)) console.error((e as Error).stack);
    process.exit(1);
  }
}

function failureLine(name: string, e: unknown): string {
  if (e instanceof VampError && e.problems.length && !e.message.includes(":")) return `${name}: ${e.problems.map(formatProblem).join("; ")}`;
  return `${name}: ${messageOf(e)}`;
}
