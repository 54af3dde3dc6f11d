/**
 * Container hygiene: resource requests and limits, pinned images, and secrets only by reference.
 */
import { PolicyLevel } from '../policy-types';
import { allPodSites, containerName, containerSites, hasQuantity, isKind } from '../private/objects';
import { finding, PolicyRule, RawFinding } from '../private/rule';

/**
 * Env var names that carry credentials: HF_TOKEN, HUGGING_FACE_HUB_TOKEN, WANDB_API_KEY,
 * AWS_SECRET_ACCESS_KEY, DB_PASSWORD, ... (whole `_`-separated words, so TOKENIZERS_PARALLELISM
 * and MAX_NUM_BATCHED_TOKENS do not match).
 */
const SECRET_NAME = /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY)($|_)/;

/**
 * Literal values that look like credentials whatever the variable is called: Hugging Face
 * user access tokens (`hf_` + 34 letters), AWS access key ids, OpenAI-style and GitHub tokens.
 */
const SECRET_VALUE = /\bhf_[A-Za-z0-9]{30,}\b|\bAKIA[0-9A-Z]{16}\b|\bsk-[A-Za-z0-9_-]{20,}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b/;

/** Command-line flags that take a credential (vLLM `--api-key`, `huggingface-cli login --token`). */
const SECRET_FLAG = /^--(api-key|hf-token|token|password)$/;

/** True when an argument is a reference to an env var (`$(HF_TOKEN)`, `$HF_TOKEN`, `${HF_TOKEN}`) rather than a literal. */
function isReference(arg: string): boolean {
  return /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(arg);
}

/** Splits an image reference into its tag ('' when untagged) and whether it is pinned by digest. */
export function imageTag(image: string): { tag: string; digest: boolean } {
  const at = image.indexOf('@');
  if (at >= 0) return { tag: '', digest: /^sha256:[a-f0-9]{64}$/.test(image.slice(at + 1)) };
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return { tag: colon >= 0 ? last.slice(colon + 1) : '', digest: false };
}

function secretArgFindings(obj: any, path: string, who: string, args: unknown[]): RawFinding[] {
  const out: RawFinding[] = [];
  args.forEach((a, i) => {
    const arg = String(a);
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inlineValue = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const next = inlineValue ?? (i + 1 < args.length ? String(args[i + 1]) : undefined);
    if (SECRET_FLAG.test(flag) && next !== undefined && next !== '' && !isReference(next)) {
      out.push(finding(obj, `${path}[${i}]`, `${who} passes ${flag} a literal value`));
    } else if (SECRET_VALUE.test(arg)) {
      out.push(finding(obj, `${path}[${i}]`, `${who} has a literal credential in its arguments`));
    }
  });
  return out;
}

