import { CliCommand } from '../cli-types';
import { CATALOG_COMMANDS } from './catalog';
import { FORECAST_COMMANDS } from './forecast';
import { PLACE_COMMANDS } from './place';
import { PLACE_OFFLINE_COMMAND } from './place-offline';
import { PLACE_REPLAY_COMMAND } from './place-replay';
import { PLAN_INFERENCE_COMMANDS } from './plan-inference';
import { PLAN_TRAINING_COMMAND } from './plan-training';

/** Every `aidc` command. Each command lives in its own file in this folder. */
export const COMMANDS: CliCommand[] = [
  ...CATALOG_COMMANDS,
  ...PLACE_COMMANDS,
  PLACE_OFFLINE_COMMAND,
  PLACE_REPLAY_COMMAND,
  ...FORECAST_COMMANDS,
  ...PLAN_INFERENCE_COMMANDS,
  ...[PLAN_TRAINING_COMMAND],
];
