import { envPrefix } from "../helpers.js";
import { affinityOf, pullSecretsOf, resourcesOf } from "./shared.js";
import type { OperatorPreset } from "./types.js";

const HTTP_PORT = 9200;

/**
 * Elasticsearch on ECK: an `Elasticsearch` with one node set of `replicas` nodes (master, data and
 * ingest), security on with the operator's `elastic` user, transport TLS by the operator, and the
 * HTTP layer in plain HTTP inside the cluster (as the builtin preset serves it, so that clients'
 * URLs do not change between modes). No mmap, so that nodes need no `vm.max_map_count` setting.
 * Workloads connect to `<name>-es-http` with the `<name>-es-elastic-user` Secret.
 */
export const eck: OperatorPreset = {
  type: "elasticsearch",
  facts: {
    name: "ECK (Elastic Cloud on Kubernetes)",
    group: "elasticsearch.k8s.elastic.co",
    crds: ["elasticsearches.elasticsearch.k8s.elastic.co"],
    kinds: ["Elasticsearch"],
    version: "3.5",
    install:
      "kubectl create -f https://download.elastic.co/downloads/eck/3.5.0/crds.yaml && kubectl apply -f https://download.elastic.co/downloads/eck/3.5.0/operator.yaml (or the eck-operator Helm chart)",
    namespace: "elastic-system",
    controllerLabels: { "control-plane": "elastic-operator" },
  },
  versions: { "8.15": "8.15.5", "8.16": "8.16.1" },
  defaultVersion: "8.15",
  maxReplicas: 15,
  summary:
    "ECK `Elasticsearch`: one node set of `replicas` nodes, security on, transport TLS by the operator, plain HTTP inside the cluster",
  build({ backing, model, version, storage, resources }) {
    const name = backing.name;
    const p = envPrefix(name);
    const secret = `${name}-es-elastic-user`;
    const host = `${name}-es-http.${model.namespace}.svc`;
    return {
      objects: [
        {
          apiVersion: "elasticsearch.k8s.elastic.co/v1",
          kind: "Elasticsearch",
          name,
          role: "main",
          spec: {
            version,
            http: { tls: { selfSignedCertificate: { disabled: true } } },
            nodeSets: [
              {
                name: "default",
                count: backing.replicas,
                config: { "node.store.allow_mmap": false },
                podTemplate: {
                  ...(Object.keys(backing.placement.annotations).length > 0
                    ? { metadata: { annotations: backing.placement.annotations } }
                    : {}),
                  spec: {
                    ...pullSecretsOf(backing.placement),
                    ...affinityOf(backing.placement),
                    containers: [{ name: "elasticsearch", resources: resourcesOf(resources) }],
                  },
                },
                volumeClaimTemplates: [
                  {
                    metadata: { name: "elasticsearch-data" },
                    spec: {
                      accessModes: ["ReadWriteOnce"],
                      resources: { requests: { storage } },
                      ...(backing.storageClass === undefined
                        ? {}
                        : { storageClassName: backing.storageClass }),
                    },
                  },
                ],
              },
            ],
          },
        },
      ],
      secrets: [],
      exports: [
        { name: `${p}_HOST`, value: host },
        { name: `${p}_PORT`, value: String(HTTP_PORT) },
        { name: `${p}_USER`, value: "elastic" },
        { name: `${p}_PASSWORD`, secret: { name: secret, key: "elastic" } },
        { name: `${p}_URL`, value: `http://$(${p}_USER):$(${p}_PASSWORD)@${host}:${HTTP_PORT}` },
      ],
      provides: { services: [`${name}-es-http`, `${name}-es-transport`], secrets: [secret] },
      pods: { labels: { "elasticsearch.k8s.elastic.co/cluster-name": name }, clientPorts: [HTTP_PORT] },
    };
  },
};
