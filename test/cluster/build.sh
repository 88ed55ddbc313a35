#!/usr/bin/env bash
# Builds the local test control plane from Go modules: kube-apiserver, kube-controller-manager and
# kube-scheduler from k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3, and kwok + kwokctl.
# Binaries are cached by version outside the checkout; only missing ones are built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${KUBESHIP_CLUSTER_CACHE:-$HOME/.cache/kubeship/test-cluster}
bin="$cache/k8s-v$K8S_VERSION-etcd-v$ETCD_VERSION-kwok-v$KWOK_VERSION/bin"
mkdir -p "$bin"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
log() { printf '[test-cluster build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

missing=()
for b in kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl; do
  [ -x "$bin/$b" ] || missing+=("$b")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "all binaries present in $bin"
  exit 0
fi
log "building: ${missing[*]} (a cold build takes many minutes on 2 cores)"

work="$cache/build"
mkdir -p "$work"

build_kube() {
  local mod="$work/kube-v$K8S_VERSION"
  mkdir -p "$mod"
  cp -r "$here/go/kube/." "$mod/"
  (
    cd "$mod"
    # Every staging module is a replace in k8s.io/kubernetes' own go.mod; point each at its published version.
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "module kubeship.test/kube"
      echo
      echo "go 1.24.0"
      echo
      echo "require k8s.io/kubernetes v$K8S_VERSION"
      echo
      grep -E '^\s+k8s\.io/[a-z-]+ => \./staging/' "$gomod" | awk -v m="$minor" -v p="${K8S_VERSION##*.}" '{print "replace " $1 " => " $1 " v0." m "." p}'
    } >go.mod
    log "resolving k8s.io/kubernetes v$K8S_VERSION modules"
    go mod tidy >/dev/null
    local pkg=k8s.io/component-base/version
    local ldflags="-s -w -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
    for b in kube-apiserver kube-controller-manager kube-scheduler; do
      [ -x "$bin/$b" ] && continue
      log "go build $b"
      go build -trimpath -ldflags "$ldflags" -o "$bin/$b.tmp" "./cmd/$b" && mv "$bin/$b.tmp" "$bin/$b"
    done
  )
}

build_etcd() {
  local mod="$work/etcd-v$ETCD_VERSION"
  mkdir -p "$mod"
  cp -r "$here/go/etcd/." "$mod/"
  (
    cd "$mod"
    printf 'module kubeship.test/etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" >go.mod
    go mod tidy >/dev/null
    log "go build etcd"
    go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" . && mv "$bin/etcd.tmp" "$bin/etcd"
  )
}

build_kwok() {
  for b in kwok kwokctl; do
    [ -x "$bin/$b" ] && continue
    log "go install sigs.k8s.io/kwok/cmd/$b@v$KWOK_VERSION"
    GOBIN="$bin" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/$b@v$KWOK_VERSION"
  done
}

[ -x "$bin/etcd" ] || build_etcd
build_kwok
build_kube
log "done: $bin"
