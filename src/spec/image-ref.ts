/**
 * Container image references as the container runtime parses them (the distribution reference
 * grammar, github.com/distribution/reference): `[registry[:port]/]path[:tag][@algorithm:hex]`. The API
 * server stores any string; a reference this grammar refuses only fails on the node, as
 * InvalidImageName, after the rollout began.
 */

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/** A reference's parts, or a reason it is not one. */
export type ImageRef =
  | { readonly ok: true; readonly name: string; readonly tag?: string; readonly digest?: string }
  | { readonly ok: false; readonly problem: string };

/** Parses an image reference. */
export function parseImageRef(image: string): ImageRef {
  if (image.length > 255 + 128 + 80) return { ok: false, problem: "it is too long" };
  const m = REFERENCE.exec(image);
  if (m === null) {
    if (image !== image.trim()) return { ok: false, problem: "it has spaces around it" };
    if (/\$\{|\$\(/.test(image))
      return { ok: false, problem: "it holds a variable (${...}) that nothing expands" };
    if (
      /[A-Z]/.test(image.split(/[:@]/)[0]?.split("/").slice(1).join("/") ?? "") ||
      /^[^./:]*[A-Z]/.test(image)
    )
      return { ok: false, problem: "repository names are lower case" };
    return { ok: false, problem: "it is not an image reference ([registry/]name[:tag][@sha256:digest])" };
  }
  const name = m[1] === undefined ? (m[2] ?? "") : `${m[1]}/${m[2] ?? ""}`;
  if (name.length > 255) return { ok: false, problem: "the repository name is longer than 255 characters" };
  return {
    ok: true,
    name,
    ...(m[3] === undefined ? {} : { tag: m[3] }),
    ...(m[4] === undefined ? {} : { digest: m[4] }),
  };
}
