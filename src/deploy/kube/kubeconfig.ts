// client-node's KubeConfig, on its own: the cluster adapter imports this module when it connects, so
// that the bundler puts KubeConfig (and only what it needs of client-node) in a chunk that commands
// which never talk to a cluster do not load.
export { KubeConfig } from "@kubernetes/client-node";
