/** The rule pack, in the order rules are listed and reported. */
import { AVAILABILITY_RULES } from './availability';
import { CONTAINER_RULES } from './containers';
import { GPU_RULES } from './gpu';
import { PSS_RULES } from './pod-security';
import { STORAGE_TENANCY_RULES } from './storage-tenancy';
import { PolicyRule } from '../private/rule';

/** Every rule of the pack (the suppression meta rule is added by the engine). */
export const ALL_RULES: PolicyRule[] = [
  ...PSS_RULES,
  ...CONTAINER_RULES,
  ...GPU_RULES,
  ...AVAILABILITY_RULES,
  ...STORAGE_TENANCY_RULES,
];
