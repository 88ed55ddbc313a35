/**
 * Names that reach an engine or a query language (database, keyspace, topic, bucket), checked as that
 * engine's identifier. kubeship quotes them where it can; these rules keep them out of places where a
 * name is spliced into SQL, CQL or a shell by the image's own entrypoint (MySQL's `CREATE DATABASE
 * \`$MYSQL_DATABASE\``), and out of Kubernetes' `$(VAR)` expansion.
 */

/** A SQL or MongoDB database name: letters, digits, `_` and `-`, starting with a letter or `_`, at most 63 (PostgreSQL's NAMEDATALEN). */
export function databaseNameProblem(name: string): string | undefined {
  if (name.length > 63) return "it is longer than 63 characters (PostgreSQL's limit; MongoDB's is 63 too)";
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name))
    return "use letters, digits, '_' and '-', starting with a letter or '_'";
  return undefined;
}

/** A Cassandra keyspace: letters, digits and `_`, starting with a letter, at most 48 characters. */
export function keyspaceProblem(name: string): string | undefined {
  if (name.length > 48) return "Cassandra keyspace names have at most 48 characters";
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
    return "use letters, digits and '_', starting with a letter (Cassandra)";
  return undefined;
}

/** A Kafka topic: `[A-Za-z0-9._-]`, at most 249 characters, not `.` or `..`. */
export function topicProblem(name: string): string | undefined {
  if (name === "" || name === "." || name === "..") return "Kafka refuses this topic name";
  if (name.length > 249) return "Kafka topic names have at most 249 characters";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return "Kafka topic names use only letters, digits, '.', '_' and '-'";
  return undefined;
}

/** An S3 bucket name (MinIO follows Amazon's rules): 3-63 of `[a-z0-9.-]`, alphanumeric at both ends, not an IP address. */
export function bucketProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "bucket names have 3 to 63 characters";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "bucket names use lower-case letters, digits, '.' and '-', and start and end with a letter or digit";
  if (name.includes("..") || name.includes(".-") || name.includes("-."))
    return "bucket names have no '..', '.-' or '-.'";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "a bucket name cannot look like an IP address";
  if (name.startsWith("xn--") || name.endsWith("-s3alias"))
    return "S3 reserves names starting xn-- and ending -s3alias";
  return undefined;
}
