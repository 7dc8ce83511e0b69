// The registry of `runsafe` sub-commands, in the order `runsafe --help` lists them.
import type { Command } from '../command';
import { lintCommand } from './lint';
import { runCommand } from './run';
import { keygenCommand } from './keygen';
import { trustCommand } from './trust';
import { signCommand } from './sign';
import { verifyCommand } from './verify';
import { transcriptCommand } from './transcript';

export const commands: Command[] = [lintCommand, runCommand, keygenCommand, trustCommand, signCommand, verifyCommand, transcriptCommand];
