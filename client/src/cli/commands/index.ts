// The registry of `runsafe` sub-commands, in the order `runsafe --help` lists them.
import type { Command } from '../command';
import { lintCommand } from './lint';
import { runCommand } from './run';

export const commands: Command[] = [lintCommand, runCommand];
