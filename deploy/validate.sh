#!/usr/bin/env bash
# Checks deploy/*.yaml and the Dockerfile offline; exits 1 on any finding (warnings included), 2 when a tool is missing.
#
#   deploy/validate.sh --install   # once: apt-get yamllint + shellcheck, npm packages into $SPOTLIGHT_DEPLOY_TOOLS
#   deploy/validate.sh             # the checks; installs nothing
#
# What checks what (versions pinned below):
#   yamllint (Debian)                  YAML syntax and style of deploy/*.yaml
#   kubernetes-models (npm)            each object against the Kubernetes API's OpenAPI schema (types, required
#                                      fields, enums, formats), compiled into the package: nothing is fetched
#   typescript (npm) + kubernetes-models' type declarations
#                                      unknown or misspelled fields, which the schema check lets through (the
#                                      Kubernetes schemas allow extra properties, the API server drops them)
#   cross-checks (node, below)         shard count vs completions, $(VAR)s declared, Service/HPA/PDB targets exist,
#                                      probe ports named, grace period vs the server's 30 s drain, /tmp writable
#   dockerfile-utils (npm)             Dockerfile instructions and flags
#   ShellCheck (Debian)                the shell in the Dockerfile's RUN and HEALTHCHECK, and this script
#   Dockerfile cross-checks (node)     exec forms are valid JSON, non-root numeric USER, tagged base images
# No Docker daemon is needed; with one, `docker build --check .` adds BuildKit's own checks (not run here).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SPOTLIGHT_DEPLOY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/spotlight-deploytools}"
NPM_PACKAGES=(kubernetes-models@5.1.0 yaml@2.9.1 typescript@7.0.2 dockerfile-utils@0.16.3)
APT_PACKAGES=(yamllint shellcheck)

if [[ "${1:-}" == "--install" ]]; then
  if ! command -v yamllint >/dev/null || ! command -v shellcheck >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}"
  fi
  mkdir -p "$TOOLS"
  [[ -f "$TOOLS/package.json" ]] || echo '{"private": true}' > "$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact "${NPM_PACKAGES[@]}"
  shift
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--install]" >&2; exit 2; }

missing=()
for tool in yamllint shellcheck node; do command -v "$tool" >/dev/null || missing+=("$tool"); done
for pkg in kubernetes-models yaml typescript dockerfile-utils; do
  [[ -d "$TOOLS/node_modules/$pkg" ]] || missing+=("npm:$pkg")