export const CONTAINER_RULES: PolicyRule[] = [
  {
    id: 'AIDC-RES-1',
    level: PolicyLevel.ERROR,
    description: 'Every container (init containers too) requests CPU and memory.',
    explanation: 'Without requests the scheduler packs pods blindly and GPU nodes run out of CPU or memory for data loaders; the pod is also BestEffort and evicted first.',
    fix: 'Set resources.requests.cpu and resources.requests.memory on every container.',
    check: (objects) => allPodSites(objects).flatMap((site) => containerSites(site, false).flatMap((c) => {
      const missing = ['cpu', 'memory'].filter((r) => !hasQuantity(c.container.resources?.requests?.[r]));
      return missing.length === 0 ? [] : [finding(site.object, `${c.path}.resources.requests`, `${containerName(c)} has no ${missing.join(' or ')} request`)];
    })),
  },
  {
    id: 'AIDC-RES-2',
    level: PolicyLevel.ERROR,
    description: 'Every container (init containers too) has a memory limit.',
    explanation: 'A container without a memory limit can exhaust the node and get unrelated pods (and GPU jobs) OOM-killed.',
    fix: 'Set resources.limits.memory (equal to the request for Guaranteed memory).',
    check: (objects) => allPodSites(objects).flatMap((site) => containerSites(site, false).flatMap((c) =>
      hasQuantity(c.container.resources?.limits?.memory) ? []
        : [finding(site.object, `${c.path}.resources.limits.memory`, `${containerName(c)} has no memory limit`)])),
  },
  {
    id: 'AIDC-IMG-1',
    level: PolicyLevel.ERROR,
    description: 'Images are pinned: a tag other than latest, or a digest.',
    explanation: 'An untagged or :latest image changes under the workload; replicas of one service may run different code and rollbacks are impossible.',
    fix: 'Use an explicit version tag (vllm/vllm-openai:v0.6.3) or a digest (@sha256:...).',
    check: (objects) => allPodSites(objects).flatMap((site) => containerSites(site).flatMap((c) => {
      const image = c.container.image;
      if (typeof image !== 'string' || image.trim() === '') return [finding(site.object, `${c.path}.image`, `${containerName(c)} has no image`)];
      const { tag, digest } = imageTag(image);
      if (digest) return [];
      if (tag === '') return [finding(site.object, `${c.path}.image`, `${containerName(c)} image '${image}' has no tag`)];
      if (tag === 'latest') return [finding(site.object, `${c.path}.image`, `${containerName(c)} image '${image}' uses :latest`)];
      return [];
    })),
  },
  {
    id: 'AIDC-SEC-1',
    level: PolicyLevel.ERROR,
    description: 'Credentials (Hugging Face tokens, API keys, passwords) reach containers only by reference to a Secret.',
    explanation: 'A literal token in an env var or argument is written to the synthesized YAML, to git and to every snapshot diff, and is readable by anyone who can read the pod.',
    fix: 'Use env[].valueFrom.secretKeyRef (or envFrom.secretRef) and pass it to arguments as $(VAR).',
    check: (objects) => allPodSites(objects).flatMap((site) => containerSites(site).flatMap((c) => {
      const out: RawFinding[] = [];
      (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
        const name = String(e?.name ?? '');
        const value = e?.value;
        if (typeof value !== 'string' || value === '') return;
        if (SECRET_NAME.test(name.toUpperCase())) {
          out.push(finding(site.object, `${c.path}.env[${i}].value`, `${containerName(c)} sets ${name} to a literal value`));
        } else if (SECRET_VALUE.test(value)) {
          out.push(finding(site.object, `${c.path}.env[${i}].value`, `${containerName(c)} env ${name} holds what looks like a credential`));
        }
      });
      for (const field of ['command', 'args']) {
        const list = c.container[field];
        if (Array.isArray(list)) out.push(...secretArgFindings(site.object, `${c.path}.${field}`, containerName(c), list));
      }
      return out;
    })),
  },
  {
    id: 'AIDC-SEC-2',
    level: PolicyLevel.ERROR,
    description: 'Registry credentials are referenced by name: every imagePullSecrets entry is { name: <secret> }.',
    explanation: 'imagePullSecrets must name a Secret of type kubernetes.io/dockerconfigjson; anything else is ignored by the kubelet or embeds credentials.',
    fix: 'List pull secrets as imagePullSecrets: [{ name: registry-credentials }] and create the Secret outside the chart.',
    check: (objects) => {
      const out: RawFinding[] = [];
      const checkList = (obj: any, path: string, list: unknown): void => {
        if (list === undefined) return;
        if (!Array.isArray(list)) {
          out.push(finding(obj, path, 'imagePullSecrets is not a list'));
          return;
        }
        list.forEach((e: any, i: number) => {
          const keys = e && typeof e === 'object' ? Object.keys(e) : [];
          if (typeof e?.name !== 'string' || e.name === '' || keys.some((k) => k !== 'name')) {
            out.push(finding(obj, `${path}[${i}]`, `imagePullSecrets entry ${JSON.stringify(e)} is not a reference by name`));
          }
        });
      };
      for (const site of allPodSites(objects)) checkList(site.object, `${site.specPath}.imagePullSecrets`, site.spec.imagePullSecrets);
      for (const sa of objects.filter((o) => isKind(o, 'ServiceAccount', ''))) checkList(sa, 'imagePullSecrets', sa.imagePullSecrets);
      return out;
    },
  },
  {
    id: 'AIDC-SEC-3',
    level: PolicyLevel.WARNING,
    description: 'The chart carries no Secret with inline data.',
    explanation: 'A Secret manifest with data or stringData puts the credential in the synthesized YAML, in git and in review diffs (base64 is not encryption).',
    fix: 'Create the Secret out of band (External Secrets, Sealed Secrets, a CSI secret store) and reference it by name.',
    check: (objects) => objects.filter((o) => isKind(o, 'Secret', '')).flatMap((s) => {
      const keys = [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})];
      return keys.length === 0 ? [] : [finding(s, s.data ? 'data' : 'stringData', `Secret carries inline values for ${keys.sort().join(', ')}`)];
    }),
  },
];
