/** The commented starter spec `kubeship init` writes. Every field it shows is part of the v1 contract. */
export function starterSpec(app: string): string {
  return `# yaml-language-server: $schema=./kubeship.schema.json
# kubeship app spec (v1). Render with: kubeship render kubeship.yaml -o out/
# Reference: docs/spec.md. Every field below is optional unless marked required.

app: ${app}                   # required: app name and default namespace (DNS-1123 label)
# domain: ${app}.example.com  # Ingress host for every service with a 'route'
# ingress: { className: nginx, tls: letsencrypt-prod }   # tls: a cert-manager ClusterIssuer

config:                       # entries of the shared ConfigMap, injected into every workload
  LOG_LEVEL: info

defaults:                     # applied to every service and worker unless it overrides them
  replicas: 2
  resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 500m, memory: 256Mi } }
  # autoscale: { min: 2, max: 10, cpu: 70 }

services:                     # long-running workloads that listen on a port
  api:
    image: ghcr.io/example/api:1.0.0   # required; pin a tag or a digest
    port: 8080                         # required
    health: /healthz                   # readiness, liveness and startup probe path
    route: /                           # Ingress path on 'domain'
    uses: [db]                         # gets DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_DATABASE, DB_URL
    # secrets: [JWT_SECRET]            # random values generated once at deploy time
    # metrics: { port: 9090, path: /metrics }

# workers:                    # long-running workloads with no port
#   mailer: { image: ghcr.io/example/mailer:1.0.0, uses: [db], health: { exec: [mailer, --check] } }

# jobs:                       # run to completion; 'before' gates a rollout, 'schedule' makes a CronJob
#   migrate: { image: ghcr.io/example/api:1.0.0, command: [./migrate], uses: [db], before: [api] }

backing:                      # stateful dependencies from the catalog (docs/catalog.md)
  db: { type: postgresql, version: "16", storage: 10Gi, database: app }

# monitoring: { serviceMonitor: true, alerts: true, dashboard: true }
# security: { networkPolicies: true, podSecurity: restricted }
# environments:
#   dev: { defaults: { replicas: 1, autoscale: false }, backing: { db: { storage: 1Gi } } }
`;
}