done
if (( ${#missing[@]} )); then
  echo "missing: ${missing[*]}; run: $0 --install" >&2
  exit 2
fi

cd "$ROOT"
MANIFESTS=(deploy/*.yaml)
# Inside $TOOLS so that node and tsc resolve the packages from its node_modules.
WORK="$(mktemp -d "$TOOLS/check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
failed=0

step() { printf '\n== %s\n' "$1"; }
# Runs a check; its output counts as a finding even when the tool exits 0 (dockerfile-utils does on warnings).
check() {
  local out rc=0
  out="$("$@" 2>&1)" || rc=$?
  if (( rc != 0 )) || [[ -n "$out" ]]; then
    [[ -n "$out" ]] && printf '%s\n' "$out"
    echo "FAILED (exit $rc)"
    failed=1
  else
    echo "ok"
  fi
}

step "yamllint $(yamllint --version | awk '{print $2}'): ${MANIFESTS[*]}"
check yamllint --strict -d '{extends: default, rules: {line-length: {max: 120}, document-start: disable, comments: {min-spaces-from-content: 1}}}' "${MANIFESTS[@]}"

cat > "$WORK/manifests.mjs" <<'EOF'
// Schema validation with kubernetes-models, the cross-checks, and one .ts file per object for the field check.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";

const [workDir, ...files] = process.argv.slice(2);
const findings = [];
const objects = [];
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  docs.forEach((doc, i) => {
    if (doc.errors.length) findings.push(`${file} #${i + 1}: ${doc.errors.map(e => e.message).join("; ")}`);
    else if (doc.contents !== null) objects.push({ file, index: i + 1, body: doc.toJS() });
  });
}

const where = o => `${o.file} #${o.index} ${o.body.kind}/${o.body.metadata?.name}`;
const modulePath = apiVersion => apiVersion.includes("/") ? apiVersion : `v1`;   // core group: kubernetes-models/v1
let tsIndex = 0;
for (const o of objects) {
  const { apiVersion, kind } = o.body;
  if (!apiVersion || !kind) { findings.push(`${o.file} #${o.index}: apiVersion and kind are required`); continue; }
  const spec = `kubernetes-models/${modulePath(apiVersion)}/${kind}`;
  let Model;
  try { Model = (await import(spec))[kind]; } catch { findings.push(`${where(o)}: no schema for ${apiVersion} ${kind}`); continue; }
  try { new Model(o.body).validate(); } catch (e) { findings.push(`${where(o)}: ${e.message}`); }
  writeFileSync(`${workDir}/object${++tsIndex}.ts`,
    `// ${where(o)}\nimport type { I${kind} } from "${spec}";\nexport const object: I${kind} = ${JSON.stringify(o.body, null, 2)};\n`);
}

// Cross-checks: mistakes that are valid against the schema but break the deployment.
const of = kind => objects.filter(o => o.body.kind === kind);
const podSpec = o => o.body.spec?.template?.spec ?? {};
const subset = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
for (const o of [...of("Job"), ...of("Deployment")]) {
  const pod = podSpec(o);
  const volumes = new Set((pod.volumes ?? []).map(v => v.name));
  for (const c of pod.containers ?? []) {
    const env = new Set((c.env ?? []).map(e => e.name));
    for (const arg of [...(c.command ?? []), ...(c.args ?? [])])
      for (const [, name] of String(arg).matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
        if (!env.has(name)) findings.push(`${where(o)}: ${c.name}: $(${name}) in args is not declared in env, so it is passed literally`);
    for (const m of c.volumeMounts ?? [])
      if (!volumes.has(m.name)) findings.push(`${where(o)}: ${c.name}: volumeMount ${m.name} has no volume`);
    if (c.securityContext?.readOnlyRootFilesystem && !(c.volumeMounts ?? []).some(m => m.mountPath === "/tmp"))
      findings.push(`${where(o)}: ${c.name}: read-only root filesystem without a /tmp mount`);
    if (!(pod.securityContext?.runAsNonRoot || c.securityContext?.runAsNonRoot))
      findings.push(`${where(o)}: ${c.name}: runAsNonRoot is not set`);
  }
}
for (const o of of("Job")) {
  const s = o.body.spec ?? {};
  if (s.completionMode !== "Indexed") continue;
  for (const c of podSpec(o).containers ?? []) {
    const args = c.args ?? [];
    const shard = args[args.indexOf("--shard") + 1];
    if (args.includes("--shard")) {
      const m = /^\$\(JOB_COMPLETION_INDEX\)\/(\d+)$/.exec(shard ?? "");
      if (!m) findings.push(`${where(o)}: --shard should be $(JOB_COMPLETION_INDEX)/N, is ${shard}`);
      else if (Number(m[1]) !== s.completions) findings.push(`${where(o)}: --shard .../${m[1]} but completions is ${s.completions}`);
      const results = args[args.indexOf("--results") + 1] ?? "";
      if (!results.includes("$(JOB_COMPLETION_INDEX)")) findings.push(`${where(o)}: shards would share the results file ${results}`);
    }
  }
  if (s.backoffLimitPerIndex !== undefined && podSpec(o).restartPolicy !== "Never")
    findings.push(`${where(o)}: backoffLimitPerIndex needs restartPolicy Never`);
}
for (const o of of("Deployment")) {
  const labels = o.body.spec?.template?.metadata?.labels;
  if (!subset(o.body.spec?.selector?.matchLabels, labels)) findings.push(`${where(o)}: selector does not match the pod labels`);
  // The server lets in-flight requests finish for 30 s after SIGTERM.
  if ((podSpec(o).terminationGracePeriodSeconds ?? 30) < 35) findings.push(`${where(o)}: terminationGracePeriodSeconds < 35`);
  for (const c of podSpec(o).containers ?? []) {
    const ports = new Set((c.ports ?? []).map(p => p.name));
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const port = c[probe]?.httpGet?.port;
      if (!c[probe]) findings.push(`${where(o)}: ${c.name}: no ${probe}`);
      else if (typeof port === "string" && !ports.has(port)) findings.push(`${where(o)}: ${c.name}: ${probe} port ${port} is not a named port`);
    }
    if (!c.resources?.requests?.cpu) findings.push(`${where(o)}: ${c.name}: no CPU request (the HPA scales on it)`);
  }
}
const podsMatching = selector => [...of("Deployment")].filter(d => subset(selector, d.body.spec?.template?.metadata?.labels));
for (const o of of("Service")) {
  const targets = podsMatching(o.body.spec?.selector);
  if (!targets.length) findings.push(`${where(o)}: selector matches no Deployment's pods`);
  const names = new Set(targets.flatMap(d => podSpec(d).containers.flatMap(c => (c.ports ?? []).map(p => p.name))));
  for (const p of o.body.spec?.ports ?? [])
    if (typeof p.targetPort === "string" && !names.has(p.targetPort)) findings.push(`${where(o)}: targetPort ${p.targetPort} is not a container port`);
}
for (const o of of("PodDisruptionBudget"))
  if (!podsMatching(o.body.spec?.selector?.matchLabels).length) findings.push(`${where(o)}: selector matches no Deployment's pods`);
for (const o of of("HorizontalPodAutoscaler")) {
  const ref = o.body.spec?.scaleTargetRef ?? {};
  if (!objects.some(t => t.body.kind === ref.kind && t.body.metadata?.name === ref.name && t.body.apiVersion === ref.apiVersion))
    findings.push(`${where(o)}: scaleTargetRef ${ref.apiVersion} ${ref.kind}/${ref.name} is not in these files`);
}
const claims = new Set(of("PersistentVolumeClaim").map(o => o.body.metadata?.name));
for (const o of of("Job"))
  for (const v of podSpec(o).volumes ?? [])
    if (v.persistentVolumeClaim && !claims.has(v.persistentVolumeClaim.claimName))
      console.log(`note: ${where(o)}: claim ${v.persistentVolumeClaim.claimName} must exist beforehand (not defined here)`);

const require = createRequire(import.meta.url);
const version = p => require(`${p}/package.json`).version;
console.log(`kubernetes-models ${version("kubernetes-models")}: ${objects.length} objects: ${objects.map(o => `${o.body.kind}/${o.body.metadata?.name}`).join(", ")}`);
for (const f of new Set(findings)) console.log(`FINDING: ${f}`);
process.exit(findings.length ? 1 : 0);
EOF

step "kubernetes-models schema validation and cross-checks: ${MANIFESTS[*]}"
rc=0
node "$WORK/manifests.mjs" "$WORK" "${MANIFESTS[@]}" || rc=$?
if (( rc != 0 )); then echo "FAILED (exit $rc)"; failed=1; else echo "ok"; fi

cat > "$WORK/tsconfig.json" <<'EOF'
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
    "target": "es2022", "skipLibCheck": true, "types": [] },
  "include": ["object*.ts"] }
EOF
step "typescript $("$TOOLS/node_modules/.bin/tsc" --version | awk '{print $2}') against kubernetes-models' types (unknown fields)"
if compgen -G "$WORK/object*.ts" >/dev/null; then
  check "$TOOLS/node_modules/.bin/tsc" -p "$WORK/tsconfig.json"
else
  echo "FAILED: no objects to check"; failed=1
fi

step "dockerfile-utils $(node -p "require('$TOOLS/node_modules/dockerfile-utils/package.json').version"): Dockerfile"
check "$TOOLS/node_modules/.bin/dockerfile-utils" lint Dockerfile

cat > "$WORK/dockerfile.mjs" <<'EOF'
// Splits the Dockerfile into instructions, writes the shell of each shell-form RUN (and of a bash -c HEALTHCHECK)
// into its own file for shellcheck, and checks what dockerfile-utils does not.
import { readFileSync, writeFileSync } from "node:fs";
const [dockerfile, workDir] = process.argv.slice(2);
const findings = [];
const instructions = [];
// text: the instruction as Docker reads it (each backslash-newline removed); raw: with them, for shellcheck's line numbers.
let current = null;
readFileSync(dockerfile, "utf8").split("\n").forEach((line, i) => {
  if (current === null && /^\s*(#|$)/.test(line)) return;
  if (current !== null && /^\s*#/.test(line)) return;   // comment lines inside a continued instruction
  if (current === null) current = { line: i + 1, text: "", raw: "" };
  const continued = /\\\s*$/.test(line);
  current.text += continued ? line.replace(/\\\s*$/, "") : line;
  current.raw += line + (continued ? "\n" : "");
  if (!continued) { instructions.push(current); current = null; }
});
const execForm = (ins, rest) => {
  try { const a = JSON.parse(rest); if (Array.isArray(a) && a.every(s => typeof s === "string")) return a; } catch { }
  findings.push(`line ${ins.line}: not a valid JSON exec form: ${rest.trim().slice(0, 60)}`);
  return null;
};
let scripts = 0, user = null, froms = 0;
for (const ins of instructions) {
  const [, keyword, rest] = /^\s*(\w+)\s+([\s\S]*)$/.exec(ins.text) ?? [null, ins.text.trim(), ""];
  switch (keyword.toUpperCase()) {
    case "FROM": {
      froms++;
      const image = rest.split(/\s+/).find(w => !w.startsWith("--"));
      if (!/[:@]/.test(image) || /:latest$/.test(image)) findings.push(`line ${ins.line}: base image ${image} has no fixed tag`);
      user = null;
      break;
    }
    case "USER": user = rest.trim(); break;
    case "ENTRYPOINT": case "CMD": execForm(ins, rest); break;
    case "RUN": {
      const command = rest.replace(/^(\s*--\S+)+\s*/, "");
      if (command.trimStart().startsWith("[")) { execForm(ins, command); break; }
      // The same shell from the raw lines: RUN and its flags blanked out, backslash-newlines kept as continuations.
      const shell = ins.raw.replace(/^\s*RUN((?:\s|\\\n)+--\S+)*/i, m => m.replace(/[^\n\\]/g, " "));
      writeFileSync(`${workDir}/run-line${ins.line}.sh`, `#!/bin/sh\n# Dockerfile line ${ins.line}\n${shell}\n`);
      scripts++;
      break;
    }
    case "HEALTHCHECK": {
      const cmd = /\bCMD\s+([\s\S]*)$/.exec(rest);
      if (!cmd) { findings.push(`line ${ins.line}: HEALTHCHECK without CMD`); break; }
      if (!cmd[1].trimStart().startsWith("[")) break;
      const argv = execForm(ins, cmd[1]);
      if (argv && argv[0].endsWith("bash") && argv[1] === "-c") {
        writeFileSync(`${workDir}/healthcheck-line${ins.line}.sh`, `#!/bin/bash\n# Dockerfile line ${ins.line}\n${argv[2]}\n`);
        scripts++;
      }
      break;
    }
  }
}
// Kubernetes' runAsNonRoot can only verify a numeric UID; $APP_UID is the base image's numeric "app" user.
if (user === null || user === "root" || user === "0") findings.push("the final stage runs as root");
else if (!/^(\d+|\$\{?APP_UID\}?)(:\d+)?$/.test(user)) findings.push(`USER ${user} is not numeric (runAsNonRoot cannot verify a name)`);
console.log(`${instructions.length} instructions, ${froms} stages, ${scripts} shell scripts for shellcheck, final USER ${user}`);
for (const f of new Set(findings)) console.log(`FINDING: ${f}`);
process.exit(findings.length ? 1 : 0);
EOF

step "Dockerfile cross-checks (node $(node --version))"
rc=0
node "$WORK/dockerfile.mjs" Dockerfile "$WORK" || rc=$?
if (( rc != 0 )); then echo "FAILED (exit $rc)"; failed=1; else echo "ok"; fi

step "shellcheck $(shellcheck --version | awk '/^version:/ {print $2}'): the Dockerfile's RUN and HEALTHCHECK shell, deploy/validate.sh"
check shellcheck --severity=style "$WORK"/*.sh deploy/validate.sh

echo
if (( failed )); then echo "validate.sh: FAILED"; exit 1; fi
echo "validate.sh: all checks passed"
