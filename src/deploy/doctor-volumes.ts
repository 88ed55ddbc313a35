import type { KubeObject } from "../render/kube-object.js";
import { asArray, asString, recordOf } from "../spec/plain-data.js";
import type { DoctorCheck } from "./doctor-check.js";
import type { Cluster, LiveObject } from "./kube/cluster.js";

/**
 * Provisioners known to offer ReadWriteMany (file systems over the network), and known to offer only
 * ReadWriteOnce (block disks, node-local paths). From each driver's documentation; a provisioner in
 * neither list is reported as unknown, not as a failure.
 */
const RWX_PROVISIONERS = [
  /nfs/i,
  /cephfs/i,
  /^efs\.csi\.aws\.com$/,
  /^file\.csi\.azure\.com$/,
  /^kubernetes\.io\/azure-file$/,
  /^filestore\.csi\.storage\.gke\.io$/,
  /^driver\.longhorn\.io$/,
  /^smb\.csi\.k8s\.io$/,
  /^csi\.trident\.netapp\.io$/,
  /glusterfs/i,
];
const RWO_ONLY_PROVISIONERS = [
  /^ebs\.csi\.aws\.com$/,
  /^kubernetes\.io\/aws-ebs$/,
  /^pd\.csi\.storage\.gke\.io$/,
  /^kubernetes\.io\/gce-pd$/,
  /^disk\.csi\.azure\.com$/,
  /^kubernetes\.io\/azure-disk$/,
  /^rancher\.io\/local-path$/,
  /^openebs\.io\/local$/,
  /^topolvm\.io$/,
  /^dobs\.csi\.digitalocean\.com$/,
];
/** A class of static volumes: what it offers is what its Available PersistentVolumes offer. */
const STATIC = "kubernetes.io/no-provisioner";

/**
 * For each app volume (a PersistentVolumeClaim kubeship writes): a StorageClass exists for it (its
 * own, or a default), and offers its access mode. ReadWriteOnce is offered by every class.
 */
export async function volumeChecks(cluster: Cluster, objects: readonly KubeObject[]): Promise<DoctorCheck[]> {
  const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim");
  if (claims.length === 0) return [];
  const classes = await cluster.list("storage.k8s.io/v1", "StorageClass", undefined);
  const defaults = classes.filter(
    (c) => c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
  );
  let volumes: LiveObject[] | undefined;
  const out: DoctorCheck[] = [];
  for (const claim of claims) {
    const spec = recordOf(claim["spec"]);
    const wanted = asString(spec.storageClassName);
    const mode = asString(asArray(spec.accessModes)[0]) ?? "ReadWriteOnce";
    const name = `volume ${claim.metadata.name}`;
    const cls = wanted === undefined ? defaults[0] : classes.find((c) => c.metadata.name === wanted);
    if (cls === undefined) {
      out.push({
        name,
        status: "fail",
        detail:
          wanted === undefined
            ? "no default StorageClass: the claim will stay Pending"
            : `no StorageClass ${wanted}: the claim will stay Pending`,
        fix: `set volumes.${claim.metadata.name}.storageClass to one of: ${classes.map((c) => c.metadata.name).join(", ") || "(none: install a storage provisioner)"}`,
      });
      continue;
    }
    const provisioner = asString(cls["provisioner"]) ?? "";
    const expandable =
      cls["allowVolumeExpansion"] === true ? "" : "; it cannot grow later (no allowVolumeExpansion)";
    if (mode === "ReadWriteOnce") {
      out.push({
        name,
        status: "ok",
        detail: `${cls.metadata.name} (${provisioner}) offers ReadWriteOnce${expandable}`,
      });
      continue;
    }
    if (provisioner === STATIC) {
      volumes ??= await cluster.list("v1", "PersistentVolume", undefined);
      const free = volumes.filter(
        (v) =>
          asString(recordOf(v["spec"]).storageClassName) === cls.metadata.name &&
          asString(recordOf(v["status"]).phase) === "Available" &&
          asArray(recordOf(v["spec"]).accessModes).includes(mode),
      );
      out.push(
        free.length > 0
          ? {
              name,
              status: "ok",
              detail: `${free.length} available ${mode} volume(s) of ${cls.metadata.name}`,
            }
          : {
              name,
              status: "fail",
              detail: `${cls.metadata.name} has static volumes only, and none available offers ${mode}`,
              fix: `create a PersistentVolume of class ${cls.metadata.name} with accessModes [${mode}] (an NFS export), or use a class that provisions ${mode}`,
            },
      );
    } else if (RWX_PROVISIONERS.some((p) => p.test(provisioner)))
      out.push({
        name,
        status: "ok",
        detail: `${cls.metadata.name} (${provisioner}) offers ${mode}${expandable}`,
      });
    else if (RWO_ONLY_PROVISIONERS.some((p) => p.test(provisioner)))
      out.push({
        name,
        status: "fail",
        detail: `${cls.metadata.name} (${provisioner}) offers block or node-local volumes: ReadWriteOnce only, not ${mode}`,
        fix: `set volumes.${claim.metadata.name}.storageClass to a network file system class (NFS, EFS, Azure Files, Filestore, CephFS)`,
      });
    else
      out.push({
        name,
        status: "warn",
        detail: `cannot tell whether ${cls.metadata.name} (${provisioner}) offers ${mode}`,
        fix: `check the driver's documentation; if it cannot, the claim stays Pending: set volumes.${claim.metadata.name}.storageClass to a class that can`,
      });
  }
  return out;
}
