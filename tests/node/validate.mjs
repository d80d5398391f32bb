// Validates Kubernetes objects against the official schemas shipped by the npm package kubernetes-models.
// Input (stdin): a JSON array of objects. Output (stdout): {"validated": n, "errors": [{index, apiVersion, kind, name, error}]}.
// Exit code: 0 all valid, 1 some invalid, 2 bad input (not an array, or a kind the package does not know).
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
if (!Array.isArray(input)) {
  console.error("expected a JSON array of Kubernetes objects on stdin");
  process.exit(2);
}

const errors = [];
for (const [index, obj] of input.entries()) {
  const { apiVersion, kind } = obj ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    console.error(`object ${index} has no apiVersion/kind`);
    process.exit(2);
  }
  let Model;
  try {
    // Prometheus-operator kinds (ServiceMonitor, PrometheusRule, AlertmanagerConfig) come from its own package.
    const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
    Model = (await import(`${pkg}/${apiVersion}/${kind}`))[kind];
  } catch (e) {
    console.error(`kubernetes-models has no ${apiVersion} ${kind}: ${e.message}`);
    process.exit(2);
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    errors.push({ index, apiVersion, kind, name: obj.metadata?.name ?? null, error: e.message });
  }
}

console.log(JSON.stringify({ validated: input.length, errors }));
process.exit(errors.length === 0 ? 0 : 1);
