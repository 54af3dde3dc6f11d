import { CliCommand } from '../cli-types';
import { CATALOG_COMMANDS } from './catalog';

/** Every `aidc` command. Each command lives in its own file in this folder. */
export const COMMANDS: CliCommand[] = [
  ...CATALOG_COMMANDS,
];
